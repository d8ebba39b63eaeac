// The Node-hosted broker (createBroker) against MQTT.js (npm `mqtt`, v5) as a real peer,
// over TCP and over WebSocket (subprotocol "mqtt"), with protocolVersion 4 (3.1.1) and 5
// (5.0), each scenario on every transport and version where it means something, each test
// with its own broker and clients (see broker-mqttjs-harness.js). This file: messages
// (retained, QoS 2, large, bursts, mixed versions, 5.0 properties, unsubscribe), sessions
// (offline queues, resume, session and message expiry, maxQueued), wills and will delay,
// shared subscriptions, topic aliases, subscription options and takeover.
// broker-mqttjs-limits.test.js has the hooks, $SYS, shutdown and the limits.
import assert from 'node:assert/strict';
import { until, sleep } from './broker-peers.js';
import {
  scenario, runScenarios, connected, uniqueId, payloads, receivedOf, sentOf, messagesUntil, fence,
} from './broker-mqttjs-harness.js';

scenario('retained: a late subscriber gets the last retained message, flagged; empty payload clears', {}, async (h) => {
  const pub = await h.connect();
  await pub.publishAsync('ret/a', 'first', { qos: 1, retain: true });
  await pub.publishAsync('ret/a', 'second', { qos: 1, retain: true });
  await pub.publishAsync('ret/b', 'b', { qos: 0, retain: true });
  await pub.publishAsync('ret/c', 'not retained', { qos: 1 });
  const late = await h.connect();
  await late.subscribeAsync('ret/#', { qos: 1 });
  await messagesUntil(late, 2, 'two retained messages');
  await fence(pub, late);
  assert.deepEqual(late.rec.messages.map((m) => [m.topic, m.payload, m.packet.retain, m.packet.qos]).sort(),
    [['ret/a', 'second', true, 1], ['ret/b', 'b', true, 0]]);
  // Forwarded to an existing subscription: retain 0 ([MQTT-3.3.1-9] in 3.1.1;
  // [MQTT-3.3.1-12] in 5.0, without Retain As Published).
  await pub.publishAsync('ret/a', 'live', { qos: 1, retain: true });
  const live = (await messagesUntil(late, 3, 'the live retained message'))[2];
  assert.deepEqual([live.topic, live.payload, live.packet.retain], ['ret/a', 'live', false]);
  await pub.publishAsync('ret/a', '', { qos: 1, retain: true });  // clears: [MQTT-3.3.1-10] (3.1.1), [MQTT-3.3.1-6] (5.0)
  const later = await h.connect();
  await later.subscribeAsync('ret/#', { qos: 1 });
  await fence(pub, later);
  assert.deepEqual(later.rec.messages.map((m) => m.topic), ['ret/b']);
});

scenario('QoS 2 end to end: the four-packet handshake on both legs, one delivery', {}, async (h) => {
  const sub = await h.connect();
  await sub.subscribeAsync('q2/t', { qos: 2 });
  const pub = await h.connect();
  await pub.publishAsync('q2/t', 'exactly once', { qos: 2 });
  await messagesUntil(sub, 1, 'the QoS 2 message');
  await until(() => sentOf(sub, 'pubcomp').length === 1, 'the subscriber to complete');
  const legs = (c) => [...c.rec.sent, ...c.rec.received].map((p) => p.cmd).filter((cmd) => cmd.startsWith('pub'));
  assert.deepEqual(sentOf(pub, 'publish').map((p) => p.qos), [2]);
  assert.equal(receivedOf(pub, 'pubrec').length, 1);
  assert.equal(sentOf(pub, 'pubrel').length, 1);
  assert.equal(receivedOf(pub, 'pubcomp').length, 1);
  assert.deepEqual(legs(sub).sort(), ['pubcomp', 'publish', 'pubrec', 'pubrel']);
  const [delivered] = receivedOf(sub, 'publish');
  assert.equal(delivered.qos, 2);
  assert.equal(receivedOf(sub, 'pubrel')[0].messageId, delivered.messageId);
  await fence(pub, sub);
  assert.deepEqual(payloads(sub), ['exactly once']);
  if (h.v5) {
    assert.equal(receivedOf(pub, 'pubrec')[0].reasonCode ?? 0, 0);
    assert.equal(receivedOf(pub, 'pubcomp')[0].reasonCode ?? 0, 0);
  }
});

