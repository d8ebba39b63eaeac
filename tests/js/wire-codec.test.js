// The client's wire writer and reader (js/client/wire-write.js, js/client/wire-read.js)
// against the codec, in the same run:
//   writeInto(p)                       == encode(p), byte for byte, for every packet the
//                                         client core takes from JS (random ones from
//                                         random-packets.js and hand-made edge cases);
//   decodePacket(bytes)                deep-equals createDecoder().push(bytes)[0], for
//                                         every packet of either direction, in the
//                                         encoder's forms and in the short and long forms
//                                         it never writes, and for mutated bytes the
//                                         decoder accepts; a CONNECT whatever the version
//                                         given, and SUBSCRIBEs after a bridge's CONNECT;
//   bad inputs                         the same MqttError code and message as encode();
//   any bytes                          decodePacket returns or throws an MqttError.
//
// Reproduce a run: SEED=<n> node --test tests/js/wire-codec.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { encode, createDecoder, MqttError } from '../../js/index.js';
import { writeInto, writeQuickPublish, written, writtenStart, writtenEnd } from '../../js/client/wire-write.js';
import { decodePacket } from '../../js/client/wire-read.js';
import { makeRandom, randomPacket, ALLOWED } from './random-packets.js';
import { describe } from './packet-compare.js';
import { concat } from './concat.js';

const SEED = Number(process.env.SEED ?? 20261202);
const COUNT = 2000; // random packets per version and direction
console.log(`# wire-codec: SEED=${SEED}`);

const CLIENT_SENDS = ['connect', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'subscribe', 'unsubscribe',
  'pingreq', 'disconnect', 'auth'];
// What the writer writes: the requests the client core takes (the wasm writes the acks
// and PINGREQ itself).
const CORE_TAKES = ['connect', 'publish', 'subscribe', 'unsubscribe', 'disconnect', 'auth'];
const SERVER_SENDS = ['connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'suback', 'unsuback', 'pingresp',
  'disconnect', 'auth'];
const VERSIONS = [3, 4, 5];

