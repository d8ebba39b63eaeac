// Browsers and workers have no uninitialised allocation.
export function newBytes(length) {
  return new Uint8Array(length);
}
