// ClientCore (js/client/core.js), the client session core's JS wrapper: against our
// broker in the same process (broker.connectLocal()), and against a scripted server
// (packets made with the codec's encode(), the client's output decoded) where the
// batch must be exact: re-entrant sinks, growing wasm memory, AUTH.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientCore } from '../../js/client/core.js';
import { createBroker, createDecoder, encode, MqttError } from '../../js/index.js';
import { concat } from './concat.js';

const OPTIONS = Object.freeze({
  maxPacketSize: 268435460, maxQueued: 1000, queueQoSZero: true, autoTopicAlias: true, manualAck: false,
  resubscribe: true, pingTimeout: 0,
});

const text = (bytes) => new TextDecoder().decode(bytes);

// A sink that records every call in order, as [name, ...args]. `on` overrides methods
// (they are recorded too); wait(predicate) resolves once a recorded call matches.
function recorder(on = {}) {
  const calls = [];
  const waiting = [];
  const sink = {};
  const names = ['timer', 'connected', 'refused', 'message', 'completed', 'failed', 'stored', 'released', 'auth',
    'disconnected', 'resubscribed', 'output', 'close'];
  for (const name of names) {
    sink[name] = (...args) => {
      const call = [name, ...args];
      calls.push(call);
      on[name]?.(...args);
      for (let i = waiting.length - 1; i >= 0; i--) {
        if (waiting[i].match(call)) waiting.splice(i, 1)[0].resolve(call);
      }
    };
  }
  const wait = (match) => {
    const found = calls.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => waiting.push({ match, resolve }));
  };
  return { sink, calls, wait, named: (name) => calls.filter((c) => c[0] === name) };
}

// A ClientCore on a local connection to `broker`: output is flushed once per turn, as
// the JS API will do, and the transport is closed when the core says so.
function attach(broker, connect, options = {}, on = {}) {
  const transport = broker.connectLocal();
  let core;
  let flushing = false;
  let freed = false;
  const flush = () => {
    flushing = false;
    if (freed) return;
    const out = core.takeOutput();
    if (out && transport.open) transport.send(out);
  };
  const r = recorder({
    ...on,
    output: () => {
      if (!flushing) {
        flushing = true;
        queueMicrotask(flush);
      }
    },
    close: () => {
      flush();
      transport.close();
    },
  });
  core = new ClientCore({ ...OPTIONS, ...options }, { cmd: 'connect', keepalive: 0, clean: true, ...connect }, r.sink);
  transport.onbytes = (bytes) => core.onBytes(bytes, Date.now());
  transport.onclose = () => core.onClosed(Date.now());
  core.onOpen(Date.now());
  // Stops listening and frees the core.
  const done = () => {
    freed = true;
    transport.onbytes = null;
    transport.onclose = null;
    transport.close();
    core.free();
  };
  return { core, transport, done, ...r };
}

// A ClientCore with no connection: the test plays the server with the codec.
function scripted(connect, options = {}, on = {}) {
  const r = recorder(on);
  const core = new ClientCore({ ...OPTIONS, ...options }, { cmd: 'connect', keepalive: 0, clean: true, ...connect }, r.sink);
  const version = connect.protocolVersion ?? 4;
  const decoder = createDecoder({ protocolVersion: version });
  return {
    core,
    ...r,
    // The server sends these packets, in one chunk.
    send: (...packets) => core.onBytes(concat(...packets.map((p) => encode(p, { protocolVersion: version }))), 1000),
    // What the client wrote since the last call, decoded.
    written: () => {
      const out = core.takeOutput();
      return out ? decoder.push(out) : [];
    },
  };
}

async function withBroker(fn) {
  const broker = await createBroker({ sysInterval: 0, connectTimeout: 0 });
  try {
    await fn(broker);
  } finally {
    await broker.close();
  }
}

const isConnected = (c) => c[0] === 'connected';
const completedFor = (token) => (c) => c[0] === 'completed' && c[1] === token;

