// The client's JS API (js/client/) against our own broker, over broker.connectLocal()
// and over TCP (broker.listen): events and their order, argument errors that send
// nothing, publish and subscribe results, reconnecting with backoff, resubscribing, the
// offline queue, the store, manual acks, end(), connectTimeout, and the pieces the
// client is made of (backoff, timers, the packet tap) on their own.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import mqttWasm, { createBroker, connect, connectAsync, MemoryStore, MqttError, encode, createDecoder } from '../../js/index.js';
import { backoffDelay, backoffCap } from '../../js/client/reconnect.js';
import { WorkerTimers, clientTimers } from '../../js/client/keepalive-timer.js';
import { PacketTap } from '../../js/client/packet-tap.js';
import { Emitter } from '../../js/client/emitter.js';
import { until, sleep } from './broker-peers.js';
import { uniqueId } from './broker-mqttjs-harness.js';
import { freePorts } from './client-peers.js';
import { concat } from './concat.js';
import { declaredFields, refusalOfName } from './option-names.js';

// A broker per test, listening on TCP, with every client closed at the end.
async function setup(t, brokerOptions = {}) {
  const broker = await createBroker({ sysInterval: 0, ...brokerOptions });
  const { tcp } = await broker.listen({ tcp: 0, host: '127.0.0.1' });
  const clients = [];
  t.after(async () => {
    for (const c of clients) c.end(true);
    await broker.close();
  });
  const url = `mqtt://127.0.0.1:${tcp.port}`;
  // The target of a kind; `gate.open = false` makes attempts fail as if the broker were
  // unreachable (for the offline tests).
  const gate = { open: true, attempts: 0 };
  const target = (kind) => () => {
    gate.attempts++;
    if (!gate.open) return Promise.reject(new Error('unreachable (the test closed the gate)'));
    return kind === 'tcp' ? url : broker.connectLocal();
  };
  const track = (c) => {
    clients.push(c);
    return c;
  };
  return { broker, url, gate, target, track };
}

// Records a client's events in order, and what it sends and receives.
function record(client) {
  const r = { events: [], sent: [], received: [], errors: [], messages: [] };
  for (const name of ['connect', 'reconnect', 'offline', 'close', 'disconnect', 'end']) {
    client.on(name, () => r.events.push(name));
  }
  client.on('error', (err) => { r.events.push('error'); r.errors.push(err); });
  client.on('message', (topic, payload, packet) => r.messages.push({ topic, text: payload.toString(), payload, packet }));
  client.on('packetsend', (p) => r.sent.push(p));
  client.on('packetreceive', (p) => r.received.push(p));
  return r;
}

// Drops a client's connection from the broker's side: another connection with the same
// client id takes the session over [MQTT-3.1.4-3].
async function takeOver(h, clientId, version) {
  const kicker = h.track(await connectAsync(h.broker.connectLocal(), { clientId, protocolVersion: version, reconnectPeriod: 0 }));
  await kicker.end(true);
}

const KINDS = ['local', 'tcp'];

for (const kind of KINDS) {
  describe(`over ${kind}`, () => {
    test('connectAsync resolves after CONNACK; events come in order; end() closes', async (t) => {
      const h = await setup(t);
      const client = h.track(connect(h.target(kind)(), { protocolVersion: 5, clientId: uniqueId('order') }));
      const r = record(client);
      assert.equal(client.connected, false);
      await until(() => client.connected, 'connect');
      assert.deepEqual(r.events, ['connect']);
      assert.deepEqual(r.sent.map((p) => p.cmd), ['connect']);
      assert.deepEqual(r.received.map((p) => p.cmd), ['connack']);
      await client.end();
      assert.deepEqual(r.events, ['connect', 'close', 'end']);
      assert.equal(r.sent.at(-1).cmd, 'disconnect');
      assert.equal(client.disconnected, true);
      assert.equal(client.connected, false);

      const again = h.track(await connectAsync(h.target(kind)(), { clientId: uniqueId('async') }));
      assert.equal(again.connected, true);
      assert.equal(again.options.protocolVersion, 4);
      assert.equal(again.options.keepalive, 60);
      await again.end();
    });

    test('publish resolves: QoS 0 when written, QoS 1 with the PUBACK, QoS 2 with the PUBCOMP', async (t) => {
      const h = await setup(t);
      for (const version of [4, 5]) {
        const client = h.track(await connectAsync(h.target(kind)(), { protocolVersion: version, clientId: uniqueId('pub') }));
        const r = record(client);
        assert.deepEqual(await client.subscribe('q/+', { qos: 2 }), [version === 5 ? { topic: 'q/+', qos: 2, nl: false, rap: false, rh: 0 } : { topic: 'q/+', qos: 2 }]);
        assert.equal(await client.publish('q/0', 'zero'), undefined);
        assert.equal((await client.publish('q/1', 'one', { qos: 1 })).cmd, 'puback');
        assert.equal((await client.publishAsync('q/2', new Uint8Array([0x74, 0x77, 0x6f]), { qos: 2 })).cmd, 'pubcomp');
        await until(() => r.messages.length === 3, 'three messages');
        assert.deepEqual(r.messages.map((m) => [m.topic, m.text, m.packet.qos]).sort(), [['q/0', 'zero', 0], ['q/1', 'one', 1], ['q/2', 'two', 2]]);
        assert.ok(Buffer.isBuffer(r.messages[0].payload), 'a payload is a Buffer in Node');
        const sentPublish = r.sent.find((p) => p.cmd === 'publish' && p.topic === 'q/1');
        assert.ok(Buffer.isBuffer(sentPublish.payload), 'a packetsend payload is a Buffer in Node');
        assert.equal(sentPublish.payload.toString(), 'one');
        // The callback form, as MQTT.js has it.
        const viaCallback = await new Promise((resolve) => client.publish('q/1', 'cb', { qos: 1 }, (err, packet) => resolve({ err, packet })));
        assert.equal(viaCallback.err, null);
        assert.equal(viaCallback.packet.cmd, 'puback');
        await client.end();
      }
    });

    test('after the broker drops the connection: reconnect, resubscribe, and what was published offline arrives', async (t) => {
      const h = await setup(t);
      for (const version of [4, 5]) {
        const clientId = uniqueId('drop');
        const client = h.track(await connectAsync(h.target(kind), { protocolVersion: version, clientId, reconnectPeriod: 50 }));
        const r = record(client);
        await client.subscribe('drop/#', { qos: 1 });
        h.gate.open = false;
        await takeOver(h, clientId, version);
        await until(() => r.events.includes('offline'), 'offline');
        assert.equal(client.connected, false);
        assert.equal(client.reconnecting, true);
        // Published while offline: queued, sent once the connection is back.
        const offline = client.publish('drop/offline', 'queued', { qos: 1 });
        const offlineZero = client.publish('drop/offline0', 'queued0');
        await until(() => h.gate.attempts >= 2, 'a failed attempt');
        h.gate.open = true;
        const ack = await offline;
        assert.equal(ack.cmd, 'puback');
        await offlineZero;
        assert.equal(client.connected, true);
        assert.equal(client.reconnecting, false);
        const lost = version === 5 ? ['disconnect', 'offline', 'close'] : ['offline', 'close'];
        assert.deepEqual(r.events.slice(0, lost.length), lost);
        assert.ok(r.events.includes('reconnect'));
        assert.equal(r.events.at(-1), 'connect');
        // The session was clean: the client subscribed again by itself.
        const subscribes = r.sent.filter((p) => p.cmd === 'subscribe');
        assert.equal(subscribes.length, 2, 'the first SUBSCRIBE and the one after the reconnect');
        assert.deepEqual(subscribes[1].subscriptions.map((s) => [s.topic, s.qos]), [['drop/#', 1]]);
        await until(() => r.messages.length === 2, 'both offline messages, through the resubscription');
        assert.deepEqual(r.messages.map((m) => m.text).sort(), ['queued', 'queued0']);
        await client.end();
      }
    });
  });
}

