// What the 'packetsend' and 'packetreceive' events see: the bytes written and the bytes
// received, read into packet objects on the side (wire-read.js, the same objects
// js/codec.js createDecoder() gives), only while someone listens. Payloads are copies:
// they never keep the caller's chunks alive.
//
// The core writes whole packets, so reading what is sent can start at any write. What
// arrives comes in chunks cut anywhere: a packet cut at the end of a chunk is held
// until the chunk that completes it. While nobody listens, nothing is held: a framer
// follows the packet boundaries (a few steps per packet: the fixed header's length,
// then a skip), so that a listener added in the middle of a connection is in step from
// the first packet that starts after it came.
//
// No rule of MQTT is checked here: that is the core's work. A packet that cannot be
// read at all ends what its direction shows of the connection (the core, which decides,
// will close it); the packets before it are still shown. One that breaks a rule but
// can be read is shown, and then the core closes the connection.
import { decodePacket } from './wire-read.js';

// Where the framer is: at a packet boundary, in the Remaining Length, or in the body.
const BOUNDARY = 0;
const LENGTH = 1;
const BODY = 2;
const LOST = 3;  // a length longer than four bytes: the core will close the connection

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

  constructor(version) {
    this.#version = version;
    this.reset();
  }

  reset() {
    this.level = this.#version;
    this.failed = false;
    this.drop();
  }

  drop() {
    this.held = null;
    this.have = 0;
  }

  // The packets that bytes[pos...] completes.
  read(bytes, pos) {
    const packets = [];
    const n = bytes.length;
    if (this.have > 0) {
      let size;
      while ((size = packetSize(this.held, 0, this.have)) === 0 && pos < n) this.#hold(bytes, pos++, 1);
      if (size < 0) return this.#fail(packets);
      if (size === 0) return packets;
      const take = Math.min(size - this.have, n - pos);
      this.#hold(bytes, pos, take);
      pos += take;
      if (this.have < size) return packets;
      const whole = this.held;
      this.drop();
      if (!this.#decode(whole, 0, size, packets)) return packets;
    }
    while (pos < n) {
      const size = packetSize(bytes, pos, n);
      if (size < 0) return this.#fail(packets);
      if (size === 0 || size > n - pos) {
        this.#hold(bytes, pos, n - pos);
        break;
      }
      if (!this.#decode(bytes, pos, size, packets)) break;
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
  #phase = BOUNDARY;
  #length = 0;
  #scale = 1;
  #left = 0;

  constructor(protocolVersion) {
    this.#sending = new Reader(protocolVersion);
    this.#receiving = new Reader(protocolVersion);
  }

  // A new connection: its bytes start at a packet boundary.
  reset() {
    this.#sending.reset();
    this.#receiving.reset();
    this.#phase = BOUNDARY;
  }

  // The packets in bytes just written (`listening`: someone listens to 'packetsend').
  sent(bytes, listening) {
    const r = this.#sending;
    if (!listening || r.failed) {
      r.drop();
      return null;
    }
    return r.read(plain(bytes), 0);
  }

  // The packets that a chunk just received completes, or null.
  received(chunk, listening) {
    const r = this.#receiving;
    if (r.failed) return null;
    chunk = plain(chunk);
    if (!listening) {
      // The framer goes on from where the packet held stands.
      if (r.have > 0) {
        this.#phase = BOUNDARY;
        this.#frame(r.held.subarray(0, r.have), 0, false);
        r.drop();
      }
      this.#frame(chunk, 0, false);
      return null;
    }
    let start = 0;
    if (r.have === 0) {
      start = this.#frame(chunk, 0, true);
      if (start < 0) return null;
    }
    return r.read(chunk, start);
  }

  // Follows the packets of chunk from pos. With `stop`, returns the first boundary found
  // (pos itself when it is one), or -1 when the chunk ends inside a packet.
  #frame(chunk, pos, stop) {
    const n = chunk.length;
    while (pos < n) {
      switch (this.#phase) {
        case BOUNDARY:
          if (stop) return pos;
          pos += 1;  // the fixed header's first byte
          this.#phase = LENGTH;
          this.#length = 0;
          this.#scale = 1;
          break;
        case LENGTH: {
          const b = chunk[pos++];
          this.#length += (b & 0x7f) * this.#scale;
          this.#scale *= 128;
          if ((b & 0x80) === 0) {
            this.#left = this.#length;
            this.#phase = this.#left === 0 ? BOUNDARY : BODY;
          } else if (this.#scale > 128 ** 3) {
            this.#phase = LOST;
          }
          break;
        }
        case BODY: {
          const take = Math.min(this.#left, n - pos);
          pos += take;
          this.#left -= take;
          if (this.#left === 0) this.#phase = BOUNDARY;
          break;
        }
        default:
          return -1;
      }
    }
    return stop && this.#phase === BOUNDARY ? pos : -1;
  }
}
