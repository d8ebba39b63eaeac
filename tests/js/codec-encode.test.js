// The encoder's API keeps its promises: refusals with reason codes and readable
// messages, defaults, accepted input types, huge payloads, the string caches of both
// directions, and wasm memory growth in the middle of use. The decoder's side is in
// codec-api.test.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqttPacket from 'mqtt-packet';
import { createDecoder, encode, MqttError } from '../../js/index.js';
import { boundary } from '../../js/wasm/boundary.js';

const v5 = { protocolVersion: 5 };
const hex = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
const heapBytes = () => boundary.module.HEAPU8.byteLength;

function decodeOne(bytes, protocolVersion = 4) {
  const packets = createDecoder({ protocolVersion }).push(bytes);
  assert.equal(packets.length, 1);
  return packets[0];
}

// First in this file, while the wasm heap is still small, so that it must grow.
test('wasm memory growth in the middle of use disturbs neither decoding nor encoding', () => {
  const d = createDecoder(v5);
  const small = (topic) => encode({ cmd: 'publish', topic, payload: 'x', properties: { contentType: 'c' } }, v5);
  assert.equal(d.push(small('before'))[0].topic, 'before'); // the topic is in the decoder's cache now
  const half = encode({ cmd: 'publish', topic: 'split', payload: new Uint8Array(3000).fill(5) }, v5);
  assert.deepEqual(d.push(half.subarray(0, 1000)), []); // and a packet half-way in its buffer
  const heapBefore = heapBytes();
  const scratchBefore = boundary.scratchCap;

  // Decode a 50 MiB packet in 1 MiB chunks (the decoder's buffer grows inside wasm)...
  const payload = new Uint8Array(50 << 20);
  for (let i = 0; i < payload.length; i += 1 << 16) payload[i] = (i >> 16) & 0xff;
  const wire = encode({ cmd: 'publish', topic: 'huge', payload }, v5);
  const other = createDecoder(v5);
  const got = [];
  for (let at = 0; at < wire.length; at += 1 << 20) got.push(...other.push(wire.subarray(at, at + (1 << 20))));
  assert.equal(got.length, 1);
  assert.ok(Buffer.from(got[0].payload).equals(payload));
  // ...then encode 50 MiB again.
  const again = encode({ cmd: 'publish', topic: 'huge', payload, qos: 1, messageId: 7 });
  assert.equal(again.length, 1 + 4 + 2 + 4 + 2 + payload.length);
  assert.ok(heapBytes() > heapBefore, 'the wasm heap grew');
  // The encoder's buffers went back to their usual size: one big message does not
  // keep its memory in use.
  assert.equal(boundary.scratchCap, scratchBefore);

  // The first decoder finishes its half packet and decodes as before, cached topics too.
  const [split] = d.push(half.subarray(1000));
  assert.equal(split.topic, 'split');
  assert.ok(split.payload.length === 3000 && split.payload.every((b) => b === 5));
  for (const topic of ['before', 'after', 'before']) {
    const [p] = d.push(small(topic));
    assert.deepEqual([p.topic, p.properties.contentType, new TextDecoder().decode(p.payload)], [topic, 'c', 'x']);
  }
  assert.equal(hex(encode({ cmd: 'publish', topic: 'before', payload: 'x' })), '3009000662656' + '66f726578');
});

