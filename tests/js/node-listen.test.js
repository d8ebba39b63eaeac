// js/node/listen.js over its four kinds of listener, with a fake attach that echoes:
// port 0, the WebSocket subprotocol, bytes split over and shared by frames, text frames,
// transport.close() flushing before it ends, close() destroying what is open (each
// connection's closed() exactly once), the in-use error, and the key/cert checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import http from 'node:http';
import { once } from 'node:events';
import WebSocket from 'ws';
import { listen } from '../../js/node/listen.js';
import { certificate } from './test-certificate.js';

// A throwaway self-signed certificate for localhost, made by openssl.
const made = certificate();
const pem = made.pem ?? null;
const noOpenssl = made.missing ?? false;

// The fake broker: echoes every chunk and records what it saw.
function echoBroker(onReceive) {
  const log = { transports: [], chunks: [], closed: 0, closedFor: new Map() };
  const attach = (transport) => {
    log.transports.push(transport);
    log.closedFor.set(transport, 0);
    return {
      receive(bytes) {
        log.chunks.push(bytes);
        if (onReceive) onReceive(transport, bytes);
        else transport.send(bytes);
      },
      closed() {
        log.closed += 1;
        log.closedFor.set(transport, log.closedFor.get(transport) + 1);
      },
    };
  };
  return { log, attach };
}

const bytes = (...values) => new Uint8Array(values);
const text = (value) => new TextEncoder().encode(value);

async function until(predicate, what, ms = 2000) {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

// Reads from a stream socket until `count` bytes have arrived.
function readBytes(socket, count) {
  return new Promise((resolve, reject) => {
    const parts = [];
    let have = 0;
    const onData = (chunk) => {
      parts.push(chunk);
      have += chunk.length;
      if (have >= count) {
        socket.off('data', onData);
        socket.off('error', reject);
        resolve(Buffer.concat(parts));
      }
    };
    socket.on('data', onData);
    socket.on('error', reject);
  });
}

function connectTcp(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => resolve(socket));
    socket.once('error', reject);
  });
}

function connectTls(port) {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: pem.cert }, () => resolve(socket));
    socket.once('error', reject);
  });
}

function openWs(url, protocols, extra = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { perMessageDeflate: false, ...extra });
    ws.binaryType = 'nodebuffer';
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode })));
  });
}

function nextMessage(ws) {
  return new Promise((resolve, reject) => {
    ws.once('message', (data, isBinary) => resolve({ data, isBinary }));
    ws.once('error', reject);
  });
}

test('tcp: port 0 reports the bound port; bytes are echoed as plain Uint8Arrays; noDelay', async () => {
  const { log, attach } = echoBroker();
  const listener = await listen({ tcp: 0 }, attach);
  try {
    assert.equal(listener.addresses.tcp.host, '127.0.0.1');
    assert.ok(listener.addresses.tcp.port > 0);
    assert.deepEqual(Object.keys(listener.addresses), ['tcp']);
    const socket = await connectTcp(listener.addresses.tcp.port);
    socket.write(bytes(0x10, 0x02, 0x00, 0x00));
    assert.deepEqual([...await readBytes(socket, 4)], [0x10, 0x02, 0x00, 0x00]);
    const [transport] = log.transports;
    assert.equal(transport.kind, 'tcp');
    assert.equal(transport.remoteAddress, '127.0.0.1');
    assert.equal(transport.remotePort, socket.localPort);
    assert.equal(Object.getPrototypeOf(log.chunks[0]), Uint8Array.prototype, 'a Uint8Array, not a Buffer');
    socket.end();
    await until(() => log.closed === 1, 'closed()');
  } finally {
    await listener.close();
  }
});

test('tcp: transport.close() flushes a large send before ending, and closed() runs once', async () => {
  const big = new Uint8Array(4 * 1024 * 1024).map((_, i) => i % 251);
  const { log, attach } = echoBroker((transport) => {
    transport.send(big);
    transport.send(bytes(0xe0, 0x00));
    transport.close();
    transport.send(bytes(1, 2, 3)); // after close: dropped
    transport.close(); // twice: harmless
  });
  const listener = await listen({ tcp: 0 }, attach);
  try {
    const socket = await connectTcp(listener.addresses.tcp.port);
    const parts = [];
    socket.on('data', (chunk) => parts.push(chunk));
    socket.write(bytes(0));
    await once(socket, 'end');
    const got = Buffer.concat(parts);
    assert.equal(got.length, big.length + 2);
    assert.ok(Buffer.from(big).equals(got.subarray(0, big.length)));
    assert.deepEqual([...got.subarray(big.length)], [0xe0, 0x00]);
    // Bytes that arrive after close() are not handed to the broker.
    socket.write(bytes(9, 9, 9));
    socket.end();
    await until(() => log.closed === 1, 'closed()');
    assert.equal(log.chunks.length, 1);
  } finally {
    await listener.close();
  }
});