test('bad arguments reject at once, with clear errors, and send nothing', async (t) => {
  const h = await setup(t);
  const client = h.track(await connectAsync(h.broker.connectLocal(), { protocolVersion: 5, clientId: uniqueId('args') }));
  const r = record(client);
  const bad = [
    [() => client.publish('a/#', 'x'), MqttError, /wildcard/],
    [() => client.publish('a/+/b', 'x'), MqttError, /wildcard/],
    [() => client.publish('', 'x'), MqttError, /empty/],
    [() => client.publish('a\u0000b', 'x'), MqttError, /U\+0000/],
    [() => client.publish('a', 'x', { properties: { userProperties: new Map([['k', 'v']]) } }), MqttError, /userProperties must be an object .*not a Map/],
    [() => client.publish(42, 'x'), TypeError, /topic must be a string/],
    [() => client.publish('a', 'x', { qos: 3 }), RangeError, /qos must be 0, 1 or 2/],
    [() => client.publish('a', 'x', { qos: '1' }), RangeError, /qos must be 0, 1 or 2, not "1"$/],
    [() => client.publish('a', 42), TypeError, /payload must be a string or a Uint8Array/],
    [() => client.publish('a', { text: 'x' }), TypeError, /payload/],
    [() => client.publish('a', 'x', { retain: 'yes' }), TypeError, /retain/],
    [() => client.publish('a', 'x', 'qos 1'), TypeError, /options must be an object/],
    [() => client.subscribe(''), MqttError, /must not be empty/],
    [() => client.subscribe('a/#/b'), MqttError, /#/],
    [() => client.subscribe('a+'), MqttError, /\+/],
    [() => client.subscribe(['ok', '']), MqttError, /must not be empty/],
    [() => client.subscribe('a', { qos: 3 }), RangeError, /qos/],
    [() => client.subscribe({ a: { qos: 5 } }), RangeError, /qos/],
    [() => client.subscribe('$share//a'), MqttError, /share name/],
    [() => client.subscribe(7), TypeError, /topics must be/],
    [() => client.unsubscribe(['a', 5]), TypeError, /must be a string/],
    [() => client.unsubscribe(''), MqttError, /empty/],
    [() => client.end(false, { reasonCode: 300 }), RangeError, /reasonCode/],
    [() => client.end(false, { reasonCode: 0x8b }), MqttError, /^end: DISCONNECT: reason code is one only a server sends \(section 3\.14\.2\.1\)/],
    [() => client.end(false, { reasonCode: 0x05 }), MqttError, /^end: DISCONNECT: reason code is not one defined for this packet/],
    [() => client.end(false, { properties: { topicAlias: 3 } }), MqttError, /Topic Alias \(0x23\): is not allowed in this packet/],
    [() => client.end(false, { properties: { bogus: 1 } }), MqttError, /unknown property "bogus"/],
    [() => client.end(false, { properties: { reasonString: 5 } }), MqttError, /reasonString must be a string/],
    [() => client.end({ properties: { sessionExpiryInterval: 10 } }), MqttError, /MQTT-3\.14\.2-2/],
  ];
  for (const [call, type, message] of bad) {
    const result = call();
    assert.ok(result instanceof Promise, `${call} returns a Promise`);
    await assert.rejects(result, (err) => err instanceof type && message.test(err.message), String(call));
  }
  const mqttErr = await client.publish('a/#', 'x').catch((e) => e);
  assert.equal(mqttErr.reasonCode, 0x90);
  assert.equal((await client.subscribe('').catch((e) => e)).reasonCode, 0x8f);
  // The callback form gets the error too.
  const viaCallback = await new Promise((resolve) => client.publish('a/#', 'x', (err) => resolve(err)));
  assert.ok(viaCallback instanceof MqttError);
  assert.throws(() => client.ack({ qos: 1, messageId: 1 }, 0x05), RangeError);
  await sleep(20);
  assert.deepEqual(r.sent, [], 'nothing was sent for any of them');
  assert.equal(client.connected, true, 'and the client is still connected');
  await client.end();
  // With a Session Expiry Interval in CONNECT, DISCONNECT may change it [MQTT-3.14.2-2].
  const kept = h.track(await connectAsync(h.broker.connectLocal(),
    { protocolVersion: 5, clientId: uniqueId('args'), properties: { sessionExpiryInterval: 60 } }));
  const keptSent = record(kept).sent;
  await kept.endAsync(false, { reasonCode: 0x04, properties: { sessionExpiryInterval: 30 } });
  const disconnect = keptSent.find((p) => p.cmd === 'disconnect');
  assert.equal(disconnect?.reasonCode, 0x04);
  assert.equal(disconnect?.properties?.sessionExpiryInterval, 30);

  // Bad options throw at once, before anything connects.
  const local = () => h.broker.connectLocal();
  const options = [
    [{ protocolVersion: 6 }, RangeError, /protocolVersion/],
    [{ keepalive: -1 }, RangeError, /keepalive/],
    [{ keepalive: 70000 }, RangeError, /keepalive/],
    [{ reconnectPeriod: 1.5 }, RangeError, /reconnectPeriod/],
    [{ reconnectPeriod: 5000, maxReconnectPeriod: 1000 }, RangeError, /maxReconnectPeriod/],
    [{ clean: 'no' }, TypeError, /clean/],
    [{ clientId: 5 }, TypeError, /clientId/],
    [{ will: { topic: 'a/#' } }, MqttError, /wildcard/],
    [{ will: { topic: 'w', qos: 3 } }, RangeError, /will.qos/],
    [{ properties: { sessionExpiryInterval: 10 } }, TypeError, /protocolVersion 5/],
    [{ store: {} }, TypeError, /store/],
    [{ reconectPeriod: 10 }, TypeError, /unknown option "reconectPeriod"/],
    [{ outgoingStore: {} }, TypeError, /MQTT\.js's/],
    [{ timerVariant: 'fast' }, TypeError, /timerVariant/],
  ];
  for (const [o, type, message] of options) {
    assert.throws(() => connect(local, o), (err) => err instanceof type && message.test(err.message), JSON.stringify(o));
    await assert.rejects(connectAsync(local, o), type);
  }
  assert.throws(() => connect('http://example.com'), /unsupported protocol/);
  assert.throws(() => connect('not a url'), /not a broker URL/);
  assert.equal(h.broker.stats().clientsConnected, 0, 'no client connected for any of them');
});

// Every option MQTT.js 5 declares (IClientOptions and ISecureClientOptions in its
// build/lib/client.d.ts) is taken or refused with what to use instead: none of them is
// an "unknown option" to a user switching over.
test('every MQTT.js client option is known: accepted, or refused with a hint', async () => {
  const declared = readFileSync(new URL('../../node_modules/mqtt/build/lib/client.d.ts', import.meta.url), 'utf8');
  const names = ['ISecureClientOptions', 'IClientOptions'].flatMap((iface) => declaredFields(declared, iface, 4));
  assert.ok(names.length > 40, `MQTT.js declares ${names.length} options`);
  for (const name of names) {
    const err = await refusalOfName(connect, name);
    if (err === null) continue;
    assert.doesNotMatch(err.message, /unknown option/, name);
    if (/MQTT\.js's, not mqtt-wasm's/.test(err.message)) assert.match(err.message, /: \S/, `${name}: the hint says what to use`);
  }
});

test('subscribe resolves with the granted QoS per filter; a refused filter rejects, as in MQTT.js, with its reason code (128 in 3.1.1) and every grant', async (t) => {
  const h = await setup(t, {
    authorizeSubscribe: (_client, s) => (s.topic.startsWith('secret/') ? false : s.topic.startsWith('capped/') ? 1 : true),
  });
  const v5 = h.track(await connectAsync(h.broker.connectLocal(), { protocolVersion: 5, clientId: uniqueId('sub5') }));
  const granted = await v5.subscribe({ 'open/#': { qos: 2 }, 'capped/#': 2 });
  assert.deepEqual(granted.map((g) => [g.topic, g.qos]), [['open/#', 2], ['capped/#', 1]]);
  const err5 = await v5.subscribe({ 'open/x': { qos: 2 }, 'capped/x': 2, 'secret/#': { qos: 1 } }).then(
    () => assert.fail('a refused filter must reject'), (e) => e);
  assert.ok(err5 instanceof MqttError, String(err5));
  assert.equal(err5.reasonCode, 0x87);
  assert.equal(err5.code, 0x87);
  assert.match(err5.message, /secret\/#/);
  assert.deepEqual(err5.granted.map((g) => [g.topic, g.qos]), [['open/x', 2], ['capped/x', 1], ['secret/#', 0x87]]);
  assert.equal(err5.packet.cmd, 'suback');
  assert.deepEqual(err5.packet.granted, [2, 1, 0x87]);
  const v4 = h.track(await connectAsync(h.broker.connectLocal(), { protocolVersion: 4, clientId: uniqueId('sub4') }));
  const err4 = await v4.subscribe(['open/a', 'secret/a'], { qos: 1 }).then(() => assert.fail('a refused filter must reject'), (e) => e);
  assert.equal(err4.reasonCode, 128);
  assert.deepEqual(err4.granted, [{ topic: 'open/a', qos: 1 }, { topic: 'secret/a', qos: 128 }]);
  // With a callback: the error, as MQTT.js gives it.
  const viaCallback = await new Promise((resolve) => v4.subscribe('secret/b', (e, g) => resolve([e, g])));
  assert.equal(viaCallback[0]?.reasonCode, 128);
  // The filters granted alongside a refusal are subscribed all the same.
  const got = new Promise((resolve) => v4.once('message', (topic) => resolve(topic)));
  await v5.publish('open/a', 'x', { qos: 1 });
  assert.equal(await got, 'open/a');
  // Unsubscribe resolves with the UNSUBACK.
  assert.equal((await v5.unsubscribe(['open/#', 'capped/#'])).cmd, 'unsuback');
  assert.equal((await v4.unsubscribeAsync('open/a')).cmd, 'unsuback');
  assert.deepEqual(await v4.subscribe([]), []);
  await v5.end();
  await v4.end();
});

test('a refused CONNACK rejects connectAsync with its reason code and stops reconnecting', async (t) => {
  const h = await setup(t, { authenticate: (c) => c.username === 'alice' });
  for (const version of [4, 5]) {
    const err = await connectAsync(h.target('tcp'), { protocolVersion: version, username: 'mallory', reconnectPeriod: 10 }).catch((e) => e);
    assert.ok(err instanceof MqttError, String(err));
    assert.equal(err.reasonCode, 0x86);
    assert.match(err.message, /refused/);
    if (version === 4) assert.equal(err.returnCode, 4);
  }
  const attempts = h.gate.attempts;
  await sleep(60);
  assert.equal(h.gate.attempts, attempts, 'no more attempts after a refusal');
  const ok = h.track(await connectAsync(h.url, { username: 'alice' }));
  assert.equal(ok.connected, true);
  // The user name can be in the URL, as MQTT.js allows.
  const inUrl = h.track(await connectAsync(h.url.replace('mqtt://', 'mqtt://alice:pw@')));
  assert.equal(inUrl.options.username, 'alice');
  await ok.end();
  await inUrl.end();
});

test('reconnect delays grow with the backoff, within the jitter bounds', async (t) => {
  const h = await setup(t);
  h.gate.open = false;
  const options = { reconnectPeriod: 10, maxReconnectPeriod: 80 };
  const client = h.track(connect(h.target('local'), { ...options, clientId: uniqueId('backoff') }));
  const delays = [];
  let errors = 0;
  client.on('error', () => { errors++; });
  client.on('close', () => queueMicrotask(() => delays.push(client.reconnectDelay)));
  await until(() => delays.length >= 10, 'ten failed attempts');
  assert.equal(client.reconnecting, true);
  assert.ok(errors >= 10, 'every failed attempt is an error event');
  delays.forEach((d, n) => {
    assert.ok(d >= 0 && d <= backoffCap(n, options), `delay ${n} (${d} ms) is within [0, ${backoffCap(n, options)}]`);
  });
  // The caps grow to 80 ms: with full jitter, one of the later delays passes the first
  // cap (10 ms) unless the backoff does not grow (chance ~(1/8)^7 otherwise).
  assert.ok(delays.slice(3).some((d) => d > 10), `delays grow: ${delays.join(', ')}`);
  h.gate.open = true;
  await until(() => client.connected, 'connected once the gate opens', 2000);
  await client.end();
});

test('backoffDelay: exponential, capped by maxReconnectPeriod, full jitter', () => {
  const o = { reconnectPeriod: 1000, maxReconnectPeriod: 30000 };
  const top = () => 1 - Number.EPSILON;
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 40].map((n) => backoffCap(n, o)), [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, o, top)), [999, 1999, 3999, 7999, 15999, 29999]);
  assert.equal(backoffDelay(3, o, () => 0), 0);
  assert.equal(backoffDelay(2, o, () => 0.5), 2000);
  for (let n = 0; n < 50; n++) {
    const d = backoffDelay(n, o);
    assert.ok(Number.isInteger(d) && d >= 0 && d < backoffCap(n, o));
  }
  // A reconnectPeriod above the cap is the cap.
  assert.equal(backoffCap(0, { reconnectPeriod: 5000, maxReconnectPeriod: 1000 }), 5000);
});