const hex = (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const kinds = (list, version) => (version === 5 ? list : list.filter((c) => c !== 'auth'));

// writeInto's packet, as a view of `buffer` or of the writer's scratch.
function writeView(packet, version, buffer) {
  writeInto(packet, version, buffer);
  return written.subarray(writtenStart, writtenEnd);
}

// The bytes (a copy: writeView's view is overwritten by the next write) or the refusal.
function outcome(run) {
  try {
    return { bytes: Buffer.from(run()) };
  } catch (err) {
    assert.ok(err instanceof MqttError, `not an MqttError: ${err?.stack}`);
    return { code: err.reasonCode, message: err.message };
  }
}

// writeInto into the module's scratch and into a small buffer of the
// caller's (which must grow) all give encode()'s bytes, or its refusal. `what` names
// the case in a failure (made only then: describe() costs more than the encoding).
const small = new Uint8Array(7);
function sameAsEncode(packet, version, what) {
  const want = outcome(() => encode(packet, { protocolVersion: version }));
  const same = (got) => (want.bytes ? got.bytes?.equals(want.bytes) : got.code === want.code && got.message === want.message);
  for (const [name, run] of [['writeInto', () => writeView(packet, version)],
    ['writeInto(small)', () => writeView(packet, version, small)]]) {
    const got = outcome(run);
    if (!same(got)) assert.deepEqual(got, want, `${name}: ${what ?? `${describe(packet)} at ${version}`}`);
  }
  return want;
}

// The last packet the decoder gives for `bytes` (one packet, or a stream of them).
function decoded(bytes, version, count = 1) {
  const decoder = createDecoder({ protocolVersion: version });
  const packets = decoder.push(bytes);
  assert.equal(packets.length, count);
  decoder.dispose();
  return packets[count - 1];
}

const isConnect = (bytes) => bytes[0] >> 4 === 1;

// decodePacket on `bytes`, alone and at an offset in a bigger chunk, equals the decoder.
// A CONNECT is compared with a decoder that reads its level from it (no
// protocolVersion), and read with every version: its own level decides. `what` names
// the case in a failure: a string, or a function that makes it.
function sameAsDecoder(bytes, version, what) {
  const connect = isConnect(bytes);
  const want = decoded(bytes, connect ? undefined : version);
  const chunk = new Uint8Array(bytes.length + 9).fill(0xee);
  chunk.set(bytes, 4);
  for (const v of connect ? [3, 4, 5, 0x84] : [version]) {
    for (const got of [decodePacket(bytes, 0, bytes.length, v), decodePacket(chunk, 4, bytes.length, v, true)]) {
      if (!isDeepStrictEqual(got, want)) assert.deepStrictEqual(got, want, typeof what === 'function' ? what() : what);
    }
  }
  return want;
}

test('writer: random packets of every type the core takes, every version, encode as encode() does', () => {
  const r = makeRandom(SEED);
  const seen = new Set();
  for (const version of VERSIONS) {
    for (let n = 0; n < COUNT; n++) {
      const packet = randomPacket(r, version, r.pick(kinds(CORE_TAKES, version)));
      const got = sameAsEncode(packet, version);
      assert.ok(got.bytes, `encode() took ${describe(packet)}`);
      for (const name of Object.keys(packet.properties ?? {})) seen.add(`${packet.cmd}.${name}`);
      for (const name of Object.keys(packet.will?.properties ?? {})) seen.add(`will.${name}`);
    }
  }
  const all = Object.entries(ALLOWED).filter(([place]) => place === 'will' || CORE_TAKES.includes(place))
    .flatMap(([place, names]) => names.map((name) => `${place}.${name}`));
  assert.deepEqual(all.filter((p) => !seen.has(p)), [], 'every property in every place the core takes it');
});

const text = (n, unit = 'a') => unit.repeat(n);
const UNICODE = ['', 'a', '\ufeffbom', 'é', 'aé', 'a'.repeat(64) + 'é', 'é'.repeat(100), '\u{1f600}/\u{10ffff}', '日本語/トピック',
  'x'.repeat(65535), 'é'.repeat(32767), '\u0800'.repeat(21845)];
// Sizes where the Remaining Length or a length prefix changes size, and where the
// writer's copy changes from a loop to set().
const SIZES = [0, 1, 32, 33, 64, 65, 120, 121, 122, 123, 16370, 16380, 16383, 16384, 70000, 2097140, 2097152];

test('writer: edge cases of every packet the core takes encode as encode() does', () => {
  const cases = [];
  const add = (version, packet) => cases.push([version, packet]);
  for (const version of VERSIONS) {
    const v5 = version === 5;
    // CONNECT: every combination of will, user name and password, and the flags.
    for (let mask = 0; mask < 64; mask++) {
      const p = { cmd: 'connect', protocolVersion: version, clientId: mask & 32 ? 'c\u00e9' : 'client' };
      if (mask & 1) p.will = { topic: 'w/t', payload: mask & 8 ? 'bye' : new Uint8Array([1, 2, 3]), qos: mask % 3, retain: Boolean(mask & 16) };
      if (mask & 2) p.username = mask & 8 ? 'us\u00e9r' : '';
      if ((mask & 4) && (mask & 2 || v5)) p.password = mask & 16 ? 'p\u00e4ss' : new Uint8Array(300);
      if (mask & 8) p.clean = false;
      if (mask & 16) p.keepalive = mask & 32 ? 65535 : 60;
      if (mask & 32 && version === 3) p.protocolId = 'MQIsdp';
      if (mask & 32 && version !== 3) p.protocolId = 'MQTT';
      if (mask & 16 && !v5) p.bridgeMode = true;
      if (v5 && mask & 1 && mask & 8) {
        p.will.properties = { willDelayInterval: 0xffffffff, payloadFormatIndicator: true, messageExpiryInterval: 10,
          contentType: 'text/plain', responseTopic: 'r/\u00e9', correlationData: new Uint8Array(20),
          userProperties: { k: ['1', '2', ''], e: '\u00e9' } };
      }
      if (v5 && mask & 2) {
        p.properties = { sessionExpiryInterval: mask, receiveMaximum: 1 + mask, maximumPacketSize: 0xffffffff,
          topicAliasMaximum: 0, requestResponseInformation: 1, requestProblemInformation: false,
          authenticationMethod: 'SCRAM', authenticationData: 'abc', userProperties: { a: 'b' } };
      }
      add(version, p);
    }
    add(version, { cmd: 'connect' });
    add(version, { cmd: 'connect', protocolVersion: version, clientId: text(300) });
    // PUBLISH: payload sizes and kinds, topics, flags.
    for (const size of SIZES) {
      add(version, { cmd: 'publish', topic: 't', payload: new Uint8Array(size).fill(size & 0xff) });
      if (size <= 70000) add(version, { cmd: 'publish', topic: 'a/b', payload: text(size), qos: 1, messageId: size & 0xffff || 1 });
    }
    for (const topic of UNICODE.filter(Boolean)) add(version, { cmd: 'publish', topic, payload: topic, qos: 2, messageId: 65535 });
    const bytes = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const payload of [undefined, null, '', 'h\u00e9llo', bytes, bytes.buffer, new DataView(bytes.buffer, 2, 4),
      Buffer.from('buf'), new Uint16Array([1, 2, 3]), bytes.subarray(3, 6)]) {
      add(version, { cmd: 'publish', topic: 'p', payload });
    }
    for (let flags = 0; flags < 8; flags++) {
      add(version, { cmd: 'publish', topic: 'f', payload: 'x', qos: flags % 3, retain: Boolean(flags & 1), dup: flags % 3 > 0 && flags > 3, messageId: 1 + flags });
    }
    add(version, { cmd: 'publish', topic: 'q0', payload: 'x', messageId: 9 }); // no identifier at QoS 0
    add(version, { cmd: 'publish', topic: 'e', payload: 'x', properties: {} });
    add(version, { cmd: 'publish', topic: 'e', payload: 'x', properties: { contentType: undefined } });
    // DISCONNECT, AUTH: reason codes and properties, in every form.
    add(version, { cmd: 'disconnect' });
    if (v5) {
      add(version, { cmd: 'disconnect', reasonCode: 0 });
      add(version, { cmd: 'disconnect', properties: {} });
      add(version, { cmd: 'disconnect', properties: { userProperties: {} } });
      add(version, { cmd: 'disconnect', reasonCode: 0, properties: { reasonString: 'why' } });
      add(version, { cmd: 'disconnect', reasonCode: 0x80, properties: { reasonString: text(200), userProperties: { a: ['1', '2'], b: 'c' } } });
      add(version, { cmd: 'disconnect', reasonCode: 0x04 });
      add(version, { cmd: 'disconnect', reasonCode: 0, properties: { sessionExpiryInterval: 0 } });
      add(version, { cmd: 'disconnect', reasonCode: 0x8e, properties: { reasonString: 'r', serverReference: 's', userProperties: { x: 'y' } } });
      add(version, { cmd: 'auth' });
      add(version, { cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: 'm', authenticationData: new Uint8Array(70) } });
      add(version, { cmd: 'auth', reasonCode: 0x19, properties: { authenticationMethod: 'm', reasonString: 'again', userProperties: { u: ['1', '1'] } } });
    }
    // SUBSCRIBE: every option, and many filters; UNSUBSCRIBE.
    const subscriptions = [];
    for (let qos = 0; qos < 3; qos++) {
      for (let rh = 0; rh < 3; rh++) {
        for (const nl of [false, true]) for (const rap of [false, true]) subscriptions.push({ topic: `s/${qos}/${rh}/+`, qos, nl, rap, rh });
      }
    }
    if (v5) {
      add(version, { cmd: 'subscribe', messageId: 7, subscriptions });
      add(version, { cmd: 'subscribe', messageId: 8, subscriptions: [{ topic: '$share/g/a/#', qos: 1, rap: true, rh: 2 }], properties: { subscriptionIdentifier: 268435455, userProperties: { a: 'b' } } });
    }
    add(version, { cmd: 'subscribe', messageId: 9, subscriptions: subscriptions.map(({ topic, qos }) => ({ topic, qos })) });
    add(version, { cmd: 'subscribe', messageId: 10, subscriptions: [{ topic: 'a' }, { topic: 'b', qos: 2, nl: false, rap: false, rh: 0 }] });
    add(version, { cmd: 'subscribe', messageId: 11, subscriptions: Array.from({ length: 3000 }, (_, i) => ({ topic: `many/${i}`, qos: i % 3 })) });
    add(version, { cmd: 'unsubscribe', messageId: 12, unsubscriptions: UNICODE.filter((t) => t && t.length < 1000) });
    add(version, { cmd: 'unsubscribe', messageId: 13, unsubscriptions: ['#'], properties: v5 ? { userProperties: { k: 'v' } } : undefined });
  }
  // 5.0 properties: every one a PUBLISH carries, the property length in 1 to 3 bytes
  // (the writer moves the properties up past 127 and 16,383 bytes), user properties
  // repeated, odd names, values given as numbers.
  for (const size of [0, 50, 110, 111, 112, 113, 126, 127, 128, 16360, 16370, 16380, 16383, 16384, 70000]) {
    const userProperties = Object.create(null);
    userProperties.__proto__ = 'proto';
    userProperties.n = 42;
    userProperties.k = ['', 'v\u00e9', text(size % 65536)];
    add(5, { cmd: 'publish', topic: 'props', payload: 'x', qos: 1, messageId: 1,
      properties: { payloadFormatIndicator: 0, messageExpiryInterval: 0x80000000, topicAlias: 65535, responseTopic: 'r',
        correlationData: text(size % 60000), userProperties, subscriptionIdentifier: [1, 127, 128, 16383, 16384, 2097151, 2097152, 268435455],
        contentType: UNICODE[size % UNICODE.length] } });
  }
  add(5, { cmd: 'publish', topic: '', payload: 'x', properties: { topicAlias: 1 } });
  assert.ok(cases.length > 400);
  for (const [version, packet] of cases) {
    const got = sameAsEncode(packet, version);
    assert.ok(got.bytes, `encode() took ${describe(packet).slice(0, 300)}: ${got.message}`);
  }
});

