// The client session core in wasm (cpp/bindings/client_api.cpp, over
// cpp/include/mqttw/client/client.hpp): one wasm call per chunk, tick or request.
// Each call's batch is read in place from wasm memory and handed to a sink:
//   sink.timer(atMs)                              call tick() then (replaces any earlier)
//   sink.connected(connack, sessionPresent)       sink.refused(connack, code)
//   sink.message(publish)                         topic resolved from its alias
//   sink.completed(token, code, packet?)          PUBACK / PUBCOMP / SUBACK / UNSUBACK
//   sink.failed(token, code, reason)              nothing was sent for the request
//   sink.stored(token, packetId), sink.released(token, packetId)   with reportStoreEvents
//   sink.auth(auth), sink.disconnected(disconnect), sink.resubscribed(suback)
//   sink.output(length)                           takeOutput() has bytes: flush soon
//   sink.close(reasonCode, text)                  close the transport after the output
// in that order: timer, events in order, output, close. Packets are mqtt-packet-shaped,
// as js/codec.js decodes them. The sink may call back into the core: the batch is read
// out first. What a sink method throws is thrown by the call once the rest of the
// batch has been handed out.
import { boundary } from '../wasm/boundary.js';
import { TapeReader, utf8 } from '../wasm/tape-read.js';
import { TapeWriter, OVERFLOW, connectVersion } from '../wasm/tape-write.js';
import { copyOut } from '../wasm/copy-out.js';
import { MqttError } from '../errors.js';
import { asBytes } from '../codec.js';

// The exports of client_api.cpp, by their names without `_mqttw_client_` (a property
// of this small object costs less to look up than one of the module object). Taken by
// the first ClientCore, from the module attached to the boundary (js/wasm/boundary.js)
// by then, which may be after this file is evaluated.
const EXPORTS = [
  'abandon', 'ack', 'auth', 'clear_output', 'disconnect', 'error',
  'free', 'input', 'new', 'on_bytes', 'on_closed', 'on_open',
  'output', 'publish', 'publish_quick', 'report_store_events', 'restore', 'status',
  'subscribe', 'tick', 'unsubscribe',
];
let C = null;

function clientExports(M) {
  const exports = {};
  for (const name of EXPORTS) exports[name] = M[`_mqttw_client_${name}`];
  return exports;
}

const SINK_METHODS = [
  'timer', 'connected', 'refused', 'message', 'completed', 'failed', 'stored', 'released', 'auth',
  'disconnected', 'resubscribed', 'output', 'close',
];

// batch_view and the event words, as client_api.cpp lays them out.
const EVENT_WORDS = 8;
const CONNECTED = 1;
const REFUSED = 2;
const MESSAGE = 3;
const COMPLETED = 4;
const FAILED = 5;
const STORED = 6;
const RELEASED = 7;
const AUTH = 8;
const DISCONNECTED = 9;
const RESUBSCRIBED = 10;

// Packet types on the request tape.
const CONNECT = 1;
const PUBLISH = 3;
const SUBSCRIBE = 8;
const UNSUBSCRIBE = 10;
const DISCONNECT = 14;
const AUTH_PACKET = 15;

// The request areas (shared with the codec's encode()) give their memory back after a
// request that grew them past this.
const SHRINK_ABOVE = 1 << 20;

// Requests leave the packet id to the client: a packet without one gets 0.
class RequestWriter extends TapeWriter {
  messageId(packet) {
    if (packet.messageId === undefined || packet.messageId === null) this.word(0);
    else super.messageId(packet);
  }
}

const writer = new RequestWriter(boundary);

function invalid(message) {
  return new MqttError(0x81, message);
}

// A first guess at the bytes a packet needs, so that a big payload grows the scratch
// area once rather than by doubling.
function estimateBytes(packet) {
  const payload = packet.payload ?? packet.will?.payload;
  if (typeof payload === 'string') return payload.length * 3;
  return payload?.byteLength ?? 0;
}

// Writes `packet` as a packet of `type` on the request tape, growing the request areas
// until it fits. Returns the words written; the tape is at boundary.requestPtr.
function writeRequest(type, packet, version) {
  if (typeof packet !== 'object' || packet === null) throw invalid('a packet must be an object');
  for (;;) {
    writer.begin();
    try {
      switch (type) {
        case PUBLISH: writer.publish(packet, version); break;
        case SUBSCRIBE: writer.subscribe(packet, version); break;
        case UNSUBSCRIBE: writer.unsubscribe(packet, version); break;
        case CONNECT: writer.connect(packet); break;
        default: {
          const name = type === DISCONNECT ? 'disconnect' : 'auth';
          writer.word(type | (version << 8));
          writer.code(packet.reasonCode, 'reasonCode', name);
          writer.properties(packet.properties, name);
        }
      }
      return writer.words;
    } catch (err) {
      if (err !== OVERFLOW) throw err;
      boundary.reserveRequest(boundary.scratchCap * 2 + estimateBytes(packet), boundary.requestCap * 2);
    }
  }
}