test('the offline queue is bounded by maxQueued: past it a request rejects with 0x97; a burst while connected waits whole', async (t) => {
  const h = await setup(t, { receiveMaximum: 5 });
  const subscriber = h.track(await connectAsync(h.broker.connectLocal(), { clientId: uniqueId('qsub') }));
  const got = [];
  subscriber.on('message', (topic, payload) => got.push(payload.toString()));
  await subscriber.subscribe('queue/#', { qos: 1 });
  const client = h.track(connect(() => h.broker.connectLocal(), { clientId: uniqueId('queue'), maxQueued: 2, manualConnect: true }));
  const first = client.publish('queue/a', 'one', { qos: 1 });
  const second = client.publish('queue/b', 'two');
  const err = await client.publish('queue/c', 'three', { qos: 1 }).catch((e) => e);
  assert.ok(err instanceof MqttError, String(err));
  assert.equal(err.reasonCode, 0x97);
  assert.match(err.message, /2 requests are waiting already \(maxQueued\)/, 'names the option users set');
  client.connect();
  assert.equal((await first).cmd, 'puback');
  await second;
  await until(() => got.length === 2, 'the two queued messages');
  assert.deepEqual(got.sort(), ['one', 'two']);
  // Connected, a burst far beyond the server's Receive Maximum (5) and maxQueued (2)
  // is sent whole, in order, as MQTT.js sends it: nothing is refused.
  const burst = Array.from({ length: 300 }, (_, i) => client.publish('queue/burst', String(i), { qos: 1 }));
  const outcomes = await Promise.allSettled(burst);
  assert.deepEqual(outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason.message), []);
  await until(() => got.length === 302, 'the burst');
  assert.deepEqual(got.slice(2), burst.map((_, i) => String(i)));
  await client.end();
  await subscriber.end();
});

