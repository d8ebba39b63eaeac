// The broker over TLS and secure WebSocket, reached by MQTT.js with the test's own
// self-signed certificate as the trusted CA.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { createBroker } from '../../js/index.js';
import { certificate } from './test-certificate.js';

const made = certificate();

test('MQTT.js 5.0 over mqtts:// and 3.1.1 over wss:// through one broker', { skip: made.missing ?? false }, async () => {
  const broker = await createBroker({ sysInterval: 0 });
  const clients = [];
  try {
    const { tls, wss } = await broker.listen({ tls: 0, wss: 0, ...made.pem });
    const secure = { ca: made.pem.cert, servername: 'localhost', rejectUnauthorized: true, reconnectPeriod: 0 };
    const sub = await mqtt.connectAsync(`mqtts://localhost:${tls.port}`, { ...secure, protocolVersion: 5 });
    clients.push(sub);
    await sub.subscribeAsync('secure/#', { qos: 1 });
    const got = new Promise((resolve) => sub.on('message', (topic, payload) => resolve(`${topic} ${payload}`)));
    const pub = await mqtt.connectAsync(`wss://localhost:${wss.port}`, { ...secure, protocolVersion: 4 });
    clients.push(pub);
    await pub.publishAsync('secure/door', 'locked', { qos: 1 });
    assert.equal(await got, 'secure/door locked');
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker.close();
  }
});

test('listen() refuses tls without a key and cert, with a clear error', async () => {
  const broker = await createBroker({ sysInterval: 0 });
  try {
    await assert.rejects(broker.listen({ tls: 0 }), /key and options\.cert/);
  } finally {
    await broker.close();
  }
});