// [packet, version]: encode() refuses each with an MqttError; writeInto must give
// the same code and message. Type errors, lengths the wire cannot carry, and what
// 3.1.1 has no bytes for.
const BAD = [
  [null, 4], ['publish', 4], [42, 5],
  [{ cmd: 'publish', topic: 42, payload: '' }, 4],
  [{ cmd: 'publish', topic: undefined }, 5],
  [{ cmd: 'publish', topic: 'a', payload: 42 }, 4],
  [{ cmd: 'publish', topic: 'a', payload: {} }, 5],
  [{ cmd: 'publish', topic: 'a', payload: [1, 2] }, 5],
  [{ cmd: 'publish', topic: 'a', qos: 4, messageId: 1 }, 4],
  [{ cmd: 'publish', topic: 'a', qos: -1 }, 4],
  [{ cmd: 'publish', topic: 'a', qos: 1.5, messageId: 1 }, 4],
  [{ cmd: 'publish', topic: 'a', qos: '1', messageId: 1 }, 4],
  [{ cmd: 'publish', topic: 'a', qos: 1 }, 4],
  [{ cmd: 'publish', topic: 'a', qos: 2, messageId: 65536 }, 5],
  [{ cmd: 'publish', topic: 'a', qos: 1, messageId: '1' }, 5],
  [{ cmd: 'publish', topic: 'a\ud800', payload: '' }, 4],
  [{ cmd: 'publish', topic: '\udc00' + 'a'.repeat(70), payload: '' }, 4],
  [{ cmd: 'publish', topic: 'a', payload: 'x\udbff' }, 4],
  [{ cmd: 'publish', topic: 'a'.repeat(65536), payload: '' }, 4],
  [{ cmd: 'publish', topic: '\u00e9'.repeat(32768), payload: '' }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: 'x' }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: 5 }, 4],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { colour: 1 } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { colour: 1 } }, 4],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { contentType: 'x' } }, 4],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { contentType: 'x' } }, 3],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { userProperties: { a: 'b' } } }, 4],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { contentType: 5 } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { contentType: '\udc00x' } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { contentType: 'x'.repeat(65536) } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { responseTopic: null } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { correlationData: 7 } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { correlationData: new Uint8Array(65536) } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { topicAlias: 65536 } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { topicAlias: -1 } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { topicAlias: '1' } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { messageExpiryInterval: 2 ** 32 } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { messageExpiryInterval: 1.5 } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { payloadFormatIndicator: 256 } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { payloadFormatIndicator: 'yes' } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { subscriptionIdentifier: 268435456 } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { subscriptionIdentifier: [1, 'x'] } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { userProperties: 'k=v' } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { userProperties: null } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { userProperties: { a: null } } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { userProperties: { a: ['1', { b: 2 }] } } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { userProperties: { a: undefined } } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { userProperties: { k: 'v\ud800' } } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { userProperties: { ['k\udfff']: 'v' } } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { userProperties: { k: 'v'.repeat(65536) } } }, 5],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { userProperties: { ['k'.repeat(65536)]: 'v' } } }, 5],
  [{ cmd: 'disconnect', reasonCode: 256 }, 5],
  [{ cmd: 'disconnect', reasonCode: null }, 5],
  [{ cmd: 'disconnect', reasonCode: '0' }, 5],
  [{ cmd: 'disconnect', reasonCode: 0x04 }, 4],
  [{ cmd: 'disconnect', properties: { reasonString: 'x' } }, 4],
  [{ cmd: 'disconnect', properties: { reasonString: 5 } }, 5],
  [{ cmd: 'disconnect', properties: [1] }, 5],
  [{ cmd: 'auth', reasonCode: 0x18 }, 4],
  [{ cmd: 'subscribe', messageId: 1 }, 4],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: 'a' }, 4],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: [null] }, 4],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: ['a'] }, 4],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 5 }] }, 4],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 4 }] }, 4],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 1, rh: 4 }] }, 5],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', rh: '1' }] }, 5],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 0, nl: true }] }, 4],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 0, rap: true }] }, 3],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 0, rh: 1 }] }, 4],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a'.repeat(65536) }] }, 5],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a' }], properties: { subscriptionIdentifier: 1 } }, 4],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a' }], properties: { subscriptionIdentifier: -1 } }, 5],
  [{ cmd: 'subscribe', subscriptions: [{ topic: 'a' }] }, 5],
  [{ cmd: 'unsubscribe', messageId: 1 }, 4],
  [{ cmd: 'unsubscribe', messageId: 1, unsubscriptions: 'a' }, 4],
  [{ cmd: 'unsubscribe', messageId: 1, unsubscriptions: ['a', 5] }, 4],
  [{ cmd: 'unsubscribe', messageId: 1, unsubscriptions: ['\u00e9'.repeat(40000)] }, 4],
  [{ cmd: 'unsubscribe', messageId: 1, unsubscriptions: ['a'], properties: { userProperties: { a: 'b' } } }, 4],
  [{ cmd: 'disconnect', reasonCode: 0x8e }, 4],
  [{ cmd: 'disconnect', reasonCode: 300 }, 5],
  [{ cmd: 'disconnect', properties: { sessionExpiryInterval: 1 } }, 4],
  [{ cmd: 'disconnect', properties: { sessionExpiryInterval: -5 } }, 5],
  [{ cmd: 'auth', reasonCode: 0 }, 4],
  [{ cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: 'm' } }, 3],
  [{ cmd: 'auth', reasonCode: 1.5 }, 5],
  [{ cmd: 'auth', properties: { authenticationMethod: 7 } }, 5],
  [{ cmd: 'connect', protocolVersion: 6 }, 4],
  [{ cmd: 'connect', protocolVersion: '4' }, 4],
  [{ cmd: 'connect', protocolVersion: 4, protocolId: 'MQIsdp' }, 4],
  [{ cmd: 'connect', protocolVersion: 3, protocolId: 'MQTT' }, 4],
  [{ cmd: 'connect', keepalive: 65536 }, 4],
  [{ cmd: 'connect', keepalive: '60' }, 4],
  [{ cmd: 'connect', clientId: 5 }, 4],
  [{ cmd: 'connect', clientId: 'c\ud800' }, 4],
  [{ cmd: 'connect', clientId: 'c'.repeat(65536) }, 4],
  [{ cmd: 'connect', clientId: 'c', username: 5 }, 4],
  [{ cmd: 'connect', clientId: 'c', username: 'u'.repeat(65536) }, 4],
  [{ cmd: 'connect', clientId: 'c', username: 'u', password: 5 }, 4],
  [{ cmd: 'connect', clientId: 'c', username: 'u', password: new Uint8Array(65536) }, 4],
  [{ cmd: 'connect', clientId: 'c', username: 'u', password: 'p'.repeat(65536) }, 5],
  [{ cmd: 'connect', clientId: 'c', will: 'w' }, 4],
  [{ cmd: 'connect', clientId: 'c', will: true }, 4],
  [{ cmd: 'connect', clientId: 'c', will: { topic: 5 } }, 4],
  [{ cmd: 'connect', clientId: 'c', will: {} }, 4],
  [{ cmd: 'connect', clientId: 'c', will: { topic: 't', qos: 4 } }, 4],
  [{ cmd: 'connect', clientId: 'c', will: { topic: 't', qos: 'high' } }, 4],
  [{ cmd: 'connect', clientId: 'c', will: { topic: 't', payload: 5 } }, 4],
  [{ cmd: 'connect', clientId: 'c', will: { topic: 't', payload: new Uint8Array(65536) } }, 4],
  [{ cmd: 'connect', clientId: 'c', will: { topic: 't'.repeat(65536) } }, 4],
  [{ cmd: 'connect', clientId: 'c', will: { topic: 't', properties: { contentType: 'x' } } }, 4],
  [{ cmd: 'connect', protocolVersion: 5, will: { topic: 't', properties: { willDelayInterval: 'soon' } } }, 5],
  [{ cmd: 'connect', protocolVersion: 5, will: { topic: 't', properties: 'p' } }, 5],
  [{ cmd: 'connect', protocolVersion: 4, properties: { sessionExpiryInterval: 1 } }, 4],
  [{ cmd: 'connect', protocolVersion: 5, properties: { sessionExpiryInterval: 2 ** 32 } }, 5],
  [{ cmd: 'connect', protocolVersion: 5, properties: { receiveMaximum: 1e6 } }, 5],
  [{ cmd: 'connect', protocolVersion: 5, properties: { authenticationData: 5, authenticationMethod: 'm' } }, 5],
  [{ cmd: 'connect', protocolVersion: 5, properties: { userProperties: 'k=v' } }, 5],
  [{ cmd: 'connect', protocolVersion: 5, properties: { nonsense: 1 } }, 5],
];