test('MemoryStore: a second client with the same store and session resends what the first left unacknowledged', async (t) => {
  let holdFirst = true;
  const h = await setup(t, {
    // The first PUBLISH of the stored client never gets its PUBACK: its hook never answers.
    authorizePublish: (c, m) => {
      if (m.topic === 'store/t' && holdFirst) {
        holdFirst = false;
        return new Promise(() => {});
      }
      return true;
    },
  });
  const subscriber = h.track(await connectAsync(h.broker.connectLocal(), { clientId: uniqueId('ssub') }));
  const got = [];
  subscriber.on('message', (topic, payload) => got.push(payload.toString()));
  await subscriber.subscribe('store/t', { qos: 1 });

  const store = new MemoryStore();
  const clientId = uniqueId('stored');
  const first = h.track(await connectAsync(h.broker.connectLocal(), { clientId, clean: false, store }));
  const published = first.publish('store/t', 'kept', { qos: 1 });
  await until(() => store.size === 1, 'the publish in the store');
  const [kept] = store.list();
  assert.equal(kept.cmd, 'publish');
  assert.equal(kept.topic, 'store/t');
  assert.deepEqual([...kept.payload], [...new TextEncoder().encode('kept')]);
  assert.equal(kept.qos, 1);
  assert.ok(kept.messageId > 0);
  await first.end(true);
  const err = await published.catch((e) => e);
  assert.ok(err instanceof MqttError);
  assert.equal(err.reasonCode, 0x8b);
  assert.equal(store.size, 1, 'end() with clean: false keeps the message for the session');
  assert.deepEqual(got, []);

  const second = h.track(connect(h.broker.connectLocal(), { clientId, clean: false, store }));
  const r = record(second);
  await until(() => got.length === 1, 'the message resent by the second client');
  assert.deepEqual(got, ['kept']);
  const resent = r.sent.find((p) => p.cmd === 'publish');
  assert.equal(resent.dup, true, 'resent with DUP on the resumed session');
  assert.equal(resent.messageId, kept.messageId);
  await until(() => store.size === 0, 'the store emptied by the PUBACK');
  await second.end();
  await subscriber.end();
});