scenario('large payloads: 3 MiB through the broker intact (many socket chunks each way), and an empty one', {}, async (h) => {
  const sub = await h.connect();
  await sub.subscribeAsync('big/#', { qos: 1 });
  const pub = await h.connect();
  const big = Buffer.alloc(3 * 1024 * 1024);
  for (let i = 0; i < big.length; i += 4) big.writeUInt32LE((i * 2654435761) >>> 0, i);
  await pub.publishAsync('big/one', big, { qos: 1 });
  await pub.publishAsync('big/empty', Buffer.alloc(0), { qos: 1 });
  await until(() => sub.rec.messages.length >= 2, 'the large and the empty message', 10000);
  const [large, empty] = receivedOf(sub, 'publish');
  assert.equal(large.payload.length, big.length);
  assert.ok(Buffer.compare(large.payload, big) === 0, 'the same bytes');
  assert.equal(empty.payload.length, 0);
});

// With the default maxQueued (10,000) a burst of 2000 from a fast publisher waits in the
// subscriber's queue beyond the in-flight window; nothing is dropped.
scenario('bursts: 2000 QoS 1 and 2000 QoS 0 messages, all delivered, in order', {}, async (h) => {
  const sub = await h.connect();
  await sub.subscribeAsync('burst/#', { qos: 1 });
  const pub = await h.connect();
  const n = 2000;
  const sends = [];
  for (let i = 0; i < n; i++) sends.push(pub.publishAsync('burst/q1', String(i), { qos: 1 }));
  for (let i = 0; i < n; i++) pub.publish('burst/q0', String(i), { qos: 0 });
  await Promise.all(sends);
  await until(() => sub.rec.messages.length >= 2 * n, `${2 * n} messages`, 15000);
  const of = (topic) => sub.rec.messages.filter((m) => m.topic === topic).map((m) => Number(m.payload));
  const expected = Array.from({ length: n }, (_, i) => i);
  assert.deepEqual(of('burst/q1'), expected, 'QoS 1 in order [MQTT-4.6.0-6]');
  assert.deepEqual(of('burst/q0'), expected, 'QoS 0 in order');
  assert.equal(h.broker.stats().messagesDropped, 0);
});

scenario('3.1.1 and 5.0 clients on one broker: messages cross, 5.0 properties only to 5.0', { versions: [5] }, async (h) => {
  const old = await h.connect({ protocolVersion: 4 });
  const now = await h.connect();
  await old.subscribeAsync('mixed/#', { qos: 1 });
  await now.subscribeAsync('mixed/#', { qos: 1 });
  await now.publishAsync('mixed/from5', 'five', { qos: 1, properties: { userProperties: { k: 'v' }, contentType: 'text/plain' } });
  await old.publishAsync('mixed/from4', 'four', { qos: 1 });
  await messagesUntil(old, 2, 'both on the 3.1.1 client');
  await messagesUntil(now, 2, 'both on the 5.0 client');
  assert.deepEqual(old.rec.messages.map((m) => [m.topic, m.payload]), [['mixed/from5', 'five'], ['mixed/from4', 'four']]);
  assert.deepEqual(now.rec.messages.map((m) => [m.topic, m.payload]), [['mixed/from5', 'five'], ['mixed/from4', 'four']]);
  assert.equal(old.rec.messages[0].packet.properties, undefined);
  assert.deepEqual({ ...now.rec.messages[0].packet.properties?.userProperties }, { k: 'v' });
});