// The common PUBLISH, without properties, to a topic used before and with a small
// payload, goes without a tape: its topic is already in wasm memory (the tape writer's
// string cache) and its payload is copied to the scratch area. Returns the batch, or
// -1 when the packet is not such a one (the tape path then checks it and says why).
// The last topic's entry in the string cache (whose strings stay for good).
let lastTopic;
let lastTopicPtr = 0;
let lastTopicLen = 0;

function quickPublish(h, token, packet, now) {
  const qos = packet.qos ?? 0;
  if (qos !== 0 && qos !== 1 && qos !== 2) return -1;
  const topic = packet.topic;
  if (typeof topic !== 'string') return -1;
  if (topic !== lastTopic) {
    const cached = writer.stringCache.get(topic);
    if (cached === undefined) return -1;
    lastTopic = topic;
    lastTopicPtr = cached.ptr;
    lastTopicLen = cached.len;
  }
  const payload = packet.payload;
  const b = boundary;
  b.refresh();
  const u8 = b.u8;
  const start = b.scratchPtr;
  let length = 0;
  if (typeof payload === 'string') {
    length = payload.length;
    if (length > 64) return -1;
    for (let i = 0; i < length; i++) {
      const c = payload.charCodeAt(i);
      if (c > 0x7f) return -1;
      u8[start + i] = c;
    }
  } else if (payload instanceof Uint8Array) {
    length = payload.length;
    if (length > b.scratchCap) return -1;
    // For a few bytes a loop beats TypedArray.set, which has a fixed cost.
    if (length <= 32) for (let i = 0; i < length; i++) u8[start + i] = payload[i];
    else u8.set(payload, start);
  } else if (payload !== undefined && payload !== null) {
    return -1;
  }
  const flags = (packet.dup ? 8 : 0) | (qos << 1) | (packet.retain ? 1 : 0);
  return C.publish_quick(h, token, flags, lastTopicPtr, lastTopicLen, start, length, now);
}

function shrinkRequest() {
  if (boundary.scratchCap > SHRINK_ABOVE || boundary.requestCap > SHRINK_ABOVE >> 2) boundary.shrinkRequest();
}

function optionFlags(o) {
  return (o.queueQoSZero ? 1 : 0) | (o.autoTopicAlias ? 2 : 0) | (o.manualAck ? 4 : 0) | (o.resubscribe ? 8 : 0);
}

const handles = new FinalizationRegistry((handle) => C.free(handle));

export class ClientCore {
  #handle;
  #sink;
  #version;
  #token = {};
  #reader = new TapeReader();
  #inputPtr = 0;
  #inputCap = 0;
  // Event words copied out of wasm, one array per nesting depth of sink calls.
  #depth = 0;
  #events = [];

