// Turns the tape the decoder wrote (cpp/bindings/tape.hpp) into packet objects shaped
// like mqtt-packet's. This is the hot path of decoding: objects are built here, in JS,
// from a flat table, and repeated topics come from a cache instead of being decoded.
import { addRepeatable } from '../packet-fields.js';
import { copyOut } from './copy-out.js';
import { utf8 } from './utf8.js';
import { payloadOfChunk } from './payload-of-chunk.js';
import {
  CMD, STRING_ID_NEW, CONNECT_CLEAN, CONNECT_WILL, CONNECT_WILL_RETAIN, CONNECT_USERNAME, CONNECT_PASSWORD,
} from './tape-layout.js';
import { PROPERTY_BY_ID, BOOL, BYTE, INT16, INT32, VARINT, STRING, BINARY, PAIR } from '../properties.js';



/**
 * Reading state for one push. `chunk` is the caller's input; bytes at
 * [inputPtr, inputPtr + inputLen) in wasm memory are a copy of chunk[chunkOffset...].
 */
export class TapeReader {
  constructor() {
    this.u8 = null;
    this.i32 = null;
    this.pos = 0;
    this.chunk = null;
    this.chunkOffset = 0;
    this.inputPtr = 0;
    this.inputLen = 0;
    this.zeroCopy = true;
    this.strings = [];
    this.bridge = false;
  }

  // A string: from the decoder's string cache when it has an id there.
  text() {
    const i32 = this.i32;
    const ptr = i32[this.pos];
    const len = i32[this.pos + 1];
    const id = i32[this.pos + 2];
    this.pos += 3;
    if (id === -1) return len === 0 ? '' : utf8(this.u8, ptr, len);
    if (id & STRING_ID_NEW) {
      const s = utf8(this.u8, ptr, len);
      this.strings[id & ~STRING_ID_NEW] = s;
      return s;
    }
    return this.strings[id];
  }

  // Binary data is small (passwords, correlation data): always copied.
  binary() {
    const ptr = this.i32[this.pos];
    const len = this.i32[this.pos + 1];
    this.pos += 2;
    return copyOut(this.u8, ptr, len);
  }

  // A payload that lies in the caller's chunk is taken from there (payloadOfChunk);
  // one completed from bytes the decoder held is copied out of wasm memory.
  payload() {
    const ptr = this.i32[this.pos];
    const len = this.i32[this.pos + 1];
    this.pos += 2;
    const offset = ptr - this.inputPtr;
    if (offset >= 0 && offset + len <= this.inputLen) {
      return payloadOfChunk(this.chunk, this.chunkOffset + offset, len, this.zeroCopy);
    }
    return copyOut(this.u8, ptr, len);
  }

  properties() {
    const i32 = this.i32;
    const count = i32[this.pos++];
    if (count === 0) return undefined;
    const props = {};
    for (let k = 0; k < count; k++) {
      const info = PROPERTY_BY_ID[i32[this.pos++]];
      let value;
      switch (info.type) {
        case BOOL:
          value = i32[this.pos++] !== 0;
          break;
        case BYTE:
        case INT16:
        case VARINT:
          value = i32[this.pos++];
          break;
        case INT32:
          value = i32[this.pos++] >>> 0;
          break;
        case STRING:
          value = this.text();
          break;
        case BINARY:
          value = this.binary();
          break;
        case PAIR: {
          const name = this.text();
          const pairValue = this.text();
          addRepeatable((props.userProperties ??= Object.create(null)), name, pairValue);
          continue;
        }
      }
      addRepeatable(props, info.name, value);
    }
    return props;
  }

  // The `count` packets on the tape, appended to `out` when one is given. A new array
  // of the right length is faster than pushing (about 10% on bench/codec (a)), and
  // extending an empty array's length is slower again (about 20% on (b) with one
  // packet per chunk), so the first window of a push makes its own array.
  readPackets(count, out) {
    if (out) {
      for (let k = 0; k < count; k++) out.push(this.packet());
      return out;
    }
    const packets = new Array(count);
    for (let k = 0; k < count; k++) packets[k] = this.packet();
    return packets;
  }

  packet() {
    const head = this.i32[this.pos++];
    const type = head & 0xff;
    const version = (head >> 8) & 0x7f;
    switch (type) {
      case 3: return this.publish();
      case 1: return this.connect(version, (head & 0x8000) !== 0);
      case 2: return this.connack(version);
      case 4: case 5: case 6: case 7: return this.ack(type, version);
      case 8: return this.subscribe(version);
      case 9: case 11: return this.codes(type, version);
      case 10: return this.unsubscribe();
      case 12: case 13: return { cmd: CMD[type], retain: false, qos: 0, dup: false };
      default: return this.disconnectOrAuth(type, version);
    }
  }