test('store: a publish made with a Topic Alias and an empty topic is kept with its topic, without the alias, and resent', async (t) => {
  let holdNext = true;
  const h = await setup(t, {
    authorizePublish: (c, m) => {
      if (m.topic === 'alias/t' && m.payload.length === 8 && holdNext) {  // 'precious': never acknowledged
        holdNext = false;
        return new Promise(() => {});
      }
      return true;
    },
  });
  const subscriber = h.track(await connectAsync(h.broker.connectLocal(), { clientId: uniqueId('asub') }));
  const got = [];
  subscriber.on('message', (topic, payload) => got.push(`${topic} ${payload}`));
  await subscriber.subscribe('alias/t', { qos: 1 });

  const store = new MemoryStore();
  const clientId = uniqueId('aliased');
  const first = h.track(await connectAsync(h.broker.connectLocal(), { clientId, clean: false, store, protocolVersion: 5 }));
  await first.publish('alias/t', 'set', { qos: 1, properties: { topicAlias: 3 } });
  const published = first.publish('', 'precious', { qos: 1, properties: { topicAlias: 3 } });
  await until(() => store.size === 1, 'the publish in the store');
  const [kept] = store.list();
  assert.equal(kept.topic, 'alias/t', 'the topic the alias stood for');
  assert.equal(kept.properties?.topicAlias, undefined, 'no alias: it ends with the connection [MQTT-3.3.2-7]');
  await first.end(true);
  await published.catch(() => {});

  const second = h.track(connect(h.broker.connectLocal(), { clientId, clean: false, store, protocolVersion: 5 }));
  const errors = [];
  second.on('error', (err) => errors.push(err));
  await until(() => got.length === 2, 'the kept message resent by the second client');
  assert.deepEqual(got, ['alias/t set', 'alias/t precious']);
  await until(() => store.size === 0, 'the store emptied by the PUBACK');
  assert.deepEqual(errors, []);
  await second.end();
  await subscriber.end();
});

