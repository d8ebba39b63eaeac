// newBytes(length): a Uint8Array of `length` bytes that the caller overwrites
// entirely before anyone else sees it. Its contents start undefined, so every byte
// must be written: use it only for copies.
import { isNode } from './environment.js';
import { newBytes as browserNewBytes } from './new-bytes-browser.js';

export const newBytes = isNode ? (await import('./new-bytes-node.js')).newBytes : browserNewBytes;