scenario('5.0 PUBLISH properties reach subscribers unchanged, live and retained', { versions: [5] }, async (h) => {
  const properties = {
    payloadFormatIndicator: true,
    contentType: 'application/json; charset=utf-8',
    responseTopic: 'reply/to/me',
    correlationData: Buffer.from([0, 1, 2, 0xff]),
    userProperties: { b: ['2', '1'], a: 'x', 'ünï': 'cødé' },
  };
  const sub = await h.connect();
  await sub.subscribeAsync('props/#', { qos: 1 });
  const pub = await h.connect();
  await pub.publishAsync('props/t', '{"ok":true}', { qos: 1, retain: true, properties });
  const late = await h.connect();
  await late.subscribeAsync('props/#', { qos: 1 });
  for (const c of [sub, late]) {
    const [m] = await messagesUntil(c, 1, 'the message with properties');
    const got = m.packet.properties;
    assert.equal(got.payloadFormatIndicator, true);
    assert.equal(got.contentType, properties.contentType);
    assert.equal(got.responseTopic, properties.responseTopic);
    assert.deepEqual([...got.correlationData], [0, 1, 2, 0xff]);
    // User properties in their order, repeated names kept [MQTT-3.3.2-17] [MQTT-3.3.2-18].
    assert.deepEqual({ ...got.userProperties }, properties.userProperties);
    assert.deepEqual(Object.keys(got.userProperties), Object.keys(properties.userProperties));
  }
  const wire = receivedOf(late, 'publish')[0];
  assert.equal(wire.retain, true);
});

scenario('unsubscribe: no more messages; 5.0 UNSUBACK says 0x00 or 0x11 No subscription existed', {}, async (h) => {
  const c = await h.connect();
  await c.subscribeAsync(['uns/a', 'uns/b'], { qos: 1 });
  await c.unsubscribeAsync(['uns/a', 'uns/never']);
  const pub = await h.connect();
  await pub.publishAsync('uns/a', 'a', { qos: 1 });
  await pub.publishAsync('uns/b', 'b', { qos: 1 });
  await fence(pub, c);
  assert.deepEqual(payloads(c), ['b']);
  const [unsuback] = receivedOf(c, 'unsuback');
  if (h.v5) assert.deepEqual(unsuback.granted ?? unsuback.reasonCodes, [0x00, 0x11]);
});

scenario('persistent session: QoS 1 and 2 messages queued while offline, sessionPresent on return', {}, async (h) => {
  const clientId = uniqueId('persistent');
  const session = h.v5 ? { clean: false, properties: { sessionExpiryInterval: 60 } } : { clean: false };
  const first = await h.connect({ clientId, ...session });
  assert.equal(first.connack.sessionPresent, false);
  await first.subscribeAsync('offline/#', { qos: 2 });
  await first.endAsync();
  await until(() => h.broker.stats().clientsConnected === 0, 'the broker to see it gone');
  const pub = await h.connect();
  for (const [n, qos] of [[1, 1], [2, 2], [3, 1]]) await pub.publishAsync(`offline/${n}`, `queued ${n}`, { qos });
  const again = h.client({ clientId, ...session });
  again.connack = await connected(again);
  assert.equal(again.connack.sessionPresent, true, 'the session was kept: [MQTT-3.2.2-2] in 3.1.1, [MQTT-3.2.2-3] in 5.0');
  await messagesUntil(again, 3, 'the queued messages');
  // In the order they were published [MQTT-4.6.0-6]. (MQTT.js emits 'message' for QoS 2
  // only at PUBREL, so the order is read from the PUBLISH packets as they arrived.)
  assert.deepEqual(receivedOf(again, 'publish').map((p) => [p.topic, p.payload.toString(), p.qos]),
    [['offline/1', 'queued 1', 1], ['offline/2', 'queued 2', 2], ['offline/3', 'queued 3', 1]]);
  // And the subscription itself survived: a new message arrives without SUBSCRIBE.
  await pub.publishAsync('offline/4', 'after return', { qos: 1 });
  await messagesUntil(again, 4, 'a message after the return');
  assert.equal(sentOf(again, 'subscribe').length, 0);
});

