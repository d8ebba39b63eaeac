// MQTT 5.0 PUBLISH properties (mqtt-packet shape) as rows for the inspector.
//   formatProperties(properties) -> { rows: [{ label, value }], user: [[name, value]] }
//     rows: content type, response topic, correlation data (text when it is printable
//     UTF-8, else hex), message expiry, payload format, then any other property;
//     user: the user properties, one pair per value (a name may repeat).
//   Both are empty when there are no properties (a 3.1.1 message).
import { hexString, textOrNull } from '../lib/bytes.js';

const KNOWN = [
  ['contentType', 'Content type', String],
  ['responseTopic', 'Response topic', String],
  ['correlationData', 'Correlation data', bytesText],
  ['messageExpiryInterval', 'Message expiry', (s) => `${s} s`],
  ['payloadFormatIndicator', 'Payload format', (v) => (v === true || v === 1 ? '1 (UTF-8 text)' : '0 (bytes)')],
  ['topicAlias', 'Topic alias', String],
  ['subscriptionIdentifier', 'Subscription id', (v) => (Array.isArray(v) ? v.join(', ') : String(v))],
];

export function formatProperties(properties) {
  const rows = [];
  const user = [];
  if (!properties || typeof properties !== 'object') return { rows, user };
  for (const [key, label, format] of KNOWN) {
    if (properties[key] !== undefined && properties[key] !== null) rows.push({ label, value: format(properties[key]) });
  }
  for (const [key, value] of Object.entries(properties)) {
    if (key === 'userProperties' || value === undefined || KNOWN.some(([k]) => k === key)) continue;
    rows.push({ label: key, value: value instanceof Uint8Array ? bytesText(value) : typeof value === 'object' ? JSON.stringify(value) : String(value) });
  }
  for (const [name, value] of Object.entries(properties.userProperties ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) user.push([name, String(one)]);
  }
  return { rows, user };
}

/** Bytes as text when they are printable UTF-8, else as hex ('hex: 0a ff'). */
export function bytesText(bytes) {
  if (typeof bytes === 'string') return bytes;
  if (!(bytes instanceof Uint8Array)) return String(bytes);
  return textOrNull(bytes) ?? `hex: ${hexString(bytes)}`;
}
