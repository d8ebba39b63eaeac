// A seeded generator of random VALID MQTT packets, as mqtt-packet-shaped objects, for
// the differential tests (differential.test.js). One maker per packet type, for
// protocol levels 3 (3.1), 4 (3.1.1) and 5 (5.0). Every value respects the rules of
// its packet and level, so every codec that follows the spec must accept it:
//   - only the properties table 2-4 of 5.0 allows in each packet (and in a will),
//     each at most once, except Subscription Identifier in PUBLISH [MQTT-3.3.4-3]
//     and User Property;
//   - Topic Alias, Receive Maximum, Maximum Packet Size and Subscription Identifier
//     >= 1; Maximum QoS and the boolean-like bytes 0 or 1; Authentication Data only
//     with an Authentication Method;
//   - topic names non-empty and without wildcards [MQTT-4.7.3-1] [MQTT-3.3.2-2],
//     except a 5.0 PUBLISH with a Topic Alias, which may leave the name empty;
//     topic filters with '+' alone in a level and '#' alone in the last level
//     [MQTT-4.7.1-1/2]; 5.0 shared filters `$share/{group}/{filter}` with no No Local
//     [MQTT-3.8.3-4];
//   - strings of any Unicode scalar values (multi-byte, astral, a leading U+FEFF),
//     never U+0000 [MQTT-1.5.4-2] nor a lone surrogate [MQTT-1.5.4-1];
//   - packet identifiers 1..65535 [MQTT-2.2.1-3]; DUP only with QoS > 0;
//   - reason codes the spec defines for the packet; Session Present only with 0;
//   - CONNECT: 3.1 client identifiers of 1 to 23 characters, an empty one only
//     with a clean session in 3.1.1 [MQTT-3.1.3-7]; no password without a user name
//     before 5.0 (3.1.1 [MQTT-3.1.2-22]); bridgeMode only before 5.0, which has no
//     such level bit.
// Fields with a default are sometimes left out, and byte-like inputs are sometimes
// given as strings, ArrayBuffers or DataViews, as the encoder accepts them.
//
// Only valid packets are made, so the cases where mqtt-packet is looser than the spec
// never come up. Its generate() writes, without a word: wildcards in topic names,
// an empty topic without a Topic Alias, packet identifier 0, DUP on QoS 0, Topic
// Alias 0, Maximum QoS 2, properties a packet may not carry, Authentication Data
// without a method, No Local on a shared subscription, U+0000 in strings, a lone
// surrogate as U+FFFD, SUBACK code 3; and it silently drops (or garbles) what 3.1.1
// cannot carry: properties, ack reason codes, nl/rap/rh, a subscription QoS of 3
// (written as 0). Its parser takes "MQTT" with level 3. This codec refuses all of
// these (codec-api.test.js and the Catch2 suites check the refusals).
//
// mqttPacketCannot() names the valid packets that mqtt-packet mishandles, so that the
// tests skip mqtt-packet (only) for them.

export function makeRandom(seed) {
  let state = seed >>> 0;
  // mulberry32: small, fast and good enough for test data.
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const r = {
    float: () => next() / 0x100000000,
    int: (min, max) => min + Math.floor(r.float() * (max - min + 1)),
    bool: (p = 0.5) => r.float() < p,
    pick: (list) => list[Math.floor(r.float() * list.length)],
    // An integer in [min, max], often one of the values where encodings change size.
    edgy(min, max) {
      if (r.bool(0.7)) return r.int(min, max);
      const edges = [min, min + 1, max - 1, max, 127, 128, 255, 256, 16383, 16384, 65535, 65536, 2097151, 2097152,
        268435455, 0x7fffffff, 0x80000000];
      const inRange = edges.filter((e) => e >= min && e <= max);
      return r.pick(inRange);
    },
    bytes(max) {
      const out = new Uint8Array(r.int(0, max));
      for (let i = 0; i < out.length; i++) out[i] = next() & 0xff;
      return out;
    },
  };
  return r;
}