test('store: each message list() gives that cannot be resent is an error event, and stays in the store; the rest are resent', async (t) => {
  const h = await setup(t);
  const subscriber = h.track(await connectAsync(h.broker.connectLocal(), { clientId: uniqueId('gsub') }));
  const got = [];
  subscriber.on('message', (topic) => got.push(topic));
  await subscriber.subscribe('g/#', { qos: 1 });
  const payload = new Uint8Array([1]);
  const deleted = [];
  const store = {
    list: () => [
      { cmd: 'publish', topic: 'g/1', payload, qos: 1, messageId: 5 },
      { cmd: 'publish', topic: 'g/twice', payload, qos: 1, messageId: 5 },
      { cmd: 'publish', topic: 'g/+', payload, qos: 1, messageId: 6 },
      { cmd: 'publish', topic: 'g/qos0', payload, qos: 0, messageId: 7 },
      null,
      { cmd: 'publish', topic: 'g/2', payload, qos: 2, messageId: 8 },
    ],
    put() {},
    del: (id) => deleted.push(id),
  };
  const client = h.track(connect(h.broker.connectLocal(), { clientId: uniqueId('garbage'), clean: false, store }));
  const errors = [];
  client.on('error', (err) => errors.push(err.message));
  await until(() => got.length === 2, 'the two good messages resent');
  assert.deepEqual(got.sort(), ['g/1', 'g/2']);
  assert.equal(errors.length, 4, errors.join('\n'));
  assert.match(errors[0], /messageId 5\).*packet identifier 5 is in use/);
  assert.match(errors[1], /messageId 6\).*wildcard/);
  assert.match(errors[2], /messageId 7\).*QoS 1 or 2/);
  assert.match(errors[3], /messageId undefined\)/);
  await until(() => deleted.includes(8), 'g/2 done');
  assert.ok(!deleted.includes(6) && !deleted.includes(7), `left in the store: deleted ${deleted}`);

  const nothing = h.track(connect(h.broker.connectLocal(), { clientId: uniqueId('nulls'), store: { list: () => null, put() {}, del() {} } }));
  const refused = await new Promise((resolve) => nothing.once('error', resolve));
  assert.match(refused.message, /store.list\(\) must give an array of packets, not null/);
  await new Promise((resolve) => (nothing.connected ? resolve() : nothing.once('connect', resolve)));
});

test('manualAck: the PUBACK waits for client.ack(packet)', async (t) => {
  const h = await setup(t);
  const receiver = h.track(await connectAsync(h.broker.connectLocal(), { protocolVersion: 5, clientId: uniqueId('manual'), manualAck: true }));
  const r = record(receiver);
  await receiver.subscribe('manual/t', { qos: 1 });
  const sender = h.track(await connectAsync(h.broker.connectLocal(), { clientId: uniqueId('sender') }));
  await sender.publish('manual/t', 'ack me', { qos: 1 });
  await until(() => r.messages.length === 1, 'the message');
  await sleep(20);
  assert.equal(r.sent.filter((p) => p.cmd === 'puback').length, 0, 'no PUBACK before ack()');
  const { packet } = r.messages[0];
  receiver.ack(packet);
  await until(() => r.sent.some((p) => p.cmd === 'puback'), 'the PUBACK');
  const puback = r.sent.find((p) => p.cmd === 'puback');
  assert.equal(puback.messageId, packet.messageId);
  await receiver.end();
  await sender.end();
});

test('end() waits for in-flight QoS 1 before DISCONNECT; end(true) closes at once and fails what is pending', async (t) => {
  let hold = false;
  const h = await setup(t, { authorizePublish: () => (hold ? new Promise(() => {}) : true) });
  const plain = await setup(t);  // no hook: the broker answers a chunk of PUBLISHes with one chunk of PUBACKs
  const client = plain.track(await connectAsync(plain.broker.connectLocal(), { protocolVersion: 5, clientId: uniqueId('end') }));
  const r = record(client);
  // Twenty in flight: their PUBACKs come back in one chunk, one core batch, and each
  // resolves its publish (a regression: end() used to finish at the first of them).
  const inflight = Array.from({ length: 20 }, (_, i) => client.publish('end/a', String(i), { qos: 1 }));
  const ended = client.end();
  assert.equal(client.disconnecting, true);
  await assert.rejects(client.publish('end/b', 'late'), (err) => err.reasonCode === 0x8b && /disconnecting/.test(err.message));
  for (const ack of await Promise.all(inflight)) assert.equal(ack.cmd, 'puback', 'the in-flight publishes completed');
  await ended;
  assert.deepEqual(r.sent.map((p) => p.cmd), [...Array(20).fill('publish'), 'disconnect']);
  assert.deepEqual(r.events, ['close', 'end']);

  hold = true;
  const forced = h.track(await connectAsync(h.broker.connectLocal(), { protocolVersion: 5, clientId: uniqueId('force') }));
  const fr = record(forced);
  const stuck = forced.publish('end/c', 'x', { qos: 1 });
  await sleep(10);
  await forced.end(true);
  await assert.rejects(stuck, (err) => err.reasonCode === 0x8b);
  assert.deepEqual(fr.sent.map((p) => p.cmd), ['publish'], 'no DISCONNECT with force');
  assert.deepEqual(fr.events, ['close', 'end']);
  assert.equal(forced.disconnected, true);
  // end() again resolves, and the callback form works.
  await new Promise((resolve) => forced.end(resolve));
});