test('connects to our broker: connected(CONNACK), then status() has the session', async () => {
  await withBroker(async (broker) => {
    for (const protocolVersion of [4, 5]) {
      const a = attach(broker, { protocolVersion, clientId: `core-${protocolVersion}`, keepalive: 30 });
      const [, connack, sessionPresent] = await a.wait(isConnected);
      assert.equal(connack.cmd, 'connack');
      assert.equal(sessionPresent, false);
      assert.equal(protocolVersion === 5 ? connack.reasonCode : connack.returnCode, 0);
      const status = a.core.status();
      assert.equal(status.connected, true);
      assert.equal(status.clientId, `core-${protocolVersion}`);
      assert.equal(status.keepalive, 30);
      assert.equal(status.inflight, 0);
      assert.equal(status.queued, 0);
      if (protocolVersion === 5) assert.equal(status.receiveMaximum, connack.properties?.receiveMaximum ?? 65535);
      // A keepalive means a timer to come back for.
      assert.ok(a.named('timer').length > 0, 'a keepalive timer was asked for');
      a.core.disconnect({ reasonCode: 0 }, Date.now());
      assert.ok(a.named('close').length === 1, 'disconnect() closes');
      a.done();
    }
  });
});

test('publish at QoS 0, 1 and 2 completes with the token: nothing, PUBACK, PUBCOMP', async () => {
  await withBroker(async (broker) => {
    for (const protocolVersion of [4, 5]) {
      const a = attach(broker, { protocolVersion, clientId: `pub-${protocolVersion}` });
      await a.wait(isConnected);
      a.core.publish(1, { topic: 'q/0', payload: 'zero', qos: 0 }, Date.now());
      a.core.publish(2, { topic: 'q/1', payload: new Uint8Array([1, 2, 3]), qos: 1 }, Date.now());
      a.core.publish(3, { topic: 'q/2', payload: 'two', qos: 2, retain: false }, Date.now());
      const zero = await a.wait(completedFor(1));
      const one = await a.wait(completedFor(2));
      const two = await a.wait(completedFor(3));
      assert.deepEqual(zero, ['completed', 1, 0, undefined]);
      assert.equal(one[2], 0);
      assert.equal(one[3].cmd, 'puback');
      assert.equal(two[2], 0);
      assert.equal(two[3].cmd, 'pubcomp');
      assert.equal(one[3].messageId === two[3].messageId, false, 'in-flight ids differ');
      assert.equal(a.named('failed').length, 0);
      assert.equal(a.core.status().inflight, 0);
      a.done();
    }
  });
});

test('subscribe completes with the SUBACK, and messages arrive as mqtt-packet PUBLISHes', async () => {
  await withBroker(async (broker) => {
    const sub = attach(broker, { protocolVersion: 5, clientId: 'sub' });
    const pub = attach(broker, { protocolVersion: 4, clientId: 'pub' });
    await sub.wait(isConnected);
    await pub.wait(isConnected);
    sub.core.subscribe(7, { subscriptions: [{ topic: 'room/+', qos: 1 }, { topic: 'other', qos: 0 }] }, Date.now());
    const [, , code, suback] = await sub.wait(completedFor(7));
    assert.equal(code, 0);
    assert.equal(suback.cmd, 'suback');
    assert.deepEqual(suback.granted, [1, 0]);

    pub.core.publish(1, { topic: 'room/a', payload: 'hello', qos: 1 }, Date.now());
    pub.core.publish(2, { topic: 'room/b', payload: 'again', qos: 0 }, Date.now());
    await sub.wait((c) => c[0] === 'message' && c[1].topic === 'room/b');
    const messages = sub.named('message').map((c) => c[1]);
    assert.deepEqual(messages.map((m) => [m.cmd, m.topic, text(m.payload), m.qos]),
      [['publish', 'room/a', 'hello', 1], ['publish', 'room/b', 'again', 0]]);
    assert.ok(messages[0].payload instanceof Uint8Array);
    assert.equal(typeof messages[0].messageId, 'number');
    assert.equal('messageId' in messages[1], false, 'a QoS 0 PUBLISH has no messageId');

    sub.core.unsubscribe(8, { unsubscriptions: ['room/+'] }, Date.now());
    const [, , unsubCode, unsuback] = await sub.wait(completedFor(8));
    assert.equal(unsubCode, 0);
    assert.equal(unsuback.cmd, 'unsuback');
    assert.deepEqual(unsuback.granted, [0]);
    sub.done();
    pub.done();
  });
});

