// bench/codec: our codec against mqtt-packet, in one process, alternating rounds.
//   (a) decode 100k small QoS 0 PUBLISH packets fed in 64 KiB chunks   packets/s
//   (b) decode 2,000 PUBLISH packets with 64 KiB payloads, fed three ways  MB/s
//   (c) encode 100k small PUBLISH packets                               packets/s
//   (d) a mixed stream of 5.0 packets with properties, decode and encode  packets/s
// Usage: npm run bench            (ROUNDS=15 for more rounds)
import mqttPacket from 'mqtt-packet';
import { createDecoder, encode } from '../js/index.js';
import { compare, machine, printTable } from './harness.js';

const ROUNDS = Number(process.env.ROUNDS ?? 9);
const CHUNK = 64 * 1024;

// Both decoders get the same Node Buffers, as a socket would hand them out.
function chunked(bytes, size = CHUNK) {
  const chunks = [];
  for (let offset = 0; offset < bytes.length; offset += size) {
    chunks.push(Buffer.from(bytes.subarray(offset, offset + size)));
  }
  return chunks;
}

function concat(parts) {
  const total = parts.reduce((sum, p) => sum + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function decodeOurs(chunks, protocolVersion) {
  const decoder = createDecoder({ protocolVersion });
  let count = 0;
  for (const chunk of chunks) count += decoder.push(chunk).length;
  decoder.dispose();
  return count;
}

function decodePeer(chunks, protocolVersion) {
  const parser = mqttPacket.parser({ protocolVersion });
  let count = 0;
  parser.on('packet', () => count++);
  parser.on('error', (err) => { throw err; });
  for (const chunk of chunks) parser.parse(chunk);
  return count;
}

function expectCount(name, got, want) {
  if (got !== want) throw new Error(`${name}: decoded ${got} packets, expected ${want}`);
  return got;
}

// ---------------------------------------------------------------- (a)
function smallPublishDecode() {
  const count = 100_000;
  const one = encode({ cmd: 'publish', topic: 'sensors/room1/temp', payload: new Uint8Array(16).fill(0x42) });
  const chunks = chunked(concat(Array(count).fill(one)));
  return compare({
    name: '(a) decode 100k small QoS 0 PUBLISH, 64 KiB chunks',
    unit: 'packets',
    rounds: ROUNDS,
    ours: () => expectCount('ours', decodeOurs(chunks, 4), count),
    peer: () => expectCount('mqtt-packet', decodePeer(chunks, 4), count),
  });
}

// ---------------------------------------------------------------- (b)
// Three ways the same bytes arrive:
//   one packet per chunk   as WebSocket messages carry MQTT (one packet each, usually)
//   1 MiB chunks           a fast TCP reader; most payloads lie inside one chunk
//   64 KiB chunks          Node's TCP reads; every 64 KiB payload straddles two
//                          chunks, so both decoders must copy it into one buffer
function largePublishDecode() {
  const count = 2000;
  const one = encode({ cmd: 'publish', topic: 'sensors/room1/blob', qos: 1, messageId: 1, payload: new Uint8Array(64 * 1024).fill(7) });
  const stream = concat(Array(count).fill(one));
  const megabytes = stream.length / 1e6;
  // Each feeding is made just before its rounds, so that only one is in memory.
  // Where payloads are views a pass takes a few ms, so a round is several passes.
  const feedings = [
    ['one packet per chunk', 25, () => Array.from({ length: count }, () => Buffer.from(one))],
    ['1 MiB chunks', 25, () => chunked(stream, 1 << 20)],
    ['64 KiB chunks', 5, () => chunked(stream, CHUNK)],
  ];
  return feedings.map(([how, passes, feed]) => {
    const chunks = feed();
    const repeat = (decode, who) => () => {
      for (let i = 0; i < passes; i++) expectCount(who, decode(chunks, 4), count);
      return passes * megabytes;
    };
    return compare({
      name: `(b) decode 2,000 PUBLISH with 64 KiB payloads, ${how}`,
      unit: 'MB',
      rounds: ROUNDS,
      ours: repeat(decodeOurs, 'ours'),
      peer: repeat(decodePeer, 'mqtt-packet'),
    });
  });
}

// ---------------------------------------------------------------- (c)
function smallPublishEncode() {
  const count = 100_000;
  const packet = { cmd: 'publish', topic: 'sensors/room1/temp', qos: 0, payload: Buffer.alloc(16, 0x42) };
  return compare({
    name: '(c) encode 100k small QoS 0 PUBLISH',
    unit: 'packets',
    rounds: ROUNDS,
    ours: () => {
      let bytes = 0;
      for (let i = 0; i < count; i++) bytes += encode(packet).length;
      return bytes && count;
    },
    peer: () => {
      let bytes = 0;
      for (let i = 0; i < count; i++) bytes += mqttPacket.generate(packet).length;
      return bytes && count;
    },
  });
}

// ---------------------------------------------------------------- (d)
// What a 5.0 client sees and sends in a busy session: PUBLISH with properties (most),
// their acknowledgements with reason strings, subscriptions with identifiers, pings.
function mixedPackets(count) {
  const packets = [];
  for (let i = 0; i < count; i++) {
    const messageId = (i % 65535) + 1;
    switch (i % 10) {
      case 0: case 1: case 2: case 3: case 4:
        packets.push({
          cmd: 'publish', topic: `factory/line${i % 8}/machine${i % 32}/status`, qos: 1, messageId, retain: false, dup: false,
          payload: Buffer.from(`{"state":"running","rpm":${1000 + (i % 500)}}`),
          properties: {
            payloadFormatIndicator: true, messageExpiryInterval: 3600, contentType: 'application/json',
            responseTopic: 'factory/replies', correlationData: Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]),
            userProperties: { site: 'plant-7', shift: 'night' },
          },
        });
        break;
      case 5:
        packets.push({ cmd: 'publish', topic: 'alerts/temperature', qos: 0, retain: false, dup: false, payload: Buffer.from('71.5'), properties: { topicAlias: 3, subscriptionIdentifier: 12 } });
        break;
      case 6:
        packets.push({ cmd: 'puback', messageId, reasonCode: 0x10, properties: { reasonString: 'no matching subscribers' } });
        break;
      case 7:
        packets.push({
          cmd: 'subscribe', messageId,
          subscriptions: [{ topic: 'factory/+/machine7/#', qos: 1, nl: false, rap: true, rh: 1 }, { topic: '$share/workers/jobs/#', qos: 2, nl: false, rap: false, rh: 0 }],
          properties: { subscriptionIdentifier: 42, userProperties: { client: 'dashboard' } },
        });
        break;
      case 8:
        packets.push({ cmd: 'suback', messageId, granted: [1, 2], properties: { reasonString: 'ok' } });
        break;
      default:
        packets.push({ cmd: 'pingreq' });
    }
  }
  return packets;
}