test('tcp: a throwing receive closes that connection only', async () => {
  const errors = [];
  const { log, attach } = echoBroker((transport, chunk) => {
    if (chunk[0] === 0xff) throw new Error('boom');
    transport.send(chunk);
  });
  const listener = await listen({ tcp: 0, onError: (err) => errors.push(err.message) }, attach);
  try {
    const good = await connectTcp(listener.addresses.tcp.port);
    const bad = await connectTcp(listener.addresses.tcp.port);
    bad.on('error', () => {});
    bad.write(bytes(0xff));
    await once(bad, 'close');
    assert.deepEqual(errors, ['boom']);
    good.write(bytes(7));
    assert.deepEqual([...await readBytes(good, 1)], [7]);
    good.end();
    await until(() => log.closed === 2, 'closed() for both');
  } finally {
    await listener.close();
  }
});

test('ws: subprotocol mqtt is chosen, mqttv3.1 accepted, none accepted, others refused', async () => {
  const { log, attach } = echoBroker();
  const listener = await listen({ ws: 0 }, attach);
  const url = `ws://127.0.0.1:${listener.addresses.ws.port}/mqtt`;
  try {
    const a = await openWs(url, ['mqtt']);
    assert.equal(a.protocol, 'mqtt');
    const b = await openWs(url, ['mqttv3.1']);
    assert.equal(b.protocol, 'mqttv3.1');
    const c = await openWs(url, ['foo', 'mqtt']);
    assert.equal(c.protocol, 'mqtt');
    const d = await openWs(url, []);
    assert.equal(d.protocol, '');
    await assert.rejects(openWs(url, ['stomp']), (err) => err.statusCode === 400);
    assert.equal(log.transports.length, 4);
    assert.ok(log.transports.every((t) => t.kind === 'ws' && t.remoteAddress === '127.0.0.1'));
    for (const ws of [a, b, c, d]) ws.close();
    await until(() => log.closed === 4, 'closed() for all four');
  } finally {
    await listener.close();
  }
});

test('ws: a packet split over frames and packets sharing a frame pass through as bytes', async () => {
  const { log, attach } = echoBroker();
  const listener = await listen({ ws: 0 }, attach);
  try {
    const ws = await openWs(`ws://127.0.0.1:${listener.addresses.ws.port}`, ['mqtt']);
    // PUBLISH "a/b" "hi" split across three frames
    const publish = bytes(0x30, 0x07, 0x00, 0x03, 0x61, 0x2f, 0x62, 0x68, 0x69);
    const echoed = [];
    ws.on('message', (data, isBinary) => { assert.ok(isBinary); echoed.push(data); });
    ws.send(publish.subarray(0, 1));
    ws.send(publish.subarray(1, 5));
    ws.send(publish.subarray(5));
    // PINGREQ + PINGREQ + DISCONNECT in one frame
    ws.send(bytes(0xc0, 0x00, 0xc0, 0x00, 0xe0, 0x00));
    await until(() => echoed.length === 4, 'four echoed frames');
    assert.deepEqual(log.chunks.map((chunk) => [...chunk]), [[0x30], [0x07, 0x00, 0x03, 0x61], [0x2f, 0x62, 0x68, 0x69], [0xc0, 0x00, 0xc0, 0x00, 0xe0, 0x00]]);
    assert.ok(log.chunks.every((chunk) => Object.getPrototypeOf(chunk) === Uint8Array.prototype));
    assert.deepEqual([...Buffer.concat(echoed.slice(0, 3))], [...publish]);
    ws.close();
    await until(() => log.closed === 1, 'closed()');
  } finally {
    await listener.close();
  }
});

