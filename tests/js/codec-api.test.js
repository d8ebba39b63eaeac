// The decoder's API keeps its promises: any chunking, errors with the packets before
// them, sticky errors until reset(), the protocol level taken from CONNECT,
// maxPacketSize, payload ownership (zero-copy or not), big chunks, dispose() and
// argument checks. The encoder's side is in codec-encode.test.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concat } from './concat.js';
import { createDecoder, encode, MqttError, MAX_PACKET_SIZE } from '../../js/index.js';
import { boundary } from '../../js/wasm/boundary.js';

const utf8 = (bytes) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);

const v5 = { protocolVersion: 5 };
const big = new Uint8Array(300).map((_, i) => i & 0xff);

// One of every 5.0 packet, with properties, and a payload that needs a 2-byte
// Remaining Length. Ends of packets are returned too.
function stream5() {
  const parts = [
    encode({ cmd: 'connect', protocolVersion: 5, clientId: 'js', will: { topic: 'w', payload: 'bye', properties: { willDelayInterval: 5 } }, properties: { sessionExpiryInterval: 10 } }),
    encode({ cmd: 'connack', reasonCode: 0, sessionPresent: true, properties: { topicAliasMaximum: 4 } }, v5),
    encode({ cmd: 'publish', topic: 'a/b', payload: 'one', qos: 1, messageId: 1, properties: { contentType: 'text/plain', userProperties: { k: ['1', '2'] } } }, v5),
    encode({ cmd: 'puback', messageId: 1, reasonCode: 0x10 }, v5),
    encode({ cmd: 'pubrec', messageId: 2 }, v5),
    encode({ cmd: 'pubrel', messageId: 2 }, v5),
    encode({ cmd: 'pubcomp', messageId: 2, properties: { reasonString: 'ok' } }, v5),
    encode({ cmd: 'subscribe', messageId: 3, subscriptions: [{ topic: 'x/#', qos: 2, nl: true, rap: false, rh: 1 }] }, v5),
    encode({ cmd: 'suback', messageId: 3, granted: [2] }, v5),
    encode({ cmd: 'unsubscribe', messageId: 4, unsubscriptions: ['x/#'] }, v5),
    encode({ cmd: 'unsuback', messageId: 4, granted: [0x11] }, v5),
    encode({ cmd: 'pingreq' }, v5),
    encode({ cmd: 'pingresp' }, v5),
    encode({ cmd: 'publish', topic: 'a/b', payload: big }, v5),
    encode({ cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: 'm' } }, v5),
    encode({ cmd: 'disconnect', reasonCode: 0x04 }, v5),
  ];
  return concat(...parts);
}

const CMDS5 = ['connect', 'connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'subscribe', 'suback',
  'unsubscribe', 'unsuback', 'pingreq', 'pingresp', 'publish', 'auth', 'disconnect'];

// A reference decode of stream5(), checked field by field so that the chunking tests
// compare against something known to be right.
function reference() {
  const packets = createDecoder(v5).push(stream5());
  assert.deepEqual(packets.map((p) => p.cmd), CMDS5);
  assert.equal(packets[0].will.properties.willDelayInterval, 5);
  assert.deepEqual(packets[2].properties.userProperties.k, ['1', '2']);
  assert.equal(packets[3].reasonCode, 0x10);
  assert.deepEqual(packets[7].subscriptions, [{ topic: 'x/#', qos: 2, nl: true, rap: false, rh: 1 }]);
  assert.deepEqual(packets[13].payload, big);
  assert.equal(packets[15].reasonCode, 0x04);
  return packets;
}

test('every split point of a multi-packet stream gives the same packets', () => {
  const whole = stream5();
  const expected = reference();
  for (let cut = 0; cut <= whole.length; cut++) {
    const d = createDecoder(v5);
    const got = [...d.push(whole.subarray(0, cut)), ...d.push(whole.subarray(cut))];
    assert.deepEqual(got, expected, `cut at ${cut}`);
    assert.equal(d.buffered, 0);
  }
});

test('every pair of split points (three pieces) of a short stream gives the same packets', () => {
  const whole = concat(
    encode({ cmd: 'publish', topic: 'ü/😀', payload: 'x', qos: 2, messageId: 9, properties: { topicAlias: 3 } }, v5),
    encode({ cmd: 'pubrel', messageId: 9, reasonCode: 0x92 }, v5),
    encode({ cmd: 'pingresp' }, v5),
  );
  const expected = createDecoder(v5).push(whole);
  assert.equal(expected.length, 3);
  for (let a = 0; a <= whole.length; a++) {
    for (let b = a; b <= whole.length; b++) {
      const d = createDecoder(v5);
      const got = [...d.push(whole.subarray(0, a)), ...d.push(whole.subarray(a, b)), ...d.push(whole.subarray(b))];
      assert.deepEqual(got, expected, `cuts at ${a} and ${b}`);
      d.dispose();
    }
  }
});

