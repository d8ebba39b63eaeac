// connect()'s options: MQTT.js's names and defaults, checked at once with a clear
// error, and what is made of them: the CONNECT the core sends on every connection, the
// core's own options, and the options handed to the transport.
import { shown } from '../errors.js';
import { MAX_PACKET_SIZE } from '../max-packet-size.js';
import { checkBoolean, checkInteger, checkObject, checkPayload, checkQos, checkTopicName, kind } from './requests.js';
import { checkStore } from './store.js';

const UINT16 = 65535;
const UINT32 = 4294967295;

// name: [default, minimum, maximum]
const NUMBERS = {
  keepalive: [60, 0, UINT16],                 // seconds; 0: no keepalive
  reconnectPeriod: [1000, 0, UINT32],         // ms before the first retry; 0: never reconnect
  maxReconnectPeriod: [30000, 0, UINT32],     // ms, the cap of the backoff
  connectTimeout: [30000, 0, UINT32],         // ms from starting an attempt to its CONNACK; 0: none
  maxQueued: [10000, 0, UINT32],              // requests waiting while offline; 0: no limit
  pingTimeout: [0, 0, UINT32],                // ms a PINGRESP may take; 0: the keepalive
};

const BOOLEANS = {
  clean: true,
  resubscribe: true,
  queueQoSZero: true,
  manualConnect: false,
  manualAck: false,
  autoTopicAlias: true,
  reconnectOnConnackError: false,
};

// Passed through to the transport: TLS (mqtts://, wss://) and ws's options in Node.
const TRANSPORT = ['ca', 'cert', 'key', 'passphrase', 'rejectUnauthorized', 'servername', 'ALPNProtocols', 'wsOptions'];
// Where to connect when connect() gets options only, as MQTT.js allows.
const LOCATION = ['protocol', 'host', 'hostname', 'port', 'path'];
// MQTT.js options that mean nothing here and are accepted for an easy switch.
const IGNORED = ['protocolId', 'reschedulePings', 'log', 'forceNativeWebSocket', 'writeCache', 'objectMode',
  'browserBufferSize', 'browserBufferTimeout'];
// MQTT.js options with no counterpart: a clear error rather than a silent difference.
const UNSUPPORTED = {
  incomingStore: 'use `store` (put/del/list, see MemoryStore) for in-flight messages; incoming QoS 2 state is the session\'s',
  outgoingStore: 'use `store` (put/del/list, see MemoryStore)',
  customHandleAcks: 'use `manualAck: true` and client.ack(packet, reasonCode)',
  messageIdProvider: 'the client allocates packet ids itself',
  servers: 'pass a function as the target that returns the URL or transport to try next',
  transformWsUrl: 'pass a function as the target that returns the URL to connect to',
  createWebsocket: 'pass a function as the target that returns a transport',
  socksProxy: 'not supported',
  socksTimeout: 'not supported',
  unixSocket: 'not supported',
  subscribeBatchSize: 'not supported',
  authPacket: 'not supported; answer AUTH with client.auth()',
  auth: 'use `username` and `password`',
  query: 'put it in the URL',
  defaultProtocol: 'put the scheme in the URL',
  keyPath: 'read the file, pass `key`',
  certPath: 'read the file, pass `cert`',
  caPaths: 'read the files, pass `ca`',
  encoding: 'payloads are bytes; decode them yourself',
  binary: 'WebSocket messages are binary',
  my: 'not supported',
};
const KNOWN = new Set(['protocolVersion', 'clientId', 'username', 'password', 'will', 'properties', 'store',
  'timerVariant', 'autoUseTopicAlias', 'autoAssignTopicAlias', ...Object.keys(NUMBERS), ...Object.keys(BOOLEANS),
  ...TRANSPORT, ...LOCATION, ...IGNORED]);

