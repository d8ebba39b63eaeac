// A payload in one short line, for a tree row:
//   previewPayload(payload, maxChars = 60) -> { text, binary }
// UTF-8 text is decoded (only the first bytes are looked at), line breaks and tabs become
// spaces, and text longer than maxChars is cut with '…'. A payload that is not UTF-8 text
// (invalid UTF-8, or control characters other than line breaks and tabs) is shown as the
// hex of its first bytes and its size: '00 ff 1a … (312 B)'. An empty payload is '(empty)'.
import { hexString, isReadable, utf8OrNull } from '../lib/bytes.js';

const HEX_BYTES = 12;

export function previewPayload(payload, maxChars = 60) {
  if (!payload || payload.length === 0) return { text: '(empty)', binary: false };
  const text = decodeStart(payload, maxChars * 4 + 4);
  if (text === null || !isReadable(text)) return { text: hexPreview(payload), binary: true };
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length > maxChars) return { text: `${line.slice(0, maxChars - 1)}…`, binary: false };
  return { text: line, binary: false };
}

// Decodes at most `limit` bytes; a cut in the middle of a character is retried shorter.
function decodeStart(payload, limit) {
  if (payload.length <= limit) return utf8OrNull(payload);
  for (let end = limit; end > limit - 4; end -= 1) {
    const text = utf8OrNull(payload.subarray(0, end));
    if (text !== null) return `${text}…`;
  }
  return null;
}

function hexPreview(payload) {
  return `${hexString(payload, { maxBytes: HEX_BYTES })} (${payload.length} B)`;
}
