// The broker core in wasm (cpp/bindings/broker_api.cpp), one call per chunk, tick or
// answer. Each call's batch is read in place from wasm memory and handed to a sink:
//   sink.send(conn, bytes)   bytes is a fresh Uint8Array the sink may keep
//   sink.close(conn, reason)
//   sink.request(request)    { id, kind, conn, clientId, username, password, topic, qos,
//                              retain, isWill, reauthenticate, payload, method, data }
//   sink.timer(atMs)
//   sink.pauseReading(conn), sink.resumeReading(conn)   backpressure while hooks run
//   sink.failed(err)         the core trapped (a bug, or wasm memory exhausted): its
//                            state is not to be trusted, and every later call does nothing
import { wasmModule as M } from '../wasm/module.js';
import { newBytes } from '../new-bytes.js';

const REQUEST_WORDS = 5 + 2 * 7;
export const REQUEST_KIND = { 1: 'authenticate', 2: 'authorizePublish', 3: 'authorizeSubscribe', 4: 'enhancedAuth' };

const utf8 = new TextDecoder();
const encoder = new TextEncoder();

// Option words, in the order broker_api.cpp reads them.
function optionWords(o) {
  const hooks = (o.authenticate ? 1 : 0) | (o.authorizePublish ? 2 : 0) | (o.authorizeSubscribe ? 4 : 0) | (o.enhancedAuth ? 8 : 0);
  return [
    o.maxConnections, o.maxPacketSize, o.receiveMaximum, o.maxInflight, o.maxQueued, o.topicAliasMaximum,
    o.maxKeepalive, o.maximumQos, o.retainAvailable ? 1 : 0, o.maxTopicLevels, o.maxSubscriptions,
    o.connectTimeout, o.sysInterval, hooks, o.maxMessageBytes,
  ];
}

export class BrokerCore {
  #handle;
  #sink;
  #failed = false;
  #inputPtr = 0;
  #inputCap = 0;

  constructor(options, sink) {
    this.#sink = sink;
    const words = optionWords(options);
    const version = encoder.encode(options.versionText);
    const size = (words.length + 1) * 4 + version.length;
    const ptr = M._malloc(size);
    const i32 = new Int32Array(M.HEAP32.buffer, ptr, words.length + 1);
    i32.set(words);
    i32[words.length] = version.length;
    M.HEAPU8.set(version, ptr + (words.length + 1) * 4);
    this.#handle = M._mqttw_broker_new(ptr);
    M._free(ptr);
  }

