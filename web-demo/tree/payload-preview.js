// A payload in one short line, for a tree row:
//   previewPayload(payload, maxChars = 60) -> { text, binary }
// UTF-8 text is decoded (only the first bytes are looked at), line breaks and tabs become
// spaces, and text longer than maxChars is cut with '…'. A payload that is not UTF-8 text
// (invalid UTF-8, or control characters other than line breaks and tabs) is shown as the
// hex of its first bytes and its size: '00 ff 1a … (312 B)'. An empty payload is '(empty)'.
const decoder = new TextDecoder('utf-8', { fatal: true });
const HEX_BYTES = 12;
// C0 controls other than \t \n \r, DEL and the C1 controls: not text.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export function previewPayload(payload, maxChars = 60) {
  if (!payload || payload.length === 0) return { text: '(empty)', binary: false };
  const text = decodeStart(payload, maxChars * 4 + 4);
  if (text === undefined || CONTROL.test(text)) return { text: hexPreview(payload), binary: true };
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length > maxChars) return { text: `${line.slice(0, maxChars - 1)}…`, binary: false };
  return { text: line, binary: false };
}

// Decodes at most `limit` bytes; a cut in the middle of a character is retried shorter.
function decodeStart(payload, limit) {
  if (payload.length <= limit) return tryDecode(payload);
  for (let end = limit; end > limit - 4; end -= 1) {
    const text = tryDecode(payload.subarray(0, end));
    if (text !== undefined) return `${text}…`;
  }
  return undefined;
}

function tryDecode(bytes) {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

function hexPreview(payload) {
  const shown = payload.subarray(0, HEX_BYTES);
  let hex = '';
  for (let i = 0; i < shown.length; i += 1) hex += `${i ? ' ' : ''}${shown[i].toString(16).padStart(2, '0')}`;
  const more = payload.length > HEX_BYTES ? ' …' : '';
  return `${hex}${more} (${payload.length} B)`;
}
