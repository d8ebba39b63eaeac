// MqttClient: the client as MQTT.js users know it, over the session core in wasm
// (core.js). The core decides everything MQTT; this file carries out the environment's
// part: transports and their attempts, timers, reconnecting with backoff, the store,
// Promises and events.
//
//   const client = connect('mqtt://broker', { protocolVersion: 5 });
//   client.on('message', (topic, payload, packet) => { ... });
//   await client.subscribe('a/+', { qos: 1 });        // [{ topic: 'a/+', qos: 1 }]
//   await client.publish('a/b', 'hello', { qos: 1 });  // the PUBACK
//   await client.end();
//
// Events, in MQTT.js's order: 'connect'(connack) on each accepted connection; on a lost
// one 'offline' (first loss only, when it will reconnect) then 'close', and 'reconnect'
// at each new attempt;
// 'error'(err) when an attempt fails (before its 'close'), or the server breaks the
// protocol; 'disconnect'(packet) for a server's DISCONNECT; 'end' after end().
//
// A request nobody awaits never becomes an unhandled rejection for a failure of the
// network or the server (MQTT.js users publish without a callback); a mistake in its
// arguments always does, so that it shows.
import { Emitter } from './emitter.js';
import { ClientCore } from './core.js';
import { clientOptions, connectPacket, coreOptions, transportOptions } from './options.js';
import { NOT_REOPENABLE, TransportSource, resolveTarget } from './target.js';
import { backoffDelay } from './reconnect.js';
import { clientTimers } from './keepalive-timer.js';
import { Flusher } from './flush.js';
import { PacketTap } from './packet-tap.js';
import { applicationPacket } from './payload.js';
import { ackCode, authPacket, disconnectPacket, publishPacket, splitArguments, subscribePacket, unsubscribePacket } from './requests.js';
import { StoreLink } from './store-link.js';
import { MqttError, shown } from '../errors.js';
import { closeError, lostBeforeConnackError, publishRefusedError, refusalError, requestError, subscribeRefusedError, timeoutError, transportError } from './failures.js';

// end() waits this long at most for in-flight messages to complete.
const END_WAIT_MS = 10000;
const CLIENT_ENDED = 0x8b;
const noop = () => {};
// What the core said of the QoS 0 publish under way.
const NONE = 0;
const COMPLETED = 1;
const FAILED = 2;

// A request waiting for the core: one shape for every kind.
class Request {
  constructor(kind, qos, packet, subscriptions) {
    this.kind = kind;                    // 'publish' | 'subscribe' | 'unsubscribe'
    this.qos = qos;
    this.packet = packet;                // a QoS 1/2 publish to store
    this.subscriptions = subscriptions;
    this.messageId = undefined;          // the packet id the store knows it by
    this.restoring = false;              // being handed to the core from the store
    this.resolve = undefined;
    this.reject = undefined;
    this.promise = undefined;
  }
}

// The executor of every request's Promise (no closure per request).
let takenResolve;
let takenReject;
function takeResolvers(resolve, reject) {
  takenResolve = resolve;
  takenReject = reject;
}

export class MqttClient extends Emitter {
  /** The options with every default filled in. */
  options;

  #connected = false;
  #reconnecting = false;
  #disconnecting = false;
  #disconnected = false;
  #reconnectDelay = 0;
  #connack = null;

  #source;
  #core;
  #timers;
  #flusher;
  #tap;
  #store;

  #transport = null;
  #coreOpen = false;    // core.onOpen was called for this.#transport
  #attempt = 0;         // the current attempt's number; a new number abandons the old one
  #active = false;      // an attempt or a connection is under way
  #quiet = false;       // this connection's close needs no 'error' (a refusal or DISCONNECT said why)
  #retries = 0;         // failed attempts in a row, for the backoff
  #noRetry = false;     // a refused CONNACK stops reconnecting (unless reconnectOnConnackError)
  #started = false;
  #ending = null;       // { force, packet, promise, resolve, finishing }
  #finishQueued = false;
  #abandoning = false;