  /**
   * @param {object} options { maxPacketSize, maxQueued, queueQoSZero, autoTopicAlias,
   *   manualAck, resubscribe, pingTimeout, zeroCopy? } (zeroCopy, default true: a large
   *   message payload may be a view of the chunk given to onBytes, as the decoder's)
   * @param {object} connectPacket the CONNECT, as js/codec.js encode() takes it
   * @param {object} sink see the top of this file
   */
  constructor(options, connectPacket, sink) {
    const missing = SINK_METHODS.filter((name) => typeof sink?.[name] !== 'function');
    if (missing.length) throw new TypeError(`the sink has no ${missing.join(', ')}`);
    if (typeof connectPacket !== 'object' || connectPacket === null) throw invalid('the CONNECT must be an object');
    if (connectPacket.cmd !== undefined && connectPacket.cmd !== 'connect') {
      throw invalid(`the CONNECT packet has cmd "${connectPacket.cmd}"`);
    }
    this.#sink = sink;
    this.#version = connectVersion(connectPacket);
    this.#reader.zeroCopy = options.zeroCopy ?? true;
    const words = writeRequest(CONNECT, connectPacket, this.#version);
    const tape = boundary.requestPtr;
    const M = boundary.module;
    const o = M._malloc(16);
    const i32 = M.HEAP32;
    i32[o >> 2] = options.maxPacketSize;
    i32[(o >> 2) + 1] = options.maxQueued;
    i32[(o >> 2) + 2] = options.pingTimeout;
    i32[(o >> 2) + 3] = optionFlags(options);
    C ??= clientExports(M);
    const handle = C.new(o, tape, words);
    M._free(o);
    shrinkRequest();
    const err = readError(handle);
    if (err) {
      C.free(handle);
      throw err;
    }
    this.#handle = handle;
    handles.register(this, handle, this.#token);
  }

  onOpen(now) { this.#read(C.on_open(this.#live(), now), false); }
  onClosed(now) { this.#read(C.on_closed(this.#live(), now), false); }
  tick(now) { this.#read(C.tick(this.#live(), now), false); }
  abandon(now) { this.#read(C.abandon(this.#live(), now), false); }

  onBytes(chunk, now) {
    const h = this.#live();
    const bytes = asBytes(chunk, 'onBytes()');
    const length = bytes.length;
    if (length > this.#inputCap) {
      this.#inputPtr = C.input(h, length);
      this.#inputCap = length;
    }
    boundary.refresh();
    boundary.u8.set(bytes, this.#inputPtr);
    const reader = this.#reader;
    reader.chunk = bytes;
    reader.chunkOffset = 0;
    reader.inputPtr = this.#inputPtr;
    reader.inputLen = length;
    this.#read(C.on_bytes(h, length, now), true);
  }

  publish(token, packet, now) {
    const h = this.#live();
    if (typeof packet === 'object' && packet !== null && packet.properties == null) {
      const view = quickPublish(h, token, packet, now);
      if (view > 0) return this.#read(view, false);
    }
    const words = writeRequest(PUBLISH, packet, this.#version);
    this.#request(C.publish(h, token, boundary.requestPtr, words, now));
  }

  subscribe(token, packet, now) {
    const h = this.#live();
    const words = writeRequest(SUBSCRIBE, packet, this.#version);
    this.#request(C.subscribe(h, token, boundary.requestPtr, words, now));
  }

  unsubscribe(token, packet, now) {
    const h = this.#live();
    const words = writeRequest(UNSUBSCRIBE, packet, this.#version);
    this.#request(C.unsubscribe(h, token, boundary.requestPtr, words, now));
  }

  auth(packet, now) {
    const h = this.#live();
    const words = writeRequest(AUTH_PACKET, packet, this.#version);
    this.#request(C.auth(h, boundary.requestPtr, words, now));
  }

  disconnect(packet, now) {
    const h = this.#live();
    const words = writeRequest(DISCONNECT, packet ?? {}, this.#version);
    this.#request(C.disconnect(h, boundary.requestPtr, words, now));
  }

  // A QoS 1/2 PUBLISH from an application store, with its messageId.
  restore(token, packet, released, now) {
    const h = this.#live();
    const id = packet?.messageId;
    if (!Number.isInteger(id) || id < 1 || id > 0xffff) {
      throw invalid(`a restored publish needs a messageId from 1 to 65535, not ${String(id)}`);
    }
    const words = writeRequest(PUBLISH, packet, this.#version);
    this.#request(C.restore(h, token, boundary.requestPtr, words, released ? 1 : 0, now));
  }

  ack(packetId, reasonCode, now) {
    this.#read(C.ack(this.#live(), packetId, reasonCode ?? 0, now), false);
  }

  reportStoreEvents(on) {
    C.report_store_events(this.#live(), on ? 1 : 0);
  }

  status() {
    const at = C.status(this.#live()) >> 2;
    boundary.refresh();
    const i32 = boundary.i32;
    return {
      connected: i32[at] !== 0,
      inflight: i32[at + 1],
      queued: i32[at + 2] >>> 0,
      receiveMaximum: i32[at + 3],
      topicAliasMaximum: i32[at + 4],
      maximumPacketSize: i32[at + 5] >>> 0,
      maximumQos: i32[at + 6],
      retainAvailable: i32[at + 7] !== 0,
      keepalive: i32[at + 8],
      clientId: i32[at + 10] === 0 ? '' : utf8(boundary.u8, i32[at + 9], i32[at + 10]),
    };
  }

  /** The output so far, as a copy the caller may keep, or null when there is none. */
  takeOutput() {
    const h = this.#live();
    const at = C.output(h) >> 2;
    boundary.refresh();
    const length = boundary.i32[at + 1];
    if (length === 0) return null;
    const bytes = copyOut(boundary.u8, boundary.i32[at], length);
    C.clear_output(h);
    return bytes;
  }

  free() {
    if (!this.#handle) return;
    handles.unregister(this.#token);
    C.free(this.#handle);
    this.#handle = 0;
  }

  #live() {
    if (!this.#handle) throw new Error('this client core has been freed');
    return this.#handle;
  }

  // After a request: 0 means the tape could not be read (a bug here, not the caller's).
  #request(view) {
    if (boundary.scratchCap > SHRINK_ABOVE) shrinkRequest();
    if (view === 0) throw readError(this.#handle);
    this.#read(view, false);
  }

  // Reads the batch at `view` (batch_view in client_api.cpp) and hands it out. The sink
  // may call back into the core, which writes its own batch over this one (and may grow
  // wasm memory): everything is read out before the sink runs. The timer goes first, so
  // that one a nested call asks for comes after it and wins, as the core means.
  #read(view, fromChunk) {
    boundary.refresh();
    const i32 = boundary.i32;
    const w = view >> 2;
    const eventCount = i32[w];
    const packetCount = i32[w + 2];
    const reader = this.#reader;
    let packets;
    if (packetCount) {
      reader.u8 = boundary.u8;
      reader.i32 = i32;
      reader.pos = i32[w + 3] >> 2;
      if (!fromChunk) reader.inputLen = 0;
      packets = reader.readPackets(packetCount, null);
    }
    if (fromChunk) reader.chunk = null;  // do not pin the caller's chunk
    const timerAt = (i32[w + 5] >>> 0) + (i32[w + 6] >>> 0) * 2 ** 32;
    const close = i32[w + 7] !== 0;
    const outputLength = i32[w + 11];

    // One event (a publish's answer) stays in locals; more are copied out, into an
    // array kept per nesting depth of sink calls.
    let e0 = 0;
    let e1 = 0;
    let e2 = 0;
    let e3 = 0;
    let e4 = 0;
    let packet0;
    let reason0 = '';
    let events;
    let reasons;
    if (eventCount === 1) {
      const at = i32[w + 1] >> 2;
      e0 = i32[at];
      e1 = i32[at + 1] >>> 0;
      e2 = i32[at + 2];
      e3 = i32[at + 3];
      e4 = i32[at + 4];
      if (i32[at + 5] >= 0) packet0 = packets[i32[at + 5]];
      if (i32[at + 7]) reason0 = utf8(boundary.u8, i32[w + 4] + i32[at + 6], i32[at + 7]);
    } else if (eventCount > 1) {
      const size = eventCount * EVENT_WORDS;
      events = this.#events[this.#depth];
      if (events === undefined || events.length < size) {
        events = this.#events[this.#depth] = new Int32Array(Math.max(64, size * 2));
      }
      const at = i32[w + 1] >> 2;
      for (let k = 0; k < size; k++) events[k] = i32[at + k];
      for (let k = 0; k < size; k += EVENT_WORDS) {
        if (events[k + 7] !== 0) {
          (reasons ??= [])[k / EVENT_WORDS] = utf8(boundary.u8, i32[w + 4] + events[k + 6], events[k + 7]);
        }
      }
    }
    let closeReason = 0;
    let closeText = '';
    if (close) {
      closeReason = i32[w + 8];
      if (i32[w + 10]) closeText = utf8(boundary.u8, i32[w + 4] + i32[w + 9], i32[w + 10]);
    }

    const sink = this.#sink;
    let thrown;
    this.#depth++;
    try {
      if (timerAt) {
        try { sink.timer(timerAt); } catch (err) { thrown ??= { err }; }
      }
      if (eventCount === 1) {
        try { event(sink, e0, e1, e2, e3, e4, packet0, reason0); } catch (err) { thrown ??= { err }; }
      } else {
        for (let k = 0; k < eventCount * EVENT_WORDS; k += EVENT_WORDS) {
          const index = events[k + 5];
          try {
            event(sink, events[k], events[k + 1] >>> 0, events[k + 2], events[k + 3], events[k + 4],
              index >= 0 ? packets[index] : undefined, reasons?.[k / EVENT_WORDS] ?? '');
          } catch (err) {
            thrown ??= { err };
          }
        }
      }
      if (outputLength) {
        try { sink.output(outputLength); } catch (err) { thrown ??= { err }; }
      }
      if (close) {
        try { sink.close(closeReason, closeText); } catch (err) { thrown ??= { err }; }
      }
    } finally {
      this.#depth--;
    }
    if (thrown) throw thrown.err;
  }
}

// Hands one event to the sink.
function event(sink, kind, token, code, packetId, sessionPresent, packet, reason) {
  switch (kind) {
    case CONNECTED: return sink.connected(packet, sessionPresent !== 0);
    case REFUSED: return sink.refused(packet, code);
    case MESSAGE: return sink.message(packet);
    case COMPLETED: return sink.completed(token, code, packet);
    case FAILED: return sink.failed(token, code, reason);
    case STORED: return sink.stored(token, packetId);
    case RELEASED: return sink.released(token, packetId);
    case AUTH: return sink.auth(packet);
    case DISCONNECTED: return sink.disconnected(packet);
    case RESUBSCRIBED: return sink.resubscribed(packet);
  }
}

// The client's error (init error, or why a request tape could not be read) as an
// MqttError, or null.
function readError(handle) {
  const at = C.error(handle) >> 2;
  boundary.refresh();
  const code = boundary.i32[at];
  if (code === 0) return null;
  const length = boundary.i32[at + 2];
  return new MqttError(code, length ? utf8(boundary.u8, boundary.i32[at + 1], length) : 'the client refused it');
}