test('writer: bad packets are refused with encode()\'s code and message', () => {
  for (const [packet, version] of BAD) {
    const what = `${describe(packet)?.slice(0, 200)} at ${version}`;
    const got = sameAsEncode(packet, version, what);
    assert.ok(got.message, `encode() refused ${what}`);
  }
  // A type error after a refusal of a rule is what encode() reports too: types first.
  sameAsEncode({ cmd: 'publish', topic: 'a'.repeat(70000), payload: 5 }, 4);
  sameAsEncode({ cmd: 'publish', topic: 'a', qos: 1, messageId: 1, properties: { contentType: 'x' }, payload: 5 }, 4);
  // After a refusal the writer carries on as before.
  assert.equal(hex(writeView({ cmd: 'disconnect' }, 4)), 'e000');
});

test('writer: a packet the client core does not take is not written', () => {
  // The acks and PINGREQ are the wasm's to write; the others are a server's, or none.
  for (const cmd of ['puback', 'pubrec', 'pubrel', 'pubcomp', 'pingreq', 'connack', 'suback', 'unsuback', 'pingresp',
    'nonsense', 'constructor', 42, undefined]) {
    assert.throws(() => writeView({ cmd, messageId: 1, granted: [0] }, 5),
      { name: 'MqttError', reasonCode: 0x81, message: `the client core takes no "${cmd}" packet` });
  }
});

