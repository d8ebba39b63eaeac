// How `mqtt-wasm sub` prints a message:
//   plain      the payload's bytes, then a newline (none with -N)
//   -v         the topic, a space, the payload, a newline (none with -N)
//   --json     one JSON object a line:
//              {"topic":"a/b","payload":"21.5","payloadEncoding":"utf8","qos":1,"retain":false,"properties":{}}
//              payloadEncoding is "utf8" when the payload is valid UTF-8, else "base64"
//              and payload is its base64; binary properties (correlationData) are base64.
import { Buffer } from 'node:buffer';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(bytes) {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

function jsonProperties(properties) {
  const out = {};
  for (const [name, value] of Object.entries(properties ?? {})) {
    if (value === undefined) continue;
    out[name] = value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') : value;
  }
  return out;
}

/** The JSON line of a message (with its newline). */
export function jsonLine(topic, payload, packet) {
  const decoded = text(payload);
  return `${JSON.stringify({
    topic,
    payload: decoded ?? Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64'),
    payloadEncoding: decoded === null ? 'base64' : 'utf8',
    qos: packet.qos ?? 0,
    retain: packet.retain === true,
    properties: jsonProperties(packet.properties),
  })}\n`;
}

/**
 * The printer for the chosen format: print(topic, payload, packet) returns what to write
 * (a Buffer: the payload's bytes go out as they came).
 */
export function messagePrinter({ verbose = false, json = false, newline = true } = {}) {
  if (json) return (topic, payload, packet) => Buffer.from(jsonLine(topic, payload, packet));
  const end = newline ? Buffer.from('\n') : Buffer.alloc(0);
  return (topic, payload) => Buffer.concat([verbose ? Buffer.from(`${topic} `) : Buffer.alloc(0), payload, end]);
}
