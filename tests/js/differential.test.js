// Differential tests against mqtt-packet 9, the codec most of the JS ecosystem uses:
// random valid packets (random-packets.js) for MQTT 3.1, 3.1.1 and 5.0, each checked
// against what it must decode to (packet-compare.js, expected()):
//   our encode       -> mqtt-packet's parser
//   mqtt-packet's generate() -> our decoder
//   our encode       -> our decoder
//   mqtt-packet's generate() -> mqtt-packet's parser   (checks the expectation itself)
// Valid packets that mqtt-packet mishandles (mqttPacketCannot()) skip mqtt-packet in
// that direction only; each version still gets COUNT packets checked both ways.
// Then the whole stream of each side goes through one of our decoders in random chunks.
//
// Reproduce a run: SEED=<n> [COUNT=<n>] node --test tests/js/differential.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqttPacket from 'mqtt-packet';
import { encode, createDecoder } from '../../js/index.js';
import { makeRandom, randomPacket, mqttPacketCannot, ALLOWED, CMDS } from './random-packets.js';
import { normalize, expected, describe, forMqttPacket, mqttPacketParse, assertOurShape } from './packet-compare.js';

const SEED = Number(process.env.SEED ?? 20261124);
const COUNT = Number(process.env.COUNT ?? 10000);
if (!Number.isSafeInteger(SEED) || !Number.isSafeInteger(COUNT)) throw new TypeError('SEED and COUNT must be integers');
console.log(`# differential: SEED=${SEED} COUNT=${COUNT}; reproduce with SEED=${SEED} node --test tests/js/differential.test.js`);

const NAMES = { 3: '3.1', 4: '3.1.1', 5: '5.0' };

// Runs `run`, and names the packet in any failure.
function step(what, packet, run) {
  try {
    return run();
  } catch (err) {
    err.message = `${what} failed for ${describe(packet)}:\n${err.message}`;
    throw err;
  }
}

// Which properties turned up where, to check that the generator covers them all.
function noteProperties(seen, cmd, packet) {
  for (const name of Object.keys(packet.properties ?? {})) seen.add(`${cmd}.${name}`);
  for (const name of Object.keys(packet.will?.properties ?? {})) seen.add(`will.${name}`);
}

// Decodes `bytes` into exactly one packet. CONNECTs get a fresh decoder: a bridge's
// CONNECT would change how later 3.1.1 SUBSCRIBEs read.
function decodeOne(shared, bytes, version, cmd) {
  const decoder = cmd === 'connect' ? createDecoder({ protocolVersion: version }) : shared;
  const packets = decoder.push(bytes);
  assert.equal(packets.length, 1, 'one packet');
  assert.equal(decoder.buffered, 0);
  if (decoder !== shared) decoder.dispose();
  assertOurShape(packets[0]);
  return packets[0];
}

// The expected packets of a stream: after a bridge's CONNECT, 3.1.1 SUBSCRIBEs read
// as a bridge's (see expected()).
function expectedStream(packets, version) {
  let bridge = false;
  return packets.map((p) => {
    if (p.cmd === 'connect') bridge = Boolean(p.bridgeMode);
    return expected(p, version, bridge);
  });
}

// Feeds `chunks` (one Uint8Array per packet, concatenated) to one decoder in random
// slices: every push must return exactly the packets it completes, and `buffered`
// must be the bytes of the incomplete packet at the end.
function decodeInRandomChunks(r, chunks, version) {
  const all = Buffer.concat(chunks);
  const ends = [];
  let end = 0;
  for (const c of chunks) ends.push((end += c.length));
  const decoder = createDecoder({ protocolVersion: version });
  const got = [];
  let done = 0; // packets complete so far
  for (let pos = 0; pos < all.length;) {
    const k = r.float();
    const size = k < 0.3 ? r.int(1, 8) : k < 0.9 ? r.int(1, 700) : r.int(5000, 70000);
    const next = Math.min(pos + size, all.length);
    const packets = decoder.push(all.subarray(pos, next));
    let complete = done;
    while (complete < ends.length && ends[complete] <= next) complete++;
    assert.equal(packets.length, complete - done, `packets completed by bytes ${pos}..${next}`);
    assert.equal(decoder.buffered, next - (complete ? ends[complete - 1] : 0), `buffered after byte ${next}`);
    for (const p of packets) got.push(normalize(p));
    done = complete;
    pos = next;
  }
  decoder.dispose();
  return got;
}