scenario('session resume: an unacknowledged QoS 1 PUBLISH is resent with DUP, a QoS 2 one resumes at PUBREL', {}, async (h) => {
  const session = (clientId) => (h.v5
    ? { clientId, clean: false, properties: { sessionExpiryInterval: 60 } }
    : { clientId, clean: false });
  // MQTT.js acknowledges a QoS 1 message, and completes a QoS 2 one, only when its
  // handleMessage calls back: these never do, so the acknowledgement stays unsent.
  const stuck = async (clientId, topic, qos) => {
    const c = h.client(session(clientId));
    c.handleMessage = () => {};
    await connected(c);
    await c.subscribeAsync(topic, { qos });
    return c;
  };
  const one = await stuck(uniqueId('resume1'), 'resume/1', 1);
  const two = await stuck(uniqueId('resume2'), 'resume/2', 2);
  const pub = await h.connect();
  await pub.publishAsync('resume/1', 'qos 1', { qos: 1 });
  await pub.publishAsync('resume/2', 'qos 2', { qos: 2 });
  await until(() => receivedOf(one, 'publish').length === 1 && receivedOf(two, 'pubrel').length === 1,
    'the PUBLISH (QoS 1) and the PUBREL (QoS 2) to arrive');
  assert.equal(sentOf(one, 'puback').length, 0);
  assert.equal(sentOf(two, 'pubcomp').length, 0);
  const first1 = receivedOf(one, 'publish')[0];
  const first2 = receivedOf(two, 'publish')[0];
  one.end(true);
  two.end(true);
  await until(() => h.broker.stats().clientsConnected === 1, 'the broker to see both gone');

  const back1 = await h.connect(session(one.options.clientId));
  const back2 = await h.connect(session(two.options.clientId));
  assert.equal(back1.connack.sessionPresent, true);
  await until(() => sentOf(back1, 'puback').length === 1, 'the resent QoS 1 message to be acknowledged');
  const again = receivedOf(back1, 'publish');
  assert.equal(again.length, 1);
  assert.deepEqual([again[0].messageId, again[0].dup, again[0].payload.toString()], [first1.messageId, true, 'qos 1'],
    'the same packet id, with DUP set [MQTT-4.4.0-1] [MQTT-3.3.1-1]');
  // The QoS 2 message was already received (PUBREC sent): only PUBREL is resent [MQTT-4.4.0-1].
  await until(() => sentOf(back2, 'pubcomp').length === 1, 'the resent PUBREL to be completed');
  assert.deepEqual(receivedOf(back2, 'pubrel').map((p) => p.messageId), [first2.messageId]);
  assert.equal(receivedOf(back2, 'publish').length, 0, 'no second PUBLISH for it');
});

scenario('5.0 session expiry 0 with clean: false: the session ends with the connection', { versions: [5] }, async (h) => {
  const clientId = uniqueId('expiry0');
  const first = await h.connect({ clientId, clean: false, properties: { sessionExpiryInterval: 0 } });
  await first.subscribeAsync('gone/#', { qos: 1 });
  await first.endAsync();
  await until(() => h.broker.stats().clientsConnected === 0, 'the broker to see it gone');
  const pub = await h.connect();
  await pub.publishAsync('gone/1', 'nobody home', { qos: 1 });
  const again = await h.connect({ clientId, clean: false, properties: { sessionExpiryInterval: 0 } });
  assert.equal(again.connack.sessionPresent, false, '[MQTT-3.1.2-23]: expiry 0 ends the session at disconnect');
  await fence(pub, again);
  assert.deepEqual(payloads(again), []);
});

scenario('5.0 session expiry: the session and its queue end after the interval, and a longer will delay gives way', { versions: [5] }, async (h) => {
  const watcher = await h.connect();
  await watcher.subscribeAsync('expiring/will', { qos: 1 });
  const clientId = uniqueId('expiring');
  const away = await h.connect({
    clientId, clean: false, properties: { sessionExpiryInterval: 1 },
    will: { topic: 'expiring/will', payload: 'session over', qos: 1, properties: { willDelayInterval: 30 } },
  });
  await away.subscribeAsync('expiring/queue', { qos: 1 });
  away.end(true);
  const droppedAt = Date.now();
  await until(() => h.broker.stats().clientsConnected === 1, 'the broker to see the drop');
  await watcher.publishAsync('expiring/queue', 'queued, then expired with the session', { qos: 1 });
  // The will waits for the Will Delay Interval or the end of the session, whichever is
  // first (section 3.1.3.2.2): here the session's 1 s.
  await messagesUntil(watcher, 1, 'the will at the end of the session', 4000);
  const waited = Date.now() - droppedAt;
  assert.ok(waited >= 950 && waited < 3000, `the will came ${waited} ms after the drop, expected about 1000`);
  await until(() => h.broker.stats().sessions === 1, 'the expired session to be gone');
  const back = await h.connect({ clientId, clean: false, properties: { sessionExpiryInterval: 1 } });
  assert.equal(back.connack.sessionPresent, false, 'the session expired [MQTT-3.1.2-23]');
  await fence(watcher, back);
  assert.deepEqual(payloads(back), []);
});

