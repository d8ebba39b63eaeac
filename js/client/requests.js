// The arguments of publish, subscribe, unsubscribe, end and ack, checked and turned
// into the packets the core takes. A mistake throws here, before anything is sent:
// TypeError for a wrong type, RangeError for a number out of range, MqttError (with the
// reason code a server would answer) for a topic or filter the protocol forbids.
import { MqttError, shown } from '../errors.js';
import { isWellFormed } from '../well-formed.js';

const TOPIC_NAME_INVALID = 0x90;
const TOPIC_FILTER_INVALID = 0x8f;
const MAX_STRING_BYTES = 65535;
const encoder = new TextEncoder();

// A value's kind, for errors: 'null', 'an array', or its typeof.
export function kind(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

// MQTT.js's optional arguments: (opts, callback) or (callback).
export function splitArguments(opts, callback) {
  if (typeof opts === 'function') return [undefined, opts];
  if (callback !== undefined && typeof callback !== 'function') {
    throw new TypeError(`the callback must be a function, not ${kind(callback)}`);
  }
  return [opts, callback];
}

// The checks of one argument or option, also connect()'s (options.js). `what` names
// the call in the message, `name` the value.

// An object (not an array), or undefined.
export function checkObject(what, name, value) {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${what}: ${name} must be an object, not ${kind(value)}`);
  }
  return value;
}

export function checkInteger(what, name, value, min, max) {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${what}: ${name} must be an integer from ${min} to ${max}, not ${shown(value)}`);
  }
  return value;
}

// 0, 1 or 2 (undefined: 0).
export function checkQos(what, qos, name = 'qos') {
  if (qos === undefined) return 0;
  if (qos !== 0 && qos !== 1 && qos !== 2) throw new RangeError(`${what}: ${name} must be 0, 1 or 2, not ${shown(qos)}`);
  return qos;
}

// true or false (undefined: false).
export function checkBoolean(what, name, value) {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new TypeError(`${what}: ${name} must be true or false, not ${kind(value)}`);
  return value;
}

function checkOptions(what, opts) {
  if (opts === undefined || opts === null) return {};
  if (typeof opts !== 'object' || Array.isArray(opts)) {
    throw new TypeError(`${what}: options must be an object, not ${kind(opts)}`);
  }
  return opts;
}

function checkProperties(what, properties, version) {
  if (properties === undefined) return undefined;
  checkObject(what, 'properties', properties);
  if (version !== 5) {
    for (const _ in properties) throw new TypeError(`${what}: properties need protocolVersion 5`);
    return undefined;
  }
  return properties;
}

// What every MQTT string must be: UTF-8 of at most 65,535 bytes, without U+0000
// [MQTT-1.5.4-2] or unpaired surrogates (no UTF-8 for them [MQTT-1.5.4-1]).
function checkMqttString(what, name, s, code) {
  if (s.length * 3 > MAX_STRING_BYTES && encoder.encode(s).length > MAX_STRING_BYTES) {
    throw new MqttError(code, `${what}: the ${name} is longer than 65,535 bytes of UTF-8 [MQTT-1.5.4]`);
  }
  if (s.includes('\u0000')) throw new MqttError(code, `${what}: the ${name} contains U+0000 [MQTT-1.5.4-2]`);
  if (!isWellFormed(s)) {
    throw new MqttError(code, `${what}: the ${name} contains an unpaired surrogate, which has no UTF-8 [MQTT-1.5.4-1]`);
  }
}

export function checkTopicName(what, topic, { allowEmpty = false } = {}) {
  if (typeof topic !== 'string') throw new TypeError(`${what}: the topic must be a string, not ${kind(topic)}`);
  if (topic === '' && !allowEmpty) {
    throw new MqttError(TOPIC_NAME_INVALID, `${what}: the topic must not be empty [MQTT-4.7.3-1]`);
  }
  if (topic.includes('+') || topic.includes('#')) {
    throw new MqttError(TOPIC_NAME_INVALID, `${what}: the topic "${topic}" contains a wildcard (+ or #), which only filters may [MQTT-3.3.2-2]`);
  }
  checkMqttString(what, 'topic', topic, TOPIC_NAME_INVALID);
  return topic;
}

export function checkTopicFilter(what, filter, version) {
  if (typeof filter !== 'string') throw new TypeError(`${what}: a topic filter must be a string, not ${kind(filter)}`);
  const bad = (message) => new MqttError(TOPIC_FILTER_INVALID, `${what}: the topic filter "${filter}" ${message}`);
  if (filter === '') throw new MqttError(TOPIC_FILTER_INVALID, `${what}: a topic filter must not be empty [MQTT-4.7.3-1]`);
  checkMqttString(what, 'topic filter', filter, TOPIC_FILTER_INVALID);
  let levels = filter.split('/');
  if (version === 5 && levels[0] === '$share') {
    if (levels.length < 3) throw bad('is a shared subscription without a share name and a filter: $share/{name}/{filter} [MQTT-4.8.2-1]');
    if (levels[1] === '' || levels[1].includes('+') || levels[1].includes('#')) {
      throw bad('has a share name that is empty or has a wildcard [MQTT-4.8.2-1]');
    }
    levels = levels.slice(2);
  }
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) {
      throw bad('has a # that is not a whole last level [MQTT-4.7.1-1]');
    }
    if (level.includes('+') && level !== '+') throw bad('has a + that is not a whole level [MQTT-4.7.1-2]');
  }
  return filter;
}

export function checkPayload(what, payload) {
  if (typeof payload === 'string' || payload instanceof Uint8Array) return payload;
  if (ArrayBuffer.isView(payload)) return new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload);
  throw new TypeError(`${what}: the payload must be a string or a Uint8Array (a Buffer in Node), not ${kind(payload)}`);
}