for (const version of [3, 4, 5]) {
  test(`MQTT ${NAMES[version]}: ${COUNT} random packets agree with mqtt-packet in both directions`, () => {
    const r = makeRandom(SEED * 8 + version);
    const options = { protocolVersion: version };
    const ours = createDecoder(options);
    const counts = { both: 0, notGenerated: 0, notParsed: 0 };
    const ourStream = [];
    const ourPackets = [];
    const theirStream = [];
    const theirPackets = [];
    const cmds = new Set();
    const properties = new Set();
    while (counts.both < COUNT) {
      const packet = randomPacket(r, version);
      const cannot = mqttPacketCannot(packet, version);
      const want = expected(packet, version);
      cmds.add(packet.cmd);
      noteProperties(properties, packet.cmd, packet);

      const ourBytes = step('our encode', packet, () => encode(packet, options));
      step('our encode -> our decoder', packet, () => {
        assert.deepEqual(normalize(decodeOne(ours, ourBytes, version, packet.cmd)), want);
      });
      if (!cannot.parse) {
        step('our encode -> mqtt-packet parser', packet, () => {
          const theirs = mqttPacketParse(ourBytes, version);
          assert.equal(theirs.length, 1);
          assert.deepEqual(normalize(theirs[0]), want);
        });
      }
      if (!cannot.generate) {
        const theirBytes = step('mqtt-packet generate', packet, () => mqttPacket.generate(forMqttPacket(packet), options));
        assert.ok(theirBytes.length >= 2, `mqtt-packet generated nothing for ${describe(packet)}`);
        if (!cannot.parse) {
          step('mqtt-packet generate -> mqtt-packet parser', packet, () => {
            assert.deepEqual(normalize(mqttPacketParse(theirBytes, version)[0]), want);
          });
        }
        step('mqtt-packet generate -> our decoder', packet, () => {
          assert.deepEqual(normalize(decodeOne(ours, theirBytes, version, packet.cmd)), want);
        });
        // 3.1 and 3.1.1 have one encoding per packet: the bytes must be the same.
        // (5.0 lets an encoder leave out a success reason code and empty properties
        // of acks and DISCONNECT, which we do and mqtt-packet does less.)
        if (version !== 5) assert.deepEqual(Buffer.from(ourBytes), theirBytes, `bytes for ${describe(packet)}`);
        theirStream.push(theirBytes);
        theirPackets.push(packet);
      }
      if (cannot.generate) counts.notGenerated++;
      if (cannot.parse) counts.notParsed++;
      if (!cannot.generate && !cannot.parse) counts.both++;
      ourStream.push(ourBytes);
      ourPackets.push(packet);
    }
    ours.dispose();
    console.log(`# ${NAMES[version]}: ${ourPackets.length} packets; mqtt-packet could not generate ${counts.notGenerated}` +
      ` and not parse ${counts.notParsed} of them`);

    // The generator makes every packet type of this version, and in 5.0 every
    // property each packet (and a will) may carry.
    assert.deepEqual([...cmds].sort(), CMDS.filter((c) => version === 5 || c !== 'auth').sort());
    if (version === 5) {
      const all = Object.entries(ALLOWED).flatMap(([place, names]) => names.map((n) => `${place}.${n}`));
      assert.deepEqual(all.filter((p) => !properties.has(p)), [], 'properties never generated');
    } else {
      assert.equal(properties.size, 0);
    }

    // Whole streams through one decoder in random chunks.
    assert.deepEqual(decodeInRandomChunks(r, ourStream, version), expectedStream(ourPackets, version),
      'our stream in random chunks');
    assert.deepEqual(decodeInRandomChunks(r, theirStream, version), expectedStream(theirPackets, version),
      "mqtt-packet's stream in random chunks");
  });
}

test('normalize() removes differences of representation only', () => {
  const ours = {
    cmd: 'publish', retain: false, qos: 0, dup: false, topic: 't', payload: new Uint8Array([1, 2]),
    properties: { userProperties: Object.assign(Object.create(null), { length: 'x' }) },
  };
  const theirs = { ...ours, length: 12, payload: Buffer.from([1, 2]) };
  assert.deepEqual(normalize(theirs), normalize(ours));
  assert.deepEqual(normalize({ cmd: 'pingreq', topic: null, payload: null, length: 0 }), normalize({ cmd: 'pingreq' }));
  // Real differences stay.
  assert.notDeepEqual(normalize({ ...ours, payload: new Uint8Array([1, 3]) }), normalize(ours));
  assert.notDeepEqual(normalize({ ...ours, properties: { userProperties: {} } }), normalize(ours), 'a user property called length');
  assert.notDeepEqual(normalize({ cmd: 'publish', topic: null }), normalize({ cmd: 'publish' }), 'a null PUBLISH topic');
  assert.notDeepEqual(normalize({ ...ours, retain: undefined }), normalize(ours), 'a missing field');
  const proto = Object.create(null);
  Object.defineProperty(proto, '__proto__', { value: 'v', enumerable: true });
  assert.notDeepEqual(normalize({ userProperties: proto }), normalize({ userProperties: {} }), 'a user property called __proto__');
  assert.notDeepEqual(normalize({ flag: true }), normalize({ flag: 1 }), 'a boolean is not a number');
  // And expected() fills in defaults only where the input left them out.
  assert.deepEqual(expected({ cmd: 'puback', messageId: 1 }, 5), normalize({ cmd: 'puback', retain: false, qos: 0, dup: false, messageId: 1, reasonCode: 0 }));
  assert.notDeepEqual(expected({ cmd: 'puback', messageId: 1, reasonCode: 0x10 }, 5), expected({ cmd: 'puback', messageId: 1 }, 5));
});

test('the generator is deterministic for a seed', () => {
  const a = makeRandom(SEED);
  const b = makeRandom(SEED);
  for (let i = 0; i < 200; i++) assert.equal(describe(randomPacket(a, 5)), describe(randomPacket(b, 5)));
  assert.notEqual(describe(randomPacket(makeRandom(SEED + 1), 5)), describe(randomPacket(makeRandom(SEED), 5)));
});
