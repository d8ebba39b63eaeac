// Copies bytes out of wasm memory into a new Uint8Array, cheaply.
//
// V8 keeps a typed array of up to 64 bytes inside its own object, but gives a bigger
// one a separate backing store, and that allocation costs about 200 ns
// (bench/boundary.js: slice() of 64 bytes about 29 ns, of 65 bytes about 210 ns). So, as Node does for Buffer.allocUnsafe, copies of
// 65 bytes to 4 KiB are views into a shared 8 KiB slab; smaller and larger ones get
// their own memory. A slab is freed once no view of it is left.
import { newBytes } from '../new-bytes.js';

const SLAB_SIZE = 8192;
const SMALL = 64;
const POOLED = SLAB_SIZE >>> 1;

let slab = new ArrayBuffer(SLAB_SIZE);
let slabBytes = new Uint8Array(slab);
let used = 0;

export function copyOut(u8, start, length) {
  if (length === 0) return new Uint8Array(0); // empty fields, and external payloads' stand-ins: slice costs more
  if (length <= SMALL) return u8.slice(start, start + length);
  if (length > POOLED) {
    // Measured: allocating and then setting beats slice() by about 15% at 64 KiB,
    // and more where newBytes() need not zero the memory (Node).
    const out = newBytes(length);
    out.set(u8.subarray(start, start + length));
    return out;
  }
  if (used + length > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    slabBytes = new Uint8Array(slab);
    used = 0;
  }
  const offset = used;
  slabBytes.set(u8.subarray(start, start + length), offset);
  used = (offset + length + 7) & ~7;
  return new Uint8Array(slab, offset, length);
}
