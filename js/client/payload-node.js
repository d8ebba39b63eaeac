// Node: a received payload as a Buffer over the same bytes (see payload.js).
import { Buffer } from 'node:buffer';

export function messagePayload(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