scenario('5.0 message expiry: a queued message past its Message Expiry Interval is not delivered, the rest carry what is left', { versions: [5] }, async (h) => {
  const clientId = uniqueId('msgexpiry');
  const session = { clientId, clean: false, properties: { sessionExpiryInterval: 60 } };
  const first = await h.connect(session);
  await first.subscribeAsync('mexp/#', { qos: 1 });
  await first.endAsync();
  await until(() => h.broker.stats().clientsConnected === 0, 'the broker to see it gone');
  const pub = await h.connect();
  await pub.publishAsync('mexp/short', 'expires', { qos: 1, properties: { messageExpiryInterval: 1 } });
  await pub.publishAsync('mexp/long', 'lasts', { qos: 1, properties: { messageExpiryInterval: 60 } });
  await pub.publishAsync('mexp/none', 'forever', { qos: 1 });
  await sleep(1200);
  const back = await h.connect(session);
  await messagesUntil(back, 2, 'the unexpired messages');
  await fence(pub, back);
  assert.deepEqual(back.rec.messages.map((m) => m.topic), ['mexp/long', 'mexp/none'], '[MQTT-3.3.2-5]');
  const left = back.rec.messages[0].packet.properties?.messageExpiryInterval;
  assert.ok(left >= 58 && left <= 59, `the interval left is sent on [MQTT-3.3.2-6]: ${left}`);
  assert.equal(back.rec.messages[1].packet.properties?.messageExpiryInterval, undefined);
});

scenario('maxQueued: an offline session keeps that many messages and drops (and counts) the rest', { options: { maxQueued: 2 } }, async (h) => {
  const clientId = uniqueId('queue');
  const session = h.v5 ? { clientId, clean: false, properties: { sessionExpiryInterval: 60 } } : { clientId, clean: false };
  const first = await h.connect(session);
  await first.subscribeAsync('mq/#', { qos: 1 });
  await first.endAsync();
  await until(() => h.broker.stats().clientsConnected === 0, 'the broker to see it gone');
  const dropped = h.broker.stats().messagesDropped;
  const pub = await h.connect();
  for (const n of [1, 2, 3, 4]) await pub.publishAsync(`mq/${n}`, `m${n}`, { qos: 1 });
  assert.equal(h.broker.stats().messagesDropped - dropped, 2);
  const back = await h.connect(session);
  await messagesUntil(back, 2, 'the queued messages');
  await fence(pub, back);
  assert.deepEqual(payloads(back), ['m1', 'm2']);
});

scenario('will: published when the connection drops, not after DISCONNECT', {}, async (h) => {
  const watcher = await h.connect();
  await watcher.subscribeAsync('will/#', { qos: 1 });
  const will = (payload) => ({ topic: 'will/t', payload, qos: 1, retain: false });
  const polite = await h.connect({ will: will('polite') });
  await polite.endAsync();  // DISCONNECT 0x00: the will is discarded [MQTT-3.1.2-10]
  const dropped = await h.connect({ will: will('dropped') });
  dropped.end(true);  // the socket is destroyed, no DISCONNECT
  await messagesUntil(watcher, 1, 'the will of the dropped client');
  await fence(await h.connect(), watcher);
  assert.deepEqual(watcher.rec.messages.map((m) => [m.topic, m.payload, m.packet.qos]), [['will/t', 'dropped', 1]]);
});