test('one byte at a time: each packet comes out at its last byte, and buffered counts the rest', () => {
  const whole = stream5();
  const d = createDecoder(v5);
  const got = [];
  let held = 0;
  for (let i = 0; i < whole.length; i++) {
    const out = d.push(whole.subarray(i, i + 1));
    held = out.length ? 0 : held + 1;
    assert.ok(out.length <= 1);
    assert.equal(d.buffered, held, `after byte ${i}`);
    got.push(...out);
  }
  assert.deepEqual(got, reference());
});

test('an empty push returns nothing and changes nothing', () => {
  const d = createDecoder(v5);
  assert.deepEqual(d.push(new Uint8Array(0)), []);
  d.push(Uint8Array.of(0x30, 0x05));
  assert.deepEqual(d.push(new Uint8Array(0)), []);
  assert.equal(d.buffered, 2);
});

test('malformed input: MqttError with reason code, readable message and err.packets', () => {
  const d = createDecoder({ protocolVersion: 4 });
  const good = encode({ cmd: 'publish', topic: 'ok', payload: 'x' });
  const bad = Uint8Array.of(0x30, 0x03, 0x00, 0x01, 0x2b); // topic "+"
  assert.throws(() => d.push(concat(good, good, bad, good)), (err) => {
    assert.ok(err instanceof MqttError && err instanceof Error);
    assert.equal(err.name, 'MqttError');
    assert.equal(err.reasonCode, 0x82);
    assert.equal(err.reasonName, 'Protocol Error');
    assert.match(err.message, /PUBLISH: topic name "\+" contains a wildcard .*\[MQTT-3\.3\.2-2\]/);
    assert.deepEqual(err.packets.map((p) => p.topic), ['ok', 'ok']);
    return true;
  });

  // The bad packet completed from bytes buffered by an earlier push: the packets of
  // this chunk before it are still there, and none of the earlier chunk twice.
  const split = createDecoder({ protocolVersion: 4 });
  assert.deepEqual(split.push(concat(good, bad.subarray(0, 3))).map((p) => p.topic), ['ok']);
  assert.throws(() => split.push(concat(bad.subarray(3), good)), (err) => err.reasonCode === 0x82 && err.packets.length === 0);

  // A bad first packet: an empty list.
  assert.throws(() => createDecoder().push(Uint8Array.of(0x00, 0x00)), (err) => {
    assert.equal(err.reasonCode, 0x81);
    assert.match(err.message, /packet type 0 is reserved/);
    assert.deepEqual(err.packets, []);
    return true;
  });
});

test('errors are sticky until reset(), which restores the given protocol', () => {
  const d = createDecoder();
  const connect5 = encode({ cmd: 'connect', protocolVersion: 5, clientId: 'c' });
  const bad = Uint8Array.of(0x30, 0x04, 0x00, 0x01, 0x23, 0x00); // topic "#", no properties
  assert.throws(() => d.push(concat(connect5, bad)), (err) => err.reasonCode === 0x82 && err.packets.length === 1);
  assert.equal(d.protocolVersion, 5);
  assert.equal(d.buffered, 0);
  let first;
  assert.throws(() => d.push(encode({ cmd: 'pingreq' })), (err) => {
    first = err;
    return err.reasonCode === 0x82 && err.packets.length === 0;
  });
  // Still the same error, whatever comes, even half a packet; nothing is kept.
  assert.throws(() => d.push(Uint8Array.of(0x30, 0x10, 0x00)), (err) => err.message === first.message);
  assert.throws(() => d.push(new Uint8Array(0)), (err) => err.message === first.message && err.packets.length === 0, 'an empty push too');
  assert.equal(d.buffered, 0);
  d.reset();
  assert.deepEqual(d.push(new Uint8Array(0)), [], 'reset: an empty push is nothing again');
  assert.equal(d.protocolVersion, 4, 'back to "read the level from CONNECT"');
  const [p] = d.push(encode({ cmd: 'publish', topic: 'after', payload: 'x' }));
  assert.equal(p.topic, 'after');
  // A decoder given a level goes back to it.
  const fixed = createDecoder({ protocolVersion: 3 });
  assert.throws(() => fixed.push(bad), (err) => err.reasonCode === 0x82); // in 3.1 the last byte is the payload
  fixed.reset();
  assert.equal(fixed.protocolVersion, 3);
  assert.equal(fixed.push(encode({ cmd: 'pingreq' }))[0].cmd, 'pingreq');
});

