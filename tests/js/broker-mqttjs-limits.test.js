// The Node-hosted broker against MQTT.js over TCP and WebSocket, 3.1.1 and 5.0 (see
// broker-mqttjs.test.js and broker-mqttjs-harness.js): the authenticate and authorize
// hooks, $SYS, broker.close(), Maximum Packet Size, Receive Maximum, and the other limits.
import assert from 'node:assert/strict';
import { until, sleep } from './broker-peers.js';
import { scenario, runScenarios, connected, payloads, receivedOf, messagesUntil, fence, uniqueId } from './broker-mqttjs-harness.js';

scenario('authenticate hook: refused CONNECT gives MQTT.js an error with the code', {
  options: {
    authenticate: (c) => {
      if (c.username === 'eve') return 0x87;
      return c.username === 'alice' && c.password !== undefined && new TextDecoder().decode(c.password) === 'secret';
    },
  },
}, async (h) => {
  const refusal = async (opts) => {
    const client = h.client(opts);
    const err = await connected(client).then(() => null, (e) => e);
    assert.ok(err, 'the connection was refused');
    return { err, connack: receivedOf(client, 'connack')[0] };
  };
  const bad = await refusal({ username: 'alice', password: 'guess' });
  const eve = await refusal({ username: 'eve', password: 'secret' });
  const anonymous = await refusal({});
  if (h.v5) {
    assert.equal(bad.err.code, 0x86);
    assert.equal(bad.connack.reasonCode, 0x86);
    assert.match(bad.err.message, /Bad User Name or Password/);
    assert.equal(eve.err.code, 0x87);
    assert.equal(eve.connack.reasonCode, 0x87);
    assert.equal(anonymous.err.code, 0x86);
  } else {
    assert.equal(bad.err.code, 4);
    assert.equal(bad.connack.returnCode, 4);
    assert.equal(eve.err.code, 5);
    assert.equal(eve.connack.returnCode, 5);
    assert.equal(anonymous.err.code, 4);
  }
  assert.equal(bad.connack.sessionPresent, false, 'Session Present 0 with a refusal: [MQTT-3.2.2-4] in 3.1.1, [MQTT-3.2.2-6] in 5.0');
  const ok = await h.connect({ username: 'alice', password: 'secret' });
  assert.equal(ok.connack[h.v5 ? 'reasonCode' : 'returnCode'], 0);
});

scenario('authorize hooks: a denied publish is not delivered, a denied subscribe gets 0x80 / 0x87', {
  options: {
    authorizePublish: (client, m) => !m.topic.startsWith('secret/'),
    authorizeSubscribe: (client, s) => {
      if (s.topic.startsWith('forbidden/')) return false;
      if (s.topic === 'capped') return 1;  // grant QoS 1 only
      return true;
    },
  },
}, async (h) => {
  const c = await h.connect();
  const subacks = () => receivedOf(c, 'suback').map((p) => p.granted);
  await c.subscribeAsync(['open/#', 'secret/#'], { qos: 1 });
  const denied = await c.subscribeAsync('forbidden/x', { qos: 1 }).then(() => null, (e) => e);
  assert.ok(denied, 'subscribeAsync rejects a refused subscription');
  await c.subscribeAsync('capped', { qos: 2 });
  assert.deepEqual(subacks(), [[1, 1], [h.v5 ? 0x87 : 0x80], [1]]);
  assert.deepEqual(denied.packet?.granted, [h.v5 ? 0x87 : 0x80], 'MQTT.js hands the SUBACK over with its error');

  const pub = await h.connect();
  await pub.publishAsync('open/a', 'allowed', { qos: 1 });
  if (h.v5) {
    const err = await pub.publishAsync('secret/a', 'denied', { qos: 1 }).then(() => null, (e) => e);
    assert.equal(err?.code, 0x87, 'PUBACK 0x87 Not Authorized');
  } else {
    // 3.1.1 has no negative PUBACK: the broker acknowledges it and drops it [MQTT-3.3.5-2].
    await pub.publishAsync('secret/a', 'denied', { qos: 1 });
  }
  await pub.publishAsync('secret/b', 'denied too', { qos: 0 });
  assert.equal(pub.rec.closes, 0, 'a refused PUBLISH does not cost the connection');
  await fence(await h.connect(), c);
  assert.deepEqual(c.rec.messages.map((m) => [m.topic, m.payload]), [['open/a', 'allowed']]);
});

