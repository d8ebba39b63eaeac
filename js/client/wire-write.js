// Encodes the packets the client core takes from JS (CONNECT, PUBLISH, SUBSCRIBE,
// UNSUBSCRIBE, DISCONNECT, AUTH; the wasm writes the acks and PINGREQ itself) straight
// into MQTT wire bytes, from packet objects in mqtt-packet's shape, as js/codec.js
// encode() takes them.
//
//   writeInto(packet, version, buffer?)  writes the packet's bytes into `buffer` (a
//       Uint8Array to reuse, for example a view of wasm memory) or, without one, into
//       this module's scratch buffer: they are written[writtenStart, writtenEnd), valid
//       until the next call. When the packet does not fit, it is written into a new,
//       bigger array (`written`, and writeInto returns false): nothing is retried. The
//       packet may start up to 4 bytes into the buffer, as the Remaining Length is only
//       known once the body is written. One write at a time: the state is this
//       module's (not reentrant).
//   writeQuickPublish(...)               the common PUBLISH, without the general writer.
//
// `version` is the protocol level (3, 4 or 5) of every packet but CONNECT, whose own
// protocolVersion decides (connect-version.js). Only what JS must know is
// checked here: the types of the fields, with the errors and messages encode() gives
// (MqttError 0x81 naming the field), and what the wire cannot carry: a string or
// binary field of more than 65,535 bytes, a body longer than the Remaining Length can
// say, and in 3.1 / 3.1.1 the fields of 5.0 (properties, reason codes, subscription
// options, AUTH), refused with encode()'s codes and messages. Those are thrown once the
// packet is written, so a type error anywhere in the packet comes first, as in encode().
// Every other rule of MQTT (wildcards, UTF-8 validity, which property goes where, ...)
// is the wasm's to check on these bytes.
import { MqttError, shown } from '../errors.js';
import { isWellFormed } from '../well-formed.js';
import { invalid, integer, bytesOf, userPropertyValue, checkUserProperties } from '../packet-fields.js';
import { connectVersion } from '../connect-version.js';
import { PROPERTY_BY_NAME, BOOL, BYTE, INT16, INT32, VARINT, STRING, BINARY, PAIR } from '../properties.js';

const MALFORMED = 0x81;
const MAX_VARINT = 268435455;
// A scratch buffer that grew past this for a big packet is not kept.
const KEEP = 1 << 20;

const textEncoder = new TextEncoder();

let scratch = null;
// The write under way: the buffer, the next byte, the packet's cmd (for messages) and
// the first refusal that waits for the end of the packet.
let u8;
let pos = 0;
let cmd = '';
let problem = null;

// A refusal encode() makes after its type checks: kept until the packet is written.
function refuse(code, text) {
  problem ??= new MqttError(code, `${cmd.toUpperCase()}: ${text}`);
}

// "contentType" -> "Content Type", as the codec names fields in its messages.
const displayName = (name) => name[0].toUpperCase() + name.slice(1).replace(/[A-Z]/g, ' $&');

function tooLong(length, field) {
  if (length > 0xffff) refuse(MALFORMED, `${field} is longer than 65,535 bytes (section 1.5.4)`);
}

// Makes room for `n` more bytes, moving what is written to a bigger buffer if needed.
function room(n) {
  if (pos + n <= u8.length) return;
  const bigger = new Uint8Array(Math.max(u8.length * 2, pos + n));
  bigger.set(u8.subarray(0, pos));
  u8 = bigger;
}

function byte(value) {
  room(1);
  u8[pos++] = value;
}

function u16(value) {
  room(2);
  u8[pos] = value >> 8;
  u8[pos + 1] = value;
  pos += 2;
}

function u32(value) {
  room(4);
  u8[pos] = value >>> 24;
  u8[pos + 1] = value >>> 16;
  u8[pos + 2] = value >>> 8;
  u8[pos + 3] = value;
  pos += 4;
}

const varintSize = (value) => (value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : 4);

// A Variable Byte Integer at `at`, in its shortest form [MQTT-1.5.5-1]; returns
// where it ends.
function varintAt(at, value) {
  do {
    const low = value & 0x7f;
    value >>>= 7;
    u8[at++] = value ? low | 0x80 : low;
  } while (value);
  return at;
}