test('writer: rules are left to the wasm, and the bytes say what was asked', () => {
  // encode() refuses these for MQTT's rules; the writer writes them, and the codec's
  // decoder (as strict as the wasm's reader of the client's packets) refuses the bytes.
  const cases = [
    [{ cmd: 'publish', topic: 'a/+', payload: '' }, 4],
    [{ cmd: 'publish', topic: 'a', payload: '', qos: 3, messageId: 1 }, 4],
    [{ cmd: 'publish', topic: 'a', payload: '', qos: 1, messageId: 0 }, 5],
    [{ cmd: 'publish', topic: 'a', payload: '', dup: true }, 4],
    [{ cmd: 'publish', topic: '', payload: '' }, 5],
    [{ cmd: 'publish', topic: 'a\u0000', payload: '' }, 4],
    [{ cmd: 'publish', topic: 'a', payload: '', properties: { topicAlias: 0 } }, 5],
    [{ cmd: 'publish', topic: 'a', payload: '', properties: { payloadFormatIndicator: 2 } }, 5],
    [{ cmd: 'publish', topic: 'a', payload: '', properties: { sessionExpiryInterval: 1 } }, 5],
    [{ cmd: 'publish', topic: 'a', payload: '', properties: { contentType: ['a', 'b'] } }, 5],
    [{ cmd: 'subscribe', messageId: 1, subscriptions: [] }, 4],
    [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 3 }] }, 5],
    [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', rh: 3 }] }, 5],
    [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/#/b' }] }, 4],
    [{ cmd: 'unsubscribe', messageId: 1, unsubscriptions: [''] }, 4],
    [{ cmd: 'disconnect', reasonCode: 0x01 }, 5],
    [{ cmd: 'auth', properties: { authenticationData: 'x' } }, 5],
    [{ cmd: 'connect', clientId: 'c', password: 'p' }, 4],
    [{ cmd: 'connect', clientId: 'c', will: { topic: 'w/#' } }, 4],
    [{ cmd: 'connect', clientId: 'c', will: { topic: 'w', qos: 3 } }, 4],
    [{ cmd: 'connect', protocolVersion: 5, properties: { topicAlias: 1 } }, 5],
  ];
  for (const [packet, version] of cases) {
    const what = `${describe(packet)} at ${version}`;
    assert.throws(() => encode(packet, { protocolVersion: version }), MqttError, what);
    const bytes = writeView(packet, version);
    assert.throws(() => createDecoder({ protocolVersion: version }).push(bytes), MqttError, `decoder of ${what}`);
  }
});