test('reset() forgets buffered bytes and a bridge CONNECT', () => {
  const d = createDecoder({ protocolVersion: 4 });
  const subscribe = encode({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 1 }] });
  d.push(encode({ cmd: 'connect', clientId: 'bridge', bridgeMode: true }));
  assert.deepEqual(d.push(subscribe)[0].subscriptions, [{ topic: 'a', qos: 1, rh: 0, rap: true, nl: true }]);
  d.push(subscribe.subarray(0, 4));
  assert.equal(d.buffered, 4);
  d.reset();
  assert.equal(d.buffered, 0);
  assert.deepEqual(d.push(subscribe)[0].subscriptions, [{ topic: 'a', qos: 1 }]);
});

test('without protocolVersion the level comes from the first CONNECT: 3.1, 3.1.1, 5.0', () => {
  // 5.0: the CONNECT and 5.0-only packets in one chunk.
  const d5 = createDecoder();
  assert.equal(d5.protocolVersion, 4);
  const packets = d5.push(concat(
    encode({ cmd: 'connect', protocolVersion: 5, clientId: 'c', properties: { receiveMaximum: 7 } }),
    encode({ cmd: 'publish', topic: 't', payload: 'p', properties: { messageExpiryInterval: 60 } }, v5),
    encode({ cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: 's', qos: 0, rh: 2 }], properties: { subscriptionIdentifier: 9 } }, v5),
    encode({ cmd: 'pubrec', messageId: 5, reasonCode: 0x91 }, v5),
    encode({ cmd: 'auth', reasonCode: 0x19, properties: { authenticationMethod: 'x' } }, v5),
    encode({ cmd: 'disconnect', reasonCode: 0x8e }, v5),
  ));
  assert.equal(d5.protocolVersion, 5);
  assert.deepEqual(packets.map((p) => p.cmd), ['connect', 'publish', 'subscribe', 'pubrec', 'auth', 'disconnect']);
  assert.equal(packets[0].properties.receiveMaximum, 7);
  assert.equal(packets[1].properties.messageExpiryInterval, 60);
  assert.equal(packets[2].properties.subscriptionIdentifier, 9);
  assert.deepEqual(packets[2].subscriptions, [{ topic: 's', qos: 0, nl: false, rap: false, rh: 2 }]);
  assert.equal(packets[3].reasonCode, 0x91);
  assert.equal(packets[4].reasonCode, 0x19);
  assert.equal(packets[5].reasonCode, 0x8e);

  // 3.1 ("MQIsdp", level 3) and 3.1.1: no properties, no reason codes, no AUTH.
  for (const level of [3, 4]) {
    const d = createDecoder();
    const [c, s, a] = d.push(concat(
      encode({ cmd: 'connect', protocolVersion: level, clientId: 'c' }),
      encode({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/+', qos: 2 }] }),
      encode({ cmd: 'puback', messageId: 4 }),
    ));
    assert.deepEqual([c.protocolId, c.protocolVersion, d.protocolVersion], [level === 3 ? 'MQIsdp' : 'MQTT', level, level]);
    assert.deepEqual(s.subscriptions, [{ topic: 'a/+', qos: 2 }]);
    assert.equal(a.reasonCode, undefined);
    assert.throws(() => d.push(encode({ cmd: 'auth', reasonCode: 0 }, v5)), (err) => err.reasonCode === 0x81);
  }

  // Before any CONNECT it reads 3.1.1: a 5.0 PUBACK with a reason code is refused.
  assert.throws(() => createDecoder().push(encode({ cmd: 'puback', messageId: 1, reasonCode: 0x10 }, v5)),
    (err) => err.reasonCode === 0x81);

  // The CONNECT split over chunks; the chunk that completes it carries 5.0 packets.
  const connect = encode({ cmd: 'connect', protocolVersion: 5, clientId: 'split' });
  const after = encode({ cmd: 'puback', messageId: 3, reasonCode: 0x87, properties: { reasonString: 'no' } }, v5);
  const ds = createDecoder();
  assert.deepEqual(ds.push(connect.subarray(0, 9)), []);
  const [c2, ack] = ds.push(concat(connect.subarray(9), after));
  assert.equal(c2.clientId, 'split');
  assert.deepEqual([ack.reasonCode, ack.properties.reasonString], [0x87, 'no']);

  // Only the first CONNECT decides: a later one is decoded with its own level.
  const d = createDecoder();
  d.push(encode({ cmd: 'connect', protocolVersion: 4, clientId: 'a' }));
  const [again] = d.push(encode({ cmd: 'connect', protocolVersion: 5, clientId: 'b', properties: { sessionExpiryInterval: 1 } }));
  assert.equal(again.properties.sessionExpiryInterval, 1);
  assert.equal(d.protocolVersion, 4);
});