function varint(value) {
  room(4);
  pos = varintAt(pos, value);
}

// A JS string as UTF-8, without a length; returns the bytes written. Lone surrogates
// cannot become UTF-8 and are refused rather than replaced [MQTT-1.5.4-1]. Short ASCII
// is copied by hand: encodeInto has a fixed cost.
function utf8(value, name) {
  const len = value.length;
  room(len * 3);
  // Locals in the loops: the module's `u8` and `pos` are loaded again on every access.
  const out = u8;
  const at = pos;
  let i = 0;
  if (len <= 64) {
    for (; i < len; i++) {
      const c = value.charCodeAt(i);
      if (c > 0x7f) break;
      out[at + i] = c;
    }
  }
  let written = i;
  if (i < len) {
    if (!isWellFormed(value)) throw invalid(`${name} contains a lone UTF-16 surrogate, which UTF-8 cannot carry`);
    written += textEncoder.encodeInto(i === 0 ? value : value.slice(i), out.subarray(at + i)).written;
  }
  pos = at + written;
  return written;
}

function raw(view) {
  const len = view.length;
  room(len);
  const out = u8;
  const at = pos;
  // For a few bytes a loop beats TypedArray.set, which has a fixed cost.
  if (len <= 32) for (let i = 0; i < len; i++) out[at + i] = view[i];
  else out.set(view, at);
  pos = at + len;
}

// A length-prefixed field (sections 1.5.4, 1.5.6): `write` puts its bytes after the
// two of the length. Returns that length: more than 65,535 is refused by the caller,
// which names the field as the codec does.
function prefixed(write, value, name) {
  room(2);
  const at = pos;
  pos += 2;
  write(value, name);
  const len = pos - at - 2;
  u8[at] = len >> 8;
  u8[at + 1] = len;
  return len;
}

function string(value, name) {
  if (typeof value !== 'string') throw invalid(`${name} must be a string, not ${typeof value}`);
  return prefixed(utf8, value, name);
}

const writeBytes = (value, name) => raw(bytesOf(value, name));

// Binary data given as bytes or as a string (its UTF-8); nothing is empty.
function binary(value, name) {
  if (value !== undefined && value !== null) return prefixed(typeof value === 'string' ? utf8 : writeBytes, value, name);
  u16(0);
  return 0;
}

// The property length and the properties [MQTT-2.2.2]. One byte is kept for the
// length, and the properties move up when theirs needs more. Before 5.0 the same
// checks run, and the bytes are taken back: a 3.1.1 packet has no properties.
function properties(props, where, v5) {
  const at = pos;
  byte(0);
  if (props !== undefined && props !== null) {
    if (typeof props !== 'object') throw invalid(`${where} properties must be an object`);
    // for-in and no wrapper arrays: this runs for every packet with properties.
    for (const name in props) {
      const value = props[name];
      if (value === undefined || !Object.hasOwn(props, name)) continue;
      const info = PROPERTY_BY_NAME.get(name);
      if (!info) throw invalid(`${where} has an unknown property "${name}"`);
      if (info.type === PAIR) userProperties(value, info.id);
      // mqtt-packet gives a repeated property (a PUBLISH's subscription identifiers)
      // as an array.
      else if (Array.isArray(value)) for (const one of value) property(info, one);
      else property(info, value);
    }
  }
  const len = pos - at - 1;
  if (!v5) {
    if (len > 0) refuse(0x82, 'properties exists only in MQTT 5.0');
    pos = at;
  } else if (len > 0x7f) {
    const extra = varintSize(len) - 1;
    room(extra);
    u8.copyWithin(at + 1 + extra, at + 1, pos);
    pos = varintAt(at, len) + len;
  } else {
    u8[at] = len;
  }
}

// { name: value | [values] } as User Property pairs.
function userProperties(map, id) {
  checkUserProperties(map);
  for (const key in map) {
    if (!Object.hasOwn(map, key)) continue;
    const value = map[key];
    if (Array.isArray(value)) for (const one of value) pair(id, key, one);
    else pair(id, key, value);
  }
}