  onOpen(conn, now) { this.#call(M._mqttw_broker_on_open, conn, now); }
  onClosed(conn, now) { this.#call(M._mqttw_broker_on_closed, conn, now); }
  tick(now) { this.#call(M._mqttw_broker_tick, now); }
  shutdown(now) { this.#call(M._mqttw_broker_shutdown, now); }

  onBytes(conn, bytes, now) {
    if (this.#failed) return;
    this.#input(bytes);
    this.#call(M._mqttw_broker_on_bytes, conn, bytes.length, now);
  }

  answer(id, code, data, now) {
    if (this.#failed) return;
    const bytes = data ?? new Uint8Array(0);
    this.#input(bytes);
    this.#call(M._mqttw_broker_answer, id, code, bytes.length, now);
  }

  // One entry into the core. A trap (the JS stack or the wasm memory exhausted, or a
  // bug) unwinds out of the middle of a C++ call: the wasm stack pointer is put back,
  // so that the module's other users (codecs, clients, other brokers) go on, and this
  // core is not entered again.
  #call(entry, a, b, c, d) {
    if (this.#failed) return;
    const stack = M._stackSave();
    let batch;
    try {
      batch = entry(this.#handle, a, b, c, d);
    } catch (err) {
      M._stackRestore(stack);
      this.#failed = true;
      this.#sink.failed(err);
      return;
    }
    this.#read(batch);
  }

  stats() {
    if (this.#failed) return null;
    const w = new Float64Array(M.HEAPU8.buffer, M._mqttw_broker_stats(this.#handle), 11);
    return {
      startedAt: w[0], clientsConnected: w[1], sessions: w[2], messagesReceived: w[3], messagesSent: w[4],
      messagesDropped: w[5], bytesReceived: w[6], bytesSent: w[7], retained: w[8], subscriptions: w[9],
      messageBytes: w[10],
    };
  }

  free() {
    if (this.#handle && !this.#failed) M._mqttw_broker_free(this.#handle);
    this.#handle = 0;
  }

  #input(bytes) {
    if (bytes.length > this.#inputCap) {
      this.#inputPtr = M._mqttw_broker_input(this.#handle, bytes.length);
      this.#inputCap = bytes.length;
    }
    if (bytes.length) M.HEAPU8.set(bytes, this.#inputPtr);
  }

  // Reads the batch at `view` (see batch_view in broker_api.cpp) and hands it out. The
  // sink may call back into the core, which writes its own batch over this one (and may
  // grow wasm memory): everything is read out before the sink runs. The timer goes
  // first, so that one a nested call asks for comes after it and wins, as the core means.
  #read(view) {
    const i32 = M.HEAP32;
    const u8 = M.HEAPU8;
    const w = view >> 2;
    const sendCount = i32[w];
    const sends = [];
    if (sendCount) {
      const base = i32[w + 1] >> 2;
      const bytes = i32[w + 2];
      for (let i = 0; i < sendCount; i++) {
        const start = bytes + i32[base + 3 * i + 1];
        const length = i32[base + 3 * i + 2];
        const copy = newBytes(length);
        copy.set(u8.subarray(start, start + length));
        sends.push([i32[base + 3 * i], copy]);
      }
    }
    const requestCount = i32[w + 5];
    const requests = [];
    if (requestCount) {
      const base = i32[w + 6] >> 2;
      const strings = i32[w + 7];
      const field = (word) => u8.subarray(strings + i32[word], strings + i32[word] + i32[word + 1]);
      for (let i = 0; i < requestCount; i++) {
        const r = base + REQUEST_WORDS * i;
        const flags = i32[r + 4];
        requests.push({
          id: i32[r],
          kind: REQUEST_KIND[i32[r + 1]],
          conn: i32[r + 2],
          qos: i32[r + 3],
          retain: (flags & 1) !== 0,
          isWill: (flags & 2) !== 0,
          reauthenticate: (flags & 4) !== 0,
          clientId: utf8.decode(field(r + 5)),
          username: flags & 8 ? utf8.decode(field(r + 7)) : undefined,
          password: flags & 16 ? field(r + 9).slice() : undefined,
          topic: utf8.decode(field(r + 11)),
          payload: field(r + 13).slice(),
          method: utf8.decode(field(r + 15)),
          data: field(r + 17).slice(),
        });
      }
    }
    const closeCount = i32[w + 3];
    const closes = i32[w + 4] >> 2;
    const closed = [];
    for (let i = 0; i < closeCount; i++) closed.push([i32[closes + 2 * i], i32[closes + 2 * i + 1]]);
    const ids = (count, ptr) => Array.from(i32.subarray(ptr >> 2, (ptr >> 2) + count));
    const pauses = i32[w + 10] ? ids(i32[w + 10], i32[w + 11]) : null;
    const resumes = i32[w + 12] ? ids(i32[w + 12], i32[w + 13]) : null;
    const timerAt = (i32[w + 8] >>> 0) + (i32[w + 9] >>> 0) * 2 ** 32;
    if (timerAt) this.#sink.timer(timerAt);
    for (const [conn, bytes] of sends) this.#sink.send(conn, bytes);
    if (pauses) for (const conn of pauses) this.#sink.pauseReading(conn);
    if (resumes) for (const conn of resumes) this.#sink.resumeReading(conn);
    for (const [conn, reason] of closed) this.#sink.close(conn, reason);
    for (const r of requests) this.#sink.request(r);
  }
}