test('maxPacketSize: a Remaining Length claiming 256 MB is refused with 0x95 before its body', () => {
  const d = createDecoder({ protocolVersion: 4, maxPacketSize: 1 << 20 });
  // The header arrives byte by byte: nothing is refused before the length is known.
  for (const byte of [0x30, 0xff, 0xff, 0xff]) assert.deepEqual(d.push(Uint8Array.of(byte)), []);
  assert.ok(d.buffered <= 4);
  assert.throws(() => d.push(Uint8Array.of(0x7f, 0x00, 0x01, 0x61)), (err) => {
    assert.equal(err.reasonCode, 0x95);
    assert.equal(err.reasonName, 'Packet too large');
    assert.match(err.message, /268435460 bytes is larger than the maximum of 1048576/);
    return true;
  });
  assert.equal(d.buffered, 0);

  // A limit of exactly the packet's size lets it through; one byte less does not.
  const packet = encode({ cmd: 'publish', topic: 't', payload: new Uint8Array(1000) });
  assert.equal(createDecoder({ protocolVersion: 4, maxPacketSize: packet.length }).push(packet).length, 1);
  assert.throws(() => createDecoder({ protocolVersion: 4, maxPacketSize: packet.length - 1 }).push(packet.subarray(0, 3)),
    (err) => err.reasonCode === 0x95);

  // Under the default limit (the protocol's) only the bytes that arrived are kept.
  const open = createDecoder({ protocolVersion: 4 });
  assert.deepEqual(open.push(Uint8Array.of(0x30, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x01, 0x61)), []);
  assert.equal(open.buffered, 8);
  assert.equal(MAX_PACKET_SIZE, 268435460);
  for (const ok of [2, MAX_PACKET_SIZE]) createDecoder({ maxPacketSize: ok }).dispose();
  for (const bad of [0, 1, MAX_PACKET_SIZE + 1, 1.5, '100', NaN]) {
    assert.throws(() => createDecoder({ maxPacketSize: bad }), RangeError, String(bad));
  }
});

test('zeroCopy: false payloads never change when the caller reuses its input buffer', () => {
  for (const size of [0, 10, 64, 65, 1000, 4096, 5000, 70000]) {
    const payload = new Uint8Array(size).map((_, i) => (i * 7 + 1) & 0xff);
    const input = encode({ cmd: 'publish', topic: 't', payload, qos: 1, messageId: 1 });
    const [p] = createDecoder({ protocolVersion: 4, zeroCopy: false }).push(input);
    input.fill(0xee);
    assert.deepEqual(p.payload, payload, `payload of ${size} bytes`);
  }
});

test('zero-copy: a large payload is a view of the input chunk; small ones are copies', () => {
  const payload = new Uint8Array(5000).fill(7);
  const input = encode({ cmd: 'publish', topic: 't', payload });
  const [view] = createDecoder({ protocolVersion: 4 }).push(input);
  assert.equal(view.payload.buffer, input.buffer);
  assert.deepEqual(view.payload, payload);
  input.fill(1, 5);
  assert.equal(view.payload[0], 1, 'a view sees the caller\'s later writes (that is what zeroCopy: false is for)');

  // The line is a sixteenth of the chunk's buffer, on both sides of the 4 KiB line
  // where payloads stop entering wasm memory.
  for (const [size, shared] of [[4096, true], [4095, false], [8192, true], [5000, false]]) {
    const room = new Uint8Array(size === 5000 ? 81000 : 65536);
    const wire = encode({ cmd: 'publish', topic: 't', payload: new Uint8Array(size).fill(3) });
    room.set(wire);
    const [p] = createDecoder({ protocolVersion: 4 }).push(room.subarray(0, wire.length));
    assert.equal(p.payload.buffer === room.buffer, shared, `${size} bytes in a buffer of ${room.length}`);
    assert.ok(p.payload.length === size && p.payload.every((b) => b === 3));
  }

  // A small payload in a big buffer would pin it: copied even with zero-copy on.
  const buffer = new Uint8Array(65536);
  const small = encode({ cmd: 'publish', topic: 't', payload: 'tiny' });
  buffer.set(small);
  const [tiny] = createDecoder({ protocolVersion: 4 }).push(buffer.subarray(0, small.length));
  buffer.fill(0);
  assert.notEqual(tiny.payload.buffer, buffer.buffer);
  assert.equal(utf8(tiny.payload), 'tiny');
});

