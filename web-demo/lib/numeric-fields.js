// Numbers inside a message payload, for the charts and the inspector.
//   numericFields(payload)      -> [{ field, value }]: field '' when the whole payload is a
//                                  number ("21.5"), else a JSON path: 'temperature', 'a.b',
//                                  'list.0'. At most MAX_FIELDS, objects nested to MAX_DEPTH.
//   parseNumeric(payload)       -> the payload as a number, a parsed JSON object/array, or
//                                  undefined (not numeric, not JSON). Parse once per message,
//   valueAt(parsed, field)      -> then read each plotted field from it: a finite number
//                                  or undefined.
// payload is a Uint8Array (a string is accepted too). Booleans and numeric strings inside
// JSON are not numbers here.

export const MAX_FIELDS = 64;
export const MAX_DEPTH = 8;
const MAX_BYTES = 256 * 1024;  // bigger payloads are not searched for numbers

const decoder = new TextDecoder();
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

export function parseNumeric(payload) {
  if (payload === undefined || payload === null) return undefined;
  if (typeof payload !== 'string' && payload.length > MAX_BYTES) return undefined;
  const text = (typeof payload === 'string' ? payload : decoder.decode(payload)).trim();
  if (!text) return undefined;
  if (NUMBER.test(text)) {
    const n = Number(text);
    return Number.isFinite(n) ? n : undefined;
  }
  const first = text[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function valueAt(parsed, field) {
  let value = parsed;
  if (field !== '') {
    for (const key of field.split('.')) {
      if (value === null || typeof value !== 'object') return undefined;
      value = value[key];
    }
  }
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function numericFields(payload) {
  const parsed = parseNumeric(payload);
  if (typeof parsed === 'number') return [{ field: '', value: parsed }];
  const found = [];
  if (parsed !== null && typeof parsed === 'object') collect(parsed, '', 0, found);
  return found;
}

function collect(value, path, depth, found) {
  for (const [key, child] of Object.entries(value)) {
    if (found.length >= MAX_FIELDS) return;
    // A key with a '.' could not be read back by valueAt: leave it out.
    if (key.includes('.') || key === '') continue;
    const field = path ? `${path}.${key}` : key;
    if (typeof child === 'number') {
      if (Number.isFinite(child)) found.push({ field, value: child });
    } else if (child !== null && typeof child === 'object' && depth + 1 < MAX_DEPTH) {
      collect(child, field, depth + 1, found);
    }
  }
}
