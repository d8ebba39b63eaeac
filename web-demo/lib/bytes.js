// Payload bytes as people read them, for the tree's rows and the inspector: UTF-8 text
// when they are text, else hex.
//   utf8OrNull(bytes)     the bytes as UTF-8, or null when they are not valid UTF-8
//   isReadable(text)      no control characters but line breaks and tabs
//   textOrNull(bytes)     valid UTF-8 and readable, else null
//   hex2(byte)            '0a'
//   hexString(bytes, { maxBytes = 64 })  '0a ff 10', with ' …' when cut
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
// C0 controls other than \t \n \r, DEL and the C1 controls: not text.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export function utf8OrNull(bytes) {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

export const isReadable = (text) => !CONTROL.test(text);

export function textOrNull(bytes) {
  const text = utf8OrNull(bytes);
  return text !== null && isReadable(text) ? text : null;
}

export const hex2 = (b) => (b < 16 ? '0' : '') + b.toString(16);

export function hexString(bytes, { maxBytes = 64 } = {}) {
  const parts = [];
  const n = Math.min(bytes.length, maxBytes);
  for (let i = 0; i < n; i++) parts.push(hex2(bytes[i]));
  return parts.join(' ') + (bytes.length > n ? ' …' : '');
}