test('with manualAck the PUBACK waits for ack(), then goes out', async () => {
  await withBroker(async (broker) => {
    const sub = attach(broker, { protocolVersion: 4, clientId: 'manual' }, { manualAck: true });
    const pub = attach(broker, { protocolVersion: 4, clientId: 'sender' });
    await sub.wait(isConnected);
    await pub.wait(isConnected);
    sub.core.subscribe(1, { subscriptions: [{ topic: 'm', qos: 1 }] }, Date.now());
    await sub.wait(completedFor(1));
    // Keep the subscriber's output to look at it, rather than send it.
    const hold = [];
    sub.transport.send = (bytes) => hold.push(bytes);
    pub.core.publish(5, { topic: 'm', payload: 'x', qos: 1 }, Date.now());
    const [, message] = await sub.wait((c) => c[0] === 'message');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(sub.core.takeOutput(), null, 'no PUBACK before ack()');
    assert.equal(hold.length, 0);
    sub.core.ack(message.messageId, 0, Date.now());
    const out = sub.core.takeOutput();
    assert.ok(out, 'ack() wrote the PUBACK');
    const [puback] = createDecoder({ protocolVersion: 4 }).push(out);
    assert.equal(puback.cmd, 'puback');
    assert.equal(puback.messageId, message.messageId);
    sub.done();
    pub.done();
  });
});

test('takeOutput() gives a copy of everything written so far, once, and null when empty', () => {
  const s = scripted({ protocolVersion: 4, clientId: 'out' });
  assert.equal(s.core.takeOutput(), null, 'nothing before onOpen');
  s.core.onOpen(0);
  assert.ok(s.named('output').length > 0, 'output() told the host');
  const first = s.core.takeOutput();
  assert.ok(first instanceof Uint8Array);
  assert.equal(s.core.takeOutput(), null, 'taken: cleared');
  const kept = first.slice();
  const [connect] = createDecoder({ protocolVersion: 4 }).push(first);
  assert.equal(connect.cmd, 'connect');
  assert.equal(connect.clientId, 'out');
  s.send({ cmd: 'connack', returnCode: 0, sessionPresent: false });
  for (let i = 0; i < 100; i++) s.core.publish(i, { topic: 't', payload: 'p'.repeat(i), qos: 0 }, 1000);
  assert.deepEqual(first, kept, 'later calls do not touch a taken copy');
  const published = s.written();
  assert.equal(published.length, 100, 'output accumulates across calls');
  assert.deepEqual(published.map((p) => p.payload.length), [...Array(100).keys()]);
  s.core.free();
});

