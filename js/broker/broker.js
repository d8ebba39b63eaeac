// createBroker(): the in-memory broker, in Node and in browsers. The C++ core decides
// everything; this file carries its events out: bytes to transports, closes, hook calls
// and one timer.
import { BrokerCore } from './core.js';
import { brokerOptions } from './options.js';
import { runHook } from './hooks.js';
import { LocalTransport } from './local-transport.js';
import { isNode } from '../environment.js';

const encoder = new TextEncoder();
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function dataBytes(data) {
  if (data === undefined || data === null) return undefined;
  if (typeof data === 'string') return encoder.encode(data);
  if (data instanceof Uint8Array) return data;
  throw new TypeError('enhancedAuth: data must be a string or a Uint8Array');
}

export async function createBroker(options) {
  return new Broker(brokerOptions(options));
}

export class Broker {
  #options;
  #core;
  #transports = new Map();  // conn id -> transport
  #nextConn = 1;
  #timer = null;
  #listeners = [];
  #closed = false;
  #failure = null;  // the error that stopped the core, if one did
  #stopped = null;  // then: the listeners closing

  constructor(options) {
    this.#options = options;
    this.#core = new BrokerCore(options, {
      send: (conn, bytes) => {
        const t = this.#transports.get(conn);
        if (!t) return;
        t.send(bytes);
        if (t.bufferedAmount > this.#options.maxBufferedBytes) this.#cutOff(conn, t);
      },
      close: (conn) => {
        const t = this.#transports.get(conn);
        this.#transports.delete(conn);
        t?.close();
      },
      request: (r) => this.#ask(r),
      // A connection waiting for a hook holds what arrives; past a limit its socket is
      // not read until the answers came (transports without pause() keep sending).
      pauseReading: (conn) => this.#transports.get(conn)?.pause?.(),
      resumeReading: (conn) => this.#transports.get(conn)?.resume?.(),
      timer: (at) => this.#setTimer(at),
      failed: (err) => this.#stop(err),
    });
    this.#core.tick(Date.now());
  }

  // Where the Node listeners are bound, by kind: { tcp: { host, port }, ws: ... }.
  async listen(options) {
    this.#checkOpen();
    if (!isNode) throw new Error('broker.listen() needs Node.js; in a browser, use broker.connectLocal()');
    const { listen } = await import('../node/listen.js');
    const listener = await listen({ onError: this.#options.onError, ...options }, (t) => this.#attach(t));
    this.#listeners.push(listener);
    return listener.addresses;
  }

  // A transport to this broker for a client in the same realm (see local-transport.js).
  connectLocal() {
    this.#checkOpen();
    return new LocalTransport((t) => this.#attach(t), () => this.connectLocal());
  }

  // Counters: clientsConnected, sessions, messagesReceived, messagesSent,
  // messagesDropped, bytesReceived, bytesSent, retained, subscriptions, messageBytes,
  // startedAt.
  stats() {
    this.#checkOpen();
    return this.#core.stats();
  }

  // 5.0 clients get DISCONNECT 0x8B; listeners stop; the wasm memory is given back.
  async close() {
    if (this.#closed) return this.#stopped ?? undefined;
    this.#core.shutdown(Date.now());
    this.#closed = true;
    clearTimeout(this.#timer);
    await Promise.all(this.#listeners.map((l) => l.close()));
    this.#listeners = [];
    this.#transports.clear();
    this.#core.free();
  }

  #checkOpen() {
    if (this.#failure) throw new Error(`the broker has stopped: ${this.#failure.message}`, { cause: this.#failure });
    if (this.#closed) throw new Error('the broker is closed');
  }

  // The core trapped: nothing it holds can be trusted, so every connection is cut (no
  // will can be sent), the listeners stop and the application is told once.
  #stop(err) {
    if (this.#closed) return;
    this.#closed = true;
    this.#failure = err;
    clearTimeout(this.#timer);
    this.#options.onError(new Error(`mqtt-wasm broker: its core failed and the broker has stopped (${err.message})`, { cause: err }));
    for (const t of this.#transports.values()) t.destroy();
    this.#transports.clear();
    this.#stopped = Promise.all(this.#listeners.map((l) => l.close().catch(() => {})));
    this.#listeners = [];
  }

  #attach(transport) {
    if (this.#closed) {
      transport.close();
      return { receive() {}, closed() {} };
    }
    const conn = this.#nextConn++;
    this.#transports.set(conn, transport);
    this.#core.onOpen(conn, Date.now());
    return {
      receive: (bytes) => {
        if (!this.#closed && this.#transports.has(conn)) this.#core.onBytes(conn, bytes, Date.now());
      },
      closed: () => {
        if (this.#closed) return;
        this.#transports.delete(conn);
        this.#core.onClosed(conn, Date.now());
      },
    };
  }

  // A client that does not read what it is sent would make the process hold its bytes
  // without bound: past maxBufferedBytes it is disconnected (its will goes, as for any
  // connection lost) and the application is told.
  #cutOff(conn, t) {
    this.#transports.delete(conn);
    this.#options.onError(new Error(`mqtt-wasm broker: a client (${t.remoteAddress}) did not read ${t.bufferedAmount} bytes sent to it; ` +
      `disconnected (maxBufferedBytes is ${this.#options.maxBufferedBytes})`));
    t.destroy();
    // The core's batch is being read now: tell it after, not from inside.
    queueMicrotask(() => { if (!this.#closed) this.#core.onClosed(conn, Date.now()); });
  }

  async #ask(r) {
    const address = this.#transports.get(r.conn)?.remoteAddress;
    const { code, data } = await runHook(this.#options, r, address);
    if (this.#closed) return;
    let bytes;
    try {
      bytes = dataBytes(data);
    } catch (err) {
      this.#options.onError(err);
      this.#core.answer(r.id, 0x80, undefined, Date.now());
      return;
    }
    this.#core.answer(r.id, code, bytes, Date.now());
  }

  // setTimeout waits at most 2^31 - 1 ms (about 24.8 days) and fires at once for longer:
  // a further deadline (a session expiry, a will delay) gets an early tick, which finds
  // nothing due and asks again.
  #setTimer(at) {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (!this.#closed) this.#core.tick(Date.now());
    }, Math.min(MAX_TIMEOUT_MS, Math.max(0, at - Date.now())));
    this.#timer.unref?.();  // Node: the broker's timer alone keeps no process alive
  }
}