// ---------------------------------------------------------------- strings

const ASCII = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_. ~!$%&()*,;:=?@[]{}|\'"<>\\^`';

// One Unicode scalar value from a mix of classes. Never U+0000 and never a surrogate
// code point. Control characters and noncharacters are valid MQTT strings (receivers
// only MAY refuse them), so they come up too, rarely.
function codePoint(r) {
  const k = r.float();
  if (k < 0.55) return ASCII.charCodeAt(r.int(0, ASCII.length - 1));
  if (k < 0.62) return r.int(0xa0, 0xff); // Latin-1: two bytes
  if (k < 0.72) return r.int(0x100, 0x7ff); // two bytes
  if (k < 0.82) return r.bool() ? r.int(0x800, 0xd7ff) : r.int(0xe000, 0xfffd); // three bytes
  if (k < 0.93) return r.int(0x10000, 0x10ffff); // astral: a surrogate pair in JS, four bytes in UTF-8
  if (k < 0.96) return r.pick([0xfeff, 0xfffe, 0xffff, 0x7ff, 0x800, 0xffff, 0x10000, 0x10ffff]);
  return r.bool() ? r.int(0x01, 0x1f) : r.int(0x7f, 0x9f); // control characters
}

// A string of up to `max` code points, none of them in `banned`.
function text(r, max = 8, banned = '') {
  const n = r.bool(0.03) ? r.int(100, 300) : r.int(0, max); // long ones pass the string caches' 256-byte limit
  let s = r.bool(0.03) ? '\ufeff' : ''; // a leading BOM is part of the string [MQTT-1.5.4-3]
  while (s.length < n) {
    const c = String.fromCodePoint(codePoint(r));
    if (!banned.includes(c)) s += c;
  }
  return s;
}

const nonEmpty = (r, max = 8, banned = '') => text(r, max, banned) || 'x';

function level(r) {
  return text(r, 6, '/+#');
}

// A topic name: levels separated by '/', possibly empty ones, no wildcards, at least
// one character.
export function topicName(r) {
  if (r.bool(0.05)) return `$SYS/${level(r)}`;
  const parts = [];
  for (let i = r.int(1, 5); i > 0; i--) parts.push(level(r));
  return parts.join('/') || nonEmpty(r, 4, '/+#');
}

export function topicFilter(r, version) {
  if (r.bool(0.05)) return r.pick(['#', '+', '/', '+/+', '/#', '+/#', '#', 'a/+/b/#', '//', '$SYS/#']);
  const parts = [];
  for (let i = r.int(1, 5); i > 0; i--) parts.push(r.bool(0.25) ? '+' : level(r));
  if (r.bool(0.2)) parts.push('#');
  const filter = parts.join('/') || '#';
  // 5.0 shared subscriptions; before 5.0 `$share/...` is an ordinary filter.
  if (r.bool(version === 5 ? 0.15 : 0.03)) return `$share/${nonEmpty(r, 5, '/+#')}/${filter}`;
  return filter;
}

// ---------------------------------------------------------------- binary and booleans

// Bytes as the encoder accepts them: mostly Uint8Array, sometimes a string, an
// ArrayBuffer or a DataView. (Tests turn the non-Buffer kinds into Buffers for
// mqtt-packet, whose generate() calls Buffer methods.)
function binary(r, max) {
  const k = r.float();
  if (k < 0.1) return text(r, max >> 1);
  const bytes = r.bytes(max);
  if (k < 0.15) return bytes.buffer;
  if (k < 0.2) return new DataView(bytes.buffer);
  return bytes;
}

// A byte property that mqtt-packet reads as a boolean: the encoder takes a boolean or 0/1.
const flag = (r) => (r.bool(0.2) ? r.int(0, 1) : r.bool());

