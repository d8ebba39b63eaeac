// The client session core in wasm (cpp/bindings/client_api.cpp, over
// cpp/include/mqttw/client/client.hpp): one wasm call per chunk, tick or request.
// Each call's batch is read in place from wasm memory and handed to a sink:
//   sink.timer(atMs)                              call tick() then (replaces any earlier)
//   sink.connected(connack, sessionPresent)       sink.refused(connack, code)
//   sink.message(publish)                         topic resolved from its alias
//   sink.completed(token, code, packet?)          PUBACK / PUBCOMP / SUBACK / UNSUBACK
//   sink.failed(token, code, reason)              nothing was sent for the request
//   sink.stored(token, packetId, topic), sink.released(token, packetId)   with
//                                                 reportStoreEvents; topic: what an
//                                                 alias with an empty topic stood for, else ''
//   sink.auth(auth), sink.disconnected(disconnect), sink.resubscribed(suback)
//   sink.output(length)                           takeOutput() has bytes: flush soon
//   sink.close(reasonCode, text)                  close the transport after the output
// in that order: timer, events in order, output, close. Packets are mqtt-packet-shaped,
// as js/codec.js decodes them. The sink may call back into the core: the batch is read
// out first. What a sink method throws is thrown by the call once the rest of the
// batch has been handed out.
//
// Packets cross as MQTT bytes: requests are written by wire-write.js into the core's
// request buffer (the core checks them as a server would), and the packets of a batch
// are the bytes that came, read by wire-read.js.
import { clientHost } from '../wasm/client-host.js';
import { utf8 } from '../wasm/utf8.js';
import { connectVersion } from '../connect-version.js';
import { copyOut } from '../wasm/copy-out.js';
import { MqttError, shown } from '../errors.js';
import { asBytes } from '../as-bytes.js';
import { invalid } from '../packet-fields.js';
import { writeInto, writeQuickPublish, written, writtenStart, writtenEnd } from './wire-write.js';
import { decodePacket } from './wire-read.js';

