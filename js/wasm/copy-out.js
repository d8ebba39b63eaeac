// Copies bytes out of wasm memory into a new Uint8Array, cheaply.
//
// V8 keeps a typed array of up to 64 bytes inside its own object, but gives a bigger
// one a separate backing store, and that allocation costs about 200 ns
// (bench/boundary.js: slice() of 64 bytes about 29 ns, of 65 bytes about 210 ns). So in
// Node, as Node does for Buffer.allocUnsafe, copies of 65 bytes to 4 KiB are views into
// a shared 8 KiB slab, which Node lets no postMessage detach (slab-node.js); smaller and
// larger ones get their own memory. A slab is freed once no view of it is left.
// Browsers cannot protect a slab: transferring one view's buffer to a worker would
// empty every other view of it, so there every copy has its own memory.
import { isNode } from '../environment.js';
import { newBytes } from '../new-bytes.js';

const SLAB_SIZE = 8192;
const SMALL = 64;
const POOLED = isNode ? SLAB_SIZE >>> 1 : 0;
const newSlab = isNode ? (await import('./slab-node.js')).newSlab : null;

let slab = null;
let slabBytes = null;
let used = SLAB_SIZE;

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
    slab = newSlab(SLAB_SIZE);
    slabBytes = new Uint8Array(slab);
    used = 0;
  }
  const offset = used;
  slabBytes.set(u8.subarray(start, start + length), offset);
  used = (offset + length + 7) & ~7;
  return new Uint8Array(slab, offset, length);
}