scenario('5.0 will delay: the will waits for the Will Delay Interval, and a return in time cancels it', { versions: [5] }, async (h) => {
  const watcher = await h.connect();
  await watcher.subscribeAsync('delayed/#', { qos: 1 });
  const delayed = (topic, delay) => ({
    clientId: uniqueId('delay'),
    clean: false,
    properties: { sessionExpiryInterval: 30 },
    will: { topic, payload: topic, qos: 1, retain: false, properties: { willDelayInterval: delay } },
  });
  // One that stays away: the will comes after 1 s, not before.
  const away = await h.connect(delayed('delayed/away', 1));
  // One that comes back after 300 ms, with clean: false: no will [MQTT-3.1.3-9].
  const backOpts = delayed('delayed/back', 1);
  const back = await h.connect(backOpts);
  const droppedAt = Date.now();
  away.end(true);
  back.end(true);
  await sleep(300);
  const returned = await h.connect({ ...backOpts, will: undefined });
  assert.equal(returned.connack.sessionPresent, true);
  await sleep(500);
  assert.deepEqual(payloads(watcher), [], 'no will before the delay');
  await messagesUntil(watcher, 1, 'the delayed will');
  const waited = Date.now() - droppedAt;
  assert.ok(waited >= 950, `the will came ${waited} ms after the drop, expected about 1000`);
  await sleep(600);  // past the other client's delay too
  assert.deepEqual(payloads(watcher), ['delayed/away']);
});

scenario('5.0 will delay: a takeover with clean start ends the old session, and its will goes at once', { versions: [5] }, async (h) => {
  const watcher = await h.connect();
  await watcher.subscribeAsync('delayed/#', { qos: 1 });
  const clientId = uniqueId('cleanstart');
  const old = await h.connect({
    clientId, clean: false, properties: { sessionExpiryInterval: 30 },
    will: { topic: 'delayed/old', payload: 'old session', qos: 1, properties: { willDelayInterval: 5 } },
  });
  old.end(true);
  await until(() => h.broker.stats().clientsConnected === 1, 'the broker to see the drop');
  const start = Date.now();
  await h.connect({ clientId, clean: true });
  await messagesUntil(watcher, 1, 'the will of the ended session (it ends before the delay: section 3.1.3.2.2)');
  assert.ok(Date.now() - start < 2000, 'not after the 5 s delay');
  assert.deepEqual(payloads(watcher), ['old session']);
});

scenario('shared subscription: $share/g/... balances messages between two subscribers', {}, async (h) => {
  const pub = await h.connect();
  await pub.publishAsync('jobs/old', 'retained job', { qos: 1, retain: true });
  const a = await h.connect();
  const b = await h.connect();
  const plain = await h.connect();
  await a.subscribeAsync('$share/g/jobs/+', { qos: 1 });
  await b.subscribeAsync('$share/g/jobs/+', { qos: 1 });
  await plain.subscribeAsync('jobs/+', { qos: 1 });
  await messagesUntil(plain, 1, 'the retained message on the plain subscription');
  plain.rec.messages = [];
  const sent = Array.from({ length: 10 }, (_, i) => `job ${i}`);
  for (const p of sent) await pub.publishAsync('jobs/x', p, { qos: 1 });
  await until(() => a.rec.messages.length + b.rec.messages.length >= 10 && plain.rec.messages.length >= 10, 'all ten jobs');
  await sleep(50);
  const together = [...payloads(a), ...payloads(b)].sort();
  assert.deepEqual(together, [...sent].sort(), 'each message to exactly one member of the group');
  assert.ok(Math.abs(a.rec.messages.length - b.rec.messages.length) <= 2,
    `balanced: ${a.rec.messages.length} and ${b.rec.messages.length}`);
  assert.deepEqual(payloads(plain), sent, 'a plain subscription still gets all of them');
  assert.ok(a.rec.messages.every((m) => m.topic === 'jobs/x'), 'delivered with the real topic');
  assert.ok(!together.includes('retained job'), 'no retained messages for a shared subscription (section 4.8.2)');
  // A member that leaves takes no more of the group's messages.
  await a.endAsync();
  await until(() => h.broker.stats().clientsConnected === 3, 'the broker to see a gone');
  const before = b.rec.messages.length;
  for (const p of ['after 1', 'after 2', 'after 3']) await pub.publishAsync('jobs/y', p, { qos: 1 });
  await until(() => b.rec.messages.length >= before + 3, 'the rest to go to the remaining member');
  assert.deepEqual(payloads(b).slice(before), ['after 1', 'after 2', 'after 3']);
});