test('ws: a text frame closes the connection (1003) and is not passed on', async () => {
  const { log, attach } = echoBroker();
  const listener = await listen({ ws: 0 }, attach);
  try {
    const ws = await openWs(`ws://127.0.0.1:${listener.addresses.ws.port}`, ['mqtt']);
    ws.send('CONNECT please');
    const [code] = await once(ws, 'close');
    assert.equal(code, 1003);
    assert.equal(log.chunks.length, 0);
    await until(() => log.closed === 1, 'closed()');
  } finally {
    await listener.close();
  }
});

test('ws: transport.close() sends what was queued, then a normal close', async () => {
  const { log, attach } = echoBroker((transport, chunk) => {
    transport.send(chunk);
    transport.send(bytes(0xe0, 0x00));
    transport.close();
  });
  const listener = await listen({ ws: 0 }, attach);
  try {
    const ws = await openWs(`ws://127.0.0.1:${listener.addresses.ws.port}`, ['mqtt']);
    const got = [];
    ws.on('message', (data) => got.push([...data]));
    ws.send(bytes(0xc0, 0x00));
    const [code] = await once(ws, 'close');
    assert.equal(code, 1000);
    assert.deepEqual(got, [[0xc0, 0x00], [0xe0, 0x00]]);
    await until(() => log.closed === 1, 'closed()');
  } finally {
    await listener.close();
  }
});

test('ws: a plain HTTP request gets 426 Upgrade Required', async () => {
  const listener = await listen({ ws: 0 }, echoBroker().attach);
  try {
    const res = await new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: listener.addresses.ws.port, path: '/' }, resolve).on('error', reject);
    });
    assert.equal(res.statusCode, 426);
    res.resume();
  } finally {
    await listener.close();
  }
});

test('tls: echo over TLS with the test certificate', { skip: noOpenssl }, async () => {
  const { log, attach } = echoBroker();
  const listener = await listen({ tls: 0, key: pem.key, cert: pem.cert }, attach);
  try {
    assert.ok(listener.addresses.tls.port > 0);
    const socket = await connectTls(listener.addresses.tls.port);
    socket.write(bytes(0xc0, 0x00));
    socket.write(bytes(0xc0));
    socket.write(bytes(0x00));
    assert.deepEqual([...await readBytes(socket, 4)], [0xc0, 0x00, 0xc0, 0x00]);
    assert.equal(log.transports[0].kind, 'tls');
    assert.equal(log.transports[0].remoteAddress, '127.0.0.1');
    socket.end();
    await until(() => log.closed === 1, 'closed()');
  } finally {
    await listener.close();
  }
});

test('tls: transport.close() flushes, then ends the TLS session', { skip: noOpenssl }, async () => {
  const big = new Uint8Array(1024 * 1024).fill(0x5a);
  const { log, attach } = echoBroker((transport) => {
    transport.send(big);
    transport.close();
  });
  const listener = await listen({ tls: 0, key: pem.key, cert: pem.cert }, attach);
  try {
    const socket = await connectTls(listener.addresses.tls.port);
    let have = 0;
    socket.on('data', (chunk) => { have += chunk.length; });
    socket.write(bytes(0));
    await once(socket, 'end');
    assert.equal(have, big.length);
    socket.end();
    await until(() => log.closed === 1, 'closed()');
  } finally {
    await listener.close();
  }
});

test('wss: echo over secure WebSocket with subprotocol mqtt', { skip: noOpenssl }, async () => {
  const { log, attach } = echoBroker();
  const listener = await listen({ wss: 0, key: pem.key.toString(), cert: pem.cert.toString() }, attach);
  try {
    const ws = await openWs(`wss://localhost:${listener.addresses.wss.port}/mqtt`, ['mqtt'], { ca: pem.cert });
    assert.equal(ws.protocol, 'mqtt');
    ws.send(bytes(0xc0, 0x00));
    const { data, isBinary } = await nextMessage(ws);
    assert.ok(isBinary);
    assert.deepEqual([...data], [0xc0, 0x00]);
    assert.equal(log.transports[0].kind, 'wss');
    ws.close();
    await until(() => log.closed === 1, 'closed()');
  } finally {
    await listener.close();
  }
});