test('a PUBLISH without properties (the quick path) goes out as the same PUBLISH as one with an empty properties object (the tape path)', () => {
  const s = scripted({ protocolVersion: 5, clientId: 'same' });
  s.core.onOpen(0);
  s.send({ cmd: 'connack', reasonCode: 0, sessionPresent: false });
  s.written();
  const big = new Uint8Array(5000).map((_, i) => i & 0xff);
  const packets = [
    { topic: 'q/a', payload: 'ascii text', qos: 0 },
    { topic: 'q/a', payload: 'ünïcödé €', qos: 0, retain: true },
    { topic: 'q/a', payload: 'kept', qos: 1, retain: true },
    { topic: 'q/a', payload: Buffer.from('a node buffer'), qos: 0 },
    { topic: 'q/a', payload: new Uint8Array([1, 2, 3]), qos: 1, dup: true },
    { topic: 'q/a', payload: big.subarray(7, 4007), qos: 2 },
    { topic: 'q/a', payload: big, qos: 0 },
    { topic: 'q/ä', payload: undefined, qos: 0 },
    { topic: 'q/a', payload: new Uint8Array(0), qos: 0, retain: false, dup: false },
    { topic: 'q/a', payload: 'x'.repeat(65), qos: 0 },
  ];
  const strip = ({ messageId, ...rest }) => rest;
  for (const packet of packets) {
    s.core.publish(1, packet, 1000);  // the first time a topic goes on the tape, and is cached
    s.core.publish(2, packet, 1000);
    s.core.publish(3, { ...packet, properties: {} }, 1000);
    const [first, quick, tape] = s.written().map(strip);
    assert.deepEqual(quick, tape, JSON.stringify(packet));
    assert.deepEqual(first, tape);
    assert.equal(quick.dup, false, 'a first send is no duplicate, whatever the request says');
    assert.equal(quick.retain, packet.retain ?? false);
  }
  assert.equal(s.named('failed').length, 0);
  s.core.free();
});

test('a CONNECT that the core refuses throws MqttError', () => {
  const { sink } = recorder();
  const cases = [
    // 3.1.1: an empty client id needs a clean session [MQTT-3.1.3-7].
    { cmd: 'connect', protocolVersion: 4, clientId: '', clean: false, keepalive: 0 },
    { cmd: 'connect', protocolVersion: 4, clientId: 'w', clean: true, keepalive: 0, will: { topic: 'a/#', payload: 'x' } },
    { cmd: 'connect', protocolVersion: 9, clientId: 'v' },
    { cmd: 'connect', protocolVersion: 4, clientId: 42 },
  ];
  for (const connect of cases) {
    assert.throws(() => new ClientCore(OPTIONS, connect, sink), (err) => {
      assert.ok(err instanceof MqttError, `${JSON.stringify(connect)}: ${err}`);
      assert.ok(err.reasonCode >= 0x80, `reason code ${err.reasonCode}`);
      assert.ok(err.message.length > 10, err.message);
      return true;
    }, JSON.stringify(connect));
  }
  assert.throws(() => new ClientCore(OPTIONS, { cmd: 'publish', topic: 'x' }, sink), MqttError);
  assert.throws(() => new ClientCore(OPTIONS, { cmd: 'connect', clientId: 'x' }, { message() {} }), /the sink has no timer/);
});

test('an invalid publish is refused with a clear error and sends nothing', () => {
  const s = scripted({ protocolVersion: 5, clientId: 'bad' });
  s.core.onOpen(0);
  s.send({ cmd: 'connack', reasonCode: 0, sessionPresent: false });
  s.written();
  const refused = (token, packet) => {
    // Either the tape writer throws before the core, or the core fails the token.
    try {
      s.core.publish(token, packet, 1000);
    } catch (err) {
      assert.ok(err instanceof MqttError, String(err));
      return err.message;
    }
    const failed = s.named('failed').find((c) => c[1] === token);
    assert.ok(failed, `${JSON.stringify(packet)} failed`);
    assert.ok(failed[2] >= 0x80);
    return failed[3];
  };
  assert.match(refused(1, { topic: 'a/+', payload: 'x', qos: 0 }), /wildcard/i);
  assert.match(refused(2, { topic: 'a/#', payload: 'x', qos: 1 }), /wildcard/i);
  assert.match(refused(3, { topic: 'a', payload: 'x', qos: 3 }), /qos/i);
  assert.match(refused(4, { topic: 17, payload: 'x', qos: 0 }), /topic/);
  assert.match(refused(5, { topic: 'a', payload: 'x', qos: 0, properties: { nonsense: 1 } }), /nonsense/);
  assert.match(refused(6, { topic: 'a', payload: 'x', qos: 0, properties: { sessionExpiryInterval: 5 } }), /\S/);
  assert.deepEqual(s.written(), [], 'nothing was sent');
  assert.equal(s.named('completed').length, 0);
  // The client goes on.
  s.core.publish(7, { topic: 'a', payload: 'fine', qos: 0 }, 1000);
  assert.deepEqual(s.written().map((p) => [p.topic, text(p.payload)]), [['a', 'fine']]);
  s.core.free();
});