test('copied payloads are not overwritten by later pushes, in any decoder', () => {
  const make = (size, fill) => encode({ cmd: 'publish', topic: 't', payload: new Uint8Array(size).fill(fill) });
  for (const size of [5, 64, 100, 3000, 5000]) {
    const d = createDecoder({ protocolVersion: 4, zeroCopy: false });
    const kept = [];
    for (let i = 1; i <= 40; i++) kept.push(...(i % 2 ? d : createDecoder({ protocolVersion: 4 })).push(make(size, i)));
    kept.forEach((p, i) => assert.ok(p.payload.every((b) => b === i + 1), `payload ${i} of ${size} bytes`));
  }
});

test('payloads and binary fields are plain Uint8Arrays, even from Node Buffers', () => {
  const wire = Buffer.concat([
    encode({ cmd: 'publish', topic: 't', payload: new Uint8Array(5000).fill(1) }, v5),
    encode({ cmd: 'publish', topic: 't', payload: 'hi', properties: { correlationData: new Uint8Array(100) } }, v5),
    encode({ cmd: 'connect', protocolVersion: 5, username: 'u', password: 'p', will: { topic: 'w', payload: 'x' } }),
  ]);
  assert.ok(Buffer.isBuffer(wire));
  for (const zeroCopy of [true, false]) {
    const [a, b, c] = createDecoder({ protocolVersion: 5, zeroCopy }).push(wire);
    for (const bytes of [a.payload, b.payload, b.properties.correlationData, c.password, c.will.payload]) {
      assert.equal(Object.getPrototypeOf(bytes), Uint8Array.prototype);
      assert.ok(!Buffer.isBuffer(bytes));
    }
    assert.equal(a.payload.length, 5000);
    assert.equal(utf8(b.payload), 'hi');
  }
  // Other views and ArrayBuffers are accepted as input too.
  const bytes = encode({ cmd: 'publish', topic: 'v', payload: 'x' });
  const copy = () => bytes.slice().buffer;
  for (const input of [copy(), new DataView(copy()), new Uint16Array(copy().slice(0, 8))]) {
    assert.equal(createDecoder({ protocolVersion: 4 }).push(input)[0].topic, 'v');
  }
});

test('chunks of megabytes: packets across the 64 KiB windows copied into wasm come out whole', () => {
  const packets = [];
  for (let i = 0; i < 700; i++) {
    const payload = new Uint8Array(3000 + (i % 97)).fill(i & 0xff);
    packets.push(encode({ cmd: 'publish', topic: `t/${i}`, payload, qos: 1, messageId: i + 1 }, v5));
  }
  const whole = concat(...packets); // about 2.1 MB
  assert.ok(whole.length > 2 << 20);
  for (const zeroCopy of [true, false]) {
    const got = createDecoder({ protocolVersion: 5, zeroCopy }).push(whole);
    assert.equal(got.length, 700);
    got.forEach((p, i) => {
      assert.equal(p.topic, `t/${i}`);
      assert.equal(p.payload.length, 3000 + (i % 97));
      assert.ok(p.payload.every((b) => b === (i & 0xff)), `payload ${i}`);
    });
  }
  // A payload that lies far into the chunk is still a view of the right bytes of it.
  const first = encode({ cmd: 'publish', topic: 't', payload: new Uint8Array((1 << 20) - 7).fill(1) });
  assert.equal(first.length, 1 << 20);
  const second = new Uint8Array(700 << 10).map((_, i) => (i * 13) & 0xff);
  const chunk = concat(first, encode({ cmd: 'publish', topic: 'u', payload: second }), encode({ cmd: 'pingreq' }));
  const [, viewed, ping] = createDecoder({ protocolVersion: 4 }).push(chunk);
  assert.equal(viewed.payload.buffer, chunk.buffer, 'zero-copy');
  assert.ok(Buffer.from(viewed.payload).equals(second));
  assert.equal(ping.cmd, 'pingreq');

  // An error in the third MiB: err.packets holds every packet before it.
  const bad = concat(whole.subarray(0, packets.slice(0, 650).reduce((n, p) => n + p.length, 0)), Uint8Array.of(0x30, 0x03, 0x00, 0x00, 0x00));
  assert.throws(() => createDecoder({ protocolVersion: 5 }).push(bad), (err) => {
    assert.equal(err.reasonCode, 0x82); // empty topic without a Topic Alias
    assert.equal(err.packets.length, 650);
    assert.equal(err.packets[649].topic, 't/649');
    return true;
  });
});