scenario('$SYS: statistics are published every sysInterval, not to #, and clients cannot publish there', { options: { sysInterval: 1, versionText: 'mqtt-wasm test' } }, async (h) => {
  const all = await h.connect();
  await all.subscribeAsync(['#', '+/broker/#', '+/+/version'], { qos: 0 });
  const sys = await h.connect();
  await sys.subscribeAsync('$SYS/#', { qos: 0 });
  const pub = await h.connect();
  if (h.v5) {
    const err = await pub.publishAsync('$SYS/broker/version', 'fake', { qos: 1 }).then(() => null, (e) => e);
    assert.equal(err?.code, 0x87, 'PUBACK 0x87 for a publish to $SYS');
  } else {
    await pub.publishAsync('$SYS/broker/version', 'fake', { qos: 1 });  // acknowledged, dropped
  }
  await pub.publishAsync('$SYS/fake', 'fake', { qos: 0 });
  const since = Date.now();
  // The retained statistics arrive on SUBSCRIBE; the periodic ones within a second.
  await until(() => sys.rec.messages.some((m) => m.topic === '$SYS/broker/uptime' && !m.packet.retain),
    'a periodic $SYS/broker/uptime', 2500);
  assert.ok(Date.now() - since <= 2000);
  const topics = new Set(sys.rec.messages.map((m) => m.topic));
  for (const t of ['$SYS/broker/version', '$SYS/broker/uptime', '$SYS/broker/clients/connected', '$SYS/broker/messages/received']) {
    assert.ok(topics.has(t), `${t} published`);
  }
  const versions = sys.rec.messages.filter((m) => m.topic === '$SYS/broker/version').map((m) => m.payload);
  assert.ok(versions.length > 0 && versions.every((p) => p === 'mqtt-wasm test'), `versions: ${versions}`);
  assert.equal(sys.rec.messages.filter((m) => m.payload === 'fake').length, 0, 'nothing a client published');
  assert.ok(!topics.has('$SYS/fake'));
  const connectedCount = sys.rec.messages.filter((m) => m.topic === '$SYS/broker/clients/connected').at(-1).payload;
  assert.equal(connectedCount, '3');
  assert.deepEqual(all.rec.messages.map((m) => m.topic), [], '# and +/... do not match $SYS topics [MQTT-4.7.2-1]');
});

scenario('broker.close(): 5.0 clients get DISCONNECT 0x8B, every connection closes', {}, async (h) => {
  const a = await h.connect();
  const b = await h.connect();
  await h.broker.close();
  await until(() => a.rec.closes > 0 && b.rec.closes > 0, 'both connections to close');
  for (const c of [a, b]) {
    if (h.v5) {
      assert.deepEqual(c.rec.disconnects.map((p) => p.reasonCode), [0x8b], 'Server Shutting Down');
    } else {
      assert.equal(c.rec.disconnects.length, 0);
    }
  }
});