test('a sink that calls the core from message() gets the whole outer batch, even when wasm memory grows', () => {
  let s;
  let nested = 0;
  const big = 'z'.repeat(24 * 1024 * 1024);  // larger than wasm memory has spare: it grows
  s = scripted({ protocolVersion: 4, clientId: 'nested' }, {}, {
    message(packet) {
      if (packet.topic !== 'in/1') return;
      nested++;
      s.core.publish(100, { topic: 'out/big', payload: big, qos: 0 }, 1000);
      s.core.publish(101, { topic: 'out/small', payload: 'after', qos: 1 }, 1000);
    },
  });
  s.core.onOpen(0);
  s.send({ cmd: 'connack', returnCode: 0, sessionPresent: false });
  s.written();
  const before = s.calls.length;
  // Three messages in one chunk; the first one's handler makes two requests.
  s.send(
    { cmd: 'publish', topic: 'in/1', payload: 'one', qos: 0 },
    { cmd: 'publish', topic: 'in/2', payload: 'two', qos: 1, messageId: 9 },
    { cmd: 'publish', topic: 'in/3', payload: 'x'.repeat(300), qos: 2, messageId: 10 },
  );
  assert.equal(nested, 1);
  const calls = s.calls.slice(before).filter((c) => c[0] !== 'output' && c[0] !== 'timer');
  assert.deepEqual(calls.map((c) => (c[0] === 'message' ? `message ${c[1].topic} ${text(c[1].payload)}` : `${c[0]} ${c[1]}`)), [
    'message in/1 one',
    'completed 100',  // the nested QoS 0 publish, from inside message()
    'message in/2 two',
    `message in/3 ${'x'.repeat(300)}`,
  ]);
  assert.equal(calls[2][1].messageId, 9);
  assert.equal(calls[3][1].messageId, 10);
  // The whole chunk was handled (and acknowledged) before the sink ran.
  const written = s.written();
  assert.deepEqual(written.map((p) => [p.cmd, p.topic ?? p.messageId]),
    [['puback', 9], ['pubrec', 10], ['publish', 'out/big'], ['publish', 'out/small']]);
  assert.equal(written[2].payload.length, big.length);
  s.core.free();
});

test('payloads handed out stay valid after later chunks overwrite the input buffer', () => {
  const s = scripted({ protocolVersion: 4, clientId: 'keep' });
  s.core.onOpen(0);
  s.send({ cmd: 'connack', returnCode: 0, sessionPresent: false });
  const payloads = ['a'.repeat(10), 'b'.repeat(100), 'c'.repeat(5000), 'd'.repeat(70000)];
  for (const p of payloads) s.send({ cmd: 'publish', topic: 'k', payload: p, qos: 0 });
  // One packet split over two chunks: completed from the core's own buffer.
  const split = encode({ cmd: 'publish', topic: 'k', payload: 'e'.repeat(2000), qos: 0 });
  s.core.onBytes(split.subarray(0, 700), 1000);
  s.core.onBytes(split.subarray(700), 1000);
  s.send({ cmd: 'publish', topic: 'k', payload: 'f'.repeat(70000), qos: 0 });
  assert.deepEqual(s.named('message').map((c) => text(c[1].payload)), [...payloads, 'e'.repeat(2000), 'f'.repeat(70000)]);
  s.core.free();
});

