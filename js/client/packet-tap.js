// What the 'packetsend' and 'packetreceive' events see: the bytes written and the bytes
// received, read into packet objects on the side (wire-read.js, the same objects
// js/codec.js createDecoder() gives), only while someone listens. Payloads are copies:
// they never keep the caller's chunks alive.
//
// The core writes whole packets, so reading what is sent can start at any write. What
// arrives comes in chunks cut anywhere: a packet cut at the end of a chunk is held
// until the chunk that completes it. While nobody listens, the packet boundaries are
// still followed (a few steps per packet: the fixed header's length, then a skip), and
// only a cut fixed header is held, so that a listener added in the middle of a
// connection is in step from the first packet that starts after it came.
//
// No rule of MQTT is checked here: that is the core's work. A packet that cannot be
// read at all ends what its direction shows of the connection (the core, which decides,
// will close it); the packets before it are still shown. One that breaks a rule but
// can be read is shown, and then the core closes the connection.
import { decodePacket } from './wire-read.js';

// The whole size of the packet at u8[at], from its fixed header: 0 when the header
// does not end before `end`, -1 when its Remaining Length is longer than 4 bytes.
function packetSize(u8, at, end) {
  let length = 0;
  for (let i = 1, scale = 1; i < 5; i++, scale *= 128) {
    if (at + i >= end) return 0;
    const b = u8[at + i];
    length += (b & 0x7f) * scale;
    if (!(b & 0x80)) return 1 + i + length;
  }
  return -1;
}

// A plain Uint8Array over a chunk, which a transport of the user's may give as a Node
// Buffer (whose slice() is a view where a copy is meant) or an ArrayBuffer.
function plain(bytes) {
  if (bytes.constructor === Uint8Array) return bytes;
  return ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes);
}

// The packets of one direction, from a packet boundary on.
class Reader {
  #version;
  level = 0;        // what decodePacket reads with: the version, + 0x80 after a bridge's CONNECT
  failed = false;
  held = null;      // the start of a packet cut at the end of the last chunk (`have` bytes)
  have = 0;
  heldListened = false;  // someone listened when the held packet started: it may be shown
  skip = 0;         // the bytes still to come of a packet nobody listened to the start of

  constructor(version) {
    this.#version = version;
    this.reset();
  }

  reset() {
    this.level = this.#version;
    this.failed = false;
    this.skip = 0;
    this.drop();
  }

  drop() {
    this.held = null;
    this.have = 0;
  }

  // The packets that `bytes` completes. Not `listening`: none, and only the packet
  // boundaries are followed (nothing is read, and only a cut fixed header is held).
  read(bytes, listening) {
    const packets = [];
    const n = bytes.length;
    let pos = Math.min(this.skip, n);
    this.skip -= pos;
    if (!listening) this.heldListened = false;
    if (this.have > 0) {
      let size;
      while ((size = packetSize(this.held, 0, this.have)) === 0 && pos < n) this.#hold(bytes, pos++, 1);
      if (size < 0) return this.#fail(packets);
      if (size === 0) return packets;
      const take = Math.min(size - this.have, n - pos);
      if (listening && this.heldListened) {
        this.#hold(bytes, pos, take);
        pos += take;
        if (this.have < size) return packets;
        const whole = this.held;
        this.drop();
        if (!this.#decode(whole, 0, size, packets)) return packets;
      } else {
        this.skip = size - this.have - take;
        pos += take;
        this.drop();
      }
    }
    while (pos < n) {
      const size = packetSize(bytes, pos, n);
      if (size < 0) return this.#fail(packets);
      if (size === 0 || (size > n - pos && listening)) {
        this.heldListened = listening;
        this.#hold(bytes, pos, n - pos);
        break;
      }
      if (size > n - pos) {
        this.skip = size - (n - pos);
        break;
      }
      if (listening && !this.#decode(bytes, pos, size, packets)) break;
      pos += size;
    }
    return packets;
  }

  #decode(bytes, at, size, packets) {
    let packet;
    try {
      packet = decodePacket(bytes, at, size, this.level, false);
    } catch {
      this.#fail();
      return false;
    }
    if (packet.cmd === 'connect') this.level = this.#version | (packet.bridgeMode ? 0x80 : 0);
    packets.push(packet);
    return true;
  }

  #fail(packets) {
    this.failed = true;
    this.drop();
    return packets;
  }

  // Copies bytes[at, at + n) after the held bytes: memory grows with the bytes that
  // arrive, not with the size a packet declares.
  #hold(bytes, at, n) {
    const need = this.have + n;
    if (this.held === null || need > this.held.length) {
      const grown = new Uint8Array(Math.max(need, 2 * this.have, 64));
      if (this.held !== null) grown.set(this.held.subarray(0, this.have));
      this.held = grown;
    }
    this.held.set(bytes.subarray(at, at + n), this.have);
    this.have = need;
  }
}

export class PacketTap {
  #sending;
  #receiving;

  constructor(protocolVersion) {
    this.#sending = new Reader(protocolVersion);
    this.#receiving = new Reader(protocolVersion);
  }

  // A new connection: its bytes start at a packet boundary.
  reset() {
    this.#sending.reset();
    this.#receiving.reset();
  }

  // The packets in bytes just written (`listening`: someone listens to 'packetsend').
  sent(bytes, listening) {
    const r = this.#sending;
    if (!listening || r.failed) {
      r.drop();
      return null;
    }
    return r.read(plain(bytes), true);
  }

  // The packets that a chunk just received completes, or null.
  received(chunk, listening) {
    const r = this.#receiving;
    if (r.failed) return null;
    const packets = r.read(plain(chunk), listening);
    return listening ? packets : null;
  }
}