// The exports of client_api.cpp, by their names without `_mqttw_client_` (a property
// of this small object costs less to look up than one of the module object). Taken by
// the first ClientCore, from the module attached to the client's host
// (js/wasm/client-host.js) by then, which may be after this file is evaluated.
const EXPORTS = [
  'abandon', 'ack', 'auth', 'check', 'clear_output', 'disconnect', 'error',
  'free', 'input', 'new', 'on_bytes', 'on_closed', 'on_open',
  'output', 'publish', 'report_store_events', 'request', 'restore', 'status',
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

// batch_view, the event words and the packet words, as client_api.cpp lays them out.
const EVENT_WORDS = 8;
const PACKET_WORDS = 4;
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

// The request buffer is given back when a request grew it past this.
const SHRINK_ABOVE = 1 << 20;
const REQUEST_START = 1024;

function optionFlags(o) {
  return (o.queueQoSZero ? 1 : 0) | (o.autoTopicAlias ? 2 : 0) | (o.manualAck ? 4 : 0) | (o.resubscribe ? 8 : 0);
}

const handles = new FinalizationRegistry((handle) => C.free(handle));

export class ClientCore {
  #handle;
  #sink;
  #version;
  #token = {};
  #zeroCopy;
  #inputPtr = 0;
  #inputCap = 0;
  // The request buffer in wasm memory, and a view of it (remade when memory grows).
  #requestPtr = 0;
  #requestCap = 0;
  #requestView = null;
  #requestAt = 0;  // where the last request's bytes start in the buffer
  // The chunk given to onBytes, while its batch is read.
  #chunk = null;
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
    this.#zeroCopy = options.zeroCopy ?? true;
    // Written into the writer's own buffer, and copied into wasm memory below.
    writeInto({ ...connectPacket, cmd: 'connect' }, this.#version);
    const connect = written.subarray(writtenStart, writtenEnd);
    const M = clientHost.module;
    const o = M._malloc(16 + connect.length);
    const i32 = M.HEAP32;
    i32[o >> 2] = options.maxPacketSize;
    i32[(o >> 2) + 1] = options.maxQueued;
    i32[(o >> 2) + 2] = options.pingTimeout;
    i32[(o >> 2) + 3] = optionFlags(options);
    M.HEAPU8.set(connect, o + 16);
    C ??= clientExports(M);
    const handle = C.new(o, o + 16, connect.length);
    M._free(o);
    const err = readAnswer(C.error(handle));
    if (err) {
      C.free(handle);
      throw err;
    }
    this.#handle = handle;
    handles.register(this, handle, this.#token);
  }

  onOpen(now) { this.#read(C.on_open(this.#live(), now)); }
  onClosed(now) { this.#read(C.on_closed(this.#live(), now)); }
  tick(now) { this.#read(C.tick(this.#live(), now)); }
  abandon(now) { this.#read(C.abandon(this.#live(), now)); }

  onBytes(chunk, now) {
    const h = this.#live();
    const bytes = asBytes(chunk, 'onBytes()');
    const length = bytes.length;
    if (length > this.#inputCap) {
      this.#inputPtr = C.input(h, length);
      this.#inputCap = length;
    }
    clientHost.refresh();
    clientHost.u8.set(bytes, this.#inputPtr);
    this.#chunk = bytes;
    try {
      this.#read(C.on_bytes(h, length, now));
    } finally {
      this.#chunk = null;  // do not pin the caller's chunk
    }
  }

  publish(token, packet, now) {
    const h = this.#live();
    let length = typeof packet === 'object' && packet !== null ? writeQuickPublish(packet, this.#version, this.#view(), true) : 0;
    if (length !== 0) this.#requestAt = 0;
    else length = this.#write(packet, true, 'publish');
    this.#request(C.publish(h, token, this.#requestAt, length, now), length);
  }

  subscribe(token, packet, now) {
    const h = this.#live();
    const length = this.#write(packet, true, 'subscribe');
    this.#request(C.subscribe(h, token, this.#requestAt, length, now), length);
  }

  unsubscribe(token, packet, now) {
    const h = this.#live();
    const length = this.#write(packet, true, 'unsubscribe');
    this.#request(C.unsubscribe(h, token, this.#requestAt, length, now), length);
  }

  auth(packet, now) {
    const h = this.#live();
    const length = this.#write(packet, false, 'auth');
    this.#request(C.auth(h, this.#requestAt, length, now), length);
  }

  disconnect(packet, now) {
    const h = this.#live();
    const length = this.#write(packet ?? {}, false, 'disconnect');
    this.#request(C.disconnect(h, this.#requestAt, length, now), length);
  }

  /**
   * Why auth() or disconnect() would not send this AUTH or DISCONNECT as it is (MQTT's
   * rules, and the session's: client::check_control), as an MqttError, or null.
   */
  check(packet) {
    const h = this.#live();
    const length = this.#write(packet, false, packet?.cmd);
    return readAnswer(C.check(h, this.#requestAt, length));
  }

  // A QoS 1/2 PUBLISH from an application store, with its messageId.
  restore(token, packet, released, now) {
    const h = this.#live();
    const id = packet?.messageId;
    if (!Number.isInteger(id) || id < 1 || id > 0xffff) {
      throw invalid(`a restored publish needs a messageId from 1 to 65535, not ${shown(id)}`);
    }
    const length = this.#write(packet, false, 'publish');
    this.#request(C.restore(h, token, this.#requestAt, length, released ? 1 : 0, now), length);
  }

  ack(packetId, reasonCode, now) {
    this.#read(C.ack(this.#live(), packetId, reasonCode ?? 0, now));
  }

  reportStoreEvents(on) {
    C.report_store_events(this.#live(), on ? 1 : 0);
  }

  status() {
    const at = C.status(this.#live()) >> 2;
    clientHost.refresh();
    const i32 = clientHost.i32;
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
      clientId: i32[at + 10] === 0 ? '' : utf8(clientHost.u8, i32[at + 9], i32[at + 10]),
    };
  }

  /** The output so far, as a copy the caller may keep, or null when there is none. */
  takeOutput() {
    const h = this.#live();
    const at = C.output(h) >> 2;
    clientHost.refresh();
    const length = clientHost.i32[at + 1];
    if (length === 0) return null;
    const bytes = copyOut(clientHost.u8, clientHost.i32[at], length);
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

  // Writes a request's packet into the request buffer, growing it when the packet
  // does not fit; returns its length (it starts at #requestAt). `anyId`: the client
  // chooses the packet id, so a placeholder goes where the packet needs one.
  #write(packet, anyId, cmd) {
    if (typeof packet !== 'object' || packet === null) throw invalid('a packet must be an object');
    if (packet.cmd === undefined) packet = { ...packet, cmd };
    if (writeInto(packet, this.#version, this.#view(), anyId)) {
      this.#requestAt = writtenStart;
      return writtenEnd - writtenStart;
    }
    // It did not fit: it was written elsewhere, and goes into a bigger buffer.
    const length = writtenEnd - writtenStart;
    const bytes = written;
    const start = writtenStart;
    this.#requestPtr = C.request(this.#handle, length);
    this.#requestCap = length;
    this.#requestView = null;
    clientHost.refresh();
    clientHost.u8.set(bytes.subarray(start, start + length), this.#requestPtr);
    this.#requestAt = 0;
    return length;
  }

  // The request buffer, as a view of wasm memory.
  #view() {
    const view = this.#requestView;
    // A view of memory that has grown since is detached, of length 0.
    if (view !== null && view.length !== 0) return view;
    if (this.#requestCap === 0) {
      this.#requestPtr = C.request(this.#handle, REQUEST_START);
      this.#requestCap = REQUEST_START;
    }
    clientHost.refresh();
    return (this.#requestView = clientHost.u8.subarray(this.#requestPtr, this.#requestPtr + this.#requestCap));
  }

  // After a request of `length` bytes: a buffer grown past SHRINK_ABOVE is given back.
  #request(view, length) {
    if (length > SHRINK_ABOVE) {
      C.request(this.#handle, 0);
      this.#requestCap = 0;
      this.#requestView = null;
    }
    this.#read(view);
  }

  // The packets of a batch, from their words at i32[at]. One that lies in the chunk
  // being read is read from the caller's chunk, so that a large payload may stay a
  // view of it (zeroCopy); the others from wasm memory, copied out.
  #packets(at, count) {
    const i32 = clientHost.i32;
    const u8 = clientHost.u8;
    const chunk = this.#zeroCopy ? this.#chunk : null;
    const packets = new Array(count);
    for (let k = 0; k < count; k++, at += PACKET_WORDS) {
      const ptr = i32[at];
      const length = i32[at + 1];
      const inChunk = chunk !== null ? ptr - this.#inputPtr : -1;
      const packet = inChunk >= 0 && inChunk + length <= chunk.length
        ? decodePacket(chunk, inChunk, length, this.#version, true)
        : decodePacket(u8, ptr, length, this.#version, false);
      // A PUBLISH that came with a Topic Alias in place of its topic: the one it stands for.
      if (i32[at + 3] !== 0 && packet.topic === '') packet.topic = utf8(u8, i32[at + 2], i32[at + 3]);
      packets[k] = packet;
    }
    return packets;
  }

  // Reads the batch at `view` (batch_view in client_api.cpp) and hands it out. The sink
  // may call back into the core, which writes its own batch over this one (and may grow
  // wasm memory): everything is read out before the sink runs. The timer goes first, so
  // that one a nested call asks for comes after it and wins, as the core means.
  #read(view) {
    clientHost.refresh();
    const i32 = clientHost.i32;
    const w = view >> 2;
    const eventCount = i32[w];
    const packetCount = i32[w + 2];
    let packets;
    if (packetCount) packets = this.#packets(i32[w + 3] >> 2, packetCount);
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
      if (i32[at + 7]) reason0 = utf8(clientHost.u8, i32[w + 4] + i32[at + 6], i32[at + 7]);
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
          (reasons ??= [])[k / EVENT_WORDS] = utf8(clientHost.u8, i32[w + 4] + events[k + 6], events[k + 7]);
        }
      }
    }
    let closeReason = 0;
    let closeText = '';
    if (close) {
      closeReason = i32[w + 8];
      if (i32[w + 10]) closeText = utf8(clientHost.u8, i32[w + 4] + i32[w + 9], i32[w + 10]);
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
// `text`: a failure's reason, or a stored publish's topic (client.hpp's event::text).
function event(sink, kind, token, code, packetId, sessionPresent, packet, text) {
  switch (kind) {
    case CONNECTED: return sink.connected(packet, sessionPresent !== 0);
    case REFUSED: return sink.refused(packet, code);
    case MESSAGE: return sink.message(packet);
    case COMPLETED: return sink.completed(token, code, packet);
    case FAILED: return sink.failed(token, code, text);
    case STORED: return sink.stored(token, packetId, text);
    case RELEASED: return sink.released(token, packetId);
    case AUTH: return sink.auth(packet);
    case DISCONNECTED: return sink.disconnected(packet);
    case RESUBSCRIBED: return sink.resubscribed(packet);
  }
}

// The core's answer of mqttw_client_error or mqttw_client_check, at `answer` in wasm
// memory, as an MqttError, or null.
function readAnswer(answer) {
  const at = answer >> 2;
  clientHost.refresh();
  const code = clientHost.i32[at];
  if (code === 0) return null;
  const length = clientHost.i32[at + 2];
  return new MqttError(code, length ? utf8(clientHost.u8, clientHost.i32[at + 1], length) : 'the client refused it');
}