test('one 20 MiB packet in one chunk, and in 64 KiB chunks', () => {
  const payload = new Uint8Array(20 << 20);
  for (let i = 0; i < payload.length; i += 4093) payload[i] = (i >> 12) & 0xff;
  const wire = concat(encode({ cmd: 'publish', topic: 'big', payload }, v5), encode({ cmd: 'pingreq' }));
  const [p, ping] = createDecoder(v5).push(wire);
  assert.deepEqual([p.payload.length, ping.cmd], [payload.length, 'pingreq']);
  assert.ok(Buffer.from(p.payload.buffer, p.payload.byteOffset, p.payload.length).equals(payload));
  const d = createDecoder(v5);
  const got = [];
  for (let at = 0; at < wire.length; at += 65536) got.push(...d.push(wire.subarray(at, at + 65536)));
  assert.equal(got.length, 2);
  assert.ok(Buffer.from(got[0].payload).equals(payload));
});

test('dispose(): frees the decoder; using it afterwards throws, disposing again does not', () => {
  const d = createDecoder(v5);
  d.push(Uint8Array.of(0x30, 0x10));
  d.dispose();
  d.dispose();
  d.reset();
  assert.throws(() => d.push(Uint8Array.of(0xc0, 0x00)), /disposed/);
  assert.throws(() => d.buffered, /disposed/);
  assert.throws(() => d.protocolVersion, /disposed/);
  for (let i = 0; i < 20000; i++) createDecoder(v5).dispose();
  assert.equal(createDecoder(v5).push(encode({ cmd: 'pingresp' }, v5))[0].cmd, 'pingresp');
});

test('bad arguments are TypeErrors (RangeErrors for sizes and versions) with readable messages', () => {
  assert.throws(() => createDecoder({ protocolVersion: 6 }), { name: 'RangeError', message: /protocolVersion must be 3, 4 or 5, not 6/ });
  assert.throws(() => createDecoder({ protocolVersion: '5' }), { name: 'RangeError', message: /not "5"/ });
  for (const zeroCopy of ['yes', 1]) {
    assert.throws(() => createDecoder({ zeroCopy }), { name: 'TypeError', message: /zeroCopy must be true or false/ }, String(zeroCopy));
  }
  for (const options of [5, 'v5', null, true]) {
    assert.throws(() => createDecoder(options), { name: 'TypeError', message: /options must be an object/ }, String(options));
  }
  const d = createDecoder();
  for (const chunk of [undefined, null, 'bytes', 42, [0xc0, 0x00], {}]) {
    assert.throws(() => d.push(chunk), { name: 'TypeError', message: /push\(\) takes a Uint8Array/ }, String(chunk));
  }
  assert.equal(d.push(encode({ cmd: 'pingreq' })).length, 1, 'a refused argument does not break the decoder');
});

test('a decoder costs little wasm memory until it sees many strings: 5,000 of them fit in 20 MB', () => {
  const heap = () => boundary.module.HEAPU8.byteLength;
  const before = heap();
  const decoders = [];
  const publish = encode({ cmd: 'publish', topic: 'a/b', payload: 'x' });
  for (let i = 0; i < 5000; i++) {
    const d = createDecoder();
    assert.equal(d.push(publish)[0].topic, 'a/b');
    decoders.push(d);
  }
  const grown = heap() - before;
  for (const d of decoders) d.dispose();
  assert.ok(grown < 20 << 20, `5,000 decoders grew wasm memory by ${(grown / 2 ** 20).toFixed(1)} MB`);
  // Many strings, past every growth of one decoder's string table: each decoded right.
  const d = createDecoder({ protocolVersion: 5 });
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 5000; i++) {
      const [p] = d.push(encode({ cmd: 'publish', topic: `t/${i}`, payload: 'x', properties: { contentType: `c${i % 700}` } }, { protocolVersion: 5 }));
      assert.equal(p.topic, `t/${i}`);
      assert.equal(p.properties.contentType, `c${i % 700}`);
    }
  }
});
