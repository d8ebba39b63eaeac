// Reads MQTT packets of every type (3.1, 3.1.1 and 5.0, from a client or from a server)
// straight from their wire bytes, into the objects js/codec.js createDecoder() gives for
// the same bytes (mqtt-packet's shape, as js/wasm/tape-read.js builds them):
//
//   decodePacket(u8, start, length, version, zeroCopy?)
//     u8[start, start + length) is one whole packet, fixed header included. version is
//     the protocol level the packets of the stream are read with (3, 4 or 5). With
//     0x80 added (0x83, 0x84: the stream's CONNECT was a bridge's), 3.1 and 3.1.1
//     SUBSCRIBEs read with no local, retain as published and retain handling 0, as
//     a decoder reads them after such a CONNECT. A CONNECT carries its own level and
//     is read with it, whatever `version` says. zeroCopy: u8 is the caller's own chunk
//     (not wasm memory, which is reused), and a PUBLISH payload that is at least a
//     sixteenth of its memory may stay a view of it, as createDecoder({ zeroCopy: true })
//     does with a payload in the chunk pushed; otherwise payloads are copies
//     (copy-out.js). Passwords, will payloads and binary properties are always copies.
//
// The bytes are meant to have been checked already, strictly (the wasm does): no rule
// of MQTT is checked here. Bytes that cannot be read (a length past the end, a
// property identifier that does not exist, packet type 0, a CONNECT of an unknown
// protocol level) give an MqttError 0x81 Malformed Packet; nothing else is thrown and
// nothing loops.
import { MqttError } from '../errors.js';
import { utf8 } from '../wasm/utf8.js';
import { payloadOfChunk } from '../wasm/payload-of-chunk.js';
import { addRepeatable } from '../packet-fields.js';
import { copyOut } from '../wasm/copy-out.js';
import { PROPERTY_BY_ID, BOOL, BYTE, INT16, INT32, VARINT, STRING, BINARY, PAIR } from '../properties.js';

const NAMES = [, 'connect', 'connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'subscribe', 'suback',
  'unsubscribe', 'unsuback', 'pingreq', 'pingresp', 'disconnect', 'auth'];

// The packet being read: bytes, next byte, end; how the stream reads (see above).
let u8;
let pos = 0;
let end = 0;
let v5 = false;
let bridge = false;

function unreadable() {
  return new MqttError(0x81, 'a packet cannot be read: its bytes end early or are not an MQTT packet');
}

// Reads past the end give undefined, which reads as 0 here: the end is checked where a
// length is used and once the packet is read.
function u16() {
  const value = (u8[pos] << 8) | u8[pos + 1];
  pos += 2;
  return value;
}

// A Variable Byte Integer (section 1.5.5), of at most 4 bytes.
function varint() {
  let value = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    const b = u8[pos++];
    value |= (b & 0x7f) << shift; // at most 28 bits: no sign
    if (!(b & 0x80)) return value;
  }
  throw unreadable();
}

// A length of `n` bytes from pos must end by the packet's end.
function take(n) {
  const at = pos;
  pos += n;
  if (pos > end) throw unreadable();
  return at;
}

function string() {
  const n = u16();
  return n === 0 ? '' : utf8(u8, take(n), n);
}

// Binary data is small (passwords, will payloads, correlation and authentication
// data): always copied.
function binary() {
  const n = u16();
  return copyOut(u8, take(n), n);
}

const byte = () => u8[pos++];

// Properties as tape-read.js gives them: undefined when there are none (and before
// 5.0); a repeated property as an array; User Properties in a null-prototype object, a
// repeated name's values in an array.
function properties() {
  if (!v5) return undefined;
  const stop = varint() + pos;
  if (stop > end) throw unreadable();
  if (stop === pos) return undefined;
  const props = {};
  while (pos < stop) {
    const info = PROPERTY_BY_ID[u8[pos++]];
    if (info === undefined) throw unreadable();
    let value;
    switch (info.type) {
      case BOOL:
        value = u8[pos++] !== 0;
        break;
      case BYTE:
        value = u8[pos++];
        break;
      case INT16:
        value = u16();
        break;
      case INT32:
        value = ((u8[pos] << 24) | (u8[pos + 1] << 16) | (u8[pos + 2] << 8) | u8[pos + 3]) >>> 0;
        pos += 4;
        break;
      case VARINT:
        value = varint();
        break;
      case STRING:
        value = string();
        break;
      case BINARY:
        value = binary();
        break;
      case PAIR: {
        const name = string();
        const pairValue = string();
        addRepeatable((props.userProperties ??= Object.create(null)), name, pairValue);
        continue;
      }
    }
    addRepeatable(props, info.name, value);
  }
  if (pos !== stop) throw unreadable();
  return props;
}

// The list that fills the rest of a packet: SUBSCRIBE's subscriptions, UNSUBSCRIBE's
// filters, SUBACK's and UNSUBACK's codes. Every item moves on by a byte at least.
function rest(item) {
  const list = [];
  while (pos < end) list.push(item());
  return list;
}

