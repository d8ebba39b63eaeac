// Helpers for comparing packets across codecs (differential.test.js): what a packet
// must decode to, a normal form in which two decoded packets can be compared fairly,
// and the conversions mqtt-packet needs for its input.
import assert from 'node:assert/strict';
import mqttPacket from 'mqtt-packet';

// Byte properties that mqtt-packet (and so this codec) reads as booleans.
export const BOOLEAN_PROPERTIES = new Set(['payloadFormatIndicator', 'requestProblemInformation',
  'requestResponseInformation', 'retainAvailable', 'wildcardSubscriptionAvailable',
  'subscriptionIdentifiersAvailable', 'sharedSubscriptionAvailable']);
const BINARY_PROPERTIES = new Set(['correlationData', 'authenticationData']);

// Sets an own property even when the key is "__proto__".
function define(object, key, value) {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

const hex = (view) => `hex:${Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('hex')}`;

function deep(value) {
  if (ArrayBuffer.isView(value)) return hex(value);
  if (value instanceof ArrayBuffer) return hex(new Uint8Array(value));
  if (Array.isArray(value)) return value.map(deep);
  if (value !== null && typeof value === 'object') {
    const out = Object.create(null);
    for (const key of Object.keys(value).sort()) {
      if (value[key] !== undefined) define(out, key, deep(value[key]));
    }
    return out;
  }
  return value;
}

/**
 * The normal form of a decoded packet, from mqtt-packet or from us. It removes
 * differences of representation only, never of content:
 *  - Buffer (mqtt-packet) and Uint8Array (ours) become the same "hex:..." string, so
 *    bytes are compared by value. assertOurShape() checks separately that ours are
 *    plain Uint8Arrays and never Buffers.
 *  - mqtt-packet's Packet class puts `length` (the Remaining Length) on every packet,
 *    and `topic: null` and `payload: null` on the packets that have neither. These
 *    are dropped at the top level only: a user property may well be called "length".
 *  - Every object gets a null prototype: userProperties are null-prototype objects on
 *    both sides but plain objects in the expected form; a null prototype everywhere
 *    also keeps a user property called "__proto__" an ordinary key.
 *  - Keys are sorted and keys whose value is undefined dropped: absent and undefined
 *    say the same.
 * Absent-versus-default fields and 0/1 versus booleans are not normalized here but
 * in expected(), from the input side: a decoder must report them in one way.
 */
export function normalize(packet) {
  const out = deep(packet);
  if (out && typeof out === 'object' && !Array.isArray(out)) {
    delete out.length;
    if (out.cmd !== 'publish') {
      if (out.topic === null) delete out.topic;
      if (out.payload === null) delete out.payload;
    }
  }
  return out;
}

export const describe = (packet) => JSON.stringify(deep(packet));

function toBytes(value) {
  if (value === undefined || value === null) return new Uint8Array(0);
  if (typeof value === 'string') return new TextEncoder().encode(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

function expectedProperties(props) {
  if (!props) return undefined;
  const out = {};
  for (const name of Object.keys(props)) {
    const value = props[name];
    if (value === undefined) continue;
    if (name === 'userProperties') {
      const user = Object.create(null);
      for (const key of Object.keys(value)) {
        // Values are sent as their toString(); a name sent once reads back as a
        // string, a name sent several times as the array of its values in order.
        const list = (Array.isArray(value[key]) ? value[key] : [value[key]]).map(String);
        if (list.length) define(user, key, list.length === 1 ? list[0] : list);
      }
      if (Object.keys(user).length) out.userProperties = user;
    } else if (BOOLEAN_PROPERTIES.has(name)) {
      out[name] = Boolean(value); // the input may say 0/1; decoders say false/true
    } else if (BINARY_PROPERTIES.has(name)) {
      out[name] = toBytes(value);
    } else if (Array.isArray(value)) {
      // A repeated property (Subscription Identifier in PUBLISH) is an array when it
      // appears more than once, a number when once.
      if (value.length) out[name] = value.length === 1 ? value[0] : [...value];
    } else {
      out[name] = value;
    }
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * What a generated (valid) input packet must decode to, at protocol `version`, in
 * normal form. Decoded packets always have every field, so the defaults of absent
 * input fields are filled in here: retain/qos/dup (and PUBREL's, SUBSCRIBE's and
 * UNSUBSCRIBE's fixed-header qos of 1), clean: true, keepalive: 0, clientId: '',
 * a 5.0 reasonCode of 0, nl/rap false and rh 0 in 5.0 subscriptions, an empty
 * payload. Fields that the wire cannot carry at this level are dropped (a QoS 0
 * PUBLISH's messageId, 5.0-only fields in 3.1.1), empty properties vanish, and
 * strings given for bytes become their UTF-8. `bridge`: the stream's CONNECT was a
 * bridge's, whose 3.1.1 SUBSCRIBEs read as no local and retain as published (as
 * mqtt-packet has it).
 */
export function expected(p, version, bridge = false) {
  const out = { cmd: p.cmd, retain: false, qos: 0, dup: false };
  const v5 = version === 5;
  const props = (value) => (v5 ? expectedProperties(value) : undefined);
  switch (p.cmd) {
    case 'connect': {
      const level = p.protocolVersion ?? 4;
      Object.assign(out, {
        protocolId: level === 3 ? 'MQIsdp' : 'MQTT',
        protocolVersion: level,
        bridgeMode: p.bridgeMode ? true : undefined,
        clean: p.clean ?? true,
        keepalive: p.keepalive ?? 0,
        clientId: p.clientId ?? '',
        username: p.username ?? undefined,
        password: p.password == null ? undefined : toBytes(p.password),
        properties: level === 5 ? expectedProperties(p.properties) : undefined,
      });
      if (p.will) {
        out.will = {
          retain: Boolean(p.will.retain),
          qos: p.will.qos ?? 0,
          topic: p.will.topic,
          payload: toBytes(p.will.payload),
          properties: level === 5 ? expectedProperties(p.will.properties) : undefined,
        };
      }
      break;
    }
    case 'connack':
      out.sessionPresent = Boolean(p.sessionPresent);
      if (v5) out.reasonCode = p.reasonCode ?? 0;
      else out.returnCode = p.returnCode ?? 0;
      out.properties = props(p.properties);
      break;
    case 'publish':
      Object.assign(out, { retain: Boolean(p.retain), qos: p.qos ?? 0, dup: Boolean(p.dup), topic: p.topic });
      out.payload = toBytes(p.payload);
      if (out.qos > 0) out.messageId = p.messageId;
      out.properties = props(p.properties);
      break;
    case 'puback': case 'pubrec': case 'pubrel': case 'pubcomp':
      out.qos = p.cmd === 'pubrel' ? 1 : 0;
      out.messageId = p.messageId;
      if (v5) out.reasonCode = p.reasonCode ?? 0;
      out.properties = props(p.properties);
      break;
    case 'subscribe':
      out.qos = 1;
      out.messageId = p.messageId;
      out.subscriptions = p.subscriptions.map((s) => {
        if (v5) return { topic: s.topic, qos: s.qos, nl: Boolean(s.nl), rap: Boolean(s.rap), rh: s.rh ?? 0 };
        if (bridge) return { topic: s.topic, qos: s.qos, nl: true, rap: true, rh: 0 };
        return { topic: s.topic, qos: s.qos };
      });
      out.properties = props(p.properties);
      break;
    case 'suback':
      out.messageId = p.messageId;
      out.granted = [...p.granted];
      out.properties = props(p.properties);
      break;
    case 'unsubscribe':
      out.qos = 1;
      out.messageId = p.messageId;
      out.unsubscriptions = [...p.unsubscriptions];
      out.properties = props(p.properties);
      break;
    case 'unsuback':
      out.messageId = p.messageId;
      if (v5) out.granted = [...p.granted];
      out.properties = props(p.properties);
      break;
    case 'disconnect':
    case 'auth':
      if (v5) out.reasonCode = p.reasonCode ?? 0;
      out.properties = props(p.properties);
      break;
    default:
      break; // PINGREQ, PINGRESP
  }
  return normalize(out);
}

/**
 * The input as mqtt-packet's generate() takes it: a copy in which bytes are Node
 * Buffers (it calls Buffer methods on them) and the boolean-like byte properties
 * given as 0/1 are booleans (it refuses numbers there). Nothing else changes.
 */
export function forMqttPacket(value, key = '') {
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (typeof value === 'number' && BOOLEAN_PROPERTIES.has(key)) return value !== 0;
  if (Array.isArray(value)) return value.map((v) => forMqttPacket(v, key));
  if (value !== null && typeof value === 'object') {
    if (key === 'userProperties') {
      const copy = Object.create(null);
      for (const name of Object.keys(value)) define(copy, name, value[name]);
      return copy;
    }
    const out = {};
    for (const name of Object.keys(value)) out[name] = forMqttPacket(value[name], name);
    return out;
  }
  return value;
}

/** mqtt-packet's parser over `bytes`: its packets; throws its first error. */
export function mqttPacketParse(bytes, protocolVersion) {
  const parser = mqttPacket.parser({ protocolVersion });
  const packets = [];
  let error = null;
  parser.on('packet', (p) => packets.push(p));
  parser.on('error', (err) => {
    error ??= err;
  });
  parser.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  if (error) throw error;
  return packets;
}

/**
 * Checks the promises about our decoded packets that normalize() would hide: bytes
 * are plain Uint8Arrays (never Buffers), userProperties have a null prototype and
 * every other object a plain one, no field is undefined, and there is no `length`
 * nor a null topic or payload.
 */
export function assertOurShape(packet) {
  assert.equal(Object.getPrototypeOf(packet), Object.prototype);
  assert.ok(!('length' in packet), 'no length field');
  if (packet.cmd !== 'publish') assert.ok(!('topic' in packet) && !('payload' in packet), 'topic/payload only on PUBLISH');
  const walk = (value, key) => {
    assert.notEqual(value, undefined, `${key} is undefined`);
    assert.notEqual(value, null, `${key} is null`);
    if (ArrayBuffer.isView(value)) {
      assert.equal(Object.getPrototypeOf(value), Uint8Array.prototype, `${key} is a plain Uint8Array`);
    } else if (Array.isArray(value)) {
      value.forEach((v) => walk(v, key));
    } else if (typeof value === 'object') {
      const proto = key === 'userProperties' ? null : Object.prototype;
      assert.equal(Object.getPrototypeOf(value), proto, `prototype of ${key}`);
      if (key !== 'userProperties') for (const k of Object.keys(value)) walk(value[k], k);
      else for (const k of Object.keys(value)) walk(value[k], `userProperties.${k}`);
    }
  };
  for (const key of Object.keys(packet)) walk(packet[key], key);
}