test('writer: the quick PUBLISH writes what writeInto writes, or leaves the packet to it', () => {
  const r = makeRandom(SEED);
  const topics = ['a', 'bench/topic', 'x'.repeat(256), 'x'.repeat(257), 'é/t', '', 'a/+'];
  const payloads = [undefined, null, '', 'hello', 'h'.repeat(64), 'h'.repeat(65), 'héllo', new Uint8Array(0),
    new Uint8Array(16).fill(3), new Uint8Array(33).fill(4), new Uint8Array(300).fill(5), 7];
  let quick = 0;
  for (let n = 0; n < 3000; n++) {
    const version = r.pick([3, 4, 5]);
    const packet = { cmd: 'publish', topic: r.pick(topics), payload: r.pick(payloads), qos: r.pick([0, 1, 2, 3, undefined]),
      retain: r.pick([true, false, undefined]), dup: r.pick([true, false, undefined]) };
    if (r.pick([true, false])) packet.messageId = r.pick([0, 1, 77, 65535, 70000, undefined]);
    if (r.int(10) === 0) packet.properties = { contentType: 't' };
    const anyId = r.pick([true, false]);
    const buffer = new Uint8Array(r.pick([8, 40, 400]));
    const length = writeQuickPublish(packet, version, buffer, anyId);
    if (length === 0) continue;
    quick++;
    assert.ok(writeInto(packet, version, new Uint8Array(1000), anyId), describe(packet));
    assert.equal(hex(buffer.subarray(0, length)), hex(written.subarray(writtenStart, writtenEnd)), describe(packet));
  }
  assert.ok(quick > 500, `${quick} quick ones`);
});

test('writer: into a buffer of the caller\'s or the module\'s scratch', () => {
  const publish = { cmd: 'publish', topic: 'a/b', payload: 'hello', qos: 1, messageId: 5 };
  const want = hex(encode(publish));
  // In the caller's buffer: a view of it (the fixed header ends where the body starts,
  // so a packet with a 1-byte Remaining Length starts 3 bytes in).
  const memory = new Uint8Array(256);
  const region = memory.subarray(100, 200);
  assert.equal(writeInto(publish, 4, region), true);
  const view = written.subarray(writtenStart, writtenEnd);
  assert.equal(view.buffer, memory.buffer);
  assert.equal(view.byteOffset, 103);
  assert.equal(hex(view), want);
  // Too small: written into a new buffer, with the same bytes.
  const tiny = new Uint8Array(10);
  assert.equal(writeInto(publish, 4, tiny), false);
  const moved = written.subarray(writtenStart, writtenEnd);
  assert.notEqual(moved.buffer, tiny.buffer);
  assert.equal(hex(moved), want);
  // The module's scratch is reused: the next write overwrites the last view.
  const first = writeView(publish, 4);
  const second = writeView({ cmd: 'disconnect' }, 4);
  assert.equal(first.buffer, second.buffer);
  // A big packet: the scratch it grew into is not kept.
  const big = writeView({ cmd: 'publish', topic: 't', payload: new Uint8Array(3 << 20).fill(7) }, 4);
  assert.equal(big.length, 1 + 4 + 3 + (3 << 20));
  assert.ok(writeView({ cmd: 'disconnect' }, 4).buffer.byteLength <= 1 << 20, 'the scratch went back to its size');
  assert.equal(hex(writeView(publish, 4)), want);
});