  #pending = new Map(); // token -> Request
  #nextToken = 1;
  #timer = { core: null, connect: null, reconnect: null, end: null };
  #inCall = 0;           // the token of the QoS 0 publish the core is taking, and what it said
  #inCallOutcome = NONE;
  #inCallCode = 0;
  #inCallText = '';
  #scratch = { cmd: 'publish', topic: '', payload: undefined, qos: 0, retain: false, dup: false, properties: undefined };
  #written = null;       // the promise of the QoS 0 publishes the next flush writes
  #resolveWritten = null;
  #coreTimerAt = 0;      // the deadline the core wants
  #coreTimerArmed = 0;   // the deadline the armed timer is set for (never later than the one wanted)
  #coreTimerHolds = false;

  constructor(target, options) {
    super();
    [target, options] = resolveTarget(target, options);
    const o = clientOptions(options);
    this.options = o;
    this.#store = o.store ? new StoreLink(o.store, (err) => this.#emit('error', err)) : null;
    this.#source = new TransportSource(target, transportOptions(o));
    this.#timers = clientTimers(o.timerVariant);
    this.#tap = new PacketTap(o.protocolVersion);
    this.#core = this.#newCore();
    this.#flusher = new Flusher(() => this.#core?.takeOutput() ?? null, (bytes) => this.#write(bytes));
    if (!o.manualConnect) this.connect();
  }

