// Browsers: a received payload is the Uint8Array itself (see payload.js).
export function messagePayload(bytes) {
  return bytes;
}