scenario('topic aliases: MQTT.js assigns them, the broker resolves them', { versions: [5], options: { topicAliasMaximum: 3 } }, async (h) => {
  const sub = await h.connect();
  await sub.subscribeAsync('alias/#', { qos: 1 });
  const pub = await h.connect({ autoAssignTopicAlias: true });
  assert.equal(pub.connack.properties?.topicAliasMaximum, 3, 'advertised in CONNACK');
  const order = [
    ['alias/long/topic/name', 1], ['alias/long/topic/name', 1], ['alias/long/topic/name', 1],
    ['alias/other', 0], ['alias/long/topic/name', 0], ['alias/third', 1], ['alias/fourth', 1],
    ['alias/other', 1], ['alias/fourth', 2],
  ];
  for (const [i, [topic, qos]] of order.entries()) await pub.publishAsync(topic, `m${i}`, { qos });
  const sent = sentOf(pub, 'publish').map((p) => [p.topic, p.properties?.topicAlias]);
  // The fourth topic takes the least recently used alias (2, of alias/other), so the next
  // alias/other is sent in full with a new mapping (section 3.3.2.3.4).
  assert.deepEqual(sent, [
    ['alias/long/topic/name', 1], ['', 1], ['', 1], ['alias/other', 2], ['', 1], ['alias/third', 3],
    ['alias/fourth', 2], ['alias/other', 1], ['', 2],
  ], 'aliases really were on the wire, and were remapped');
  await messagesUntil(sub, order.length, 'every message');
  assert.deepEqual(sub.rec.messages.map((m) => [m.topic, m.payload]), order.map(([topic], i) => [topic, `m${i}`]));
  assert.equal(pub.rec.errors.length, 0);
});

scenario('topic aliases: none advertised when topicAliasMaximum is 0, and MQTT.js then sends full topics', { versions: [5], options: { topicAliasMaximum: 0 } }, async (h) => {
  const pub = await h.connect({ autoAssignTopicAlias: true });
  assert.equal(pub.connack.properties?.topicAliasMaximum, undefined);
  await pub.publishAsync('x/y', '1', { qos: 1 });
  await pub.publishAsync('x/y', '2', { qos: 1 });
  assert.deepEqual(sentOf(pub, 'publish').map((p) => [p.topic, p.properties?.topicAlias]), [['x/y', undefined], ['x/y', undefined]]);
});