scenario('maximum packet size: advertised, a larger PUBLISH closes with 0x95, none larger sent to a client', { options: { maxPacketSize: 200 } }, async (h) => {
  const small = await h.connect({ properties: h.v5 ? { maximumPacketSize: 120 } : undefined });
  await small.subscribeAsync('size/#', { qos: 0 });
  const pub = await h.connect();
  if (h.v5) assert.equal(pub.connack.properties?.maximumPacketSize, 200);
  // Fits the broker, not the 5.0 subscriber's 120: not sent to it [MQTT-3.1.2-24], and
  // counted as dropped. (The 3.1.1 client has no such limit, and gets it.)
  const dropped = h.broker.stats().messagesDropped;
  await pub.publishAsync('size/mid', 'x'.repeat(150), { qos: 1 });
  await pub.publishAsync('size/ok', 'small', { qos: 1 });
  await messagesUntil(small, h.v5 ? 1 : 2, 'the small message');
  await sleep(30);
  assert.deepEqual(small.rec.messages.map((m) => m.topic), h.v5 ? ['size/ok'] : ['size/mid', 'size/ok']);
  assert.equal(h.broker.stats().messagesDropped - dropped, h.v5 ? 1 : 0);
  assert.equal(small.rec.errors.length, 0, 'MQTT.js saw no packet over its limit');

  pub.publish('size/big', 'x'.repeat(500), { qos: 0 });
  await until(() => pub.rec.closes > 0, 'the broker to close the connection');
  if (h.v5) assert.deepEqual(pub.rec.disconnects.map((p) => p.reasonCode), [0x95], 'Packet Too Large (section 3.2.2.3.6)');
  assert.equal(small.rec.messages.length, h.v5 ? 1 : 2, 'the big one went nowhere');
});

scenario('receive maximum: the broker advertises 2 and enforces it; it honours the client\'s own', { versions: [5], options: { receiveMaximum: 2 } }, async (h) => {
  const sub = await h.connect({
    properties: { receiveMaximum: 1 },
    // Holds each acknowledgement back for 60 ms.
    customHandleAcks: (topic, message, packet, done) => setTimeout(() => done(0), 60),
  });
  assert.equal(sub.connack.properties?.receiveMaximum, 2, 'advertised in CONNACK');
  await sub.subscribeAsync('rm/#', { qos: 1 });
  let outstanding = 0;
  let most = 0;
  sub.on('packetreceive', (p) => {
    if (p.cmd === 'publish' && p.qos > 0) most = Math.max(most, ++outstanding);
  });
  sub.on('packetsend', (p) => { if (p.cmd === 'puback') outstanding -= 1; });
  const pub = await h.connect();
  // Two QoS 2 at once: within the broker's 2.
  await Promise.all([1, 2].map((n) => pub.publishAsync('rm/t', `m${n}`, { qos: 2 })));
  await pub.publishAsync('rm/t', 'm3', { qos: 1 });
  await messagesUntil(sub, 3, 'three messages to the slow subscriber');
  assert.deepEqual(payloads(sub), ['m1', 'm2', 'm3']);
  assert.equal(most, 1, 'never more than the client\'s Receive Maximum unacknowledged [MQTT-3.3.4-9]');

  // MQTT.js does not hold back for the server's Receive Maximum: three QoS 2 in one go
  // are one too many, and the broker closes with 0x93 [MQTT-3.3.4-7].
  // (Those publishes are never settled by MQTT.js once the connection is gone: not awaited.)
  const greedy = await h.connect();
  for (const n of [1, 2, 3]) greedy.publish('rm/g', `g${n}`, { qos: 2 }, () => {});
  await until(() => greedy.rec.closes > 0, 'the broker to close the greedy client');
  assert.deepEqual(greedy.rec.disconnects.map((p) => p.reasonCode), [0x93], 'Receive Maximum exceeded');
});

