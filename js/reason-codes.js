// The reason codes of MQTT 5.0 (section 2.4), by value, and a code as messages say it:
//   reasonCodeName(0x86)                            'Bad User Name or Password'
//   describeReasonCode(0x86)                        'Bad User Name or Password (0x86)'
//   describeReasonCode(0x86, 'CONNACK reason code') 'Bad User Name or Password (CONNACK reason code 0x86)'
// (describeReasonCode is for this package's own messages: the entries do not export it.)
export const REASON_CODES = Object.freeze({
  0x00: 'Success',
  0x01: 'Granted QoS 1',
  0x02: 'Granted QoS 2',
  0x04: 'Disconnect with Will Message',
  0x10: 'No matching subscribers',
  0x11: 'No subscription existed',
  0x18: 'Continue authentication',
  0x19: 'Re-authenticate',
  0x80: 'Unspecified error',
  0x81: 'Malformed Packet',
  0x82: 'Protocol Error',
  0x83: 'Implementation specific error',
  0x84: 'Unsupported Protocol Version',
  0x85: 'Client Identifier not valid',
  0x86: 'Bad User Name or Password',
  0x87: 'Not authorized',
  0x88: 'Server unavailable',
  0x89: 'Server busy',
  0x8a: 'Banned',
  0x8b: 'Server shutting down',
  0x8c: 'Bad authentication method',
  0x8d: 'Keep Alive timeout',
  0x8e: 'Session taken over',
  0x8f: 'Topic Filter invalid',
  0x90: 'Topic Name invalid',
  0x91: 'Packet Identifier in use',
  0x92: 'Packet Identifier not found',
  0x93: 'Receive Maximum exceeded',
  0x94: 'Topic Alias invalid',
  0x95: 'Packet too large',
  0x96: 'Message rate too high',
  0x97: 'Quota exceeded',
  0x98: 'Administrative action',
  0x99: 'Payload format invalid',
  0x9a: 'Retain not supported',
  0x9b: 'QoS not supported',
  0x9c: 'Use another server',
  0x9d: 'Server moved',
  0x9e: 'Shared Subscriptions not supported',
  0x9f: 'Connection rate exceeded',
  0xa0: 'Maximum connect time',
  0xa1: 'Subscription Identifiers not supported',
  0xa2: 'Wildcard Subscriptions not supported',
});

export function reasonCodeName(code) {
  return REASON_CODES[code] ?? 'Unknown reason code';
}

/**
 * A reason code in words: its name, then in parentheses the code in two hex digits,
 * after `label` when one is given ('reason code' gives "Not authorized (reason code 0x87)").
 */
export function describeReasonCode(code, label) {
  const hex = `0x${code.toString(16).padStart(2, '0')}`;
  return `${reasonCodeName(code)} (${label ? `${label} ${hex}` : hex})`;
}