scenario('subscription options: No Local, Retain As Published, Retain Handling 0/1/2, Subscription Identifier', { versions: [5] }, async (h) => {
  const pub = await h.connect();
  await pub.publishAsync('opt/r', 'retained', { qos: 1, retain: true });
  const c = await h.connect();
  // nl: its own messages do not come back [MQTT-3.8.3-3]; a plain one does.
  await c.subscribeAsync('opt/self-nl', { qos: 1, nl: true });
  await c.subscribeAsync('opt/self', { qos: 1, nl: false });
  await c.publishAsync('opt/self-nl', 'mine, nl', { qos: 1 });
  await c.publishAsync('opt/self', 'mine', { qos: 1 });
  await pub.publishAsync('opt/self-nl', 'theirs, nl', { qos: 1 });
  await fence(pub, c);
  assert.deepEqual(payloads(c).sort(), ['mine', 'theirs, nl']);
  c.rec.messages = [];

  // rh 0 sends retained messages on every SUBSCRIBE, rh 1 only for a new subscription,
  // rh 2 never [MQTT-3.3.1-9] [MQTT-3.3.1-10] [MQTT-3.3.1-11].
  const retainedCount = async (client, rh) => {
    const before = client.rec.messages.length;
    await client.subscribeAsync('opt/r', { qos: 1, rh });
    await fence(pub, client);
    return client.rec.messages.slice(before).filter((m) => m.topic === 'opt/r').length;
  };
  const rh0 = await h.connect();
  assert.deepEqual([await retainedCount(rh0, 0), await retainedCount(rh0, 0)], [1, 1], 'rh 0');
  const rh1 = await h.connect();
  assert.deepEqual([await retainedCount(rh1, 1), await retainedCount(rh1, 1)], [1, 0], 'rh 1');
  const rh2 = await h.connect();
  assert.deepEqual([await retainedCount(rh2, 2), await retainedCount(rh2, 2)], [0, 0], 'rh 2');

  // rap: the retain flag of a forwarded message is kept only with rap [MQTT-3.3.1-12] [MQTT-3.3.1-13].
  const rap = await h.connect();
  await rap.subscribeAsync('opt/rap', { qos: 1, rap: true, rh: 2 });
  await rap.subscribeAsync('opt/norap', { qos: 1, rap: false, rh: 2 });
  await pub.publishAsync('opt/rap', 'r', { qos: 1, retain: true });
  await pub.publishAsync('opt/norap', 'n', { qos: 1, retain: true });
  await messagesUntil(rap, 2, 'two live retained messages');
  assert.deepEqual(rap.rec.messages.map((m) => [m.topic, m.packet.retain]).sort(), [['opt/norap', false], ['opt/rap', true]]);

  // Subscription identifiers come back on the messages they matched [MQTT-3.3.4-3].
  const ids = await h.connect();
  await ids.subscribeAsync('opt/id/+', { qos: 1, properties: { subscriptionIdentifier: 42 } });
  await ids.subscribeAsync('opt/id/#', { qos: 1, properties: { subscriptionIdentifier: 7 } });
  await ids.subscribeAsync('opt/id/none/x', { qos: 1 });
  await pub.publishAsync('opt/id/one', 'one', { qos: 1 });
  await pub.publishAsync('opt/id/none/x', 'deep', { qos: 1 });
  await messagesUntil(ids, 2, 'two identified messages');
  await fence(pub, ids);
  const idsOf = (m) => [m.packet.properties?.subscriptionIdentifier ?? []].flat().sort((x, y) => x - y);
  const byTopic = Object.fromEntries(ids.rec.messages.map((m) => [m.topic, idsOf(m)]));
  assert.equal(ids.rec.messages.length, 2, 'one delivery per session, even when two subscriptions match');
  assert.deepEqual(byTopic, { 'opt/id/one': [7, 42], 'opt/id/none/x': [7] });
});

scenario('session takeover: the second client with the same id wins; 5.0 tells the first 0x8E', {}, async (h) => {
  const watcher = await h.connect();
  await watcher.subscribeAsync('takeover/will', { qos: 1 });
  const clientId = uniqueId('takeover');
  const first = await h.connect({ clientId, will: { topic: 'takeover/will', payload: 'taken over', qos: 1 } });
  const second = await h.connect({ clientId });
  await until(() => first.rec.closes > 0, 'the first connection to close');
  // The first connection ended without its DISCONNECT: its will is published (5.0: there
  // is no Will Delay here, so at once) [MQTT-3.1.2-8].
  await messagesUntil(watcher, 1, 'the will of the taken-over connection');
  assert.deepEqual(payloads(watcher), ['taken over']);
  if (h.v5) {
    assert.equal(first.rec.disconnects.length, 1, 'a DISCONNECT arrived');
    assert.equal(first.rec.disconnects[0].reasonCode, 0x8e, 'Session Taken Over [MQTT-3.1.4-3]');
  } else {
    assert.equal(first.rec.disconnects.length, 0, '3.1.1 has no server DISCONNECT');
  }
  await second.subscribeAsync('still/here', { qos: 1 });
  await second.publishAsync('still/here', 'yes', { qos: 1 });
  await messagesUntil(second, 1, 'the second client to work');
  assert.equal(h.broker.stats().clientsConnected, 2, 'the watcher and the second client');
});

runScenarios();
