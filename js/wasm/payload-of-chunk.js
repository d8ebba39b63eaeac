import { copyOut } from './copy-out.js';

/**
 * A payload at `start` in the caller's `chunk`: with zero-copy, a view of the chunk
 * when the payload is big enough to be worth pinning the chunk's buffer (at least a
 * sixteenth of it: all 64 KiB payloads of a 1 MiB read), as mqtt-packet does;
 * otherwise a copy.
 */
export function payloadOfChunk(chunk, start, len, zeroCopy) {
  if (zeroCopy && len * 16 >= chunk.buffer.byteLength) {
    return new Uint8Array(chunk.buffer, chunk.byteOffset + start, len);
  }
  return copyOut(chunk, start, len);
}