test('connectTimeout: a server that never answers the CONNECT rejects connectAsync', async (t) => {
  const sockets = [];
  const server = net.createServer((s) => {
    sockets.push(s);
    s.resume();  // read (and drop) the CONNECT, so that its end is seen
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const { port } = server.address();
  const err = await connectAsync(`mqtt://127.0.0.1:${port}`, { connectTimeout: 200, reconnectPeriod: 0 }).catch((e) => e);
  assert.ok(err instanceof MqttError, String(err));
  assert.match(err.message, /connack timeout/);
  assert.equal(sockets.length, 1);
  await until(() => sockets[0].destroyed || sockets[0].readableEnded, 'the socket closed by the client');

  // A port nobody listens on: the transport's error, with the socket's code.
  const [freePort] = await freePorts(1);
  const refused = await connectAsync(`mqtt://127.0.0.1:${freePort}`, { reconnectPeriod: 0 }).catch((e) => e);
  assert.ok(refused instanceof MqttError);
  assert.equal(refused.code, 'ECONNREFUSED');
});

test('a transport that cannot be reopened ends the client with a clear error; a LocalTransport reopens itself', async (t) => {
  const h = await setup(t);
  // A transport of our own, without reopen().
  const inner = h.broker.connectLocal();
  const plain = {
    onbytes: null,
    onclose: null,
    get open() { return inner.open; },
    send: (bytes) => inner.send(bytes),
    close: () => inner.close(),
  };
  inner.onbytes = (bytes) => plain.onbytes?.(bytes);
  inner.onclose = () => plain.onclose?.();
  const clientId = uniqueId('plain');
  const client = h.track(await connectAsync(plain, { clientId, reconnectPeriod: 10 }));
  const r = record(client);
  await takeOver(h, clientId, 4);
  await until(() => r.events.includes('end'), 'end');
  assert.match(r.errors[0].message, /cannot be reopened/);
  assert.deepEqual(r.events, ['close', 'error', 'end']);

  const localId = uniqueId('local');
  const local = h.track(await connectAsync(h.broker.connectLocal(), { clientId: localId, reconnectPeriod: 10 }));
  const lr = record(local);
  await takeOver(h, localId, 4);
  await until(() => lr.events.includes('connect'), 'reconnected through reopen()');
  await local.end();
});

test('a target function\'s URL with a user name or password is an error event, not a CONNECT without them', async (t) => {
  const seen = [];
  const h = await setup(t, { authenticate: (c) => { seen.push(c.username); return true; } });
  const withCredentials = h.url.replace('mqtt://', 'mqtt://alice:secret@');
  const client = h.track(connect(() => withCredentials, { reconnectPeriod: 0 }));
  const r = record(client);
  await until(() => r.errors.length > 0, 'the error event');
  assert.ok(r.errors[0].cause instanceof TypeError, 'the attempt failed with a TypeError');
  assert.match(r.errors[0].message, /URL from the target function has a user name or password, which would not be sent: give username and password in connect\(\)'s options/);
  assert.deepEqual(seen, [], 'no CONNECT went out');
  // Given in the options, they are sent on every attempt.
  const good = h.track(await connectAsync(() => h.url, { username: 'alice', password: 'secret', reconnectPeriod: 0 }));
  assert.deepEqual(seen, ['alice']);
  await good.endAsync();
});

// The client keeps its keepalive timer armed while publishes move the deadline later,
// and arms it again when it fires early: the PINGREQ must still come once idle.
test('keepalive: while publishing no PINGREQ goes out; once idle after that, it does', async (t) => {
  const h = await setup(t);
  const client = h.track(await connectAsync(h.broker.connectLocal(), { clientId: uniqueId('busy'), keepalive: 1 }));
  const r = record(client);
  for (let i = 0; i < 15; i++) {
    await client.publish('busy/t', String(i));
    await sleep(100);
  }
  assert.equal(r.sent.filter((p) => p.cmd === 'pingreq').length, 0, 'no PINGREQ while a publish went out every 100 ms');
  await until(() => r.received.some((p) => p.cmd === 'pingresp'), 'a PINGRESP once idle', 4000);
  assert.ok(r.sent.some((p) => p.cmd === 'pingreq'));
  await client.end();
});

test('keepalive: PINGREQ goes out when idle and the PINGRESP comes back', async (t) => {
  const h = await setup(t);
  const client = h.track(await connectAsync(h.broker.connectLocal(), { clientId: uniqueId('ping'), keepalive: 1 }));
  const r = record(client);
  await until(() => r.received.some((p) => p.cmd === 'pingresp'), 'a PINGRESP', 4000);
  assert.ok(r.sent.some((p) => p.cmd === 'pingreq'));
  assert.equal(client.connected, true);
  await client.end();
});

test('packetreceive: a listener added in the middle of a stream is in step from the next packet', () => {
  const packets = [
    { cmd: 'connack', sessionPresent: false, returnCode: 0 },
    { cmd: 'publish', topic: 'a/b', payload: new Uint8Array(300).fill(7), qos: 1, messageId: 1 },
    { cmd: 'pingresp' },
    { cmd: 'publish', topic: 'c', payload: 'x', qos: 0 },
    { cmd: 'suback', messageId: 2, granted: [0, 1] },
  ].map((p) => encode(p));
  const stream = concat(...packets);
  const starts = [];
  packets.reduce((at, p) => { starts.push(at); return at + p.length; }, 0);
  for (const size of [1, 2, 3, 7, 64, 1000]) {
    for (let listenFrom = 0; listenFrom * size < stream.length; listenFrom++) {
      const tap = new PacketTap(4);
      const seen = [];
      for (let at = 0, i = 0; at < stream.length; at += size, i++) {
        const got = tap.received(stream.subarray(at, at + size), i >= listenFrom);
        if (got) seen.push(...got.map((p) => p.cmd));
      }
      const from = starts.findIndex((s) => s >= listenFrom * size);
      const expected = from < 0 ? [] : ['connack', 'publish', 'pingresp', 'publish', 'suback'].slice(from);
      assert.deepEqual(seen, expected, `chunks of ${size}, listening from chunk ${listenFrom}`);
    }
  }
});

test('timers: a Worker keeps them, and they go on with setTimeout when the Worker fails', async () => {
  // In Node, 'auto' means setTimeout.
  assert.equal(clientTimers('auto'), clientTimers('native'));
  const workers = [];
  // A fake Worker that runs the real worker program's protocol with setTimeout.
  class FakeWorker {
    timers = new Map();
    onmessage = null;
    onerror = null;
    constructor(source) {
      assert.match(source, /postMessage\(id\)/);
      workers.push(this);
    }
    postMessage([id, ms]) {
      clearTimeout(this.timers.get(id));
      if (ms >= 0) this.timers.set(id, setTimeout(() => this.onmessage?.({ data: id }), ms));
    }
    terminate() {
      for (const h of this.timers.values()) clearTimeout(h);
    }
  }
  const timers = new WorkerTimers((source) => new FakeWorker(source));
  const fired = [];
  timers.set(() => fired.push('a'), 10);
  const b = timers.set(() => fired.push('b'), 5);
  timers.clear(b);
  timers.set(() => fired.push('c'), 20);
  await until(() => fired.length === 2, 'a and c');
  assert.deepEqual(fired, ['a', 'c']);
  assert.equal(workers.length, 1, 'one Worker for all timers');
  // The Worker fails (a CSP refusal): pending timers still fire, with setTimeout.
  timers.set(() => fired.push('d'), 30);
  workers[0].onerror();
  timers.set(() => fired.push('e'), 5);
  await until(() => fired.length === 4, 'd and e after the failure');
  assert.deepEqual(fired.slice(2).sort(), ['d', 'e']);
});

test('connect(options) with host and port, as MQTT.js allows; client.options has the defaults', async (t) => {
  const h = await setup(t);
  const port = Number(new URL(h.url).port);
  const client = h.track(await connectAsync({ host: '127.0.0.1', port, protocol: 'mqtt', clientId: uniqueId('opts') }));
  assert.equal(client.connected, true);
  assert.match(connect({ host: '127.0.0.1', port, manualConnect: true }).options.clientId, /^mqttw_[0-9a-f]{8}$/);
  const o = client.options;
  assert.deepEqual([o.protocolVersion, o.clean, o.keepalive, o.reconnectPeriod, o.maxReconnectPeriod, o.connectTimeout,
    o.resubscribe, o.queueQoSZero, o.manualAck, o.autoTopicAlias], [4, true, 60, 1000, 30000, 30000, true, true, false, true]);
  await client.end();
});

test('the event emitter: on, once, prependListener, off, and error with no listener throws', () => {
  const e = new Emitter();
  const seen = [];
  const f = (x) => seen.push(`f${x}`);
  e.on('a', f);
  e.once('a', f);
  e.prependListener('a', (x) => seen.push(`p${x}`));
  assert.equal(e.emit('a', 1), true);
  e.emit('a', 2);
  e.off('a', f);
  e.emit('a', 3);
  assert.deepEqual(seen, ['p1', 'f1', 'f1', 'p2', 'f2', 'p3']);
  assert.equal(e.listenerCount('a'), 1);
  assert.equal(e.emit('none'), false);
  assert.throws(() => e.emit('error', new Error('boom')), /boom/);
  assert.throws(() => e.on('a', 'not a function'), TypeError);
});

// A TCP server that plays the broker from a script: answer(packet) returns the packets
// to send back for each packet the client sends.
async function scriptedServer(t, answer) {
  const seen = [];
  const server = net.createServer((socket) => {
    const decoder = createDecoder({ protocolVersion: 4 });
    socket.on('data', (chunk) => {
      for (const p of decoder.push(chunk)) {
        seen.push(p);
        for (const reply of answer(p)) socket.write(encode(reply));
      }
    });
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  return { url: `mqtt://127.0.0.1:${server.address().port}`, seen };
}

test('store, QoS 2: after PUBREC the store holds the PUBREL only, and the next client sends it and completes', async (t) => {
  let resumed = false;
  const { url, seen } = await scriptedServer(t, (p) => {
    if (p.cmd === 'connect') return [{ cmd: 'connack', sessionPresent: resumed, returnCode: 0 }];
    if (p.cmd === 'publish') return [{ cmd: 'pubrec', messageId: p.messageId }];  // and never a PUBCOMP
    if (p.cmd === 'pubrel' && resumed) return [{ cmd: 'pubcomp', messageId: p.messageId }];
    return [];
  });
  const store = new MemoryStore();
  const first = await connectAsync(url, { clientId: 'qos2', clean: false, store, reconnectPeriod: 0 });
  first.on('error', () => {});
  const published = first.publish('s/2', 'twice?', { qos: 2 });
  await until(() => store.list()[0]?.cmd === 'pubrel', 'the PUBREL in place of the PUBLISH');
  const { messageId } = store.list()[0];
  assert.deepEqual(store.list(), [{ cmd: 'pubrel', messageId }]);
  await first.end(true);
  await published.catch(() => {});
  assert.equal(store.size, 1);

  resumed = true;
  const before = seen.length;
  const second = await connectAsync(url, { clientId: 'qos2', clean: false, store, reconnectPeriod: 0 });
  await until(() => store.size === 0, 'the PUBCOMP for the restored PUBREL');
  const after = seen.slice(before).map((p) => [p.cmd, p.messageId]);
  assert.deepEqual(after, [['connect', undefined], ['pubrel', messageId]], 'only the PUBREL is sent again, not the message');
  await second.end(true);
});

test('the default import is the whole API, as MQTT.js\'s is: mqtt.connectAsync, mqtt.createBroker, ...', async () => {
  assert.deepEqual(Object.keys(mqttWasm).filter((k) => k !== 'default').sort(),
    ['MAX_PACKET_SIZE', 'MemoryStore', 'MqttClient', 'MqttError', 'REASON_CODES', 'connect', 'connectAsync',
      'createBroker', 'createDecoder', 'encode', 'reasonCodeName', 'topicMatchesFilter']);
  const broker = await mqttWasm.createBroker({ sysInterval: 0 });
  const client = await mqttWasm.connectAsync(broker.connectLocal());
  assert.ok(client instanceof mqttWasm.MqttClient);
  await client.endAsync();
  await broker.close();
});
