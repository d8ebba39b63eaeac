// Writes the fuzzers' seed corpora: tests/fuzz/seeds/decoder, .../wire, .../encoder and .../broker.
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

// The wire target's input: [limit][bytes] (see fuzz_wire.cpp): the decoder's packets
// and streams, with its small maximum (64 bytes) for small-max-size.
const wireSeeds = {};
for (const [name, bytes] of Object.entries(decoder)) {
  if (name.startsWith('auto-') || name.endsWith('-bytewise')) continue;
  wireSeeds[name] = Uint8Array.of(name === 'small-max-size' ? 16 : 0, ...bytes.subarray(2));
}
await writeAll('wire', wireSeeds);

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

// The broker target's input: [options][more options] then steps (see fuzz_broker.cpp).
// Packets go to connection 0, 1 or 2 in chunks of at most 255 bytes.
const step = {
  bytes(conn, packet) {
    const out = [];
    for (let i = 0; i < packet.length; i += 255) {
      const part = packet.subarray(i, i + 255);
      out.push(new Uint8Array([conn, part.length]), part);
    }
    if (packet.length === 0) out.push(new Uint8Array([conn, 0]));
    return out;
  },
  tick: (tenths) => [new Uint8Array([40 << 2, tenths])],
  longTick: (tens) => [new Uint8Array([44 << 2, tens])],
  answer: (which, code, data = []) => [new Uint8Array([48 << 2, which, code, data.length, ...data])],
  hangUp: (conn) => [new Uint8Array([(56 << 2) | conn])],
  open: (conn) => [new Uint8Array([(60 << 2) | conn])],
  shutdown: () => [new Uint8Array([63 << 2])],
};
const p4 = (packet) => encode(packet, { protocolVersion: 4 });
const p5 = (packet) => encode(packet, { protocolVersion: 5 });
const conn = (id, version, extra = {}) => encode({ cmd: 'connect', protocolVersion: version, protocolId: 'MQTT', clientId: id, clean: true, keepalive: 0, ...extra }, { protocolVersion: version });
const brokerSeed = (a, b, steps) => {
  const parts = [new Uint8Array([a, b]), ...steps.flat()];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) { out.set(p, offset); offset += p.length; }
  return out;
};
// The 3.1.1 and 5.0 conversation: subscribe, publish at each QoS, acknowledge.
const conversation = (version, p) => {
  const v5 = version === 5;
  const props = (x) => (v5 ? x : undefined);
  return [
    step.bytes(0, conn('a', version, { clean: false, properties: props({ sessionExpiryInterval: 60, receiveMaximum: 2 }) })),
    step.bytes(0, p({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 't/#', qos: 2 }, { topic: 't/+', qos: 1 }], properties: props({ subscriptionIdentifier: 5 }) })),
    step.bytes(1, conn('b', version, { will: { topic: 't/will', payload: 'bye', qos: 1, retain: true, properties: props({ willDelayInterval: 1 }) } })),
    step.bytes(1, p({ cmd: 'publish', topic: 't/0', payload: 'zero', qos: 0, retain: true })),
    step.bytes(1, p({ cmd: 'publish', topic: 't/1', payload: 'one', qos: 1, messageId: 1, properties: props({ messageExpiryInterval: 5, userProperties: { k: 'v' }, topicAlias: 1 }) })),
    step.bytes(1, p({ cmd: 'publish', topic: v5 ? '' : 't/1', payload: 'alias', qos: 0, properties: props({ topicAlias: 1 }) })),
    step.bytes(1, p({ cmd: 'publish', topic: 't/2', payload: 'two', qos: 2, messageId: 2 })),
    step.bytes(0, p({ cmd: 'puback', messageId: 1 })),
    step.bytes(0, p({ cmd: 'pubrec', messageId: 2 })),
    step.bytes(1, p({ cmd: 'pubrel', messageId: 2 })),
    step.bytes(0, p({ cmd: 'pubcomp', messageId: 2 })),
    step.bytes(2, conn('c', version)),
    step.bytes(2, p({ cmd: 'subscribe', messageId: 3, subscriptions: [{ topic: '$share/g/t/#', qos: 1 }, { topic: '$SYS/#', qos: 0 }] })),
    step.bytes(2, p({ cmd: 'unsubscribe', messageId: 4, unsubscriptions: ['$SYS/#', 'nothing'] })),
    step.bytes(2, p({ cmd: 'pingreq' })),
    step.hangUp(1),
    step.tick(20),
    step.hangUp(0),
    step.bytes(1, conn('a', version, { clean: false, properties: props({ sessionExpiryInterval: 60 }) })),
    step.bytes(1, p({ cmd: 'disconnect', reasonCode: v5 ? 0x04 : undefined })),
    step.longTick(10),
  ];
};
const broker = {};
broker['v311-conversation'] = brokerSeed(0, 0x40, conversation(4, p4));
broker['v5-conversation'] = brokerSeed(0, 0x40, conversation(5, p5));
broker['v5-small-limits'] = brokerSeed(0x30 | 0x40 | 0x80, 0x3f, conversation(5, p5));
broker['mixed-versions'] = brokerSeed(0, 0, [
  step.bytes(0, conn('old', 4)),
  step.bytes(1, conn('new', 5, { properties: { maximumPacketSize: 64, topicAliasMaximum: 2 } })),
  step.bytes(1, p5({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'x/#', qos: 1, nl: true, rap: true, rh: 1 }] })),
  step.bytes(0, p4({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'x/#', qos: 2 }] })),
  step.bytes(0, p4({ cmd: 'publish', topic: 'x/big', payload: 'x'.repeat(300), qos: 1, messageId: 9 })),
  step.bytes(1, p5({ cmd: 'publish', topic: 'x/y', payload: 'y', qos: 1, messageId: 9, retain: true })),
  step.bytes(0, p4({ cmd: 'pingreq' })),
]);
broker['hooks'] = brokerSeed(0x07, 0, [
  step.bytes(0, new Uint8Array([...conn('h', 5, { username: 'u', password: 'p' }),
    ...p5({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'h/#', qos: 1 }] }),
    ...p5({ cmd: 'publish', topic: 'h/1', payload: 'x', qos: 1, messageId: 1 })])),
  step.answer(0x80, 0),
  step.answer(0x80, 2),
  step.answer(0x80, 0),
  step.bytes(1, conn('h2', 4, { will: { topic: 'h/w', payload: 'w', qos: 0, retain: false } })),
  step.answer(0x80, 0),
  step.answer(0x80, 5),
]);
broker['enhanced-auth'] = brokerSeed(0x08, 0, [
  step.bytes(0, conn('e', 5, { properties: { authenticationMethod: 'M', authenticationData: 'd1' } })),
  step.answer(0x80, 4, [0x73, 0x31]),
  step.bytes(0, p5({ cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: 'M', authenticationData: 'd2' } })),
  step.answer(0x80, 0, [0x6f, 0x6b]),
  step.bytes(0, p5({ cmd: 'auth', reasonCode: 0x19, properties: { authenticationMethod: 'M' } })),
  step.answer(0x80, 5),
]);
broker['keepalive-and-timeouts'] = brokerSeed(0, 0x90, [
  step.open(0),
  step.bytes(1, conn('k', 5, { keepalive: 2, will: { topic: 'w', payload: 'w', qos: 0, retain: false } })),
  step.bytes(2, conn('k', 4, { keepalive: 9 })),
  step.tick(30),
  step.longTick(1),
]);
broker['shutdown'] = brokerSeed(0, 0, [
  step.bytes(0, conn('s1', 5)),
  step.bytes(1, conn('s2', 4)),
  step.shutdown(),
  step.bytes(2, conn('s3', 5)),
  step.open(2),
]);
broker['bad-input'] = brokerSeed(0, 0, [
  step.bytes(0, conn('bad', 5)),
  step.bytes(0, new Uint8Array([0x30, 0xff, 0xff, 0xff, 0x7f])),
  step.bytes(1, conn('bad', 4)),
  step.bytes(1, new Uint8Array([0x36, 0x06, 0x00, 0x01, 0x74, 0x00, 0x01, 0x78])),
  step.bytes(2, new Uint8Array([0x47, 0x45, 0x54, 0x20])),
]);
// A CONNECT of "MQIsdp" at level 5, which the oracle once read at the wrong level.
broker['regress-mqisdp-level-5'] = new Uint8Array(Buffer.from(
  '00000011100f00064d5149736470050000000273310110100e00045051545404000273330273' +
  '32fc0211100fd800044d515454027334f2', 'hex'));
// A level-5 CONNECT whose long protocol name puts the level byte past the 16 bytes the
// broker reads it from (answered in the 3.1.1 form), found the same way.
broker['regress-long-protocol-name'] = new Uint8Array(Buffer.from(
  '00000000' + '0011100f00044d5127540402000000036f6c64' +
  '011a1018001110eda0800f00044d5154e900044d5154d40502000008', 'hex'));
await writeAll('broker', broker);
