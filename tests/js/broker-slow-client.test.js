// A subscriber that stops reading: the broker does not hold its bytes without bound.
// Past maxBufferedBytes it is disconnected, its will is published, onError is told, and
// the other clients carry on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import mqtt from 'mqtt';
import { createBroker, encode, createDecoder } from '../../js/index.js';

test('a client that does not read is disconnected past maxBufferedBytes; its will goes; others carry on', async () => {
  const errors = [];
  const broker = await createBroker({ sysInterval: 0, maxPacketSize: 1 << 20, maxBufferedBytes: 1 << 20, onError: (e) => errors.push(e.message) });
  const clients = [];
  let slow;
  try {
    const { tcp } = await broker.listen({ tcp: 0 });
    const url = `mqtt://127.0.0.1:${tcp.port}`;
    const watcher = await mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0 });
    clients.push(watcher);
    await watcher.subscribeAsync('will/slow');
    const wills = [];
    watcher.on('message', (topic, payload) => wills.push(`${topic} ${payload}`));

    // The slow subscriber: raw TCP, CONNECT with a will, SUBSCRIBE, then it stops reading.
    slow = net.connect(tcp.port, '127.0.0.1');
    await new Promise((r) => slow.once('connect', r));
    const decoder = createDecoder({ protocolVersion: 4 });
    const seen = [];
    slow.on('data', (d) => seen.push(...decoder.push(d).map((p) => p.cmd)));
    slow.write(encode({ cmd: 'connect', protocolVersion: 4, clientId: 'slow', clean: true, keepalive: 0,
      will: { topic: 'will/slow', payload: 'gone', qos: 0, retain: false } }));
    slow.write(encode({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'flood', qos: 0 }] }));
    const deadline = Date.now() + 5000;
    while (!seen.includes('suback') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.ok(seen.includes('suback'));
    slow.pause();

    // 32 MB of QoS 0 in 64 KiB messages: far more than the kernel's socket buffers.
    const pub = await mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0 });
    clients.push(pub);
    const chunk = Buffer.alloc(64 * 1024, 7);
    for (let i = 0; i < 512 && errors.length === 0; i++) {
      await pub.publishAsync('flood', chunk, { qos: 1 });  // QoS 1 towards the broker paces the publisher
    }
    assert.equal(errors.length, 1);
    // A paused socket sees its end only once it reads again.
    const closed = new Promise((r) => slow.once('close', r));
    slow.resume();
    await closed;
    assert.match(errors[0], /did not read \d+ bytes sent to it; disconnected \(maxBufferedBytes is 1048576\)/);
    const until = Date.now() + 5000;
    while (!wills.length && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(wills, ['will/slow gone']);

    // The broker still works for everyone else.
    await watcher.subscribeAsync('after');
    const after = new Promise((r) => watcher.on('message', (topic, payload) => topic === 'after' && r(String(payload))));
    await pub.publishAsync('after', 'still here', { qos: 1 });
    assert.equal(await after, 'still here');
    assert.equal(broker.stats().clientsConnected, 2);
  } finally {
    slow?.destroy();
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker.close();
  }
});

test('maxBufferedBytes below maxPacketSize is refused with a clear error', async () => {
  await assert.rejects(createBroker({ maxPacketSize: 1 << 20, maxBufferedBytes: 1000 }), /maxBufferedBytes must be an integer of at least maxPacketSize \(1048576\)/);
});

test('a client flooding while its hook answer is slow is read again once answered: all of it arrives, in order', async () => {
  let release;
  const gate = new Promise((r) => { release = r; });
  let asked = 0;
  const broker = await createBroker({
    sysInterval: 0,
    authorizePublish: async () => {
      if (++asked === 1) await gate;  // the first answer takes a while; 3 MB pile up behind it
      return true;
    },
  });
  const clients = [];
  try {
    const { tcp } = await broker.listen({ tcp: 0 });
    const url = `mqtt://127.0.0.1:${tcp.port}`;
    const sub = await mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0 });
    clients.push(sub);
    await sub.subscribeAsync('flow/#');
    const got = [];
    sub.on('message', (topic, payload) => got.push(payload.readUInt32BE(0)));
    const pub = await mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0 });
    clients.push(pub);
    const n = 3000;
    for (let i = 0; i < n; i++) {
      const payload = Buffer.alloc(1024);
      payload.writeUInt32BE(i, 0);
      pub.publish('flow/x', payload, { qos: 0 });
    }
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(got.length, 0, 'nothing passes before the first answer');
    release();
    const until = Date.now() + 15000;
    while (got.length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.equal(got.length, n);
    assert.deepEqual(got, Array.from({ length: n }, (_, i) => i));
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker.close();
  }
});
