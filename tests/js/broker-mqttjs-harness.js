// The harness of the MQTT.js suites (broker-mqttjs*.test.js): a broker per test on free
// TCP and WebSocket ports, MQTT.js clients that record every packet they send and receive,
// and a scenario table run over each transport and protocol version.
//
// What MQTT.js shows of the wire is what the suites check: its 'packetsend' and
// 'packetreceive' events carry mqtt-packet objects, so reason codes, properties and topic
// aliases are asserted on the packets themselves, not only on delivered messages.
import { test } from 'node:test';
import mqtt from 'mqtt';
import { createBroker } from '../../js/index.js';
import { until } from './broker-peers.js';

export const TRANSPORTS = ['tcp', 'ws'];
export const VERSIONS = [4, 5];
export const NAME = { 4: '3.1.1', 5: '5.0' };

let idCounter = 0;
export const uniqueId = (prefix) => `${prefix}-${process.pid}-${++idCounter}`;

// A broker with `options`, listening on TCP and WebSocket, and a `connect` that makes
// MQTT.js clients of one transport and protocol version. Every client records what it
// saw; all of them are force-closed, and the broker closed, when `body` ends.
export async function withBroker(options, { transport, version, t }, body) {
  const broker = await createBroker({ sysInterval: 0, ...options });
  const clients = [];
  const cleanUp = async () => {
    for (const c of clients.splice(0)) c.end(true);
    await broker.close();
  };
  // On a test timeout `body` is abandoned and `finally` below never runs: the after hook
  // still closes everything, so that node --test can exit.
  t.after(cleanUp);
  try {
    const addrs = await broker.listen({ tcp: 0, ws: 0, host: '127.0.0.1' });
    const url = transport === 'tcp' ? `mqtt://127.0.0.1:${addrs.tcp.port}` : `ws://127.0.0.1:${addrs.ws.port}`;
    const h = {
      broker,
      version,
      v5: version === 5,
      // Starts a client (not yet connected): see `connected` to wait for its CONNACK.
      client(opts = {}) {
        const client = mqtt.connect(url, {
          protocolVersion: version,
          clientId: uniqueId('c'),
          reconnectPeriod: 0,
          connectTimeout: 4000,
          keepalive: 30,
          ...opts,
        });
        const rec = { messages: [], sent: [], received: [], errors: [], disconnects: [], closes: 0 };
        client.on('message', (topic, payload, packet) => rec.messages.push({ topic, payload: payload.toString(), packet }));
        client.on('packetsend', (p) => rec.sent.push({ ...p, properties: p.properties && { ...p.properties } }));
        client.on('packetreceive', (p) => rec.received.push(p));
        client.on('error', (err) => rec.errors.push(err));
        client.on('disconnect', (p) => rec.disconnects.push(p));
        client.on('close', () => { rec.closes += 1; });
        client.rec = rec;
        clients.push(client);
        return client;
      },
      // A connected client; its CONNACK is client.connack.
      async connect(opts) {
        const client = h.client(opts);
        client.connack = await connected(client);
        return client;
      },
    };
    await body(h);
  } finally {
    await cleanUp();
  }
}

// Resolves with the CONNACK once `client` is connected; rejects with its first error,
// or when its connection closes first.
export function connected(client) {
  return new Promise((resolve, reject) => {
    const done = () => {
      client.off('connect', onConnect);
      client.off('error', onError);
      client.off('close', onClose);
    };
    const onConnect = (connack) => { done(); resolve(connack); };
    const onError = (err) => { done(); reject(err); };
    const onClose = () => { done(); reject(new Error('connection closed before CONNACK')); };
    client.on('connect', onConnect);
    client.on('error', onError);
    client.on('close', onClose);
  });
}

export const payloads = (client) => client.rec.messages.map((m) => m.payload);
export const receivedOf = (client, cmd) => client.rec.received.filter((p) => p.cmd === cmd);
export const sentOf = (client, cmd) => client.rec.sent.filter((p) => p.cmd === cmd);

export async function messagesUntil(client, count, what, ms) {
  await until(() => client.rec.messages.length >= count, what, ms);
  return client.rec.messages;
}

// A publish from `publisher` that `probe` also receives, after everything published
// before it: proof that nothing else is still on its way to `probe`.
export async function fence(publisher, probe, topic = 'fence') {
  const before = probe.rec.messages.length;
  const marker = `fence ${++idCounter}`;
  await probe.subscribeAsync(topic, { qos: 1 });
  await publisher.publishAsync(topic, marker, { qos: 1 });
  await until(() => probe.rec.messages.slice(before).some((m) => m.payload === marker), `the fence message on ${topic}`);
  probe.rec.messages = probe.rec.messages.filter((m) => m.payload !== marker);
}

// The scenario table: scenario(name, { versions, transports, options }, body(h)) adds one;
// runScenarios() makes a test of each, on every version and transport it names (all by
// default), and empties the table.
const SCENARIOS = [];
export const scenario = (name, where, body) => SCENARIOS.push({ name, where, body });

export function runScenarios() {
  for (const { name, where, body } of SCENARIOS.splice(0)) {
    for (const version of where.versions ?? VERSIONS) {
      for (const transport of where.transports ?? TRANSPORTS) {
        // A timeout, so that a peer waiting forever fails the test instead of hanging the run.
        test(`MQTT.js ${NAME[version]} over ${transport}: ${name}`, { timeout: 20000 }, async (t) => {
          await withBroker(where.options ?? {}, { transport, version, t }, body);
        });
      }
    }
  }
}
