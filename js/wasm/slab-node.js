// Node: the shared slab of copy-out.js, marked untransferable, as Node marks its own
// Buffer pool: postMessage(bytes, [bytes.buffer]) then copies the view instead of
// detaching the slab under every other view of it.
import { markAsUntransferable } from 'node:worker_threads';

export function newSlab(size) {
  const slab = new ArrayBuffer(size);
  markAsUntransferable(slab);
  return slab;
}
