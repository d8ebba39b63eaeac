// What the client contract suite (client-contract.js) is run with: the clients under test
// (ours from js/index.js, and MQTT.js to check that the suite asks only what a client
// following MQTT.js's behaviour does), the targets (Mosquitto and our broker, over TCP,
// WebSocket and the local transport), and small helpers for watching a client.
import mqtt from 'mqtt';
import * as ours from '../../js/index.js';
import { boundary } from '../../js/wasm/boundary.js';
import { startLink, localLink } from './client-peers.js';
import { until } from './broker-peers.js';

// A client under test: connect() returns at once, connectAsync() resolves after CONNACK.
// Options use the names of the brief's API; mqttjs maps the few that differ.
export const ourClient = {
  name: 'mqtt-wasm',
  local: true,  // takes a transport factory (broker.connectLocal) as its target
  // (while the client is being built: the API exists and the wasm has the client in it)
  available: () => typeof ours.connectAsync === 'function' && typeof boundary.module._mqttw_client_new === 'function',
  connect: (target, options) => ours.connect(target, options),
  connectAsync: (target, options) => ours.connectAsync(target, options),
};

// A test's skip reason while `client` is not built yet, else false.
export const notBuilt = (client) => (client.available() ? false
  : `${client.name} is not built yet (no connectAsync in js/index.js, or no client in js/wasm/mqttw.wasm)`);

function mqttjsOptions(options) {
  const o = { ...options };
  if ('autoTopicAlias' in o) {
    o.autoAssignTopicAlias = o.autoTopicAlias;
    delete o.autoTopicAlias;
  }
  return o;
}

export const mqttjsClient = {
  name: 'MQTT.js',
  local: false,
  // What MQTT.js 5 is known not to do, as the tests that need it say when they skip.
  gaps: {
    receiveMaximum: "MQTT.js sends past the server's Receive Maximum (Mosquitto answers PUBACK 0x97, ours disconnects with 0x93)",
  },
  available: () => true,
  connect: (target, options) => mqtt.connect(target, mqttjsOptions(options)),
  // allowRetries false: a refused CONNECT rejects instead of being retried.
  connectAsync: (target, options) => mqtt.connectAsync(target, mqttjsOptions(options), false),
};

// The clients the suite runs with: CONTRACT_CLIENT=ours (the default), mqttjs or both.
export function contractClients() {
  const which = process.env.CONTRACT_CLIENT ?? 'ours';
  const list = { ours: [ourClient], mqttjs: [mqttjsClient], both: [ourClient, mqttjsClient] }[which];
  if (!list) throw new Error(`CONTRACT_CLIENT must be ours, mqttjs or both, not "${which}"`);
  return list;
}

/**
 * The targets the suite runs against, from a running peer (startMosquitto() or
 * startOurBroker() of client-peers.js). Each target:
 *   name, kind ('tcp' | 'ws' | 'local'), url (a URL, or a transport factory for 'local'),
 *   link() a cuttable link to it (see startLink / localLink) whose .target a client takes,
 *   running() / kill() / start() the server goes away (for Mosquitto SIGKILL by PID, for ours close())
 *     and comes back on the same ports, sessions lost,
 *   goodbye: the reason code a 5.0 client gets in a DISCONNECT when the server goes
 *     away (ours says 0x8B, server shutting down; a killed Mosquitto says nothing),
 *   topicAliasMaximum: what the server's CONNACK advertises,
 *   bigPayload: the size of the largest message the suite sends through it.
 */
export function mosquittoTargets(m) {
  const common = { kill: () => m.kill('SIGKILL'), start: () => m.start(), running: () => m.running, goodbye: undefined, topicAliasMaximum: 10, bigPayload: 1024 * 1024 };
  return [
    { ...common, name: 'Mosquitto TCP', kind: 'tcp', url: m.tcpUrl, link: () => networkLink('mqtt', m.tcpPort) },
    // Mosquitto 2.0.11 writes to WebSocket clients at about 40 KB/s (measured here: a
    // 64 KiB message takes 1.5 s to arrive, 1 MiB takes 25 s), so nothing bigger there.
    { ...common, name: 'Mosquitto WS', kind: 'ws', url: m.wsUrl, link: () => networkLink('ws', m.wsPort), bigPayload: 64 * 1024 },
  ];
}

export function ourTargets(o) {
  const common = { kill: () => o.kill(), start: () => o.start(), running: () => o.running, goodbye: 0x8b, topicAliasMaximum: 10, bigPayload: 1024 * 1024 };
  return [
    { ...common, name: 'ours TCP', kind: 'tcp', url: o.tcpUrl, link: () => networkLink('mqtt', o.tcpPort) },
    { ...common, name: 'ours WS', kind: 'ws', url: o.wsUrl, link: () => networkLink('ws', o.wsPort) },
    { ...common, name: 'ours local', kind: 'local', url: o.local, link: async () => localLink(o.local) },
  ];
}

async function networkLink(scheme, port) {
  const link = await startLink(port);
  link.target = `${scheme}://127.0.0.1:${link.port}`;
  return link;
}

// Records what a client emits, from the moment it is made.
export function watch(client) {
  const events = [];
  const names = ['connect', 'message', 'reconnect', 'offline', 'close', 'disconnect', 'error', 'end', 'packetsend'];
  for (const name of names) client.on(name, (...args) => events.push({ name, args }));
  const all = (name) => events.filter((e) => e.name === name);
  return {
    events,
    count: (name) => all(name).length,
    args: (name, i = 0) => all(name)[i]?.args,
    async wait(name, n = 1, ms = 5000) {
      await until(() => all(name).length >= n, `'${name}' event #${n}`, ms);
      return all(name)[n - 1].args;
    },
  };
}

// The messages a client received: { topic, payload, packet }.
export function inbox(client) {
  const got = [];
  client.on('message', (topic, payload, packet) => got.push({ topic, payload, packet }));
  return {
    got,
    on: (topic) => got.filter((m) => m.topic === topic),
    async wait(topic, n = 1, ms = 5000) {
      await until(() => got.filter((m) => m.topic === topic).length >= n, `${n} message(s) on ${topic} (have ${got.filter((m) => m.topic === topic).length})`, ms);
      return got.filter((m) => m.topic === topic)[n - 1];
    },
    async count(n, ms = 5000) {
      await until(() => got.length >= n, `${n} messages (have ${got.length})`, ms);
    },
  };
}

// Bytes equal, whatever the view (Buffer, Uint8Array).
export function sameBytes(actual, expected, what) {
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const e = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (!a.equals(e)) {
    throw new Error(`${what}: payload differs (got ${a.length} bytes ${a.subarray(0, 16).toString('hex')}..., want ${e.length} bytes ${e.subarray(0, 16).toString('hex')}...)`);
  }
}

// Resolves with the value of `promise`, or fails after ms saying `what`.
export function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms); }),
  ]);
}
