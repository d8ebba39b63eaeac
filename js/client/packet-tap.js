// What the 'packetsend' and 'packetreceive' events see: the bytes written and the bytes
// received, decoded on the side with the codec's decoder, only while someone listens.
//
// The core writes whole packets, so decoding what is sent can start at any write. What
// arrives comes in chunks cut anywhere: while nobody listens, a framer follows the
// packet boundaries (a few steps per packet: the fixed header's length, then a skip),
// so that a listener added in the middle of a connection is in step from the first
// packet that starts after it came.
import { createDecoder } from '../codec.js';

// Where the framer is: at a packet boundary, in the Remaining Length, or in the body.
const BOUNDARY = 0;
const LENGTH = 1;
const BODY = 2;
const LOST = 3;  // a length longer than four bytes: the core will close the connection

export class PacketTap {
  #version;
  #sendDecoder = null;
  #receiveDecoder = null;
  #phase = BOUNDARY;
  #length = 0;
  #scale = 1;
  #left = 0;

  constructor(protocolVersion) {
    this.#version = protocolVersion;
  }

  // A new connection: its bytes start at a packet boundary.
  reset() {
    this.#sendDecoder?.reset();
    this.#receiveDecoder?.dispose();
    this.#receiveDecoder = null;
    this.#phase = BOUNDARY;
  }

  // The packets in bytes just written (`listening`: someone listens to 'packetsend').
  sent(bytes, listening) {
    if (!listening) return null;
    this.#sendDecoder ??= createDecoder({ protocolVersion: this.#version, zeroCopy: false });
    return decodeAll(this.#sendDecoder, bytes);
  }

  // The packets that a chunk just received completes, or null.
  received(chunk, listening) {
    if (this.#receiveDecoder !== null) return decodeAll(this.#receiveDecoder, chunk);
    if (!listening) {
      this.#frame(chunk, 0, false);
      return null;
    }
    const start = this.#frame(chunk, 0, true);
    if (start < 0) return null;
    this.#receiveDecoder = createDecoder({ protocolVersion: this.#version, zeroCopy: false });
    return decodeAll(this.#receiveDecoder, start === 0 ? chunk : chunk.subarray(start));
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

// A decoder error ends what it shows of this connection (the core, which decides, will
// close it): the packets before the bad one are still shown.
function decodeAll(decoder, bytes) {
  try {
    return decoder.push(bytes);
  } catch (err) {
    return err.packets ?? [];
  }
}
