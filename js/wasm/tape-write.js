// Writes a packet object (mqtt-packet's shape) onto the request tape for the C++
// encoder (cpp/bindings/tape.hpp): words into the request area, strings and bytes
// into the scratch area of wasm memory. Types are checked here, with messages that
// name the field; the rules of MQTT are checked once, in C++.
import { invalid, integer, bytesOf, userPropertyValue, checkUserProperties } from '../packet-fields.js';
import { shown } from '../errors.js';
import { connectVersion } from '../connect-version.js';
import { isWellFormed } from '../well-formed.js';
import { TYPE, CONNECT_CLEAN, CONNECT_WILL, CONNECT_WILL_RETAIN, CONNECT_USERNAME, CONNECT_PASSWORD } from './tape-layout.js';
import { PROPERTY_BY_NAME, BOOL, BYTE, INT16, INT32, VARINT, STRING, BINARY, PAIR } from '../properties.js';

// Thrown (and caught by the encoder) when the request or scratch area is full.
export const OVERFLOW = Symbol('overflow');

const textEncoder = new TextEncoder();

export class TapeWriter {
  constructor(boundary) {
    this.boundary = boundary;
    this.stringCache = new Map();
  }

  // Starts a request at the beginning of the request and scratch areas.
  begin() {
    const b = this.boundary;
    b.refresh(); // any wasm call since the last one may have grown the memory
    this.u8 = b.u8;
    this.i32 = b.i32;
    this.w = b.requestPtr >> 2;
    this.wStart = this.w;
    this.wEnd = this.w + b.requestCap;
    this.p = b.scratchPtr;
    this.pEnd = b.scratchPtr + b.scratchCap;
  }

  get words() {
    return this.w - this.wStart;
  }

  word(value) {
    if (this.w >= this.wEnd) throw OVERFLOW;
    this.i32[this.w++] = value;
  }

  region(ptr, len) {
    this.word(ptr);
    this.word(len);
  }

  // A string field: its UTF-8 bytes and the string cache id (used only on decoded
  // tapes). Strings used again (topics, content types, user property names...) are
  // kept encoded in wasm memory and not encoded again; bounded like the decoder's
  // string cache.
  text(value, name) {
    if (typeof value !== 'string') throw invalid(`${name} must be a string, not ${typeof value}`);
    const cached = this.stringCache.get(value);
    if (cached !== undefined) {
      this.region(cached.ptr, cached.len);
      this.word(-1);
      return;
    }
    const before = this.p;
    this.utf8(value, name);
    this.word(-1);
    if (this.stringCache.size < 4096 && value.length <= 256) this.keep(value, before, this.p - before);
  }

  keep(value, start, len) {
    const ptr = this.boundary.module._malloc(Math.max(len, 1));
    this.boundary.refresh();
    this.u8 = this.boundary.u8;
    this.i32 = this.boundary.i32;
    this.u8.copyWithin(ptr, start, start + len);
    this.stringCache.set(value, { ptr, len });
  }

  // A JS string as UTF-8 bytes in scratch, written as binary data (address, length).
  // Lone surrogates cannot become UTF-8, so they are refused rather than silently
  // replaced [MQTT-1.5.4-1].
  utf8(value, name) {
    if (typeof value !== 'string') throw invalid(`${name} must be a string, not ${typeof value}`);
    const len = value.length;
    const start = this.p;
    if (start + len * 3 > this.pEnd) throw OVERFLOW;
    const u8 = this.u8;
    let i = 0;
    if (len <= 64) {
      for (; i < len; i++) {
        const c = value.charCodeAt(i);
        if (c > 0x7f) break;
        u8[start + i] = c;
      }
    }
    let written = i;
    if (i < len) {
      if (!isWellFormed(value)) throw invalid(`${name} contains a lone UTF-16 surrogate, which UTF-8 cannot carry`);
      written += textEncoder.encodeInto(i === 0 ? value : value.slice(i), u8.subarray(start + i, this.pEnd)).written;
    }
    this.p = start + written;
    this.region(start, written);
  }

