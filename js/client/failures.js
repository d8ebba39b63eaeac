// The errors a connection attempt or a connection ends with, as MqttError: reasonCode is
// always an MQTT 5.0 reason code (3.1.1's CONNACK return codes are mapped to theirs),
// `code` is the same number, or the socket's error code (ECONNREFUSED ...) as MQTT.js
// users check it, and `cause` is the transport's own error.
import { MqttError } from '../errors.js';
import { describeReasonCode, reasonCodeName } from '../reason-codes.js';

const UNSPECIFIED = 0x80;
const SERVER_UNAVAILABLE = 0x88;

// 3.1.1 CONNACK return codes [MQTT-3.2.3] and the 5.0 reason codes that say the same.
const RETURN_CODES = {
  1: [0x84, 'unacceptable protocol version'],
  2: [0x85, 'identifier rejected'],
  3: [0x88, 'server unavailable'],
  4: [0x86, 'bad user name or password'],
  5: [0x87, 'not authorized'],
};

export function refusalError(connack, code, version) {
  if (version !== 5 && RETURN_CODES[code]) {
    const [reasonCode, text] = RETURN_CODES[code];
    return new MqttError(reasonCode, `connection refused: ${text} (CONNACK return code ${code})`,
      { code: reasonCode, returnCode: code, packet: connack });
  }
  return new MqttError(code, `connection refused: ${describeReasonCode(code, 'CONNACK reason code')}${saying(connack)}`,
    { code, packet: connack });
}

export function timeoutError(ms) {
  return new MqttError(SERVER_UNAVAILABLE, `connack timeout: no CONNACK within ${ms} ms (connectTimeout)`,
    { code: SERVER_UNAVAILABLE });
}

export function transportError(err) {
  const code = typeof err?.code === 'string' ? err.code : typeof err?.cause?.code === 'string' ? err.cause.code : SERVER_UNAVAILABLE;
  return new MqttError(SERVER_UNAVAILABLE, err?.message ?? String(err), { code, cause: err });
}

export function lostBeforeConnackError() {
  return new MqttError(SERVER_UNAVAILABLE, 'the connection closed before CONNACK', { code: SERVER_UNAVAILABLE });
}

// The core closed the connection for a reason of its own (the server broke the
// protocol, the keepalive found it dead, a packet too large ...).
export function closeError(code, text) {
  const c = code >= 0x80 ? code : UNSPECIFIED;
  return new MqttError(c, text || reasonCodeName(c), { code: c });
}

export function requestError(code, text) {
  return new MqttError(code, text || reasonCodeName(code), { code });
}

// SUBACK refused a filter (0x80 and up): as MQTT.js, subscribe() rejects. The error
// carries the first refusal's reason code, `granted` ([{ topic, qos }] for every
// filter, a refusal's code in place of its QoS) and the SUBACK.
export function subscribeRefusedError(refused, granted, packet) {
  const c = refused.qos;
  return new MqttError(c, `subscribe refused by the server for "${refused.topic}": ${describeReasonCode(c, 'reason code')}${saying(packet)}`,
    { code: c, granted, packet });
}

// A 5.0 PUBACK or PUBREC refused a publish (0x80 and up). The error carries the packet,
// whose properties.reasonString is the server's own words, if it sent any.
export function publishRefusedError(code, packet) {
  return new MqttError(code, `publish refused by the server: ${describeReasonCode(code, 'reason code')}${saying(packet)}`,
    { code, packet });
}

// ": <the packet's reason string>", or nothing when it has none.
function saying(packet) {
  const reason = packet?.properties?.reasonString;
  return reason ? `: ${reason}` : '';
}
