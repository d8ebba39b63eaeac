// What the packet writers (js/wasm/tape-write.js, js/client/wire-write.js) and readers
// (js/wasm/tape-read.js, js/client/wire-read.js) share about packet objects' fields:
// the type checks of a field given, with messages that name it, and how a repeated
// property is kept.
import { MqttError, shown } from './errors.js';

export function invalid(message) {
  return new MqttError(0x81, message);
}

// `name` and `owner` make the message only when it is needed: building it for every
// valid field would cost a string per field.
export function integer(value, name, min, max, owner) {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${owner ? `${owner} ` : ''}${name} must be an integer from ${min} to ${max}, not ${shown(value)}`);
  }
  return value;
}

export function bytesOf(value, name) {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw invalid(`${name} must be a string, Uint8Array, ArrayBufferView or ArrayBuffer`);
}

// A User Property value as it is sent: a string, or a number or boolean as its text (as
// mqtt-packet writes them). Anything else is a mistake, not the text "null" or
// "[object Object]".
export function userPropertyValue(key, value) {
  const type = typeof value;
  if (type === 'string') return value;
  if (type === 'number' || type === 'boolean' || type === 'bigint') return String(value);
  const what = value === null ? 'null' : type === 'object' ? 'an object' : type;
  throw invalid(`userProperties.${key} must be a string, a number or an array of them, not ${what}`);
}

// userProperties as both writers take them: a plain object of name: value or [values]
// (a Map's or an array's entries would not be its own properties, and go unsent).
export function checkUserProperties(map) {
  if (typeof map === 'object' && map !== null && !Array.isArray(map) && !(map instanceof Map)) return;
  const what = map instanceof Map ? 'a Map' : Array.isArray(map) ? 'an array' : shown(map);
  throw invalid(`userProperties must be an object of name: value or [values], not ${what}`);
}

// Adds `value` under `name`, as mqtt-packet gives a property that comes more than once
// (a PUBLISH's subscription identifiers, a user property's values): an array.
export function addRepeatable(into, name, value) {
  const existing = into[name];
  if (existing === undefined) into[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else into[name] = [existing, value];
}
