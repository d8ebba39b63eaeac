// A plain Uint8Array over the caller's bytes: payloads are made from it, and a Node
// Buffer's slice() would be a view where a copy is meant. `what` names the call for
// the error.
export function asBytes(chunk, what = 'push()') {
  if (chunk instanceof Uint8Array) {
    return chunk.constructor === Uint8Array ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new TypeError(`${what} takes a Uint8Array, an ArrayBufferView or an ArrayBuffer`);
}