scenario('limits: maximumQos, retainAvailable, maxSubscriptions, maxKeepalive, and an assigned client id', {
  options: { maximumQos: 1, retainAvailable: false, maxSubscriptions: 2, maxKeepalive: 10 },
}, async (h) => {
  // 3.1.1 has no Server Keep Alive: a longer keepalive is refused (the broker answers
  // return code 2, Identifier Rejected); 5.0 is told the broker's in CONNACK.
  const long = h.client({ keepalive: 60 });
  const refused = await connected(long).then(() => null, (e) => e);
  if (h.v5) {
    assert.equal(refused, null);
    long.connack = receivedOf(long, 'connack')[0];
    assert.equal(long.connack.properties?.serverKeepAlive, 10, 'Server Keep Alive [MQTT-3.2.2-21]');
    assert.equal(long.connack.properties?.maximumQoS, 1);
    assert.equal(long.connack.properties?.retainAvailable, false);
  } else {
    assert.equal(refused?.code, 2);
  }
  const c = await h.connect({ keepalive: 10 });
  await c.subscribeAsync(['lim/a', 'lim/b', 'lim/c'], { qos: 2 }).catch(() => {});
  assert.deepEqual(receivedOf(c, 'suback')[0].granted, [1, 1, h.v5 ? 0x97 : 0x80], 'QoS 1 at most; the third is over the quota');
  // A PUBLISH above the Maximum QoS, or retained without Retain Available: 5.0 gets the
  // reason (sections 3.2.2.3.4 and 3.2.2.3.5); 3.1.1 only sees the connection close.
  c.publish('lim/a', 'qos 2', { qos: 2 }, () => {});
  await until(() => c.rec.closes > 0, 'the QoS 2 publisher to be closed');
  const r = await h.connect({ keepalive: 10 });
  r.publish('lim/a', 'kept?', { qos: 0, retain: true }, () => {});
  await until(() => r.rec.closes > 0, 'the retained publisher to be closed');
  if (h.v5) {
    assert.deepEqual(c.rec.disconnects.map((p) => p.reasonCode), [0x9b]);
    assert.deepEqual(r.rec.disconnects.map((p) => p.reasonCode), [0x9a]);
    // An empty client id in 5.0: the broker assigns one [MQTT-3.2.2-16].
    const anon = await h.connect({ clientId: '', keepalive: 10 });
    assert.match(anon.connack.properties?.assignedClientIdentifier ?? '', /./);
  }
});

scenario('maxConnections: one more client is refused (0x97 in 5.0, 3 in 3.1.1)', { options: { maxConnections: 1 } }, async (h) => {
  await h.connect();
  const err = await connected(h.client()).then(() => null, (e) => e);
  assert.equal(err?.code, h.v5 ? 0x97 : 3);
});

scenario('maxMessageBytes: past the bytes of messages held, a publish is refused with 0x97 (dropped in 3.1.1), and room comes back once they are delivered', {
  options: { maxMessageBytes: 3.5 * 1024 * 1024 },
}, async (h) => {
  const MiB = 'x'.repeat(1024 * 1024);
  const clientId = uniqueId('held');
  const session = h.v5 ? { clientId, clean: false, properties: { sessionExpiryInterval: 60 } } : { clientId, clean: false };
  const away = await h.connect(session);
  await away.subscribeAsync('held/#', { qos: 1 });
  await away.endAsync();  // its session queues what comes
  const pub = await h.connect();
  const dropped = h.broker.stats().messagesDropped;
  for (let i = 1; i <= 3; i++) await pub.publishAsync('held/t', MiB, { qos: 1 });
  const fourth = await pub.publishAsync('held/t', MiB, { qos: 1 }).then(() => null, (err) => err);
  if (h.v5) assert.equal(fourth?.code, 0x97, 'Quota exceeded');
  else assert.equal(fourth, null, '3.1.1 is acknowledged all the same [MQTT-3.3.5-2]');
  assert.equal(h.broker.stats().messagesDropped - dropped, 1);
  const held = h.broker.stats().messageBytes;
  assert.ok(held > 3 * MiB.length && held <= 3.5 * 1024 * 1024, `the three queued messages are held: ${held} bytes`);
  const back = await h.connect(session);
  await messagesUntil(back, 3, 'the three queued messages');
  await sleep(50);
  assert.equal(back.rec.messages.length, 3);
  await sleep(50);  // the PUBACKs reach the broker, which frees the messages
  await pub.publishAsync('held/t', MiB, { qos: 1 });
  await messagesUntil(back, 4, 'a message after room came back');
});

runScenarios();