  publish() {
    const i32 = this.i32;
    const flags = i32[this.pos];
    const messageId = i32[this.pos + 1];
    this.pos += 2;
    const topic = this.text();
    const qos = (flags >> 1) & 3;
    const packet = {
      cmd: 'publish',
      retain: (flags & 1) !== 0,
      qos,
      dup: (flags & 8) !== 0,
      topic,
      payload: this.payload(),
    };
    if (qos > 0) packet.messageId = messageId;
    const properties = this.properties();
    if (properties) packet.properties = properties;
    return packet;
  }

  connect(version, bridge) {
    const i32 = this.i32;
    const flags = i32[this.pos];
    const willQos = i32[this.pos + 1];
    const keepalive = i32[this.pos + 2];
    this.pos += 3;
    const packet = {
      cmd: 'connect',
      retain: false,
      qos: 0,
      dup: false,
      protocolId: version === 3 ? 'MQIsdp' : 'MQTT',
      protocolVersion: version,
      clean: (flags & CONNECT_CLEAN) !== 0,
      keepalive,
      clientId: this.text(),
    };
    if (bridge) packet.bridgeMode = true;
    // As in mqtt-packet, the stream's CONNECT decides whether 3.1.1 SUBSCRIBEs read as
    // a bridge's (no local, retain as published).
    this.bridge = bridge;
    const username = this.text();
    const password = this.binary();
    if (flags & CONNECT_USERNAME) packet.username = username;
    if (flags & CONNECT_PASSWORD) packet.password = password;
    const properties = this.properties();
    if (properties) packet.properties = properties;
    if (flags & CONNECT_WILL) {
      const will = {
        retain: (flags & CONNECT_WILL_RETAIN) !== 0,
        qos: willQos,
        topic: this.text(),
        payload: this.binary(),
      };
      const willProperties = this.properties();
      if (willProperties) will.properties = willProperties;
      packet.will = will;
    }
    return packet;
  }

  connack(version) {
    const i32 = this.i32;
    const packet = { cmd: 'connack', retain: false, qos: 0, dup: false, sessionPresent: i32[this.pos] !== 0 };
    if (version === 5) packet.reasonCode = i32[this.pos + 1];
    else packet.returnCode = i32[this.pos + 1];
    this.pos += 2;
    const properties = this.properties();
    if (properties) packet.properties = properties;
    return packet;
  }

  ack(type, version) {
    const i32 = this.i32;
    // mqtt-packet reports the fixed header's 0b0010 of PUBREL as qos 1.
    const packet = { cmd: CMD[type], retain: false, qos: type === 6 ? 1 : 0, dup: false, messageId: i32[this.pos] };
    if (version === 5) packet.reasonCode = i32[this.pos + 1];
    this.pos += 2;
    const properties = this.properties();
    if (properties) packet.properties = properties;
    return packet;
  }

  subscribe(version) {
    const i32 = this.i32;
    const packet = { cmd: 'subscribe', retain: false, qos: 1, dup: false, messageId: i32[this.pos++] };
    const properties = this.properties();
    if (properties) packet.properties = properties;
    const count = i32[this.pos++];
    const subscriptions = new Array(count);
    for (let k = 0; k < count; k++) {
      const topic = this.text();
      const options = i32[this.pos++];
      const sub = { topic, qos: options & 3 };
      if (version === 5) {
        sub.nl = (options & 4) !== 0;
        sub.rap = (options & 8) !== 0;
        sub.rh = (options >> 4) & 3;
      } else if (this.bridge) {
        // A 3.1.1 bridge (protocol level 0x84) expects no-local and retain-as-published.
        sub.rh = 0;
        sub.rap = true;
        sub.nl = true;
      }
      subscriptions[k] = sub;
    }
    packet.subscriptions = subscriptions;
    return packet;
  }

  // SUBACK, and UNSUBACK (whose 5.0 reason codes mqtt-packet also calls `granted`).
  codes(type, version) {
    const i32 = this.i32;
    const packet = { cmd: CMD[type], retain: false, qos: 0, dup: false, messageId: i32[this.pos++] };
    const properties = this.properties();
    if (properties) packet.properties = properties;
    const count = i32[this.pos++];
    if (type === 9 || version === 5) {
      const granted = new Array(count);
      for (let k = 0; k < count; k++) granted[k] = i32[this.pos + k];
      packet.granted = granted;
    }
    this.pos += count;
    return packet;
  }

  unsubscribe() {
    const i32 = this.i32;
    const packet = { cmd: 'unsubscribe', retain: false, qos: 1, dup: false, messageId: i32[this.pos++] };
    const properties = this.properties();
    if (properties) packet.properties = properties;
    const count = i32[this.pos++];
    const unsubscriptions = new Array(count);
    for (let k = 0; k < count; k++) unsubscriptions[k] = this.text();
    packet.unsubscriptions = unsubscriptions;
    return packet;
  }

  disconnectOrAuth(type, version) {
    const packet = { cmd: CMD[type], retain: false, qos: 0, dup: false };
    const reasonCode = this.i32[this.pos++];
    if (version === 5) packet.reasonCode = reasonCode;
    const properties = this.properties();
    if (properties) packet.properties = properties;
    return packet;
  }
}
