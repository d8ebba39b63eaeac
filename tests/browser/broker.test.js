// The broker in a real browser: createBroker() and connectLocal() in a Chromium page,
// with clients that speak bytes through the package's own codec. Nothing of ours
// runs outside the page except the static file server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPackagePage } from './package-page.js';

const page = `<!doctype html>
<script type="importmap">{ "imports": { "mqtt-wasm": "/js/index.js" } }</script>
<script type="module">
  import { createBroker, encode, createDecoder } from 'mqtt-wasm';
  import { openTransport } from '/js/transports/open-transport.js';
  // A minimal client over a local transport: send packets, await the ones back.
  function localClient(broker, version) {
    const t = broker.connectLocal();
    const decoder = createDecoder({ protocolVersion: version });
    const inbox = [];
    let wake = null;
    let closed = false;
    t.onbytes = (bytes) => { inbox.push(...decoder.push(bytes)); wake?.(); };
    t.onclose = () => { closed = true; wake?.(); };
    return {
      send: (p) => t.send(encode(p, { protocolVersion: version })),
      close: () => t.close(),
      get closed() { return closed; },
      async next(ms = 2000) {
        const until = Date.now() + ms;
        while (!inbox.length) {
          if (closed || Date.now() > until) return null;
          await new Promise((r) => { wake = r; setTimeout(r, 50); });
        }
        return inbox.shift();
      },
    };
  }
  window.mqtt = { createBroker, localClient, openTransport, encode, createDecoder };
  window.ready = true;
</script>`;

let opened;
let tab;

before(async () => {
  opened = await openPackagePage('/broker.html', page);
  ({ tab } = opened);
});

after(() => opened?.close());

test('an embedded broker routes QoS 1 and retained messages between local clients in the page', async () => {
  const result = await tab.evaluate(async () => {
    const { createBroker, localClient } = window.mqtt;
    const broker = await createBroker({ sysInterval: 0 });
    const pub = localClient(broker, 5);
    pub.send({ cmd: 'connect', protocolVersion: 5, clientId: 'pub', clean: true, keepalive: 0 });
    const pubAck = await pub.next();
    pub.send({ cmd: 'publish', topic: 'room/1/temp', payload: '21.5', qos: 0, retain: true });
    const sub = localClient(broker, 4);
    sub.send({ cmd: 'connect', protocolVersion: 4, clientId: 'sub', clean: true, keepalive: 0 });
    const subAck = await sub.next();
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'room/+/temp', qos: 1 }] });
    const suback = await sub.next();
    const retained = await sub.next();
    pub.send({ cmd: 'publish', topic: 'room/2/temp', payload: '19', qos: 1, messageId: 9 });
    const puback = await pub.next();
    const live = await sub.next();
    const stats = broker.stats();
    await broker.close();
    const text = (p) => new TextDecoder().decode(p);
    return {
      acks: [pubAck.cmd, pubAck.reasonCode, subAck.cmd, subAck.returnCode],
      granted: suback.granted,
      retained: [retained.topic, text(retained.payload), retained.retain],
      puback: [puback.cmd, puback.messageId],
      live: [live.topic, text(live.payload), live.qos, live.retain],
      clients: stats.clientsConnected,
      closedAfter: [pub.closed, sub.closed],
    };
  });
  assert.deepEqual(result.acks, ['connack', 0, 'connack', 0]);
  assert.deepEqual(result.granted, [1]);
  assert.deepEqual(result.retained, ['room/1/temp', '21.5', true]);
  assert.deepEqual(result.puback, ['puback', 9]);
  assert.deepEqual(result.live, ['room/2/temp', '19', 1, false]);
  assert.equal(result.clients, 2);
  assert.deepEqual(result.closedAfter, [true, true]);
});

test('in the page, hooks are async functions and listen() says it needs Node', async () => {
  const result = await tab.evaluate(async () => {
    const { createBroker, localClient } = window.mqtt;
    const broker = await createBroker({
      sysInterval: 0,
      authenticate: async (client) => {
        await new Promise((r) => setTimeout(r, 20));
        return client.username === 'alice';
      },
    });
    const bad = localClient(broker, 5);
    bad.send({ cmd: 'connect', protocolVersion: 5, clientId: 'x', username: 'mallory', password: 'p', clean: true, keepalive: 0 });
    const refused = await bad.next();
    const good = localClient(broker, 5);
    good.send({ cmd: 'connect', protocolVersion: 5, clientId: 'y', username: 'alice', password: 'p', clean: true, keepalive: 0 });
    const accepted = await good.next();
    let listenError = null;
    try {
      await broker.listen({ tcp: 0 });
    } catch (err) {
      listenError = err.message;
    }
    await broker.close();
    return { refused: refused.reasonCode, badClosed: bad.closed, accepted: accepted.reasonCode, listenError };
  });
  assert.equal(result.refused, 0x86);
  assert.equal(result.badClosed, true);
  assert.equal(result.accepted, 0);
  assert.match(result.listenError, /needs Node/);
});

test('in the page, the browser WebSocket transport reaches a Node-hosted broker; mqtt:// says it needs Node', async () => {
  const { createBroker } = await import('../../js/index.js');
  const nodeBroker = await createBroker({ sysInterval: 0 });
  try {
    const { ws } = await nodeBroker.listen({ ws: 0 });
    const result = await tab.evaluate(async (url) => {
      const { openTransport, encode, createDecoder } = window.mqtt;
      const t = await openTransport(url);
      const decoder = createDecoder({ protocolVersion: 5 });
      const got = [];
      const closed = new Promise((r) => { t.onclose = r; });
      t.onbytes = (bytes) => got.push(...decoder.push(bytes));
      t.send(encode({ cmd: 'connect', protocolVersion: 5, clientId: 'from-the-page', clean: true, keepalive: 0 }, { protocolVersion: 5 }));
      const until = Date.now() + 5000;
      while (!got.length && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      t.close();
      await closed;
      let tcpError = null;
      try {
        await openTransport('mqtt://127.0.0.1:1883');
      } catch (err) {
        tcpError = err.message;
      }
      return { first: got[0]?.cmd, code: got[0]?.reasonCode, open: t.open, tcpError };
    }, `ws://127.0.0.1:${ws.port}`);
    assert.deepEqual([result.first, result.code, result.open], ['connack', 0, false]);
    assert.match(result.tcpError, /mqtt:\/\/ needs Node\.js/);
  } finally {
    await nodeBroker.close();
  }
});
