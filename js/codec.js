// The codec's JS API: createDecoder() and encode(). One call into wasm per push and
// per encode; packet objects are built on this side from the tape.
import { boundary } from './wasm/boundary.js';
import { TapeReader } from './wasm/tape-read.js';
import { payloadOfChunk } from './wasm/payload-of-chunk.js';
import { TapeWriter, OVERFLOW } from './wasm/tape-write.js';
import { connectVersion } from './connect-version.js';
import { asBytes } from './as-bytes.js';
import { copyOut } from './wasm/copy-out.js';
import { newBytes } from './new-bytes.js';
import { MqttError, shown } from './errors.js';

import { MAX_PACKET_SIZE } from './max-packet-size.js';

export { MAX_PACKET_SIZE };


// A PUBLISH payload of more than this many bytes never enters wasm memory: the
// decoder stops after the packet's variable header and the payload is taken from the
// caller's chunk (a view, or one copy), as mqtt-packet does. Smaller ones are cheaper
// copied out of wasm (copy-out.js pools them). docs/BENCHMARKS.md has the figures.
const EXTERNAL_PAYLOAD_MIN = 4097;

// Bytes of a chunk copied into wasm per call. The window shrinks after a stop at an
// external payload, so that the bytes of the next one are not copied for nothing, and
// doubles while whole windows are read, so a chunk of small packets is one call.
const WINDOW_MIN = 512;
const WINDOW_MAX = 64 * 1024;

// An external payload that runs past its chunk is gathered into memory that grows
// with the bytes that arrive (never more than twice them, or 64 KiB), not with the
// size the packet declares.
const GATHER_FIRST = 64 * 1024;

// An encode whose output is bigger than this gives the memory back afterwards.
const SHRINK_AFTER = 1 << 20;

const handles = new FinalizationRegistry((handle) => boundary.module._mqttw_decoder_free(handle));

function checkVersion(version, allowAuto) {
  if (version === undefined && allowAuto) return 0;
  if (version !== 3 && version !== 4 && version !== 5) {
    throw new RangeError(`protocolVersion must be 3, 4 or 5, not ${shown(version)}`);
  }
  return version;
}

const NO_OPTIONS = Object.freeze({});

// `options` may be left out, but a number or a string there is a mistake (a version
// given without its name) that must not silently mean "the default".
function checkOptions(options) {
  if (options === undefined) return NO_OPTIONS;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`options must be an object, not ${options === null ? 'null' : typeof options}`);
  }
  return options;
}


class Decoder {
  #handle;
  #reader = new TapeReader();
  #token = {};
  #window = WINDOW_MAX;
  // A PUBLISH whose external payload is still arriving:
  // { packet, bytes (Uint8Array, grown as needed), filled, size, head }.
  #gathering = null;
  // The packets of the push under way: null until a window or a gathered payload
  // makes the array (readPackets explains why it is made there).
  #packets = null;
  #failure = null;  // the MqttError of the push that failed, until reset()