test('reader: random packets of every type, direction and version read as the decoder does', () => {
  for (const [list, seed] of [[SERVER_SENDS, 1], [CLIENT_SENDS, 3]]) {
    const r = makeRandom(SEED + seed);
    const seen = new Set();
    for (const version of VERSIONS) {
      for (let n = 0; n < COUNT; n++) {
        const packet = randomPacket(r, version, r.pick(kinds(list, version)));
        const got = sameAsDecoder(encode(packet, { protocolVersion: version }), version, () => `${describe(packet)} at ${version}`);
        seen.add(`${got.cmd}@${version}`);
        for (const name of Object.keys(got.properties ?? {})) seen.add(`${got.cmd}.${name}`);
        for (const name of Object.keys(got.will?.properties ?? {})) seen.add(`will.${name}`);
      }
    }
    const all = [...VERSIONS.flatMap((v) => kinds(list, v).map((cmd) => `${cmd}@${v}`)),
      ...Object.entries(ALLOWED).filter(([place]) => list.includes(place) || (place === 'will' && list === CLIENT_SENDS))
        .flatMap(([place, names]) => names.map((name) => `${place}.${name}`))];
    assert.deepEqual(all.filter((p) => !seen.has(p)), [], 'every type at every version, every property in every place');
  }
});

test('reader: SUBSCRIBEs after a bridge\'s CONNECT read as the decoder reads them in that stream', () => {
  const r = makeRandom(SEED + 4);
  for (const version of VERSIONS) {
    for (let n = 0; n < 300; n++) {
      const connect = randomPacket(r, version, 'connect');
      if (version !== 5) connect.bridgeMode = r.bool(0.7);
      const subscribe = encode(randomPacket(r, version, 'subscribe'), { protocolVersion: version });
      const stream = concat(encode(connect, { protocolVersion: version }), subscribe);
      const level = version | (connect.bridgeMode ? 0x80 : 0);
      for (const v of [undefined, version]) {
        const want = decoded(stream, v, 2);
        const got = decodePacket(subscribe, 0, subscribe.length, level);
        if (!isDeepStrictEqual(got, want)) assert.deepStrictEqual(got, want, `${describe(connect)} then ${hex(subscribe)}`);
      }
    }
  }
  // 0x80 says nothing to 5.0, whose SUBSCRIBEs carry their options.
  const subscribe = encode({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 1, rh: 2 }] }, { protocolVersion: 5 });
  assert.deepStrictEqual(decodePacket(subscribe, 0, subscribe.length, 0x85), decodePacket(subscribe, 0, subscribe.length, 5));
});

// Wire forms the codec's encoder never writes but a peer may send, and hand-made
// client packets, in hex.
const FORMS = [
  // CONNECT: 3.1.1 with every flag, 3.1 and 3.1.1 bridges, an empty client identifier,
  // a 5.0 password without a user name, a 5.0 will with properties
  [4, '101c' + '00044d515454' + '04' + 'ee' + '003c' + '000163' + '000174' + '00027879' + '000175' + '0003707077'],
  [3, '100f' + '00064d5149736470' + '83' + '02' + '0000' + '000163'],
  [4, '100d' + '00044d515454' + '84' + '02' + '0005' + '000163'],
  [4, '100c' + '00044d515454' + '04' + '02' + 'ffff' + '0000'],
  [5, '1010' + '00044d515454' + '05' + '42' + '0000' + '00' + '0000' + '000170'],
  [5, '1021' + '00044d515454' + '05' + '36' + '000a' + '05' + '1100000010' + '000163' + '07' + '0101' + '180000000a' + '000177' + '000178'],
  // SUBSCRIBE: option bytes, a Subscription Identifier; UNSUBSCRIBE; PINGREQ
  [5, '820f' + '0001' + '00' + '000161' + '00' + '000162' + '2e' + '000163' + '1d'],
  [5, '820b' + '0002' + '04' + '0b808001' + '000123' + '01'],
  [4, '820a' + '0003' + '000161' + '02' + '00012b' + '01'],
  [3, '8206' + '0004' + '000123' + '00'],
  [5, 'a206' + '0005' + '00' + '000161'],
  [4, 'a208' + '0006' + '000161' + '000162'],
  [4, 'c000'], [5, 'c000'],
  // PUBREL and PUBACK as a client sends them
  [5, '6203000100'], [4, '40020009'],
  // 5.0 acks, DISCONNECT and AUTH with and without their reason code and property length
  [5, '40020001'], [5, '4003000110'], [5, '400400010000'], [5, '400400011000'], [5, '5003000280'], [5, '620400030000'],
  [5, '7003000492'], [5, 'e000'], [5, 'e00100'], [5, 'e0020000'], [5, 'e0018e'], [5, 'f000'], [5, 'f00100'], [5, 'f0020000'],
  // CONNACK
  [5, '2003000000'], [5, '2003010000'], [5, '2003008600'], [4, '20020100'], [4, '20020005'], [3, '20020002'],
  // 3.1.1 acks, UNSUBACK, PINGRESP, DISCONNECT; SUBACK and UNSUBACK
  [4, '40020001'], [4, '6202ffff'], [4, 'b0020001'], [4, 'd000'], [4, 'e000'], [4, '9003000180'], [4, '9006000100010280'],
  [5, '900400010000'], [5, 'b00400010011'],
  // PUBLISH: empty payloads, DUP, repeated Subscription Identifiers and User Properties
  [4, '3003000161'], [4, '3a050001610001'], [5, '300400016100'], [5, '30050001610078'],
  [5, '300a' + '000161' + '04' + '0b010b02' + '7878'],
  [5, '3012' + '000161' + '0e' + '2600016100016226000161000163'],
  [5, '300b' + '000161' + '07' + '01010b7f230001'],
];