test('restore() puts a stored QoS 1 publish back in flight: resent with DUP and its id when the session resumes', () => {
  const s = scripted({ protocolVersion: 4, clientId: 'restored', clean: false });
  s.core.reportStoreEvents(true);
  s.core.restore(3, { cmd: 'publish', topic: 'r', payload: 'stored', qos: 1, messageId: 77 }, false, 0);
  assert.throws(() => s.core.restore(4, { topic: 'r', payload: 'x', qos: 1 }, false, 0), /messageId/);
  s.core.onOpen(0);
  s.send({ cmd: 'connack', returnCode: 0, sessionPresent: true });
  const resent = s.written().filter((p) => p.cmd === 'publish');
  assert.deepEqual(resent.map((p) => [p.topic, text(p.payload), p.messageId, p.dup]), [['r', 'stored', 77, true]]);
  s.send({ cmd: 'puback', messageId: 77 });
  const [, , code, puback] = s.named('completed').find((c) => c[1] === 3);
  assert.equal(code, 0);
  assert.equal(puback.messageId, 77);
  s.core.free();
});

test('AUTH from the server is an auth event, and auth() answers it (5.0)', () => {
  const s = scripted({ protocolVersion: 5, clientId: 'auth', properties: { authenticationMethod: 'demo' } });
  s.core.onOpen(0);
  const [connect] = s.written();
  assert.equal(connect.properties.authenticationMethod, 'demo');
  s.send({ cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: 'demo', authenticationData: new Uint8Array([1, 2]) } });
  const [, auth] = s.named('auth')[0];
  assert.equal(auth.cmd, 'auth');
  assert.equal(auth.reasonCode, 0x18);
  assert.deepEqual([...auth.properties.authenticationData], [1, 2]);
  s.core.auth({ reasonCode: 0x18, properties: { authenticationMethod: 'demo', authenticationData: 'answer' } }, 1000);
  const [answer] = s.written();
  assert.equal(answer.cmd, 'auth');
  assert.equal(text(answer.properties.authenticationData), 'answer');
  s.send({ cmd: 'connack', reasonCode: 0, sessionPresent: false, properties: { authenticationMethod: 'demo' } });
  assert.equal(s.named('connected').length, 1);
  s.core.free();
});

test('a refused CONNACK and a server DISCONNECT close, with their packets', () => {
  const r = scripted({ protocolVersion: 5, clientId: 'refused' });
  r.core.onOpen(0);
  r.send({ cmd: 'connack', reasonCode: 0x87, sessionPresent: false });
  assert.deepEqual(r.named('refused').map((c) => [c[1].cmd, c[2]]), [['connack', 0x87]]);
  assert.equal(r.named('close').length, 1);
  // close comes after the event
  assert.ok(r.calls.findIndex((c) => c[0] === 'close') > r.calls.findIndex((c) => c[0] === 'refused'));
  r.core.free();

  const d = scripted({ protocolVersion: 5, clientId: 'dropped' });
  d.core.onOpen(0);
  d.send({ cmd: 'connack', reasonCode: 0, sessionPresent: false },
    { cmd: 'disconnect', reasonCode: 0x8b, properties: { reasonString: 'bye' } });
  const [, packet] = d.named('disconnected')[0];
  assert.equal(packet.reasonCode, 0x8b);
  assert.equal(packet.properties.reasonString, 'bye');
  assert.equal(d.named('close').length, 1);
  d.core.free();
});

test('abandon() fails what is queued with 0x8B, and a freed core refuses calls', () => {
  const s = scripted({ protocolVersion: 4, clientId: 'gone' });
  s.core.publish(1, { topic: 't', payload: 'x', qos: 1 }, 0);
  s.core.subscribe(2, { subscriptions: [{ topic: 't', qos: 0 }] }, 0);
  assert.equal(s.core.status().queued, 2);
  s.core.abandon(0);
  assert.deepEqual(s.named('failed').map((c) => [c[1], c[2]]), [[1, 0x8b], [2, 0x8b]]);
  assert.ok(s.named('failed').every((c) => typeof c[3] === 'string'));
  s.core.free();
  s.core.free();  // twice is fine
  assert.throws(() => s.core.tick(0), /freed/);
});