// Payload sizes cross the 1-to-2 and 2-to-3 byte Remaining Length boundaries and the
// copy paths of the decoder (<= 64 bytes, pooled up to 4 KiB, own buffer above; a
// payload of more than 4096 bytes stays out of wasm memory).
function payload(r, utf8) {
  if (utf8) return r.bool(0.5) ? text(r, 40) : new TextEncoder().encode(text(r, 40));
  const k = r.float();
  if (k < 0.01) return r.bytes(17000);
  if (k < 0.05) return r.bytes(r.pick([4096, 4097, 5000]));
  if (k < 0.08) return text(r, 30);
  return r.bytes(r.pick([0, 8, 64, 300]));
}

// ---------------------------------------------------------------- properties

function userProperties(r) {
  // Sometimes a null-prototype object, as decoded packets have them.
  const props = r.bool(0.3) ? Object.create(null) : {};
  for (let n = r.int(1, 4); n > 0; n--) {
    const name = r.bool(0.08) ? r.pick(['__proto__', 'constructor', 'toString', 'length', 'topic', '']) : text(r, 6);
    let value;
    const k = r.float();
    if (k < 0.2) {
      // A name sent several times. A first value that is empty is rare: mqtt-packet
      // cannot parse it (see mqttPacketCannot()).
      value = [r.bool(0.05) ? '' : nonEmpty(r, 6)];
      for (let m = r.int(1, 3); m > 0; m--) value.push(text(r, 6));
    } else if (k < 0.23) {
      value = r.int(0, 99999); // mqtt-packet and this codec send its toString()
    } else {
      value = text(r, 8);
    }
    Object.defineProperty(props, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return props;
}

const MAKERS = {
  payloadFormatIndicator: flag,
  messageExpiryInterval: (r) => r.edgy(0, 0xffffffff),
  contentType: (r) => text(r),
  responseTopic: topicName, // a topic name [MQTT-3.3.2-14]
  correlationData: (r) => binary(r, 16),
  subscriptionIdentifier: (r) => r.edgy(1, 268435455),
  sessionExpiryInterval: (r) => r.edgy(0, 0xffffffff),
  assignedClientIdentifier: (r) => text(r),
  serverKeepAlive: (r) => r.edgy(0, 65535),
  authenticationMethod: (r) => text(r),
  authenticationData: (r) => binary(r, 16),
  requestProblemInformation: flag,
  willDelayInterval: (r) => r.edgy(0, 0xffffffff),
  requestResponseInformation: flag,
  responseInformation: (r) => text(r),
  serverReference: (r) => text(r),
  reasonString: (r) => text(r, 12),
  receiveMaximum: (r) => r.edgy(1, 65535),
  topicAliasMaximum: (r) => r.edgy(0, 65535),
  topicAlias: (r) => r.edgy(1, 65535),
  maximumQoS: (r) => r.int(0, 1),
  retainAvailable: flag,
  userProperties,
  maximumPacketSize: (r) => r.edgy(1, 0xffffffff),
  wildcardSubscriptionAvailable: flag,
  subscriptionIdentifiersAvailable: flag,
  sharedSubscriptionAvailable: flag,
};

const ACK = ['reasonString', 'userProperties'];
const AUTH = ['authenticationMethod', 'authenticationData'];

// Which properties each packet (and a will) may carry: 5.0 table 2-4.
export const ALLOWED = {
  connect: ['sessionExpiryInterval', 'receiveMaximum', 'maximumPacketSize', 'topicAliasMaximum',
    'requestResponseInformation', 'requestProblemInformation', 'userProperties', ...AUTH],
  will: ['willDelayInterval', 'payloadFormatIndicator', 'messageExpiryInterval', 'contentType', 'responseTopic',
    'correlationData', 'userProperties'],
  connack: ['sessionExpiryInterval', 'receiveMaximum', 'maximumQoS', 'retainAvailable', 'maximumPacketSize',
    'assignedClientIdentifier', 'topicAliasMaximum', 'reasonString', 'userProperties', 'wildcardSubscriptionAvailable',
    'subscriptionIdentifiersAvailable', 'sharedSubscriptionAvailable', 'serverKeepAlive', 'responseInformation',
    'serverReference', ...AUTH],
  publish: ['payloadFormatIndicator', 'messageExpiryInterval', 'topicAlias', 'responseTopic', 'correlationData',
    'userProperties', 'subscriptionIdentifier', 'contentType'],
  puback: ACK,
  pubrec: ACK,
  pubrel: ACK,
  pubcomp: ACK,
  subscribe: ['subscriptionIdentifier', 'userProperties'],
  suback: ACK,
  unsubscribe: ['userProperties'],
  unsuback: ACK,
  disconnect: ['sessionExpiryInterval', 'reasonString', 'serverReference', 'userProperties'],
  auth: ['reasonString', 'userProperties', ...AUTH],
};

// Random properties for `place`, or undefined. Each allowed one appears with
// probability p; sometimes all of them at once.
function properties(r, place, p = r.bool(0.1) ? 1 : 0.3) {
  const props = {};
  for (const name of ALLOWED[place]) {
    if (!r.bool(p)) continue;
    if (name === 'authenticationData' && props.authenticationMethod === undefined) continue; // section 3.1.2.11.10
    if (name === 'subscriptionIdentifier' && place === 'publish' && r.bool(0.3)) {
      props[name] = Array.from({ length: r.int(1, 4) }, () => MAKERS[name](r));
    } else {
      props[name] = MAKERS[name](r);
    }
  }
  // An empty User Property list: nothing to send.
  if (r.bool(0.01)) props.userProperties = {};
  return Object.keys(props).length || r.bool(0.05) ? props : undefined;
}

// ---------------------------------------------------------------- reason codes

export const REASONS = {
  connack: [0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x90, 0x95, 0x97, 0x99,
    0x9a, 0x9b, 0x9c, 0x9d, 0x9f],
  puback: [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99],
  pubrec: [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99],
  pubrel: [0x00, 0x92],
  pubcomp: [0x00, 0x92],
  suback: [0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8f, 0x91, 0x97, 0x9e, 0xa1, 0xa2],
  unsuback: [0x00, 0x11, 0x80, 0x83, 0x87, 0x8f, 0x91],
  disconnect: [0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8b, 0x8d, 0x8e, 0x8f, 0x90, 0x93, 0x94, 0x95, 0x96,
    0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2],
  auth: [0x00, 0x18, 0x19],
};

// ---------------------------------------------------------------- packets

// Sets `name` unless the coin says to leave it out (`value` is its default then).
function maybe(r, packet, name, value, pOmit = 0.15) {
  if (!r.bool(pOmit)) packet[name] = value;
}

const packetId = (r) => r.edgy(1, 65535);

function withProperties(r, packet, version, place) {
  if (version === 5) {
    const props = properties(r, place);
    if (props) packet.properties = props;
  }
  return packet;
}

const PACKETS = {
  connect(r, version) {
    const p = { cmd: 'connect' };
    // mqtt-packet defaults protocolId to "MQTT" even for level 3, so 3.1 always names it.
    if (version === 3 || r.bool(0.8)) p.protocolId = version === 3 ? 'MQIsdp' : 'MQTT';
    if (version !== 4 || r.bool(0.8)) p.protocolVersion = version;
    maybe(r, p, 'clean', r.bool(0.7));
    maybe(r, p, 'keepalive', r.edgy(0, 65535), 0.1);
    // 3.1: 1 to 23 characters (3.1 section 3.1).
    const clientId = version === 3 ? nonEmpty(r, 23).slice(0, 23).replace(/[\ud800-\udbff]$/, 'x') : text(r, 12);
    maybe(r, p, 'clientId', clientId, clientId === '' ? 0.5 : 0);
    // 3.1.1: an empty client identifier needs a clean session [MQTT-3.1.3-7].
    if (version === 4 && clientId === '' && p.clean === false) p.clean = true;
    if (version !== 5 && r.bool(0.1)) p.bridgeMode = true;
    if (r.bool(0.35)) {
      const will = { topic: topicName(r) };
      const props = version === 5 ? properties(r, 'will') : undefined;
      const utf8 = props?.payloadFormatIndicator === true || props?.payloadFormatIndicator === 1;
      maybe(r, will, 'payload', utf8 ? payload(r, true) : binary(r, 40), 0.05);
      maybe(r, will, 'qos', r.int(0, 2), 0.1);
      maybe(r, will, 'retain', r.bool(), 0.1);
      if (props) will.properties = props;
      p.will = will;
    }
    if (r.bool(0.5)) p.username = text(r);
    // No password without a user name, before 5.0 (3.1.1 [MQTT-3.1.2-22]).
    if (r.bool(0.4) && (p.username !== undefined || version === 5)) p.password = binary(r, 16);
    return withProperties(r, p, version, 'connect');
  },
  connack(r, version) {
    const p = { cmd: 'connack' };
    let code;
    if (version === 5) code = p.reasonCode = r.bool(0.4) ? 0 : r.pick(REASONS.connack);
    else code = p.returnCode = r.bool(0.4) ? 0 : r.int(1, 5);
    // Session Present only with a success code [MQTT-3.2.2-6].
    maybe(r, p, 'sessionPresent', code === 0 && r.bool(), 0.2);
    return withProperties(r, p, version, 'connack');
  },
  publish(r, version) {
    const p = { cmd: 'publish', topic: topicName(r) };
    const qos = r.int(0, 2);
    maybe(r, p, 'qos', qos, qos === 0 ? 0.3 : 0);
    maybe(r, p, 'retain', r.bool(), 0.2);
    if (qos > 0) {
      p.messageId = packetId(r);
      maybe(r, p, 'dup', r.bool(), 0.3);
    } else if (r.bool(0.05)) {
      p.messageId = packetId(r); // ignored at QoS 0 by both encoders
    }
    withProperties(r, p, version, 'publish');
    const pfi = p.properties?.payloadFormatIndicator;
    maybe(r, p, 'payload', payload(r, pfi === true || pfi === 1), 0.03);
    // 5.0: a Topic Alias may stand for the topic name, which is then empty (section 3.3.2.1).
    if (p.properties?.topicAlias !== undefined && r.bool(0.3)) p.topic = '';
    return p;
  },
  puback: (r, version) => ack(r, version, 'puback'),
  pubrec: (r, version) => ack(r, version, 'pubrec'),
  pubrel: (r, version) => ack(r, version, 'pubrel'),
  pubcomp: (r, version) => ack(r, version, 'pubcomp'),
  subscribe(r, version) {
    const subscriptions = [];
    for (let n = r.int(1, 5); n > 0; n--) {
      const topic = topicFilter(r, version);
      const sub = { topic, qos: r.int(0, 2) };
      if (version === 5) {
        // No Local on a shared subscription is a Protocol Error [MQTT-3.8.3-4].
        maybe(r, sub, 'nl', topic.startsWith('$share/') ? false : r.bool(), 0.15);
        maybe(r, sub, 'rap', r.bool(), 0.15);
        maybe(r, sub, 'rh', r.int(0, 2), 0.15);
      } else if (r.bool(0.05)) {
        Object.assign(sub, { nl: false, rap: false, rh: 0 }); // the 5.0 fields at their defaults
      }
      subscriptions.push(sub);
    }
    return withProperties(r, { cmd: 'subscribe', messageId: packetId(r), subscriptions }, version, 'subscribe');
  },
  suback(r, version) {
    const codes = version === 5 ? REASONS.suback : [0, 1, 2, 0x80];
    const granted = Array.from({ length: r.int(1, 5) }, () => r.pick(codes));
    return withProperties(r, { cmd: 'suback', messageId: packetId(r), granted }, version, 'suback');
  },
  unsubscribe(r, version) {
    const unsubscriptions = Array.from({ length: r.int(1, 5) }, () => topicFilter(r, version));
    return withProperties(r, { cmd: 'unsubscribe', messageId: packetId(r), unsubscriptions }, version, 'unsubscribe');
  },
  unsuback(r, version) {
    const p = { cmd: 'unsuback', messageId: packetId(r) };
    if (version === 5) p.granted = Array.from({ length: r.int(1, 5) }, () => r.pick(REASONS.unsuback));
    return withProperties(r, p, version, 'unsuback');
  },
  pingreq: () => ({ cmd: 'pingreq' }),
  pingresp: () => ({ cmd: 'pingresp' }),
  disconnect(r, version) {
    const p = { cmd: 'disconnect' };
    if (version === 5) maybe(r, p, 'reasonCode', r.bool(0.3) ? 0 : r.pick(REASONS.disconnect), 0.2);
    return withProperties(r, p, version, 'disconnect');
  },
  auth(r) {
    const p = { cmd: 'auth' };
    maybe(r, p, 'reasonCode', r.pick(REASONS.auth), 0.1);
    const props = properties(r, 'auth');
    // The method is almost always there: a real exchange names it (section 4.12).
    if (r.bool(0.8)) p.properties = { authenticationMethod: nonEmpty(r), ...props };
    else if (props && props.authenticationMethod !== undefined) p.properties = props;
    return p;
  },
};

function ack(r, version, cmd) {
  const p = { cmd, messageId: packetId(r) };
  if (version === 5) maybe(r, p, 'reasonCode', r.bool(0.4) ? 0 : r.pick(REASONS[cmd]), 0.2);
  return withProperties(r, p, version, cmd);
}

export const CMDS = Object.keys(PACKETS);

/** A random valid packet for protocol level `version` (3, 4 or 5), of type `cmd` if given. */
export function randomPacket(r, version, cmd) {
  const kinds = version === 5 ? CMDS : CMDS.filter((c) => c !== 'auth');
  return PACKETS[cmd ?? r.pick(kinds)](r, version);
}

// ---------------------------------------------------------------- mqtt-packet's limits

function userPropertyLists(packet) {
  return [packet.properties?.userProperties, packet.will?.properties?.userProperties].filter(Boolean);
}

/**
 * The valid packets mqtt-packet 9 mishandles, as { generate, parse }: a reason when
 * its generate() (or its parser) gets this packet wrong, else null. These are
 * mqtt-packet's bugs or extra strictness, not ours; the tests then leave mqtt-packet
 * out of that direction only.
 */
export function mqttPacketCannot(packet, version) {
  let generate = null;
  let parse = null;
  if (packet.cmd === 'connect' && version === 5) {
    // 5.0 allows a password without a user name (section 3.1.2.9); generate() throws
    // "Username is required to use password".
    if (packet.password !== undefined && packet.username === undefined) generate = 'password without username (5.0)';
    // 5.0 lets the server accept an empty client identifier whatever Clean Start is
    // [MQTT-3.1.3-6]; generate() throws "clientId must be given if cleanSession set to 0".
    if (!packet.clientId && packet.clean === false) generate = 'empty clientId with clean: false (5.0)';
  }
  for (const user of userPropertyLists(packet)) {
    // An empty User Property list: generate() returns an empty buffer (its length
    // sum is 0, which it takes for failure).
    if (Object.keys(user).length === 0) generate = 'empty userProperties object';
  }
  // Properties nested in the will are the same story, from the same code paths.
  for (const user of userPropertyLists(packet)) {
    for (const name of Object.keys(user)) {
      const value = user[name];
      // The parser merges a repeated name only when the value it holds is truthy,
      // so ['', 'x'] comes out as 'x'.
      if (Array.isArray(value) && value[0] === '') parse = 'repeated user property whose first value is empty';
    }
  }
  return { generate, parse };
}