  /** CONNACK accepted the current connection. */
  get connected() { return this.#connected; }
  /** The connection was lost and the client is trying to get it back. */
  get reconnecting() { return this.#reconnecting; }
  /** end() was called and has not finished. */
  get disconnecting() { return this.#disconnecting; }
  /** end() has finished. */
  get disconnected() { return this.#disconnected; }
  /** While reconnecting: the ms the client waits before its next attempt (backoff with jitter). */
  get reconnectDelay() { return this.#reconnectDelay; }
  /** The 5.0 properties of the CONNACK that accepted the current connection. */
  get serverProperties() { return this.#connected ? this.#connack?.properties : undefined; }

  // ---------------------------------------------------------------- connecting

  /** Starts connecting (needed only with manualConnect). */
  connect() {
    if (this.#ending || this.#core === null) throw new Error('connect: this client has ended; make a new one');
    if (this.#started) return this;
    this.#started = true;
    if (this.#store) {
      this.#restore().then(() => this.#begin(), (err) => {
        this.#emit('error', err);
        this.#begin();
      });
    }
    else this.#begin();
    return this;
  }

  /** Drops the current connection, if any, and connects again at once. */
  reconnect() {
    if (this.#ending || this.#core === null) throw new Error('reconnect: this client has ended; make a new one');
    this.#noRetry = false;
    this.#retries = 0;
    if (!this.#started) return this.connect();
    this.#clearTimer('reconnect');
    this.#reconnectDelay = 0;
    if (this.#active) this.#endConnection(null, false);
    this.#emit('reconnect');
    this.#startAttempt();
    return this;
  }

  #begin() {
    if (this.#ending === null && this.#core !== null && !this.#active) this.#startAttempt();
  }

  // In-flight messages a store kept from an earlier client go back into the session,
  // before its first connection.
  async #restore() {
    const stored = await this.#store.restorable();
    const core = this.#core;
    if (core === null) return;
    const now = Date.now();
    for (const { publish, released } of stored) {
      const token = this.#token();
      const entry = new Request('publish', publish?.qos, publish, undefined);
      entry.messageId = publish?.messageId;
      entry.restoring = true;
      this.#pending.set(token, entry);
      try {
        core.restore(token, publish, released, now);
      } catch (err) {
        this.#pending.delete(token);
        this.#unrestorable(entry, err.message);
      }
      entry.restoring = false;
    }
  }

  // One message from the store that the session cannot take (a messageId given twice,
  // a topic no PUBLISH may have, QoS 0, ...): said, and left in the store, since
  // deleting it by its messageId could delete another message.
  #unrestorable(entry, why) {
    this.#emit('error', new Error(`store.list() gave a message that cannot be resent (messageId ${shown(entry.messageId)}): ${why}`));
  }

  #startAttempt() {
    const id = ++this.#attempt;
    this.#active = true;
    this.#quiet = false;
    const ms = this.options.connectTimeout;
    if (ms > 0) this.#timer.connect = this.#timers.set(() => this.#connectTimedOut(id), ms, true);
    this.#source.open().then(
      (t) => this.#opened(id, t),
      (err) => { if (id === this.#attempt && this.#active) this.#endConnection(transportError(err)); },
    );
  }

  #opened(id, t) {
    if (id !== this.#attempt || !this.#active || this.#core === null) {
      t.close();
      return;
    }
    this.#transport = t;
    t.onbytes = (bytes) => { if (this.#transport === t) this.#received(bytes); };
    t.onclose = (err) => {
      if (this.#transport !== t) return;
      this.#endConnection(err ? transportError(err) : this.#connected ? null : lostBeforeConnackError());
    };
    this.#tap.reset();
    this.#coreOpen = true;
    this.#core.onOpen(Date.now());
  }

  #connectTimedOut(id) {
    this.#timer.connect = null;
    if (id === this.#attempt && this.#active && !this.#connected) this.#endConnection(timeoutError(this.options.connectTimeout));
  }

  // The attempt or connection under way ends: `error` (if any) first, then the
  // transport is closed, the core told, 'close' emitted, and a retry planned.
  #endConnection(error, retry = true) {
    if (!this.#active) return;
    if (error) {
      this.#emit('error', error);
      if (!this.#active) return;  // a listener's end() did the rest
    }
    this.#active = false;
    this.#attempt++;  // a transport still opening for this attempt is closed when it comes
    this.#clearTimer('connect');
    const t = this.#transport;
    this.#transport = null;
    if (t !== null) {
      t.onbytes = null;
      t.onclose = null;
      // After a microtask, so that what was just written (a DISCONNECT) goes first on
      // transports that deliver in microtasks, as the local one does.
      queueMicrotask(() => { try { t.close(); } catch { /* closed already */ } });
    }
    this.#connected = false;
    if (this.#coreOpen) {
      this.#coreOpen = false;
      this.#core?.onClosed(Date.now());
    }
    // A core timer set while connected no longer holds Node: no socket would.
    if (this.#timer.core !== null) this.#setCoreTimer(this.#coreTimerAt);
    // MQTT.js says 'offline' from its own 'close' listener, which runs before the
    // application's: first 'offline', then 'close'.
    if (retry && !this.#reconnecting && this.#retrying() && this.#source.reopenable) {
      this.#reconnecting = true;
      this.#emit('offline');
    }
    this.#emit('close');
    if (this.#ending !== null) {
      this.#finishSoon();
    } else if (retry) {
      this.#planRetry();
    }
  }

  // Whether a lost connection is to be tried again (if its transport can be reopened).
  #retrying() {
    return this.#core !== null && this.#ending === null && this.options.reconnectPeriod !== 0 && !this.#noRetry;
  }

  // After 'close': the next attempt's timer ('offline' was said before 'close').
  #planRetry() {
    const o = this.options;
    if (!this.#retrying()) {
      this.#reconnecting = false;
      return;
    }
    if (!this.#source.reopenable) {
      this.#reconnecting = false;
      this.#emit('error', new Error(`cannot reconnect: ${NOT_REOPENABLE}`));
      this.end(true);
      return;
    }
    const delay = backoffDelay(this.#retries++, o);
    this.#reconnectDelay = delay;
    this.#timer.reconnect = this.#timers.set(() => {
      this.#timer.reconnect = null;
      this.#reconnectDelay = 0;
      if (this.#core === null || this.#ending !== null || this.#active) return;
      this.#emit('reconnect');
      this.#startAttempt();
    }, delay, true);
  }

  // ---------------------------------------------------------------- the core's events

  #newCore() {
    let core = null;
    const live = () => core !== null && this.#core === core;
    const sink = {
      timer: (at) => { if (live()) this.#setCoreTimer(at); },
      connected: (connack) => { if (live()) this.#onConnected(applicationPacket(connack)); },
      refused: (connack, code) => { if (live()) this.#onRefused(applicationPacket(connack), code); },
      message: (packet) => { if (live()) this.#onMessage(packet); },
      completed: (token, code, packet) => { if (live()) this.#onCompleted(token, code, packet); },
      failed: (token, code, text) => { if (live()) this.#onFailed(token, code, text); },
      stored: (token, packetId, topic) => { if (live()) this.#onStored(token, packetId, topic); },
      released: (token, packetId) => { if (live()) this.#store?.released(packetId); },
      auth: (packet) => { if (live()) this.#onAuth(applicationPacket(packet)); },
      disconnected: (packet) => {
        if (!live()) return;
        this.#quiet = true;
        this.#emit('disconnect', packet);
      },
      resubscribed: noop,
      output: (length) => { if (live()) this.#flusher.noted(length); },
      close: (code, text) => { if (live()) this.#onCoreClose(code, text); },
    };
    core = new ClientCore(coreOptions(this.options), connectPacket(this.options), sink);
    if (this.#store) core.reportStoreEvents(true);
    return core;
  }

  // The core asks for a new deadline after nearly every call (each publish moves the
  // keepalive later). An armed timer is kept when the deadline only moves later: when
  // it fires early, it is armed again for the deadline wanted then, so that a busy
  // connection costs one timer per keepalive period, not one per publish.
  #setCoreTimer(at) {
    if (!at) {
      this.#clearTimer('core');
      return;
    }
    this.#coreTimerAt = at;
    if (this.#timer.core !== null) {
      if (this.#coreTimerArmed <= at && this.#coreTimerHolds === (this.#transport !== null)) return;
      this.#clearTimer('core');
    }
    this.#armCoreTimer(at);
  }

  #armCoreTimer(at) {
    // The keepalive holds Node only while a connection is up (as a socket would).
    const hold = this.#transport !== null;
    this.#coreTimerArmed = at;
    this.#coreTimerHolds = hold;
    this.#timer.core = this.#timers.set(this.#coreTimerFired, at - Date.now(), hold);
  }

  #coreTimerFired = () => {
    this.#timer.core = null;
    const now = Date.now();
    if (now < this.#coreTimerAt) this.#armCoreTimer(this.#coreTimerAt);
    else this.#core?.tick(now);
  };

  #onConnected(connack) {
    this.#clearTimer('connect');
    this.#connected = true;
    this.#reconnecting = false;
    this.#retries = 0;
    this.#connack = connack;
    this.#emit('connect', connack);
  }

  #onRefused(connack, code) {
    this.#clearTimer('connect');
    this.#quiet = true;
    if (!this.options.reconnectOnConnackError) this.#noRetry = true;
    this.#emit('error', refusalError(connack, code, this.options.protocolVersion));
  }

  #onMessage(packet) {
    applicationPacket(packet);
    this.#emit('message', packet.topic, packet.payload, packet);
  }

  #onCompleted(token, code, packet) {
    if (token === this.#inCall) {
      this.#inCallOutcome = COMPLETED;
      return;
    }
    const p = this.#pending.get(token);
    if (p === undefined) return;
    this.#pending.delete(token);
    this.#complete(p, code, packet);
  }

  #complete(p, code, packet) {
    if (p.kind === 'publish') {
      this.#store?.done(p);
      if (p.qos === 0) {
        if (p.resolve) (this.#written ?? this.#newWritten()).then(p.resolve);
      } else if (code >= 0x80) {
        rejectRequest(p, publishRefusedError(code, packet));
      } else {
        p.resolve?.(packet);
      }
    } else if (p.kind === 'subscribe') {
      // The granted QoS per filter, or its refusal (0x80 and up; 3.1.1 has only 0x80).
      const codes = packet?.granted ?? [];
      const granted = p.subscriptions.map((s, i) => ({ ...s, qos: codes[i] ?? code }));
      const refused = granted.find((g) => g.qos >= 0x80);
      if (refused === undefined) p.resolve(granted);
      else rejectRequest(p, subscribeRefusedError(refused, granted, packet));
    } else {
      p.resolve(packet);
    }
    if (this.#timer.end !== null) this.#checkDrained();
  }

  #onFailed(token, code, text) {
    if (token === this.#inCall) {
      this.#inCallOutcome = FAILED;
      this.#inCallCode = code;
      this.#inCallText = text;
      return;
    }
    const p = this.#pending.get(token);
    if (p === undefined) return;
    this.#pending.delete(token);
    this.#fail(p, code, text);
  }

  #fail(p, code, text) {
    if (p.restoring) return this.#unrestorable(p, text);
    // An ended client keeps in the store what its session may resume.
    const keep = this.#abandoning && !this.options.clean;
    if (!keep) this.#store?.done(p);
    rejectRequest(p, requestError(code, text));
    if (this.#timer.end !== null) this.#checkDrained();
  }

  #onStored(token, packetId, topic) {
    const p = this.#pending.get(token);
    if (p !== undefined && p.packet !== undefined) this.#store?.sent(p, packetId, topic);
  }

  #onAuth(packet) {
    this.handleAuth(packet, (err, answer) => {
      if (err) {
        this.#emit('error', err);
        return;
      }
      // Only a challenge (0x18) is answered [MQTT-4.12.0-3]; 0x00 ends the exchange.
      if (packet.reasonCode !== 0x18) return;
      try {
        if (!answer) throw new MqttError(0x82, 'handleAuth gave no AUTH to answer the server\'s AUTH 0x18 (Continue authentication)');
        this.auth(answer);
      } catch (e) {
        this.#emit('error', e);
      }
    });
  }

  /**
   * The server sent AUTH (5.0 enhanced authentication): override this, as in MQTT.js,
   * and call back with the AUTH to answer ({ reasonCode: 0x18, properties }). Only an
   * AUTH 0x18 is answered; an AUTH 0x00 (a re-authentication done) is shown here too.
   */
  handleAuth(packet, callback) {
    if (packet.reasonCode !== 0x18) return callback(null);  // a re-authentication done: nothing to answer
    callback(new Error('the server sent AUTH 0x18 (Continue authentication) and client.handleAuth answers nothing'));
  }

  /**
   * Sends AUTH with connect()'s authenticationMethod: 0x18 (the default) to answer the
   * server's AUTH 0x18, or 0x19 to re-authenticate once connected. A mistake (the core's
   * rules: ClientCore.check) throws, and nothing is sent.
   */
  auth(opts) {
    const core = this.#core;
    if (core === null) throw new Error('auth: this client has ended');
    const packet = authPacket(opts, this.options.protocolVersion, this.options.properties?.authenticationMethod);
    checked(core, 'auth', packet);
    core.auth(packet, Date.now());
  }

  #onCoreClose(code, text) {
    this.#flusher.flush();
    this.#endConnection(this.#quiet ? null : closeError(code, text));
  }

  // ---------------------------------------------------------------- bytes

  #received(bytes) {
    const packets = this.#tap.received(bytes, this.listenerCount('packetreceive') > 0);
    if (packets !== null) {
      const t = this.#transport;
      for (const p of packets) this.#emit('packetreceive', applicationPacket(p));
      if (this.#transport !== t) return;  // a listener ended the connection
    }
    this.#core?.onBytes(bytes, Date.now());
  }

  #write(bytes) {
    const t = this.#transport;
    if (t === null) return;  // no connection: the output had nowhere to go
    try {
      t.send(bytes);
    } catch (err) {
      this.#endConnection(transportError(err));
      return;
    }
    const packets = this.#tap.sent(bytes, this.listenerCount('packetsend') > 0);
    if (packets !== null) {
      for (const p of packets) this.#emit('packetsend', applicationPacket(p));
    }
  }

  // ---------------------------------------------------------------- requests

  /**
   * publish(topic, payload, { qos, retain, dup, properties }, callback?): resolves when
   * a QoS 0 message is written, with the PUBACK (QoS 1) or PUBCOMP (QoS 2).
   */
  publish(topic, payload, opts, callback) {
    let packet;
    try {
      if (callback !== undefined || typeof opts === 'function') [opts, callback] = splitArguments(opts, callback);
      // Without a store nothing keeps the packet: one object serves every publish.
      packet = publishPacket(topic, payload, opts, this.options.protocolVersion, this.#store ? undefined : this.#scratch);
    } catch (err) {
      return this.#mistake(err, callback);
    }
    let result;
    if (packet.qos === 0) result = this.#publishQos0(packet, callback);
    else result = this.#request(new Request('publish', packet.qos, this.#store ? packet : undefined, undefined), packet, callback);
    if (packet === this.#scratch) packet.payload = undefined;  // not kept alive by the client
    return result;
  }

  // A QoS 0 publish the core writes at once (the common case) has no entry of its own:
  // every such publish until the next flush shares one promise, resolved by the flush.
  // What the core says of its token during the call is kept aside; one it queues
  // (offline, or the window is full) gets an entry as any request.
  #publishQos0(packet, callback) {
    if (this.#ending !== null || this.#core === null) return this.#endedRequest(callback);
    const token = this.#token();
    // A listener the call runs may publish too: the outer call's state comes back after.
    const outerCall = this.#inCall;
    const outerOutcome = this.#inCallOutcome;
    const outerCode = this.#inCallCode;
    const outerText = this.#inCallText;
    this.#inCall = token;
    this.#inCallOutcome = NONE;
    let thrown = null;
    try {
      this.#core.publish(token, packet, Date.now());
    } catch (err) {
      thrown = err;
    }
    const outcome = this.#inCallOutcome;
    const code = this.#inCallCode;
    const text = this.#inCallText;
    this.#inCall = outerCall;
    this.#inCallOutcome = outerOutcome;
    this.#inCallCode = outerCode;
    this.#inCallText = outerText;
    if (thrown !== null) return this.#mistake(thrown, callback);
    if (outcome === COMPLETED) {
      if (this.#timer.end !== null) this.#checkDrained();
      const written = this.#written ?? this.#newWritten();
      if (callback) written.then(() => callback(null, undefined));
      return callback ? this : written;
    }
    const entry = new Request('publish', 0, undefined, undefined);
    const promise = newPromise(entry);
    if (outcome === FAILED) {
      this.#fail(entry, code, text);
    } else {
      this.#pending.set(token, entry);
    }
    return settleRequest(this, promise, callback);
  }

  #newWritten() {
    const written = new Promise((resolve) => { this.#resolveWritten = resolve; });
    this.#written = written;
    this.#flusher.afterFlush(this.#wasWritten);
    return written;
  }

  #wasWritten = () => {
    const resolve = this.#resolveWritten;
    this.#written = null;
    this.#resolveWritten = null;
    resolve(undefined);
  };

  /** subscribe(filter | filters | { filter: { qos } }, { qos, nl, rap, rh, properties }, callback?) */
  subscribe(topics, opts, callback) {
    let packet;
    try {
      [opts, callback] = splitArguments(opts, callback);
      packet = subscribePacket(topics, opts, this.options.protocolVersion);
    } catch (err) {
      return this.#mistake(err, callback);
    }
    if (packet.subscriptions.length === 0) return this.#settle(Promise.resolve([]), callback);
    const entry = new Request('subscribe', 0, undefined, packet.subscriptions);
    return this.#request(entry, packet, callback);
  }

  /** unsubscribe(filter | filters, { properties }, callback?): resolves with the UNSUBACK. */
  unsubscribe(topics, opts, callback) {
    let packet;
    try {
      [opts, callback] = splitArguments(opts, callback);
      packet = unsubscribePacket(topics, opts, this.options.protocolVersion);
    } catch (err) {
      return this.#mistake(err, callback);
    }
    if (packet.unsubscriptions.length === 0) return this.#settle(Promise.resolve(undefined), callback);
    return this.#request(new Request('unsubscribe', 0, undefined, undefined), packet, callback);
  }

  publishAsync(topic, payload, opts) { return this.publish(topic, payload, opts); }
  subscribeAsync(topics, opts) { return this.subscribe(topics, opts); }
  unsubscribeAsync(topics, opts) { return this.unsubscribe(topics, opts); }
  endAsync(force, opts) { return this.end(force, opts); }

  /** With manualAck: acknowledges a QoS 1/2 message (reasonCode 0, or a 5.0 refusal from 0x80). */
  ack(packet, reasonCode = 0) {
    if (packet === null || typeof packet !== 'object') throw new TypeError('ack: give the packet of the message');
    const code = ackCode(reasonCode, this.options.protocolVersion);
    if (packet.qos > 0 && Number.isInteger(packet.messageId)) this.#core?.ack(packet.messageId, code, Date.now());
  }

  #token() {
    const t = this.#nextToken;
    this.#nextToken = (t + 1) >>> 0 || 1;
    return t;
  }

  #endedRequest(callback) {
    return this.#settle(Promise.reject(requestError(CLIENT_ENDED, 'client disconnecting: end() was called')), callback);
  }

  #request(entry, packet, callback) {
    if (this.#ending !== null || this.#core === null) return this.#endedRequest(callback);
    const token = this.#token();
    const promise = newPromise(entry);
    this.#pending.set(token, entry);
    try {
      const core = this.#core;
      const now = Date.now();
      if (entry.kind === 'publish') core.publish(token, packet, now);
      else if (entry.kind === 'subscribe') core.subscribe(token, packet, now);
      else core.unsubscribe(token, packet, now);
    } catch (err) {
      // The codec refused the packet (a property of the wrong type ...): a mistake too.
      this.#pending.delete(token);
      return this.#mistake(err, callback);
    }
    return settleRequest(this, promise, callback);
  }

  // A promise that is not a request's (end(), an ended client's refusal ...): handled
  // at once, so that nobody has to await it.
  #settle(promise, callback) {
    if (!callback) promise.catch(noop);
    return settleRequest(this, promise, callback);
  }

  // A mistake in the arguments: a rejection that shows if nobody handles it.
  #mistake(err, callback) {
    if (typeof callback === 'function') {
      queueMicrotask(() => callback(err));
      return this;
    }
    return Promise.reject(err);
  }

  // ---------------------------------------------------------------- ending

  /**
   * end(force?, { reasonCode, properties }?, callback?): without force, waits (at most
   * 10 s) for in-flight messages to complete, then sends DISCONNECT; with force, closes
   * at once. Every request still pending fails with 0x8B.
   */
  end(force, opts, callback) {
    if (typeof force === 'function') [force, opts, callback] = [false, undefined, force];
    else if (typeof force !== 'boolean') [force, opts, callback] = [false, force, callback ?? opts];
    if (typeof opts === 'function') [opts, callback] = [undefined, opts];
    let packet;
    try {
      packet = disconnectPacket(opts, this.options.protocolVersion);
      if (this.#core !== null) checked(this.#core, 'end', packet);
    } catch (err) {
      return this.#mistake(err, callback);
    }
    if (this.#ending !== null) {
      if (force && !this.#ending.finishing) {
        this.#ending.force = true;
        this.#finishSoon();
      }
      return this.#settle(this.#ending.promise, callback);
    }
    let resolve;
    const promise = new Promise((r) => { resolve = r; });
    this.#ending = { force, packet, promise, resolve, finishing: false };
    this.#disconnecting = true;
    this.#clearTimer('reconnect');
    this.#reconnecting = false;
    this.#reconnectDelay = 0;
    if (!force && this.#connected && this.#busy()) {
      this.#timer.end = this.#timers.set(() => {
        this.#timer.end = null;
        this.#finishEnd();
      }, END_WAIT_MS, true);
    } else {
      this.#finishSoon();
    }
    return this.#settle(promise, callback);
  }

  #busy() {
    const s = this.#core?.status();
    return s !== undefined && (s.inflight > 0 || s.queued > 0);
  }

  #checkDrained() {
    if (this.#timer.end !== null && !this.#ending.finishing && !this.#busy()) this.#finishSoon();
  }

  // end() finishes after the work under way: a core batch being handed out (end() was
  // called from a listener, or the last ack came) is delivered whole first, so that the
  // acks that came with it resolve their requests.
  #finishSoon() {
    if (this.#finishQueued) return;
    this.#finishQueued = true;
    queueMicrotask(() => {
      this.#finishQueued = false;
      if (this.#ending !== null && !this.#ending.finishing) this.#finishEnd();
    });
  }

  #finishEnd() {
    const e = this.#ending;
    if (e.finishing) return;
    e.finishing = true;
    this.#clearTimer('end');
    if (this.#connected && !e.force && this.#core !== null) {
      this.#quiet = true;
      this.#core.disconnect(e.packet, Date.now());  // DISCONNECT, and its close, come back in the batch
    }
    this.#flusher.flush();
    this.#endConnection(null, false);
    const core = this.#core;
    if (core !== null) {
      this.#abandoning = true;
      core.abandon(Date.now());
      this.#abandoning = false;
      this.#core = null;
      queueMicrotask(() => core.free());  // after any core call still on the stack
    }
    for (const p of this.#pending.values()) rejectRequest(p, requestError(CLIENT_ENDED, 'client ended'));
    this.#pending.clear();
    for (const name of Object.keys(this.#timer)) this.#clearTimer(name);
    this.#connected = false;
    this.#reconnecting = false;
    this.#disconnecting = false;
    this.#disconnected = true;
    this.#emit('end');
    e.resolve();
  }

  // ---------------------------------------------------------------- helpers

  #clearTimer(name) {
    const h = this.#timer[name];
    if (h !== null) {
      this.#timers.clear(h);
      this.#timer[name] = null;
    }
  }

  // Listeners run inside the client's own work (a core batch, a transport callback):
  // one that throws must not leave that work half done, so its error is thrown again
  // on its own, as an uncaught exception.
  #emit(name, ...args) {
    try {
      this.emit(name, ...args);
    } catch (err) {
      queueMicrotask(() => { throw err; });
    }
  }
}

// Throws the core's refusal of an AUTH or DISCONNECT (ClientCore.check), for `what`.
function checked(core, what, packet) {
  const refusal = core.check(packet);
  if (refusal !== null) throw new MqttError(refusal.reasonCode, `${what}: ${refusal.message}`);
}

function newPromise(entry) {
  const promise = new Promise(takeResolvers);
  entry.resolve = takenResolve;
  entry.reject = takenReject;
  entry.promise = promise;
  return promise;
}

// A request's promise is marked handled only when it rejects (a failure of the network
// or the server must not become an unhandled rejection), which saves a second promise
// per request: a handler added in the same turn as the rejection counts as handled.
function settleRequest(client, promise, callback) {
  if (!callback) return promise;
  promise.then((result) => callback(null, result), (err) => callback(err));
  return client;
}

function rejectRequest(p, err) {
  if (p.reject === undefined) return;
  p.reject(err);
  p.promise.catch(noop);
}