function pair(id, key, value) {
  byte(id);
  tooLong(string(key, 'user property name'), 'User Property name');
  tooLong(string(userPropertyValue(key, value), 'user property value'), 'User Property value');
}

function property(info, value) {
  const name = info.name;
  byte(info.id);
  switch (info.type) {
    case BOOL:
      byte(typeof value === 'boolean' ? (value ? 1 : 0) : integer(value, name, 0, 255));
      break;
    case BYTE:
      byte(integer(value, name, 0, 255));
      break;
    case INT16:
      u16(integer(value, name, 0, 0xffff));
      break;
    case INT32:
      u32(integer(value, name, 0, 0xffffffff));
      break;
    case VARINT:
      varint(integer(value, name, 0, MAX_VARINT));
      break;
    case STRING:
    case BINARY: {
      const len = info.type === STRING ? string(value, name) : binary(value, name);
      if (len > 0xffff) tooLong(len, displayName(name)); // the name costs a string: only then
      break;
    }
  }
}

// With `anyId` (a request to the client core, which chooses the ids itself) a missing
// messageId is fine, and 1 goes on the wire where the packet needs one.
let anyId = false;
function messageId(packet) {
  const id = packet.messageId;
  if (anyId && (id === undefined || id === null)) return 1;
  integer(id, 'messageId', 0, 0xffff, packet.cmd);
  return anyId ? 1 : id;
}

function code(value, owner) {
  return value === undefined ? 0 : integer(value, 'reasonCode', 0, 255, owner);
}

// Each writer writes the body and returns the first byte of the fixed header.

function connect(packet) {
  const version = connectVersion(packet);
  const v5 = version === 5;
  const will = packet.will;
  const hasUsername = packet.username !== undefined && packet.username !== null;
  const hasPassword = packet.password !== undefined && packet.password !== null;
  let flags = packet.clean === undefined || packet.clean ? 0x02 : 0;
  if (will) flags |= 0x04 | (integer(will.qos ?? 0, 'will qos', 0, 3) << 3) | (will.retain ? 0x20 : 0);
  if (hasUsername) flags |= 0x80;
  if (hasPassword) flags |= 0x40;
  const keepalive = integer(packet.keepalive ?? 0, 'keepalive', 0, 0xffff);
  if (will && typeof will !== 'object') throw invalid('will must be an object');
  // Protocol name and level [MQTT-3.1.2-1]; a bridge sets the level's top bit.
  string(version === 3 ? 'MQIsdp' : 'MQTT');
  byte(version | (packet.bridgeMode ? 0x80 : 0));
  byte(flags);
  u16(keepalive);
  properties(packet.properties, 'connect', v5);
  tooLong(string(packet.clientId ?? '', 'clientId'), 'client identifier');
  if (will) {
    properties(will.properties, 'will', v5);
    tooLong(string(will.topic, 'will topic'), 'will topic');
    tooLong(binary(will.payload, 'will payload'), 'will payload');
  }
  if (hasUsername) tooLong(string(packet.username, 'username'), 'user name');
  if (hasPassword) tooLong(binary(packet.password, 'password'), 'password');
  return 0x10;
}

function publish(packet, v5) {
  const qos = packet.qos ?? 0;
  if (!Number.isInteger(qos) || qos < 0 || qos > 3) throw invalid(`publish qos must be 0, 1 or 2, not ${shown(qos)}`);
  const id = qos > 0 ? messageId(packet) : 0;
  tooLong(string(packet.topic, 'topic'), 'topic name');
  if (qos > 0) u16(id);
  // The payload's type is checked before the properties, as encode() does.
  const payload = packet.payload;
  const bytes = payload === undefined || payload === null || typeof payload === 'string' ? null : bytesOf(payload, 'payload');
  if (v5 || packet.properties !== undefined) properties(packet.properties, 'publish', v5);
  // The payload is the rest of the packet, with no length of its own (section 3.3.3).
  if (bytes) raw(bytes);
  else if (payload) utf8(payload, 'payload');
  return 0x30 | (packet.dup ? 8 : 0) | (qos << 1) | (packet.retain ? 1 : 0);
}