function subscription() {
  const topic = string();
  const options = byte();
  const sub = { topic, qos: options & 3 };
  if (v5) {
    sub.nl = (options & 4) !== 0;
    sub.rap = (options & 8) !== 0;
    sub.rh = (options >> 4) & 3;
  } else if (bridge) {
    sub.nl = true;
    sub.rap = true;
    sub.rh = 0;
  }
  return sub;
}

function connect() {
  take(u16()); // the protocol name, which the level implies
  const level = byte();
  const flags = byte();
  const keepalive = u16();
  const version = level & 0x7f;
  if (version < 3 || version > 5) throw unreadable();
  v5 = version === 5;
  const packet = {
    cmd: 'connect',
    retain: false,
    qos: 0,
    dup: false,
    protocolId: version === 3 ? 'MQIsdp' : 'MQTT',
    protocolVersion: version,
    clean: (flags & 2) !== 0,
    keepalive,
  };
  const props = properties();
  packet.clientId = string();
  if (level & 0x80) packet.bridgeMode = true;
  if (flags & 4) {
    const willProps = properties();
    const will = { retain: (flags & 0x20) !== 0, qos: (flags >> 3) & 3, topic: string(), payload: binary() };
    if (willProps) will.properties = willProps;
    packet.will = will;
  }
  if (flags & 0x80) packet.username = string();
  if (flags & 0x40) packet.password = binary();
  if (props) packet.properties = props;
  return done(packet);
}

function publish(flags, zeroCopy) {
  const qos = (flags >> 1) & 3;
  const topic = string();
  const messageId = qos > 0 ? u16() : 0;
  const props = properties();
  // The payload is the rest of the packet (section 3.3.3).
  const n = end - pos;
  if (n < 0) throw unreadable();
  const packet = {
    cmd: 'publish',
    retain: (flags & 1) !== 0,
    qos,
    dup: (flags & 8) !== 0,
    topic,
    // A view of the chunk when zeroCopy and the payload is at least a sixteenth of
    // the chunk's memory, else a copy: the decoder's rule for a payload in its chunk.
    payload: payloadOfChunk(u8, pos, n, zeroCopy),
  };
  pos = end;
  if (qos > 0) packet.messageId = messageId;
  if (props) packet.properties = props;
  return done(packet);
}

/**
 * The packet object of the packet in u8[start, start + length).
 * @param {Uint8Array} bytes @param {number} start @param {number} length
 * @param {number} version 3, 4 or 5, plus 0x80 after a bridge's CONNECT
 * @param {boolean} [zeroCopy]
 * @returns {object}
 */
export function decodePacket(bytes, start, length, version, zeroCopy = false) {
  u8 = bytes;
  end = start + length;
  if (!(end <= bytes.length && start >= 0)) throw unreadable();
  pos = start + 1;
  // The Remaining Length must say exactly the bytes given.
  if (varint() !== end - pos) throw unreadable();
  const first = bytes[start];
  const type = first >> 4;
  const cmd = NAMES[type];
  if (cmd === undefined) throw unreadable();
  v5 = (version & 0x7f) === 5;
  bridge = (version & 0x80) !== 0;
  if (type === 1) return connect();
  if (type === 3) return publish(first & 15, zeroCopy);
  // mqtt-packet reports the fixed header's 0b0010 of PUBREL, SUBSCRIBE and UNSUBSCRIBE
  // (types 6, 8 and 10) as qos 1.
  const packet = { cmd, retain: false, qos: (0x540 >> type) & 1, dup: false };
  let props;
  switch (type) {
    case 2:
      packet.sessionPresent = (bytes[pos] & 1) !== 0;
      take(2);
      packet[v5 ? 'reasonCode' : 'returnCode'] = bytes[pos - 1];
      props = properties();
      break;
    case 8:
    case 9:
    case 10:
    case 11:
      packet.messageId = u16();
      if ((props = properties())) packet.properties = props;
      if (type === 8) packet.subscriptions = rest(subscription);
      else if (type === 10) packet.unsubscriptions = rest(string);
      // SUBACK's return codes; UNSUBACK's reason codes, which mqtt-packet also calls
      // `granted`, exist in 5.0 only.
      else if (type === 9 || v5) packet.granted = rest(byte);
      return done(packet);
    case 12:
    case 13:
      break;
    default: // PUBACK, PUBREC, PUBREL, PUBCOMP; DISCONNECT and AUTH have no packet identifier
      if (type < 14) packet.messageId = u16();
      if (!v5) break;
      // 5.0 may leave out a 0x00 reason code and the property length (sections
      // 3.4.2.1, 3.14.2.1, 3.15.2.1).
      packet.reasonCode = pos < end ? bytes[pos++] : 0;
      if (pos < end) props = properties();
  }
  if (props) packet.properties = props;
  return done(packet);
}

function done(packet) {
  if (pos !== end) throw unreadable();
  u8 = null; // the bytes are not kept alive from here
  return packet;
}
