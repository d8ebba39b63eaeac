// The client transports behind openTransport(), one contract over every kind, each
// against our broker really listening: tcp, tls, ws, wss and the in-process transport.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { WebSocketServer } from 'ws';
import { createBroker, encode, createDecoder, connect } from '../../js/index.js';
import { openTransport } from '../../js/transports/open-transport.js';
import { certificate } from './test-certificate.js';
import { freePorts } from './client-peers.js';

const made = certificate();
let broker;
let urls;

before(async () => {
  broker = await createBroker({ sysInterval: 0 });
  const listen = made.pem ? { tcp: 0, ws: 0, tls: 0, wss: 0, ...made.pem } : { tcp: 0, ws: 0 };
  const a = await broker.listen(listen);
  urls = {
    tcp: `mqtt://127.0.0.1:${a.tcp.port}`,
    ws: `ws://127.0.0.1:${a.ws.port}`,
    ...(made.pem ? { tls: `mqtts://localhost:${a.tls.port}`, wss: `wss://localhost:${a.wss.port}` } : {}),
  };
});

after(() => broker?.close());

// A minimal MQTT conversation over a transport: packets out, packets back in order.
function speak(t, version) {
  const decoder = createDecoder({ protocolVersion: version });
  const inbox = [];
  const waiters = [];
  let closedWith;
  const wake = () => { while (waiters.length) waiters.shift()(); };
  t.onbytes = (bytes) => { inbox.push(...decoder.push(bytes)); wake(); };
  t.onclose = (err) => { closedWith = { err }; wake(); };
  return {
    send: (p) => t.send(encode(p, { protocolVersion: version })),
    get closed() { return closedWith; },
    async next(ms = 5000) {
      const until = Date.now() + ms;
      while (!inbox.length && !closedWith && Date.now() < until) {
        await new Promise((r) => { waiters.push(r); setTimeout(r, 50); });
      }
      return inbox.shift() ?? null;
    },
    async closedWithin(ms = 5000) {
      const until = Date.now() + ms;
      while (!closedWith && Date.now() < until) await new Promise((r) => { waiters.push(r); setTimeout(r, 50); });
      return closedWith;
    },
  };
}

// A transport of `kind` to the broker (the TLS ones trust its certificate).
const open = (kind) => (kind === 'local' ? openTransport(broker.connectLocal()) : openTransport(urls[kind], made.pem ? { ca: made.pem.cert } : {}));

const kinds = ['tcp', 'ws', 'tls', 'wss', 'local'];
for (const kind of kinds) {
  const skip = (kind === 'tls' || kind === 'wss') && made.missing;
  test(`${kind}: a transport carries a whole conversation, and the broker closing it is seen once`, { skip }, async () => {
    const t = await open(kind);
    assert.equal(t.open, true);
    const c = speak(t, 5);
    c.send({ cmd: 'connect', protocolVersion: 5, clientId: `transport-${kind}`, clean: true, keepalive: 0 });
    assert.equal((await c.next()).cmd, 'connack');
    c.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: `t/${kind}`, qos: 1 }] });
    assert.equal((await c.next()).cmd, 'suback');
    const big = new Uint8Array(200_000).fill(9);  // many chunks each way
    c.send({ cmd: 'publish', topic: `t/${kind}`, payload: big, qos: 1, messageId: 2 });
    const got = [await c.next(), await c.next()].sort((a, b) => a.cmd.localeCompare(b.cmd));
    assert.deepEqual(got.map((p) => p.cmd), ['puback', 'publish']);
    assert.equal(got[1].payload.length, big.length);
    // A second CONNECT is a protocol error: the broker says so and closes.
    c.send({ cmd: 'connect', protocolVersion: 5, clientId: 'again', clean: true, keepalive: 0 });
    const disconnect = await c.next();
    assert.equal(disconnect.cmd, 'disconnect');
    assert.equal(disconnect.reasonCode, 0x82);
    assert.ok(await c.closedWithin(), 'onclose was called');
    assert.equal(t.open, false);
    assert.throws(() => t.send(new Uint8Array([0xc0, 0])), /closed/);
  });

  test(`${kind}: the client closing is seen by the broker`, { skip }, async () => {
    const t = await open(kind);
    const c = speak(t, 4);
    c.send({ cmd: 'connect', protocolVersion: 4, clientId: `closer-${kind}`, clean: true, keepalive: 0 });
    assert.equal((await c.next()).cmd, 'connack');
    const before = broker.stats().clientsConnected;
    t.close();
    const until = Date.now() + 5000;
    while (broker.stats().clientsConnected !== before - 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.equal(broker.stats().clientsConnected, before - 1);
  });
}

test('openTransport: refused connections and bad URLs are clear errors', async () => {
  const [port] = await freePorts(1);  // nothing listens there now
  await assert.rejects(openTransport(`mqtt://127.0.0.1:${port}`), new RegExp(`cannot connect to mqtt://127.0.0.1:${port}: ECONNREFUSED`));
  await assert.rejects(openTransport(`ws://127.0.0.1:${port}`), /cannot connect to ws:\/\/127\.0\.0\.1:\d+\/: ECONNREFUSED/);
  await assert.rejects(openTransport('http://example.test'), /unsupported protocol "http:"/);
  await assert.rejects(openTransport('not a url'), /not a broker URL/);
  const local = broker.connectLocal();
  local.close();
  await assert.rejects(openTransport(local), /already closed/);
});

test('ws in Node: connect()\'s wsOptions reach the ws package as they are', async () => {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const seen = new Promise((resolve) => server.on('connection', (socket, request) => {
    resolve({ headers: request.headers, protocol: socket.protocol, extensions: socket.extensions });
    socket.close();
  }));
  const client = connect(`ws://127.0.0.1:${server.address().port}`, {
    reconnectPeriod: 0,
    wsOptions: { headers: { 'x-dashboard': 'kitchen' }, origin: 'http://dashboard.test' },
  });
  client.on('error', () => {});
  try {
    const { headers, protocol, extensions } = await seen;
    assert.equal(headers['x-dashboard'], 'kitchen');
    assert.equal(headers.origin, 'http://dashboard.test');
    assert.equal(protocol, 'mqtt');
    assert.equal(extensions, '', 'no permessage-deflate unless asked for');
  } finally {
    await client.endAsync(true);
    server.close();
  }
});