test('tls and wss need key and cert; a bad PEM is refused clearly; bad ports too', async () => {
  const { attach } = echoBroker();
  await assert.rejects(listen({ tls: 0 }, attach), /the tls listener needs options\.key and options\.cert/);
  await assert.rejects(listen({ tcp: 0, wss: 0, cert: 'x' }, attach), /the wss listener needs options\.key and options\.cert/);
  await assert.rejects(listen({ tls: 0, wss: 0, key: pem?.key }, attach), /the tls and wss listeners need/);
  await assert.rejects(listen({ tls: 0, key: 'not a key', cert: 'not a cert' }, attach), /not a usable PEM key and certificate/);
  await assert.rejects(listen({ tcp: 70000 }, attach), /options\.tcp must be a port number from 0 to 65535, got 70000/);
  await assert.rejects(listen({ ws: '8080' }, attach), /options\.ws must be a port number/);
  await assert.rejects(listen({}, attach), /at least one of/);
  await assert.rejects(listen({ tcp: 0 }), /attach must be a function/);
  await assert.rejects(listen({ tcp: 0, closeTimeout: '5s' }, attach), { name: 'RangeError', message: /options\.closeTimeout must be an integer from 0 to 2147483647 \(ms\), not 5s/ });
});

test('a port in use is refused with a message naming the port, and nothing is left open', async () => {
  const blocker = net.createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  const { port } = blocker.address();
  try {
    const { attach } = echoBroker();
    await assert.rejects(listen({ tcp: port }, attach), (err) => {
      assert.match(err.message, new RegExp(`^port ${port} on 127\\.0\\.0\\.1 is already in use`));
      assert.equal(err.code, 'EADDRINUSE');
      return true;
    });
    // The same port for two listeners of one call: the second is in use.
    const free = net.createServer();
    free.listen(0, '127.0.0.1');
    await once(free, 'listening');
    const freePort = free.address().port;
    await new Promise((resolve) => free.close(resolve));
    await assert.rejects(listen({ tcp: freePort, ws: freePort }, attach), new RegExp(`port ${freePort} on 127\\.0\\.0\\.1 is already in use`));
    // ... and the listener that did open was closed again: the port is free.
    const again = await listen({ tcp: freePort }, attach);
    await again.close();
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});

test('close(): stops accepting, destroys every open connection, closed() once each', { skip: noOpenssl }, async () => {
  const { log, attach } = echoBroker();
  const listener = await listen({ tcp: 0, ws: 0, tls: 0, wss: 0, key: pem.key, cert: pem.cert }, attach);
  const { addresses } = listener;
  assert.deepEqual(Object.keys(addresses).sort(), ['tcp', 'tls', 'ws', 'wss']);
  const tcp = await connectTcp(addresses.tcp.port);
  const tlsSocket = await connectTls(addresses.tls.port);
  const ws = await openWs(`ws://127.0.0.1:${addresses.ws.port}`, ['mqtt']);
  const wss = await openWs(`wss://localhost:${addresses.wss.port}`, ['mqtt'], { ca: pem.cert });
  // A socket that never finishes its TLS handshake, and an idle HTTP connection.
  const raw = await connectTcp(addresses.tls.port);
  const idle = await connectTcp(addresses.ws.port);
  await until(() => log.transports.length === 4, 'four attached connections');
  for (const socket of [tcp, tlsSocket, raw, idle]) socket.on('error', () => {});
  const gone = [once(tcp, 'close'), once(tlsSocket, 'close'), once(ws, 'close'), once(wss, 'close'), once(raw, 'close'), once(idle, 'close')];
  await listener.close();
  assert.equal(log.closed, 4);
  assert.ok([...log.closedFor.values()].every((count) => count === 1));
  await Promise.all(gone);
  await assert.rejects(connectTcp(addresses.tcp.port), { code: 'ECONNREFUSED' });
  await assert.rejects(connectTcp(addresses.ws.port), { code: 'ECONNREFUSED' });
  // close() twice is the same promise, already settled.
  await listener.close();
  assert.equal(log.closed, 4);
});

test('close() with no connections, and a broker that closes from inside attach', async () => {
  const listener = await listen({ tcp: 0 }, (transport) => {
    transport.send(bytes(0x20, 0x02, 0x00, 0x03)); // CONNACK: server unavailable (3.1.1)
    transport.close();
    return { receive() {}, closed() {} };
  });
  const socket = await connectTcp(listener.addresses.tcp.port);
  const got = [];
  socket.on('data', (chunk) => got.push(...chunk));
  await once(socket, 'end');
  assert.deepEqual(got, [0x20, 0x02, 0x00, 0x03]);
  socket.end();
  await listener.close();
  const empty = await listen({ ws: 0 }, echoBroker().attach);
  await empty.close();
});