// [packet, protocolVersion, reasonCode, message]
const REFUSALS = [
  [{ cmd: 'publish', topic: 'a/+', payload: '' }, 4, 0x82, /PUBLISH: topic name "a\/\+" contains a wildcard/],
  [{ cmd: 'publish', topic: 'a/#', payload: '' }, 5, 0x82, /wildcard.*\[MQTT-3\.3\.2-2\]/],
  [{ cmd: 'publish', topic: 'a', payload: '', qos: 3, messageId: 1 }, 4, 0x81, /QoS is 3/],
  [{ cmd: 'publish', topic: 'a', payload: '', qos: 4, messageId: 1 }, 4, 0x81, /qos must be 0, 1 or 2, not 4/],
  [{ cmd: 'publish', topic: 'a', payload: '', qos: 1 }, 4, 0x81, /publish messageId must be an integer from 0 to 65535, not undefined/],
  [{ cmd: 'publish', topic: 'a', payload: '', qos: 1, messageId: 0 }, 4, 0x82, /packet identifier is 0/],
  [{ cmd: 'publish', topic: 'a', payload: '', qos: 1, messageId: 65536 }, 4, 0x81, /messageId/],
  [{ cmd: 'publish', topic: 'a', payload: '', dup: true }, 4, 0x81, /DUP is set on a QoS 0 message/],
  [{ cmd: 'publish', topic: '', payload: '' }, 4, 0x82, /empty/],
  [{ cmd: 'publish', topic: '', payload: '' }, 5, 0x82, /empty and there is no Topic Alias/],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { colour: 1 } }, 5, 0x81, /publish has an unknown property "colour"/],
  [{ cmd: 'publish', topic: 'a\ud800', payload: '' }, 4, 0x81, /topic contains a lone UTF-16 surrogate/],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { contentType: '\udc00x' } }, 5, 0x81, /contentType contains a lone UTF-16 surrogate/],
  [{ cmd: 'publish', topic: 'a\u0000', payload: '' }, 4, 0x81, /U\+0000/],
  [{ cmd: 'publish', topic: 'a'.repeat(65536), payload: '' }, 4, 0x81, /longer than 65,535 bytes/],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { contentType: 'x' } }, 4, 0x82, /properties exists only in MQTT 5\.0/],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { topicAlias: 0 } }, 5, 0x94, /Topic Alias is 0/],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { topicAlias: 65536 } }, 5, 0x81, /topicAlias must be an integer from 0 to 65535/],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { payloadFormatIndicator: 2 } }, 5, 0x82, /must be 0 or 1/],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { subscriptionIdentifier: 268435456 } }, 5, 0x81, /268435455/],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { responseTopic: 'r/+' } }, 5, 0x82, /Response Topic/],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { sessionExpiryInterval: 1 } }, 5, 0x81, /not allowed in this packet/],
  [{ cmd: 'publish', topic: 42, payload: '' }, 4, 0x81, /topic must be a string, not number/],
  [{ cmd: 'publish', topic: 'a', payload: 42 }, 4, 0x81, /payload must be a string, Uint8Array/],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: [] }, 4, 0x82, /no topic filters/],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: [null] }, 4, 0x81, /subscriptions must be objects/],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 3 }] }, 4, 0x81, /requested QoS is 3/],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 3 }] }, 5, 0x82, /maximum QoS is 3/],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/#/b', qos: 0 }] }, 4, 0x82, /'#' that is not alone in the last topic level/],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a+', qos: 0 }] }, 4, 0x82, /'\+' that does not fill a whole topic level/],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: '$share/g/a', qos: 0, nl: true }] }, 5, 0x82, /No Local is set on a shared subscription/],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: '$share//a', qos: 0 }] }, 5, 0x82, /empty ShareName/],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 0, rh: 3 }] }, 5, 0x82, /Retain Handling is 3/],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 0, nl: true }] }, 4, 0x82, /exists only in MQTT 5\.0/],
  [{ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 0 }], properties: { subscriptionIdentifier: [1, 2] } }, 5, 0x82, /more than once/],
  [{ cmd: 'unsubscribe', messageId: 1, unsubscriptions: [''] }, 4, 0x82, /empty/],
  [{ cmd: 'suback', messageId: 1, granted: [3] }, 4, 0x82, /reason code 0x03 is not one defined for SUBACK/],
  [{ cmd: 'unsuback', messageId: 1, granted: [0] }, 4, 0x82, /exists only in MQTT 5\.0/],
  [{ cmd: 'puback', messageId: 1, reasonCode: 0x10 }, 4, 0x82, /a reason code exists only in MQTT 5\.0/],
  [{ cmd: 'puback', messageId: 1, reasonCode: 0x92 }, 5, 0x82, /not one defined for PUBACK/],
  [{ cmd: 'connack', returnCode: 1, sessionPresent: true }, 4, 0x82, /Session Present/],
  [{ cmd: 'connack', reasonCode: 0, properties: { maximumQoS: 2 } }, 5, 0x82, /Maximum QoS must be 0 or 1/],
  [{ cmd: 'connack', reasonCode: 0, properties: { receiveMaximum: 0 } }, 5, 0x82, /Receive Maximum is 0/],
  [{ cmd: 'auth', reasonCode: 0 }, 4, 0x81, /AUTH exists only in MQTT 5\.0/],
  [{ cmd: 'auth', reasonCode: 0, properties: { authenticationData: 'x' } }, 5, 0x82, /Authentication Data without Authentication Method/],
  [{ cmd: 'disconnect', reasonCode: 0x8e }, 4, 0x82, /exists only in MQTT 5\.0/],
  [{ cmd: 'connect', protocolVersion: 6 }, 4, 0x84, /protocolVersion must be 3, 4 or 5, not 6/],
  [{ cmd: 'connect', protocolVersion: 4, protocolId: 'MQIsdp' }, 4, 0x84, /protocolId "MQIsdp" does not go with protocolVersion 4/],
  [{ cmd: 'connect', protocolVersion: 4, clientId: '', clean: false }, 4, 0x85, /empty client identifier needs a clean session/],
  [{ cmd: 'connect', protocolVersion: 3, clientId: '' }, 4, 0x85, /MQTT 3\.1 needs a client identifier/],
  [{ cmd: 'connect', clientId: 'c', password: 'p' }, 4, 0x81, /password without a user name/],
  [{ cmd: 'connect', clientId: 'c', will: { topic: 'w/+', payload: '' } }, 4, 0x82, /will topic "w\/\+" contains a wildcard/],
  [{ cmd: 'connect', clientId: 'c', will: { topic: 'w', payload: '', qos: 3 } }, 4, 0x81, /will QoS is 3/],
  [{ cmd: 'connect', clientId: 'c', will: 'w' }, 4, 0x81, /will must be an object/],
  [{ cmd: 'connect', protocolVersion: 5, properties: { topicAlias: 1 } }, 4, 0x81, /not allowed in this packet/],
  [{ cmd: 'connect', protocolVersion: 5, will: { topic: 'w', properties: { sessionExpiryInterval: 1 } } }, 4, 0x81, /not allowed in the will properties/],
  [{ cmd: 'connect', protocolVersion: 5, properties: { userProperties: 'k=v' } }, 4, 0x81, /userProperties must be an object/],
  [{ cmd: 'connect', protocolVersion: 5, properties: { userProperties: { a: null } } }, 4, 0x81, /userProperties\.a must be a string, a number or an array of them, not null/],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { userProperties: new Map([['k', 'v']]) } }, 5, 0x81, /userProperties must be an object of name: value or \[values\], not a Map/],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { userProperties: [['k', 'v']] } }, 5, 0x81, /not an array/],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: { userProperties: { b: ['ok', { c: 1 }] } } }, 5, 0x81, /userProperties\.b must be a string, a number or an array of them, not an object/],
  [{ cmd: 'connect', keepalive: 65536 }, 4, 0x81, /keepalive must be an integer from 0 to 65535/],
  [{ cmd: 'nonsense' }, 4, 0x81, /unknown packet cmd "nonsense"/],
  [{ cmd: 'constructor' }, 4, 0x81, /unknown packet cmd/],
  [{ cmd: 'publish', topic: 'a', payload: '', properties: 'x' }, 5, 0x81, /publish properties must be an object/],
  [null, 4, 0x81, /a packet must be an object/],
  ['publish', 4, 0x81, /a packet must be an object/],
];

