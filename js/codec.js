// The codec's JS API: createDecoder() and encode(). One call into wasm per push and
// per encode; packet objects are built on this side from the tape.
import { boundary } from './wasm/boundary.js';
import { TapeReader } from './wasm/tape-read.js';
import { TapeWriter, OVERFLOW, connectVersion } from './wasm/tape-write.js';
import { copyOut } from './wasm/copy-out.js';
import { MqttError } from './errors.js';

const M = boundary.module;

// The largest whole packet MQTT allows: 1 + 4 + 268,435,455 bytes.
export const MAX_PACKET_SIZE = 268435460;

// Bytes handed to wasm per call. Bigger chunks are decoded in slices, so a huge
// chunk does not leave a huge input buffer behind.
const SLICE = 1 << 20;

const handles = new FinalizationRegistry((handle) => M._decoderFree(handle));

function checkVersion(version, allowAuto) {
  if (version === undefined && allowAuto) return 0;
  if (version !== 3 && version !== 4 && version !== 5) {
    throw new TypeError(`protocolVersion must be 3, 4 or 5, not ${String(version)}`);
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

function asBytes(chunk) {
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new TypeError('push() takes a Uint8Array, an ArrayBufferView or an ArrayBuffer');
}

class Decoder {
  #handle;
  #reader = new TapeReader();
  #token = {};

  constructor(options) {
    options = checkOptions(options);
    const version = checkVersion(options.protocolVersion, true);
    const maxPacketSize = options.maxPacketSize ?? MAX_PACKET_SIZE;
    if (!Number.isInteger(maxPacketSize) || maxPacketSize < 2 || maxPacketSize > MAX_PACKET_SIZE) {
      throw new RangeError(`maxPacketSize must be an integer from 2 to ${MAX_PACKET_SIZE}`);
    }
    this.#reader.zeroCopy = options.zeroCopy ?? true;
    this.#handle = M._decoderNew(version, maxPacketSize);
    handles.register(this, this.#handle, this.#token);
  }

  /**
   * Decodes the packets that `chunk` completes. Throws MqttError on bad input; the
   * packets completed before it are on the error as `err.packets`.
   */
  push(chunk) {
    const bytes = asBytes(chunk);
    if (this.#handle === 0) throw new Error('this decoder has been disposed');
    if (bytes.length <= SLICE) return this.#pushSlice(bytes, 0, bytes.length, null);
    const packets = [];
    for (let offset = 0; offset < bytes.length; offset += SLICE) {
      this.#pushSlice(bytes, offset, Math.min(SLICE, bytes.length - offset), packets);
    }
    return packets;
  }

  #pushSlice(chunk, offset, length, into) {
    const b = boundary;
    b.refresh(); // any wasm call since the last one may have grown the memory
    if (length > b.inputCap) b.reserveInput(length);
    const inputPtr = b.inputPtr;
    b.u8.set(offset === 0 && length === chunk.length ? chunk : chunk.subarray(offset, offset + length), inputPtr);
    const count = b.decoderPush(this.#handle, length);
    b.refresh();
    const reader = this.#reader;
    reader.u8 = b.u8;
    reader.i32 = b.i32;
    reader.pos = b.i32[b.tapeWord] >> 2;
    reader.chunk = chunk;
    reader.chunkOffset = offset;
    reader.inputPtr = inputPtr;
    reader.inputLen = length;
    let packets = reader.readPackets(count);
    reader.chunk = null;
    if (into) {
      for (const p of packets) into.push(p);
      packets = into;
    }
    const code = b.i32[b.errorWord];
    if (code !== 0) throw new MqttError(code, b.errorReason(), { packets });
    return packets;
  }

  /** Forgets buffered bytes and any error; the protocol goes back to the one given. */
  reset() {
    if (this.#handle !== 0) M._decoderReset(this.#handle);
    this.#reader.bridge = false; // a bridge's CONNECT is forgotten with the rest
  }

  /** The protocol level packets are decoded with now (3, 4 or 5). */
  get protocolVersion() {
    if (this.#handle === 0) throw new Error('this decoder has been disposed');
    return M._decoderVersion(this.#handle);
  }

  /** Bytes held for a packet that is not complete yet. */
  get buffered() {
    if (this.#handle === 0) throw new Error('this decoder has been disposed');
    return M._decoderBuffered(this.#handle);
  }

  /** Frees the wasm memory now rather than when the decoder is collected. */
  dispose() {
    if (this.#handle === 0) return;
    handles.unregister(this.#token);
    M._decoderFree(this.#handle);
    this.#handle = 0;
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
export function encode(packet, options) {
  let version;
  options = checkOptions(options);
  if (packet?.cmd === 'connect') version = connectVersion(packet);
  else version = checkVersion(options.protocolVersion ?? 4, false);
  const b = boundary;
  let grew = false;
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
  const length = b.encode(writer.words);
  b.refresh();
  if (length < 0) {
    const err = new MqttError(b.i32[b.errorWord], b.errorReason());
    if (grew) b.shrinkRequest();
    throw err;
  }
  const bytes = copyOut(b.u8, b.i32[b.outputWord], length);
  // A packet that needed more than the usual buffers gives their memory back.
  if (grew || length > SLICE) b.shrinkRequest();
  return bytes;
}

// A first guess at the bytes a packet needs, so that a big payload grows the
// scratch area once rather than by doubling.
function estimateBytes(packet) {
  const payload = packet.payload ?? packet.will?.payload;
  if (typeof payload === 'string') return payload.length * 3;
  return payload?.byteLength ?? 0;
}