// Whether `view` is a view of the bytes of `of` (copies may share a slab with it).
const inside = (view, of) => view.buffer === of.buffer && view.byteOffset >= of.byteOffset &&
  view.byteOffset < of.byteOffset + of.length;

test('reader: the short and long forms a peer may send read as the decoder does', () => {
  for (const [version, text] of FORMS) {
    const bytes = Uint8Array.from(Buffer.from(text, 'hex'));
    sameAsDecoder(bytes, version, `${text} at ${version}`);
  }
  // Every payload size where the Remaining Length changes size, and the zero-copy rule:
  // a payload that is at least a sixteenth of its chunk's memory is a view of the
  // chunk, as the decoder's; otherwise a copy.
  for (const size of SIZES) {
    for (const version of [4, 5]) {
      const bytes = encode({ cmd: 'publish', topic: 'big', payload: new Uint8Array(size).fill(3), qos: 1, messageId: 2 }, { protocolVersion: version });
      const want = sameAsDecoder(bytes, version, `payload of ${size} at ${version}`);
      const mine = decodePacket(bytes, 0, bytes.length, version, true);
      assert.equal(inside(mine.payload, bytes), inside(want.payload, bytes), `view or copy for ${size}`);
      assert.ok(!inside(decodePacket(bytes, 0, bytes.length, version).payload, bytes), `a copy for ${size}`);
    }
  }
});

test('reader: any bytes give a packet or an MqttError, never a hang; mutations the decoder takes read as it does', { timeout: 20000 }, () => {
  const r = makeRandom(SEED + 2);
  let agreed = 0;
  const decoders = Object.fromEntries(VERSIONS.map((v) => [v, createDecoder({ protocolVersion: v })]));
  const tryBoth = (bytes, version) => {
    let mine;
    try {
      mine = decodePacket(bytes, 0, bytes.length, version, r.bool());
      assert.equal(typeof mine, 'object');
    } catch (err) {
      if (!(err instanceof MqttError) || err.reasonCode !== 0x81) throw err;
    }
    let theirs;
    try {
      decoders[version].reset();
      theirs = decoders[version].push(bytes);
    } catch {
      return; // the wasm refuses these bytes: decodePacket never sees them
    }
    if (theirs.length === 1) {
      if (!isDeepStrictEqual(mine, theirs[0])) assert.deepStrictEqual(mine, theirs[0], `${hex(bytes)} at ${version}`);
      agreed++;
    }
  };
  // Random bytes with a plausible fixed header, random lengths and offsets.
  for (let n = 0; n < 4000; n++) {
    const version = r.pick(VERSIONS);
    const body = r.bytes(r.pick([0, 1, 2, 3, 5, 8, 20, 70]));
    const header = [r.int(0, 255), ...(body.length < 128 ? [body.length] : [0x80 | (body.length & 0x7f), body.length >> 7])];
    if (r.bool(0.1)) header[1] = r.int(0, 255);
    const bytes = Uint8Array.from([...header, ...body]);
    tryBoth(bytes, version);
    const start = r.int(0, bytes.length);
    const length = r.int(-2, bytes.length - start + 2);
    try {
      decodePacket(bytes, start, length, version);
    } catch (err) {
      if (!(err instanceof MqttError)) throw err;
    }
  }
  // Valid server packets, cut short (with the Remaining Length made to agree, so that
  // the body is read) and with bytes changed.
  for (let n = 0; n < 1500; n++) {
    const version = r.pick(VERSIONS);
    const packet = randomPacket(r, version);
    const whole = encode(packet, { protocolVersion: version });
    if (whole.length > 300) continue;
    const head = whole[1] < 128 ? 2 : 3;
    for (let cut = head; cut < whole.length; cut += r.int(1, 4)) {
      const bytes = whole.slice(0, cut);
      if (head === 3 || cut - 2 >= 128) continue;
      bytes[1] = cut - 2;
      tryBoth(bytes, version);
    }
    for (let k = 0; k < 4; k++) {
      const bytes = whole.slice();
      for (let m = r.int(1, 3); m > 0; m--) bytes[r.int(head, bytes.length - 1)] = r.bool() ? r.int(0, 255) : bytes[r.int(0, bytes.length - 1)];
      if (bytes.length > head) tryBoth(bytes, version);
    }
  }
  assert.ok(agreed > 1000, `${agreed} mutated packets that the decoder accepts were compared`);
});