// DISCONNECT and AUTH. 5.0 may leave out a 0x00 reason code with no properties, and
// the property length when there are none (section 3.14.2.1); AUTH always has both, as
// mqtt-packet cannot read its short form (encoder.cpp says more).
function reasonAndProperties(packet, type, v5) {
  const reason = code(packet.reasonCode, packet.cmd);
  if (!v5) {
    if (type === 15) refuse(MALFORMED, 'AUTH exists only in MQTT 5.0 (packet type 15 is reserved in 3.1.1)');
    else if (reason !== 0) refuse(0x82, 'a reason code exists only in MQTT 5.0');
  }
  const at = pos;
  byte(reason);
  properties(packet.properties, packet.cmd, v5 || type === 15);
  if (type === 15) return 0xf0;
  if (!v5 || (reason === 0 && pos === at + 2)) pos = at;
  else if (pos === at + 2) pos--; // no properties: no property length either
  return type << 4;
}

function subscribe(packet, v5) {
  u16(messageId(packet));
  properties(packet.properties, 'subscribe', v5);
  const subs = packet.subscriptions;
  if (!Array.isArray(subs)) throw invalid('subscribe subscriptions must be an array');
  for (const sub of subs) {
    if (typeof sub !== 'object' || sub === null) throw invalid('subscribe subscriptions must be objects');
    tooLong(string(sub.topic, 'subscription topic'), 'topic filter');
    // Subscription options (section 3.8.3.1): QoS, No Local, Retain As Published,
    // Retain Handling. 3.1.1 has the QoS only [MQTT-3.8.3-4].
    const options = integer(sub.qos ?? 0, 'subscription qos', 0, 3) | (sub.nl ? 4 : 0) | (sub.rap ? 8 : 0) |
      (integer(sub.rh ?? 0, 'subscription rh', 0, 3) << 4);
    if (!v5 && options > 3) refuse(0x82, 'No Local, Retain As Published and Retain Handling exists only in MQTT 5.0');
    byte(options);
  }
  return 0x82; // [MQTT-3.8.1-1]
}

function unsubscribe(packet, v5) {
  u16(messageId(packet));
  properties(packet.properties, 'unsubscribe', v5);
  const list = packet.unsubscriptions;
  if (!Array.isArray(list)) throw invalid('unsubscribe unsubscriptions must be an array');
  for (const filter of list) tooLong(string(filter, 'unsubscription'), 'topic filter');
  return 0xa2; // [MQTT-3.10.1-1]
}

// The last write of writeInto: the array the packet went to, and where it lies in it.
export let written = null;
export let writtenStart = 0;
export let writtenEnd = 0;

/**
 * Writes `packet` (see the top of this file): it is then written[writtenStart,
 * writtenEnd). Returns whether `written` is `buffer` (false: the packet did not fit,
 * and went to a new, bigger array). Throws MqttError, as encode() does.
 * @param {object} packet @param {3 | 4 | 5} version @param {Uint8Array} [buffer]
 * @param {boolean} [anyPacketId] the packet is a request to the client core, which
 *   chooses packet ids: a messageId may be left out, and 1 is written for any
 * @returns {boolean}
 */
export function writeInto(packet, version, buffer, anyPacketId = false) {
  if (typeof packet !== 'object' || packet === null) throw invalid('a packet must be an object');
  anyId = anyPacketId;
  u8 = buffer ?? (scratch ??= new Uint8Array(16384));
  // The body starts after room for the longest fixed header: 1 + 4 bytes.
  pos = 0;
  room(5);
  pos = 5;
  cmd = packet.cmd;
  problem = null;
  const v5 = version === 5;
  let first;
  switch (cmd) {
    case 'publish': first = publish(packet, v5); break;
    case 'subscribe': first = subscribe(packet, v5); break;
    case 'unsubscribe': first = unsubscribe(packet, v5); break;
    case 'disconnect': first = reasonAndProperties(packet, 14, v5); break;
    case 'auth': first = reasonAndProperties(packet, 15, v5); break;
    case 'connect': first = connect(packet); break;
    default:
      throw invalid(`the client core takes no "${cmd}" packet`);
  }
  if (buffer === undefined && u8 !== scratch && u8.length <= KEEP) scratch = u8;
  if (problem) throw problem;
  const remaining = pos - 5;
  if (remaining > MAX_VARINT) {
    throw new MqttError(0x95, `${cmd.toUpperCase()}: body of ${remaining} bytes is more than the Remaining Length can express (268,435,455)`);
  }
  // The fixed header, just before the body: the first byte and the Remaining Length.
  const start = 4 - varintSize(remaining);
  u8[start] = first;
  varintAt(start + 1, remaining);
  written = u8;
  writtenStart = start;
  writtenEnd = pos;
  return u8 === buffer;
}