function randomHex(digits) {
  const bytes = new Uint8Array(digits / 2);
  if (globalThis.crypto?.getRandomValues) globalThis.crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function checkWill(will, version) {
  if (checkObject('connect', 'will', will) === undefined) return undefined;
  checkTopicName('connect: will', will.topic);
  const qos = checkQos('connect', will.qos ?? 0, 'will.qos');
  const retain = checkBoolean('connect', 'will.retain', will.retain ?? false);
  const properties = checkObject('connect', 'will.properties', will.properties);
  if (properties !== undefined && version !== 5 && Object.keys(properties).length) {
    throw new TypeError('connect: will.properties need protocolVersion 5');
  }
  return {
    topic: will.topic,
    payload: checkPayload('connect: will', will.payload ?? ''),
    qos,
    retain,
    properties: version === 5 ? properties : undefined,
  };
}

// The options as the client keeps them (client.options): every default filled in.
export function clientOptions(given = {}) {
  checkObject('connect', 'options', given);
  for (const key of Object.keys(given)) {
    if (given[key] === undefined) continue;
    if (key in UNSUPPORTED) throw new TypeError(`connect: option "${key}" is MQTT.js's, not mqtt-wasm's: ${UNSUPPORTED[key]}`);
    if (!KNOWN.has(key)) throw new TypeError(`connect: unknown option "${key}"`);
  }
  const o = { ...given };
  const version = given.protocolVersion ?? 4;
  if (version !== 4 && version !== 5) {
    throw new RangeError(`connect: protocolVersion must be 4 (MQTT 3.1.1) or 5 (MQTT 5.0), not ${shown(version)}`);
  }
  o.protocolVersion = version;
  for (const [name, [fallback, min, max]] of Object.entries(NUMBERS)) {
    o[name] = checkInteger('connect', name, given[name] ?? fallback, min, max);
  }
  if (given.maxReconnectPeriod === undefined) o.maxReconnectPeriod = Math.max(o.maxReconnectPeriod, o.reconnectPeriod);
  else if (o.maxReconnectPeriod < o.reconnectPeriod) {
    throw new RangeError(`connect: maxReconnectPeriod (${o.maxReconnectPeriod}) must be at least reconnectPeriod (${o.reconnectPeriod})`);
  }
  // MQTT.js's two topic alias switches mean one thing here.
  const aliasGiven = given.autoTopicAlias ?? given.autoAssignTopicAlias ?? given.autoUseTopicAlias;
  for (const [name, fallback] of Object.entries(BOOLEANS)) {
    o[name] = checkBoolean('connect', name, name === 'autoTopicAlias' ? aliasGiven ?? fallback : given[name] ?? fallback);
  }
  delete o.autoAssignTopicAlias;
  delete o.autoUseTopicAlias;
  o.clientId = given.clientId ?? `mqttw_${randomHex(8)}`;
  if (typeof o.clientId !== 'string') throw new TypeError(`connect: clientId must be a string, not ${kind(o.clientId)}`);
  if (given.username !== undefined && typeof given.username !== 'string') {
    throw new TypeError(`connect: username must be a string, not ${kind(given.username)}`);
  }
  if (given.password !== undefined && typeof given.password !== 'string' && !(given.password instanceof Uint8Array)) {
    throw new TypeError(`connect: password must be a string or a Uint8Array, not ${kind(given.password)}`);
  }
  o.will = checkWill(given.will, version);
  o.properties = checkObject('connect', 'properties', given.properties);
  if (o.properties !== undefined && version !== 5 && Object.keys(o.properties).length) {
    throw new TypeError('connect: properties need protocolVersion 5');
  }
  if (given.store !== undefined) checkStore(given.store);
  o.timerVariant = given.timerVariant ?? 'auto';
  if (!['auto', 'worker', 'native'].includes(o.timerVariant)) {
    throw new TypeError(`connect: timerVariant must be 'auto', 'worker' or 'native', not ${shown(o.timerVariant)}`);
  }
  checkObject('connect', 'wsOptions', given.wsOptions);
  return o;
}

// The CONNECT sent on every connection.
export function connectPacket(o) {
  return {
    cmd: 'connect',
    protocolVersion: o.protocolVersion,
    clientId: o.clientId,
    clean: o.clean,
    keepalive: o.keepalive,
    username: o.username,
    password: o.password,
    will: o.will,
    properties: o.protocolVersion === 5 ? o.properties : undefined,
  };
}

export function coreOptions(o) {
  return {
    maxPacketSize: o.properties?.maximumPacketSize ?? MAX_PACKET_SIZE,
    maxQueued: o.maxQueued,
    queueQoSZero: o.queueQoSZero,
    autoTopicAlias: o.autoTopicAlias,
    manualAck: o.manualAck,
    resubscribe: o.resubscribe,
    pingTimeout: o.pingTimeout,
  };
}

export function transportOptions(o) {
  const t = { ...o.wsOptions };
  for (const name of TRANSPORT) if (name !== 'wsOptions' && o[name] !== undefined) t[name] = o[name];
  return t;
}

// MQTT.js's connect({ protocol, host, port, path }) with no URL.
export function locationUrl(o) {
  const protocol = String(o.protocol ?? 'mqtt').replace(/:$/, '');
  const host = o.hostname ?? o.host ?? 'localhost';
  const port = o.port !== undefined ? `:${o.port}` : '';
  const path = o.path ?? (protocol === 'ws' || protocol === 'wss' ? '/mqtt' : '');
  return `${protocol}://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}${port}${path}`;
}