test('encode refuses invalid packets with reason codes and messages naming the problem', () => {
  const valid = { cmd: 'publish', topic: 'ok', payload: 'fine', qos: 1, messageId: 2 };
  const validBytes = hex(encode(valid));
  for (const [packet, protocolVersion, code, message] of REFUSALS) {
    const what = `${JSON.stringify(packet)?.slice(0, 120)} at level ${protocolVersion}`;
    assert.throws(() => encode(packet, { protocolVersion }), (err) => {
      assert.ok(err instanceof MqttError, `${what}: ${err}`);
      assert.equal(err.reasonCode, code, `${what}: ${err.message}`);
      assert.match(err.message, message, what);
      return true;
    }, what);
    // A refusal leaves the encoder as it was.
    assert.equal(hex(encode(valid)), validBytes, `after ${what}`);
  }
});

test('after a packet bigger than its buffers, the encoder gives the memory back', () => {
  const scratch = boundary.scratchCap;
  for (const size of [64 << 10, 512 << 10, 3 << 20]) {
    const bytes = encode({ cmd: 'publish', topic: 't', payload: new Uint8Array(size) });
    assert.equal(bytes.length, size + 3 + (size < 2097152 ? 4 : 5));
    assert.equal(boundary.scratchCap, scratch, `after ${size} bytes`);
  }
  const many = Array.from({ length: 5000 }, (_, i) => ({ topic: `s/${i}`, qos: 1 }));
  assert.ok(encode({ cmd: 'subscribe', messageId: 1, subscriptions: many }).length > 5000 * 6);
  assert.equal(boundary.scratchCap, scratch, 'after 5,000 subscriptions');
});