// The last topic name found valid: a valid name stays valid, and most publishes go to
// the topic of the one before.
let validTopic = null;

// publish(topic, payload, opts) -> the PUBLISH the core takes, written into `into` when
// given (the client reuses one object: the core copies what it takes).
export function publishPacket(topic, payload, opts, version, into) {
  const o = checkOptions('publish', opts);
  const properties = checkProperties('publish', o.properties, version);
  if (topic !== validTopic || topic === '') {
    // 5.0: an empty topic with a Topic Alias means the topic the alias stands for.
    checkTopicName('publish', topic, { allowEmpty: properties?.topicAlias !== undefined });
    if (topic !== '') validTopic = topic;
  }
  const bytes = checkPayload('publish', payload);
  const qos = checkQos('publish', o.qos);
  const retain = checkBoolean('publish', 'retain', o.retain);
  const dup = checkBoolean('publish', 'dup', o.dup);
  const p = into ?? { cmd: 'publish', topic, payload: bytes, qos, retain, dup, properties };
  if (into !== undefined) {
    p.topic = topic;
    p.payload = bytes;
    p.qos = qos;
    p.retain = retain;
    p.dup = dup;
    p.properties = properties;
  }
  return p;
}

function subscription(filter, given, defaults, version) {
  checkTopicFilter('subscribe', filter, version);
  const o = typeof given === 'number' ? { qos: given } : checkOptions('subscribe', given);
  const s = { topic: filter, qos: checkQos('subscribe', o.qos ?? defaults.qos) };
  const nl = checkBoolean('subscribe', 'nl', o.nl ?? defaults.nl);
  const rap = checkBoolean('subscribe', 'rap', o.rap ?? defaults.rap);
  const rh = checkQos('subscribe', o.rh ?? defaults.rh ?? 0, 'rh');  // Retain Handling: 0, 1 or 2 too
  if (version !== 5) {
    if (nl || rap || rh !== 0) throw new TypeError('subscribe: nl, rap and rh need protocolVersion 5');
    return s;
  }
  s.nl = nl;
  s.rap = rap;
  s.rh = rh;
  return s;
}

// subscribe('a/+' | ['a', 'b'] | { 'a': { qos: 1 }, 'b': 0 }, opts) -> the SUBSCRIBE.
export function subscribePacket(topics, opts, version) {
  const o = checkOptions('subscribe', opts);
  const properties = checkProperties('subscribe', o.properties, version);
  let subscriptions;
  if (typeof topics === 'string') subscriptions = [subscription(topics, undefined, o, version)];
  else if (Array.isArray(topics)) subscriptions = topics.map((t) => subscription(t, undefined, o, version));
  else if (topics !== null && typeof topics === 'object') {
    subscriptions = Object.keys(topics).map((t) => subscription(t, topics[t], o, version));
  } else {
    throw new TypeError(`subscribe: topics must be a filter, an array of filters or an object of filters to options, not ${kind(topics)}`);
  }
  return { cmd: 'subscribe', subscriptions, properties };
}

// unsubscribe('a' | ['a', 'b'], opts) -> the UNSUBSCRIBE.
export function unsubscribePacket(topics, opts, version) {
  const o = checkOptions('unsubscribe', opts);
  const properties = checkProperties('unsubscribe', o.properties, version);
  let unsubscriptions;
  if (typeof topics === 'string') unsubscriptions = [topics];
  else if (Array.isArray(topics)) unsubscriptions = topics.slice();
  else throw new TypeError(`unsubscribe: topics must be a filter or an array of filters, not ${kind(topics)}`);
  for (const t of unsubscriptions) checkTopicFilter('unsubscribe', t, version);
  return { cmd: 'unsubscribe', unsubscriptions, properties };
}

function checkReasonCode(what, code, version) {
  if (code === undefined) return 0;
  checkInteger(what, 'reasonCode', code, 0, 255);
  if (code !== 0 && version !== 5) throw new TypeError(`${what}: a reasonCode other than 0 needs protocolVersion 5`);
  return code;
}

// end(force, { reasonCode, properties }) -> the DISCONNECT, its types checked. MQTT's
// rules for it are the core's (ClientCore.check), asked at once, as it goes after the
// messages in flight.
export function disconnectPacket(opts, version) {
  const o = checkOptions('end', opts);
  return { cmd: 'disconnect', reasonCode: checkReasonCode('end', o.reasonCode, version), properties: checkProperties('end', o.properties, version) };
}

// client.auth({ reasonCode, properties }) -> the AUTH, its types checked, with
// connect()'s Authentication Method (`connectMethod`) when it gives none. MQTT's rules
// for it are the core's (ClientCore.check).
export function authPacket(opts, version, connectMethod) {
  const o = checkOptions('auth', opts);
  if (version !== 5) throw new TypeError('auth: AUTH needs protocolVersion 5');
  const properties = { ...checkProperties('auth', o.properties, version) };
  properties.authenticationMethod ??= connectMethod;
  if (properties.authenticationMethod === undefined) delete properties.authenticationMethod;
  return { cmd: 'auth', reasonCode: checkReasonCode('auth', o.reasonCode ?? 0x18, version), properties };
}

// ack(packet, reasonCode): 0, 0x10 No matching subscribers, or a 5.0 refusal from 0x80.
export function ackCode(code, version) {
  const c = checkReasonCode('ack', code, version);
  if (c !== 0 && c !== 0x10 && c < 0x80) {
    throw new RangeError(`ack: reasonCode must be 0, 0x10 or a refusal from 0x80, not ${c}`);
  }
  return c;
}