  bytes(value, name) {
    const view = bytesOf(value, name);
    const len = view.length;
    const start = this.p;
    if (start + len > this.pEnd) throw OVERFLOW;
    // For a few bytes a loop beats TypedArray.set, which has a fixed cost.
    if (len <= 32) {
      const u8 = this.u8;
      for (let i = 0; i < len; i++) u8[start + i] = view[i];
    } else {
      this.u8.set(view, start);
    }
    this.p = start + len;
    this.region(start, len);
  }

  // Strings or bytes (passwords, payloads): strings become UTF-8.
  stringOrBytes(value, name) {
    if (value === undefined || value === null) this.region(0, 0);
    else if (typeof value === 'string') this.utf8(value, name);
    else this.bytes(value, name);
  }

  properties(props, where) {
    if (props === undefined || props === null) {
      this.word(0);
      return;
    }
    if (typeof props !== 'object') throw invalid(`${where} properties must be an object`);
    const countAt = this.w;
    this.word(0);
    let count = 0;
    // for-in and no wrapper arrays: this runs for every packet with properties.
    for (const name in props) {
      const value = props[name];
      if (value === undefined || !Object.hasOwn(props, name)) continue;
      const info = PROPERTY_BY_NAME.get(name);
      if (!info) throw invalid(`${where} has an unknown property "${name}"`);
      if (info.type === PAIR) {
        count += this.userProperties(value, info.id);
      } else if (Array.isArray(value)) {
        // mqtt-packet gives a repeated property (a PUBLISH's subscription
        // identifiers) as an array.
        for (const one of value) {
          this.word(info.id);
          this.propertyValue(info, one);
          count++;
        }
      } else {
        this.word(info.id);
        this.propertyValue(info, value);
        count++;
      }
    }
    this.i32[countAt] = count;
  }

  // { name: value | [values] } as User Property entries; returns how many.
  userProperties(map, id) {
    checkUserProperties(map);
    let count = 0;
    for (const key in map) {
      if (!Object.hasOwn(map, key)) continue;
      const value = map[key];
      if (Array.isArray(value)) {
        for (const one of value) {
          this.word(id);
          this.text(key, 'user property name');
          this.text(userPropertyValue(key, one), 'user property value');
          count++;
        }
      } else {
        this.word(id);
        this.text(key, 'user property name');
        this.text(userPropertyValue(key, value), 'user property value');
        count++;
      }
    }
    return count;
  }

  propertyValue(info, value) {
    switch (info.type) {
      case BOOL:
        if (typeof value === 'boolean') this.word(value ? 1 : 0);
        else this.word(integer(value, info.name, 0, 255));
        break;
      case BYTE:
        this.word(integer(value, info.name, 0, 255));
        break;
      case INT16:
        this.word(integer(value, info.name, 0, 0xffff));
        break;
      case INT32:
        this.word(integer(value, info.name, 0, 0xffffffff) | 0);
        break;
      case VARINT:
        this.word(integer(value, info.name, 0, 268435455));
        break;
      case STRING:
        this.text(value, info.name);
        break;
      case BINARY:
        this.stringOrBytes(value, info.name);
        break;
    }
  }

  messageId(packet) {
    this.word(integer(packet.messageId, 'messageId', 0, 0xffff, packet.cmd));
  }

  code(value, name, owner) {
    this.word(value === undefined ? 0 : integer(value, name, 0, 255, owner));
  }

  // Writes the whole packet. `version` is the protocol for every packet but CONNECT.
  packet(packet, version) {
    if (typeof packet !== 'object' || packet === null) throw invalid('a packet must be an object');
    const type = typeof packet.cmd === 'string' ? TYPE.get(packet.cmd) : undefined;
    if (type === undefined) throw invalid(`unknown packet cmd "${packet.cmd}"`);
    switch (type) {
      case 1: return this.connect(packet);
      case 2: return this.connack(packet, version);
      case 3: return this.publish(packet, version);
      case 4: case 5: case 6: case 7:
        this.word(type | (version << 8));
        this.messageId(packet);
        this.code(packet.reasonCode, 'reasonCode', packet.cmd);
        return this.properties(packet.properties, packet.cmd);
      case 8: return this.subscribe(packet, version);
      case 9: case 11: return this.codes(packet, type, version);
      case 10: return this.unsubscribe(packet, version);
      case 12: case 13:
        return this.word(type | (version << 8));
      default:
        this.word(type | (version << 8));
        this.code(packet.reasonCode, 'reasonCode', packet.cmd);
        return this.properties(packet.properties, packet.cmd);
    }
  }