test('a refusal after the encoder grew for a big payload gives the memory back', () => {
  const scratch = boundary.scratchCap;
  assert.throws(() => encode({ cmd: 'publish', topic: 'a/#', payload: new Uint8Array(4 << 20) }), (err) => err.reasonCode === 0x82);
  assert.equal(boundary.scratchCap, scratch);
  assert.throws(() => encode({ cmd: 'publish', topic: 'a', payload: new Uint8Array(4 << 20), properties: { colour: 1 } }, v5), MqttError);
  assert.equal(boundary.scratchCap, scratch);
  assert.equal(decodeOne(encode({ cmd: 'publish', topic: 't', payload: 'x' })).topic, 't');
});

test('encode: bad options are TypeErrors, a bad protocolVersion a RangeError', () => {
  const ping = { cmd: 'pingreq' };
  for (const options of [5, '5', null, true]) {
    assert.throws(() => encode(ping, options), { name: 'TypeError', message: /options must be an object/ }, String(options));
  }
  for (const protocolVersion of [2, 6, '4', 4.5, 0]) {
    assert.throws(() => encode(ping, { protocolVersion }), { name: 'RangeError', message: /protocolVersion must be 3, 4 or 5/ });
  }
});

test('encode defaults: 3.1.1 without a version; a CONNECT decides its own; absent fields', () => {
  const publish = { cmd: 'publish', topic: 'a', payload: 'x' };
  assert.equal(hex(encode(publish)), hex(encode(publish, { protocolVersion: 4 })));
  assert.notEqual(hex(encode(publish)), hex(encode(publish, v5)));
  assert.throws(() => encode({ ...publish, properties: { contentType: 'x' } }), (err) => err.reasonCode === 0x82);
  // The CONNECT's own protocolVersion decides, whatever the options say.
  assert.equal(encode({ cmd: 'connect', protocolVersion: 5, clientId: 'c' }, { protocolVersion: 4 })[8], 5);
  const v31 = encode({ cmd: 'connect', protocolVersion: 3, clientId: 'c' }, v5);
  assert.equal(Buffer.from(v31.subarray(4, 10)).toString(), 'MQIsdp');
  assert.equal(v31[10], 3);
  // A bare CONNECT: "MQTT" level 4, clean session, keep alive 0, empty client id.
  assert.equal(hex(encode({ cmd: 'connect' })), '100c00044d5154540402000000' + '00');
  assert.equal(hex(encode({ cmd: 'connect' }, v5)), hex(encode({ cmd: 'connect', protocolVersion: 4 })));
  // A bare PUBLISH: QoS 0, no retain, no dup, empty payload.
  assert.equal(hex(encode({ cmd: 'publish', topic: 't' })), '3003000174');
  // 5.0 acks: reason code 0x00 and no properties are left out (section 3.4.2.1).
  assert.equal(hex(encode({ cmd: 'puback', messageId: 1 }, v5)), '40020001');
  assert.equal(hex(encode({ cmd: 'disconnect' }, v5)), 'e000');
  assert.equal(hex(encode({ cmd: 'disconnect' })), 'e000');
});