  constructor(options) {
    options = checkOptions(options);
    const version = checkVersion(options.protocolVersion, true);
    const maxPacketSize = options.maxPacketSize ?? MAX_PACKET_SIZE;
    if (!Number.isInteger(maxPacketSize) || maxPacketSize < 2 || maxPacketSize > MAX_PACKET_SIZE) {
      throw new RangeError(`maxPacketSize must be an integer from 2 to ${MAX_PACKET_SIZE}`);
    }
    const zeroCopy = options.zeroCopy ?? true;
    if (typeof zeroCopy !== 'boolean') throw new TypeError(`zeroCopy must be true or false, not ${shown(zeroCopy)}`);
    this.#reader.zeroCopy = zeroCopy;
    this.#handle = boundary.module._mqttw_decoder_new(version, maxPacketSize, EXTERNAL_PAYLOAD_MIN);
    handles.register(this, this.#handle, this.#token);
  }

  /**
   * Decodes the packets that `chunk` completes. Throws MqttError on bad input; the
   * packets completed before it are on the error as `err.packets`.
   */
  push(chunk) {
    const bytes = asBytes(chunk);
    if (this.#handle === 0) throw new Error('this decoder has been disposed');
    // Failed: every push throws again until reset(), an empty one too.
    if (this.#failure !== null) throw new MqttError(this.#failure.reasonCode, this.#failure.message, { packets: [] });
    this.#packets = null;
    let pos = 0;
    if (this.#gathering) pos = this.#gather(bytes);
    while (pos < bytes.length) pos = this.#pushWindow(bytes, pos);
    const packets = this.#packets ?? [];
    this.#packets = null;
    return packets;
  }

  // Decodes one window of `chunk` from `pos`; the packets go to this.#packets.
  // Returns where the next window starts.
  #pushWindow(chunk, pos) {
    const b = boundary;
    const length = Math.min(this.#window, chunk.length - pos, b.inputCap);
    b.refresh(); // any wasm call since the last one may have grown the memory
    const inputPtr = b.inputPtr;
    b.u8.set(pos === 0 && length === chunk.length ? chunk : chunk.subarray(pos, pos + length), inputPtr);
    const count = b.decoderPush(this.#handle, length);
    b.refresh();
    const reader = this.#reader;
    reader.u8 = b.u8;
    reader.i32 = b.i32;
    reader.pos = b.i32[b.tapeWord] >> 2;
    reader.chunk = chunk;
    reader.chunkOffset = pos;
    reader.inputPtr = inputPtr;
    reader.inputLen = length;
    const packets = (this.#packets = reader.readPackets(count, this.#packets));
    reader.chunk = null;
    const code = b.i32[b.errorWord];
    if (code !== 0) {
      this.#packets = null;
      this.#failure = new MqttError(code, b.errorReason(), { packets });
      throw this.#failure;
    }

    const size = b.i32[b.externalSizeWord];
    if (size === 0) {
      this.#window = Math.min(this.#window * 2, WINDOW_MAX);
      return pos + length;
    }
    this.#window = WINDOW_MIN;
    const start = pos + b.i32[b.consumedWord];
    const end = start + size;
    if (end <= chunk.length) {
      packets[packets.length - 1].payload = payloadOfChunk(chunk, start, size, reader.zeroCopy);
      return end;
    }
    const have = chunk.length - start;
    const gathered = newBytes(Math.min(size, Math.max(GATHER_FIRST, 2 * have)));
    gathered.set(chunk.subarray(start));
    this.#gathering = { packet: packets.pop(), bytes: gathered, filled: have, size, head: b.i32[b.externalHeadWord] };
    return chunk.length;
  }

  // Adds the start of `chunk` to the payload being gathered; when it is complete, its
  // packet is the push's first. Returns the bytes of `chunk` used.
  #gather(chunk) {
    const g = this.#gathering;
    const take = Math.min(g.size - g.filled, chunk.length);
    if (g.filled + take > g.bytes.length) {
      const grown = newBytes(Math.min(g.size, Math.max(2 * g.bytes.length, g.filled + take)));
      grown.set(g.bytes.subarray(0, g.filled));
      g.bytes = grown;
    }
    g.bytes.set(take === chunk.length ? chunk : chunk.subarray(0, take), g.filled);
    g.filled += take;
    if (g.filled === g.size) {
      g.packet.payload = g.bytes;
      this.#packets = [g.packet];
      this.#gathering = null;
    }
    return take;
  }

  /** Forgets buffered bytes and any error; the protocol goes back to the one given. */
  reset() {
    this.#failure = null;
    if (this.#handle !== 0) boundary.module._mqttw_decoder_reset(this.#handle);
    this.#reader.bridge = false; // a bridge's CONNECT is forgotten with the rest
    this.#gathering = null;
    this.#window = WINDOW_MAX;
  }

  /** The protocol level packets are decoded with now (3, 4 or 5). */
  get protocolVersion() {
    if (this.#handle === 0) throw new Error('this decoder has been disposed');
    return boundary.module._mqttw_decoder_version(this.#handle);
  }

  /** Bytes held for a packet that is not complete yet. */
  get buffered() {
    if (this.#handle === 0) throw new Error('this decoder has been disposed');
    const g = this.#gathering;
    return g ? g.head + g.filled : boundary.module._mqttw_decoder_buffered(this.#handle);
  }

  /** Frees the wasm memory now rather than when the decoder is collected. */
  dispose() {
    if (this.#handle === 0) return;
    handles.unregister(this.#token);
    boundary.module._mqttw_decoder_free(this.#handle);
    this.#handle = 0;
    this.#gathering = null;
  }
}

/**
 * @param {{ protocolVersion?: 3 | 4 | 5, maxPacketSize?: number, zeroCopy?: boolean }} [options]
 */
export function createDecoder(options) {
  return new Decoder(options);
}

const writer = new TapeWriter(boundary);

/**
 * Encodes one packet. Without a protocolVersion the packet is 3.1.1, except a
 * CONNECT, whose own protocolVersion decides. Throws MqttError for an invalid packet.
 * @returns {Uint8Array}
 */
let writing = false;  // encode() is reading a packet into the writer

export function encode(packet, options) {
  let version;
  options = checkOptions(options);
  if (packet?.cmd === 'connect') version = connectVersion(packet);
  else version = checkVersion(options.protocolVersion ?? 4, false);
  const b = boundary;
  let grew = false;
  // The writer is one for all: a getter or Proxy of the packet that calls encode()
  // would write its packet over this one's.
  if (writing) throw new Error('encode() was called again while it read its packet (from a getter or a Proxy): encode each packet on its own');
  writing = true;
  try {
    for (;;) {
      writer.begin();
      try {
        writer.packet(packet, version);
        break;
      } catch (err) {
        if (err !== OVERFLOW) {
          if (grew) b.shrinkRequest();
          throw err;
        }
        b.reserveRequest(b.scratchCap * 2 + estimateBytes(packet), b.requestCap * 2);
        grew = true;
      }
    }
  } finally {
    writing = false;
  }
  const length = b.encode(writer.words);
  b.refresh();
  if (length < 0) {
    const err = new MqttError(b.i32[b.errorWord], b.errorReason());
    if (grew) b.shrinkRequest();
    throw err;
  }
  const bytes = copyOut(b.u8, b.i32[b.outputWord], length);
  // A packet that needed more than the usual buffers gives their memory back.
  if (grew || length > SHRINK_AFTER) b.shrinkRequest();
  return bytes;
}

// A first guess at the bytes a packet needs, so that a big payload grows the
// scratch area once rather than by doubling.
function estimateBytes(packet) {
  const payload = packet.payload ?? packet.will?.payload;
  if (typeof payload === 'string') return payload.length * 3;
  return payload?.byteLength ?? 0;
}