  connect(packet) {
    const version = connectVersion(packet);
    this.word(1 | (version << 8) | (packet.bridgeMode ? 0x8000 : 0));
    const will = packet.will;
    let flags = packet.clean === undefined || packet.clean ? CONNECT_CLEAN : 0;
    if (will) flags |= CONNECT_WILL | (will.retain ? CONNECT_WILL_RETAIN : 0);
    const hasUsername = packet.username !== undefined && packet.username !== null;
    const hasPassword = packet.password !== undefined && packet.password !== null;
    if (hasUsername) flags |= CONNECT_USERNAME;
    if (hasPassword) flags |= CONNECT_PASSWORD;
    this.word(flags);
    this.word(will ? integer(will.qos ?? 0, 'will qos', 0, 3) : 0);
    this.word(integer(packet.keepalive ?? 0, 'keepalive', 0, 0xffff));
    this.text(packet.clientId ?? '', 'clientId');
    if (hasUsername) this.text(packet.username, 'username');
    else this.text('', 'username');
    if (hasPassword) this.stringOrBytes(packet.password, 'password');
    else this.region(0, 0);
    this.properties(packet.properties, 'connect');
    if (will) {
      if (typeof will !== 'object') throw invalid('will must be an object');
      this.text(will.topic, 'will topic');
      this.stringOrBytes(will.payload, 'will payload');
      this.properties(will.properties, 'will');
    }
  }

  connack(packet, version) {
    this.word(2 | (version << 8));
    this.word(packet.sessionPresent ? 1 : 0);
    const code = version === 5 ? packet.reasonCode ?? packet.returnCode : packet.returnCode ?? packet.reasonCode;
    this.code(code, version === 5 ? 'reasonCode' : 'returnCode', 'connack');
    this.properties(packet.properties, 'connack');
  }

  publish(packet, version) {
    const qos = packet.qos ?? 0;
    if (!Number.isInteger(qos) || qos < 0 || qos > 3) throw invalid(`publish qos must be 0, 1 or 2, not ${shown(qos)}`);
    this.word(3 | (version << 8));
    this.word((packet.dup ? 8 : 0) | (qos << 1) | (packet.retain ? 1 : 0));
    if (qos > 0) this.messageId(packet);
    else this.word(0);
    this.text(packet.topic, 'topic');
    this.stringOrBytes(packet.payload, 'payload');
    this.properties(packet.properties, 'publish');
  }

  subscribe(packet, version) {
    this.word(8 | (version << 8));
    this.messageId(packet);
    this.properties(packet.properties, 'subscribe');
    const subs = packet.subscriptions;
    if (!Array.isArray(subs)) throw invalid('subscribe subscriptions must be an array');
    this.word(subs.length);
    for (const sub of subs) {
      if (typeof sub !== 'object' || sub === null) throw invalid('subscribe subscriptions must be objects');
      this.text(sub.topic, 'subscription topic');
      const options = integer(sub.qos ?? 0, 'subscription qos', 0, 3) | (sub.nl ? 4 : 0) | (sub.rap ? 8 : 0) |
        (integer(sub.rh ?? 0, 'subscription rh', 0, 3) << 4);
      this.word(options);
    }
  }

  codes(packet, type, version) {
    this.word(type | (version << 8));
    this.messageId(packet);
    this.properties(packet.properties, packet.cmd);
    const granted = packet.granted ?? [];
    if (!Array.isArray(granted)) throw invalid(`${packet.cmd} granted must be an array`);
    this.word(granted.length);
    for (const code of granted) this.word(integer(code, 'granted code', 0, 255, packet.cmd));
  }

  unsubscribe(packet, version) {
    this.word(10 | (version << 8));
    this.messageId(packet);
    this.properties(packet.properties, 'unsubscribe');
    const list = packet.unsubscriptions;
    if (!Array.isArray(list)) throw invalid('unsubscribe unsubscriptions must be an array');
    this.word(list.length);
    for (const filter of list) this.text(filter, 'unsubscription');
  }
}