test('encode accepts strings, Uint8Arrays, Buffers, ArrayBuffers and other views for bytes', () => {
  const backing = new Uint8Array([0, 0, 97, 98, 99, 100, 0, 0]);
  const inputs = ['ab\u00e9', new Uint8Array([97, 98, 0xc3, 0xa9]), Buffer.from('ab\u00e9'),
    new Uint8Array([97, 98, 0xc3, 0xa9]).buffer, new DataView(new Uint8Array([97, 98, 0xc3, 0xa9]).buffer)];
  for (const payload of inputs) {
    assert.equal(hex(decodeOne(encode({ cmd: 'publish', topic: 't', payload })).payload), '6162c3a9');
  }
  // A view with an offset: exactly its bytes, not its buffer's.
  assert.equal(hex(decodeOne(encode({ cmd: 'publish', topic: 't', payload: backing.subarray(2, 6) })).payload), '61626364');
  assert.equal(hex(decodeOne(encode({ cmd: 'publish', topic: 't', payload: new Uint16Array(backing.buffer, 2, 2) })).payload), '61626364');
  const p = decodeOne(encode({ cmd: 'publish', topic: 't', payload: '', properties: { correlationData: backing.subarray(2, 4) } }, v5), 5);
  assert.equal(hex(p.properties.correlationData), '6162');
  const c = decodeOne(encode({ cmd: 'connect', username: 'u', password: new DataView(backing.buffer, 3, 2), will: { topic: 'w', payload: 'é' } }));
  assert.deepEqual([hex(c.password), hex(c.will.payload)], ['6263', 'c3a9']);
});

test('Remaining Length boundaries: 1 to 4 bytes, exactly where the spec puts them', () => {
  // PUBLISH with a 1-byte topic: remaining length = 3 + payload.
  for (const [remaining, header] of [[127, '7f'], [128, '8001'], [16383, 'ff7f'], [16384, '808001'],
    [2097151, 'ffff7f'], [2097152, '80808001']]) {
    const payload = new Uint8Array(remaining - 3).fill(0x5a);
    const bytes = encode({ cmd: 'publish', topic: 't', payload });
    assert.equal(hex(bytes.subarray(0, 1 + header.length / 2)), `30${header}`, `remaining length ${remaining}`);
    assert.equal(bytes.length, 1 + header.length / 2 + remaining);
    const [p] = createDecoder({ protocolVersion: 4 }).push(bytes);
    assert.ok(p.payload.length === payload.length && p.payload.every((b) => b === 0x5a));
  }
});

test('huge payloads (64 KiB, 1 MiB, a 1 MiB string) encode, and decode here and in mqtt-packet', () => {
  const text = '\u00e9\u6c34\ud83d\ude00'.repeat(1 << 16); // 9 bytes of UTF-8 per 4 UTF-16 units
  for (const payload of [new Uint8Array(65536).map((_, i) => i * 31), new Uint8Array(1 << 20).map((_, i) => i * 7), text]) {
    const bytes = encode({ cmd: 'publish', topic: 'big/one', payload, qos: 2, messageId: 65535, properties: { messageExpiryInterval: 9 } }, v5);
    const want = typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload);
    const [ours] = createDecoder(v5).push(bytes);
    assert.ok(Buffer.from(ours.payload).equals(want));
    assert.deepEqual([ours.topic, ours.messageId, ours.properties.messageExpiryInterval], ['big/one', 65535, 9]);
    const parser = mqttPacket.parser(v5);
    const theirs = [];
    parser.on('packet', (p) => theirs.push(p));
    parser.parse(Buffer.from(bytes));
    assert.equal(theirs.length, 1);
    assert.ok(theirs[0].payload.equals(want));
  }
});