// The common PUBLISH, written without the general writer: no properties, a topic of
// ASCII, and a payload of bytes or of short ASCII text. The last topic's bytes are
// kept, so a topic used again is copied, not encoded.
let lastTopic = '';
let lastTopicBytes = new Uint8Array(0);

function asciiBytes(text, max) {
  if (text.length > max) return null;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return null;
    bytes[i] = c;
  }
  return bytes;
}

/**
 * Writes such a PUBLISH at buffer[0, returned length), with `anyPacketId` as
 * writeInto has it, and returns its length; 0 when the packet is not such a one or
 * does not fit (writeInto then writes it, or says what is wrong with it).
 * @param {object} packet @param {3 | 4 | 5} version @param {Uint8Array} buffer
 * @param {boolean} anyPacketId
 * @returns {number}
 */
export function writeQuickPublish(packet, version, buffer, anyPacketId) {
  if (packet.cmd !== 'publish' || packet.properties != null) return 0;
  const qos = packet.qos ?? 0;
  if (qos !== 0 && qos !== 1 && qos !== 2) return 0;
  const id = packet.messageId;
  const idGiven = id !== undefined && id !== null;
  if (qos > 0 && (idGiven || !anyPacketId) && !(Number.isInteger(id) && id >= 0 && id <= 0xffff)) return 0;
  const topic = packet.topic;
  if (topic !== lastTopic) {
    if (typeof topic !== 'string') return 0;
    const bytes = asciiBytes(topic, 256);
    if (bytes === null) return 0;
    lastTopic = topic;
    lastTopicBytes = bytes;
  }
  const payload = packet.payload;
  let text = null;
  let plen = 0;
  if (payload instanceof Uint8Array) {
    plen = payload.length;
  } else if (typeof payload === 'string') {
    if (payload.length > 64) return 0;
    text = payload;
    plen = payload.length;
  } else if (payload !== undefined && payload !== null) {
    return 0;
  }
  const tlen = lastTopicBytes.length;
  const body = 2 + tlen + (qos > 0 ? 2 : 0) + (version === 5 ? 1 : 0) + plen;
  const header = 1 + varintSize(body);
  if (body > MAX_VARINT || header + body > buffer.length) return 0;
  buffer[0] = 0x30 | (packet.dup ? 8 : 0) | (qos << 1) | (packet.retain ? 1 : 0);
  let at = 1;
  for (let left = body; ; ) {
    const low = left & 0x7f;
    left >>>= 7;
    buffer[at++] = left ? low | 0x80 : low;
    if (!left) break;
  }
  buffer[at++] = tlen >> 8;
  buffer[at++] = tlen;
  for (let i = 0; i < tlen; i++) buffer[at + i] = lastTopicBytes[i];
  at += tlen;
  if (qos > 0) {
    const wire = anyPacketId ? 1 : id;
    buffer[at++] = wire >> 8;
    buffer[at++] = wire;
  }
  if (version === 5) buffer[at++] = 0;  // no properties
  if (text !== null) {
    for (let i = 0; i < plen; i++) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) return 0;
      buffer[at + i] = c;
    }
  } else if (plen <= 32) {
    for (let i = 0; i < plen; i++) buffer[at + i] = payload[i];
  } else if (plen > 0) {
    buffer.set(payload, at);
  }
  return at + plen;
}