function mixedDecode() {
  const count = 50_000;
  const stream = concat(mixedPackets(count).map((p) => encode(p, { protocolVersion: 5 })));
  const chunks = chunked(stream);
  return compare({
    name: '(d) decode a mixed 5.0 stream with properties, 64 KiB chunks',
    unit: 'packets',
    rounds: ROUNDS,
    ours: () => expectCount('ours', decodeOurs(chunks, 5), count),
    peer: () => expectCount('mqtt-packet', decodePeer(chunks, 5), count),
  });
}

function mixedEncode() {
  const packets = mixedPackets(50_000);
  const options = { protocolVersion: 5 };
  return compare({
    name: '(d) encode a mixed 5.0 stream with properties',
    unit: 'packets',
    rounds: ROUNDS,
    ours: () => {
      let bytes = 0;
      for (const p of packets) bytes += encode(p, options).length;
      return bytes && packets.length;
    },
    peer: () => {
      let bytes = 0;
      for (const p of packets) bytes += mqttPacket.generate(p, options).length;
      return bytes && packets.length;
    },
  });
}

const results = [];
for (const run of [smallPublishDecode, largePublishDecode, smallPublishEncode, mixedDecode, mixedEncode]) {
  results.push(...[run()].flat());
}
console.log(`\nmachine: ${machine()}`);
console.log(`date: ${new Date().toISOString()}`);
console.log(`rounds: ${ROUNDS} measured after 2 warm-up rounds, order alternating`);
printTable('Codec: mqtt-wasm vs mqtt-packet', 'mqtt-packet', results);