test('the decoder\'s string cache gives the right strings past its 4,096 entries', () => {
  const d = createDecoder(v5);
  const publish = (topic, i) => encode({ cmd: 'publish', topic, payload: 'p',
    properties: { contentType: `type/${i % 3}`, userProperties: { [`k${i % 5000}`]: `v${i}` } } }, v5);
  const check = (p, topic, i) => {
    assert.equal(p.topic, topic);
    assert.equal(p.properties.contentType, `type/${i % 3}`);
    assert.deepEqual(Object.entries(p.properties.userProperties), [[`k${i % 5000}`, `v${i}`]]);
  };
  // One packet a push, 6,000 distinct topics (3 strings each: the cache fills up).
  for (let i = 0; i < 6000; i++) check(d.push(publish(`t/${i}`, i))[0], `t/${i}`, i);
  // Many a push: first-time and repeated strings in the same chunk.
  const topics = [];
  for (let i = 0; i < 3000; i++) topics.push(i % 3 ? `t/${i}` : `new/${i}`);
  const chunk = Buffer.concat(topics.map((t, i) => publish(t, i)));
  d.push(chunk).forEach((p, i) => check(p, topics[i], i));
  // Long strings (not cached: over 256 bytes) and the edges of that limit.
  for (const topic of ['x'.repeat(255), 'y'.repeat(256), 'z'.repeat(257), '\u6c34'.repeat(86), '\u6c34'.repeat(85) + 'ab', '😀'.repeat(200)]) {
    for (let k = 0; k < 3; k++) assert.equal(d.push(publish(topic, k))[0].topic, topic);
  }
  // Another decoder has its own cache; interleaving them mixes nothing up.
  const other = createDecoder(v5);
  for (let i = 0; i < 50; i++) {
    check(other.push(publish(`other/${i}`, i))[0], `other/${i}`, i);
    check(d.push(publish(`t/${i}`, i))[0], `t/${i}`, i);
  }
  // reset() keeps the cache consistent with what the decoder tells JS.
  d.reset();
  check(d.push(publish('t/1', 1))[0], 't/1', 1);
  check(d.push(publish('after/reset', 7))[0], 'after/reset', 7);
});

test('the encoder\'s string cache gives the right bytes past its 4,096 entries', () => {
  const d = createDecoder(v5);
  const roundTrip = (topic, i) => {
    const [p] = d.push(encode({ cmd: 'publish', topic, payload: '', properties: { userProperties: { [topic]: `${i}` } } }, v5));
    assert.equal(p.topic, topic);
    assert.deepEqual(Object.entries(p.properties.userProperties), [[topic, `${i}`]]);
  };
  for (let i = 0; i < 6000; i++) roundTrip(`enc/${i}/\u00e9`, i);
  for (let i = 0; i < 6000; i += 7) roundTrip(`enc/${i}/\u00e9`, i); // cached and uncached ones again
  for (const topic of ['q'.repeat(256), 'r'.repeat(257), '\ud83d\ude00'.repeat(128), 'é'.repeat(300)]) {
    roundTrip(topic, 1);
    roundTrip(topic, 2);
  }
  // A string refused once (a lone surrogate) is refused again, not served from a cache.
  for (let k = 0; k < 2; k++) assert.throws(() => encode({ cmd: 'publish', topic: 'bad\ud800', payload: '' }), MqttError);
  roundTrip('bad', 3);
});

test('a result\'s buffer given to postMessage\'s transfer list leaves the other results and later calls whole (Node copies it)', () => {
  const packet = (topic) => ({ cmd: 'publish', topic, payload: new Uint8Array(200).fill(1) });
  const earlier = encode(packet('earlier'));
  const earlierLength = earlier.length;
  const sent = encode(packet('sent'));
  assert.ok(sent.length > 64 && sent.length <= 4096, 'a size that is pooled');
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(sent, [sent.buffer]);
  port1.close();
  port2.close();
  const clone = structuredClone(sent, { transfer: [sent.buffer] });
  assert.deepEqual([...clone], [...sent]);
  assert.equal(earlier.length, earlierLength);
  assert.equal(decodeOne(earlier).topic, 'earlier');
  for (let i = 0; i < 100; i++) assert.equal(decodeOne(encode(packet(`later/${i}`))).topic, `later/${i}`);
});

test('encode() called from a getter of the packet it is encoding is an Error, not the other packet\'s bytes', () => {
  const packet = {
    cmd: 'publish',
    get topic() { return encode({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'x', qos: 0 }] }) && 'never'; },
    payload: 'p',
  };
  assert.throws(() => encode(packet), /encode\(\) was called again while it read its packet/);
  assert.equal(decodeOne(encode({ cmd: 'publish', topic: 'after', payload: 'p' })).topic, 'after', 'and the next encode works');
});
