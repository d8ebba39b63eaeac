// A payload as the inspector shows it: pretty JSON, UTF-8 text or a hex dump. Results are
// cached per payload (a WeakMap on the Uint8Array), so re-rendering the same message, or
// diffing the history, parses each payload once.
//   parseJson(payload)          -> { ok: true, value } | { ok: false }
//   payloadText(payload)        -> the UTF-8 text (invalid bytes become U+FFFD)
//   defaultView(payload)        -> 'json' (an object or array), 'text' (UTF-8) or 'hex'
//   renderPayload(payload, view, { hexWidth = 16 }) -> { view, text, note }: `view` is what
//     was shown (JSON falls back to text when the payload is not JSON); `note` says what
//     was cut, or ''. hexWidth: bytes per hex line (8 for a narrow panel).
import { hexDump } from './hex-dump.js';
import { textOrNull } from '../lib/bytes.js';

export const TEXT_LIMIT = 100_000;      // characters shown in the JSON and Text views
export const HEX_LIMIT = 4096;          // bytes shown in the Hex view
const JSON_LIMIT = 4 * 1024 * 1024;     // bigger payloads are not parsed

const cache = new WeakMap();
const lenient = new TextDecoder();

function entry(payload) {
  let e = cache.get(payload);
  if (!e) cache.set(payload, (e = {}));
  return e;
}

export function parseJson(payload) {
  const e = entry(payload);
  if (!e.json) {
    e.json = { ok: false };
    if (payload.length && payload.length <= JSON_LIMIT) {
      try {
        e.json = { ok: true, value: JSON.parse(payloadText(payload)) };
      } catch {
        // not JSON
      }
    }
  }
  return e.json;
}

export function payloadText(payload) {
  const e = entry(payload);
  if (e.text === undefined) e.text = lenient.decode(payload);
  return e.text;
}

export function defaultView(payload) {
  if (!payload.length) return 'text';
  const json = parseJson(payload);
  if (json.ok && json.value !== null && typeof json.value === 'object') return 'json';
  return textOrNull(payload) !== null ? 'text' : 'hex';
}

export function renderPayload(payload, view, { hexWidth = 16 } = {}) {
  if (!payload.length) return { view: view === 'hex' ? 'hex' : 'text', text: '', note: 'Empty payload' };
  if (view === 'hex') {
    const e = entry(payload);
    if (e.hexWidth !== hexWidth) {
      e.hex = hexDump(payload, { maxBytes: HEX_LIMIT, width: hexWidth });
      e.hexWidth = hexWidth;
    }
    const { text, shown, total, truncated } = e.hex;
    return { view, text, note: truncated ? `Showing the first ${shown} of ${total} bytes` : '' };
  }
  if (view === 'json') {
    const json = parseJson(payload);
    if (json.ok) {
      const e = entry(payload);
      e.pretty ??= JSON.stringify(json.value, null, 2);
      return cut('json', e.pretty);
    }
    const shown = cut('text', payloadText(payload));
    return { ...shown, note: ['Not JSON: shown as text', shown.note].filter(Boolean).join('. ') };
  }
  return cut('text', payloadText(payload));
}

function cut(view, text) {
  if (text.length <= TEXT_LIMIT) return { view, text, note: '' };
  return { view, text: text.slice(0, TEXT_LIMIT), note: `Showing the first ${TEXT_LIMIT} of ${text.length} characters` };
}
