// Writes the fuzzers' seed corpora: tests/fuzz/seeds/decoder and .../encoder.
// Run after a change to the seed formats: node tests/fuzz/make-seeds.mjs
// (needs the wasm build: npm run build). The files are committed.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { encode } from '../../js/index.js';

const here = new URL('./seeds/', import.meta.url);

// The decoder target's input: [mode][chunking][bytes] (see fuzz_decoder.cpp).
const MODE = { auto: 0, v31: 1, v311: 2, v5: 3 };

const payload = new TextEncoder().encode('{"t":21.5}');

function packetsFor(version) {
  const v5 = version === 5;
  const props = (p) => (v5 ? p : undefined);
  const list = [
    { cmd: 'connect', protocolVersion: version, protocolId: version === 3 ? 'MQIsdp' : 'MQTT', clientId: 'seed', keepalive: 30,
      username: 'u', password: 'p', will: { topic: 'w', payload: 'bye', qos: 1, retain: true, properties: props({ willDelayInterval: 5, contentType: 'c' }) },
      properties: props({ sessionExpiryInterval: 60, receiveMaximum: 10, topicAliasMaximum: 5, userProperties: { a: 'b' }, authenticationMethod: 'm', authenticationData: 'd' }) },
    { cmd: 'connack', sessionPresent: true, returnCode: 0, reasonCode: 0, properties: props({ maximumQoS: 1, retainAvailable: true, assignedClientIdentifier: 'x', serverKeepAlive: 20 }) },
    { cmd: 'publish', topic: 'a/b', payload, qos: 0 },
    { cmd: 'publish', topic: 'a/b', payload, qos: 2, messageId: 7, retain: true, dup: true,
      properties: props({ topicAlias: 3, messageExpiryInterval: 9, responseTopic: 'r', correlationData: 'cd', subscriptionIdentifier: [1, 300], payloadFormatIndicator: true }) },
    { cmd: 'puback', messageId: 7, reasonCode: v5 ? 0x10 : undefined, properties: props({ reasonString: 'r' }) },
    { cmd: 'pubrec', messageId: 7 },
    { cmd: 'pubrel', messageId: 7, reasonCode: v5 ? 0x92 : undefined },
    { cmd: 'pubcomp', messageId: 7 },
    { cmd: 'subscribe', messageId: 8, subscriptions: [{ topic: 'a/+/#', qos: 1, nl: v5, rap: v5, rh: v5 ? 2 : 0 }, { topic: v5 ? '$share/g/x' : 'y', qos: 2 }],
      properties: props({ subscriptionIdentifier: 4, userProperties: { k: ['1', '2'] } }) },
    { cmd: 'suback', messageId: 8, granted: [1, 2, 0x80] },
    { cmd: 'unsubscribe', messageId: 9, unsubscriptions: ['a/+/#', 'y'] },
    { cmd: 'unsuback', messageId: 9, granted: v5 ? [0, 0x11] : undefined },
    { cmd: 'pingreq' },
    { cmd: 'pingresp' },
    { cmd: 'disconnect', reasonCode: v5 ? 0x04 : undefined, properties: props({ sessionExpiryInterval: 0, reasonString: 'bye' }) },
  ];
  if (v5) list.push({ cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: 'm', authenticationData: 'd' } });
  return list.map((p) => encode(p, { protocolVersion: version === 3 ? 4 : version }));
}

function seed(mode, chunking, parts) {
  const total = parts.reduce((n, p) => n + p.length, 2);
  const out = new Uint8Array(total);
  out[0] = mode;
  out[1] = chunking;
  let offset = 2;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

async function writeAll(dir, files) {
  const url = new URL(`${dir}/`, here);
  await rm(url, { recursive: true, force: true });
  await mkdir(url, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) await writeFile(new URL(name, url), bytes);
  console.log(`${Object.keys(files).length} seeds in tests/fuzz/seeds/${dir}`);
}

const decoder = {};
for (const [name, version, mode] of [['v31', 3, MODE.v31], ['v311', 4, MODE.v311], ['v5', 5, MODE.v5]]) {
  const packets = packetsFor(version);
  packets.forEach((p, i) => { decoder[`${name}-packet-${String(i).padStart(2, '0')}`] = seed(mode, 7, [p]); });
  decoder[`${name}-stream`] = seed(mode, 3, packets);
  decoder[`${name}-stream-bytewise`] = seed(mode, 0, packets);
  decoder[`auto-${name}-stream`] = seed(MODE.auto, 5, packets);
}
decoder['small-max-size'] = seed(MODE.v311 | 4, 2, packetsFor(4));
decoder['bad-remaining-length'] = seed(MODE.v311, 1, [new Uint8Array([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])]);
decoder['bad-wildcard-topic'] = seed(MODE.v311, 1, [new Uint8Array([0x30, 0x03, 0x00, 0x01, 0x23])]);
decoder['bad-utf8'] = seed(MODE.v5, 1, [new Uint8Array([0x30, 0x06, 0x00, 0x03, 0xed, 0xa0, 0x80, 0x00])]);
await writeAll('decoder', decoder);

// The encoder target reads its input through FuzzedDataProvider; any bytes are a
// valid input, so its seeds are varied pseudo-random bytes (fixed seed).
let state = 0x2545f491;
const random = () => ((state = (state * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
const encoderSeeds = {};
for (let i = 0; i < 32; i++) {
  const bytes = new Uint8Array(8 + i * 6);
  for (let k = 0; k < bytes.length; k++) bytes[k] = random();
  encoderSeeds[`random-${String(i).padStart(2, '0')}`] = bytes;
}
await writeAll('encoder', encoderSeeds);
