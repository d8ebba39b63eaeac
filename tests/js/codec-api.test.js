// The JS codec API keeps its promises: chunking, errors, protocol levels, limits,
// payload ownership, argument checks, caches and wasm memory growth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDecoder, encode, MqttError, MAX_PACKET_SIZE, reasonCodeName } from '../../js/index.js';
import { boundary } from '../../js/wasm/boundary.js';

const text = (bytes) => new TextDecoder().decode(bytes);
const concat = (...parts) => Buffer.concat(parts.map((p) => Buffer.from(p)));

function sampleStream() {
  return [
    encode({ cmd: 'connect', protocolVersion: 5, clientId: 'js', properties: { sessionExpiryInterval: 10 } }),
    encode({ cmd: 'publish', topic: 'a/b', payload: 'one', qos: 1, messageId: 1, properties: { contentType: 'text/plain' } }, { protocolVersion: 5 }),
    encode({ cmd: 'puback', messageId: 1, reasonCode: 0x10 }, { protocolVersion: 5 }),
    encode({ cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: 'x/#', qos: 2, nl: true, rap: false, rh: 1 }] }, { protocolVersion: 5 }),
    encode({ cmd: 'pingreq' }, { protocolVersion: 5 }),
    encode({ cmd: 'publish', topic: 'a/b', payload: new Uint8Array(300).fill(9) }, { protocolVersion: 5 }),
  ];
}

test('every split point of a multi-packet stream gives the same packets', () => {
  const whole = concat(...sampleStream());
  const reference = createDecoder().push(whole);
  assert.equal(reference.length, 6);
  for (let cut = 0; cut <= whole.length; cut++) {
    const d = createDecoder();
    const got = [...d.push(whole.subarray(0, cut)), ...d.push(whole.subarray(cut))];
    assert.deepEqual(got, reference, `cut at ${cut}`);
    assert.equal(d.buffered, 0);
  }
});

test('one byte at a time', () => {
  const whole = concat(...sampleStream());
  const d = createDecoder();
  const got = [];
  for (const byte of whole) got.push(...d.push(new Uint8Array([byte])));
  assert.deepEqual(got, createDecoder().push(whole));
});

test('without protocolVersion the level comes from CONNECT: 3.1, 3.1.1 and 5.0', () => {
  for (const version of [3, 4, 5]) {
    const connect = encode({ cmd: 'connect', protocolVersion: version, clientId: 'c' });
    const ack = encode({ cmd: 'puback', messageId: 4, reasonCode: version === 5 ? 0x10 : undefined }, { protocolVersion: version === 3 ? 4 : version });
    const d = createDecoder();
    assert.equal(d.protocolVersion, 4);
    const [c, a] = d.push(concat(connect, ack));
    assert.equal(c.protocolVersion, version);
    assert.equal(c.protocolId, version === 3 ? 'MQIsdp' : 'MQTT');
    assert.equal(d.protocolVersion, version);
    assert.equal(a.messageId, 4);
    assert.equal(a.reasonCode, version === 5 ? 0x10 : undefined);
  }
});

test('malformed input: MqttError with reason code, readable message and the packets before it', () => {
  const d = createDecoder({ protocolVersion: 4 });
  const good = encode({ cmd: 'publish', topic: 'ok', payload: 'x' });
  const bad = Uint8Array.from([0x30, 0x03, 0x00, 0x01, 0x2b]); // topic "+"
  assert.throws(() => d.push(concat(good, good, bad, good)), (err) => {
    assert.ok(err instanceof MqttError);
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'MqttError');
    assert.equal(err.reasonCode, 0x82);
    assert.equal(err.reasonName, 'Protocol Error');
    assert.match(err.message, /wildcard.*\[MQTT-3\.3\.2-2\]/);
    assert.deepEqual(err.packets.map((p) => p.topic), ['ok', 'ok']);
    return true;
  });
  // Sticky until reset.
  assert.throws(() => d.push(good), (err) => err.reasonCode === 0x82 && err.packets.length === 0);
  d.reset();
  assert.equal(d.push(good).length, 1);
});

test('maxPacketSize: a Remaining Length claiming 256 MB fails with 0x95 before any body arrives', () => {
  const d = createDecoder({ protocolVersion: 4, maxPacketSize: 1 << 20 });
  assert.throws(() => d.push(Uint8Array.from([0x30, 0xff, 0xff, 0xff, 0x7f])), (err) => err.reasonCode === 0x95);
  assert.ok(d.buffered <= 5);

  // Under the default (the protocol's limit) only the bytes that arrived are kept.
  const open = createDecoder({ protocolVersion: 4 });
  assert.deepEqual(open.push(Uint8Array.from([0x30, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x01, 0x61])), []);
  assert.equal(open.buffered, 8);
  assert.equal(MAX_PACKET_SIZE, 268435460);
});

test('payloads are plain Uint8Arrays, even from Node Buffers', () => {
  const wire = Buffer.from(encode({ cmd: 'publish', topic: 't', payload: new Uint8Array(5000).fill(1) }));
  const [p] = createDecoder({ protocolVersion: 4 }).push(wire);
  assert.equal(Object.getPrototypeOf(p.payload), Uint8Array.prototype);
  assert.ok(!Buffer.isBuffer(p.payload));
  const [small] = createDecoder({ protocolVersion: 4 }).push(Buffer.from(encode({ cmd: 'publish', topic: 't', payload: 'hi' })));
  assert.equal(Object.getPrototypeOf(small.payload), Uint8Array.prototype);
});

test('zero-copy payloads are views of the input; zeroCopy: false copies', () => {
  const payload = new Uint8Array(5000).fill(7);
  const input = encode({ cmd: 'publish', topic: 't', payload });
  const [view] = createDecoder({ protocolVersion: 4 }).push(input);
  assert.equal(view.payload.buffer, input.buffer, 'a large payload in the chunk is a view of it');

  const reused = new Uint8Array(input);
  const [copy] = createDecoder({ protocolVersion: 4, zeroCopy: false }).push(reused);
  reused.fill(0); // the caller reuses its buffer
  assert.deepEqual(copy.payload, payload);

  // A small payload is copied even with zeroCopy: it would pin the whole chunk.
  const big = new Uint8Array(65536);
  const small = encode({ cmd: 'publish', topic: 't', payload: 'tiny' });
  big.set(small);
  const [tiny] = createDecoder({ protocolVersion: 4 }).push(big.subarray(0, small.length));
  assert.notEqual(tiny.payload.buffer, big.buffer);
  assert.equal(text(tiny.payload), 'tiny');
});

test('chunks larger than 1 MiB, and payloads of 64 KiB, 1 MiB and 20 MiB', () => {
  for (const size of [65536, 1 << 20, 20 << 20]) {
    const payload = new Uint8Array(size);
    for (let i = 0; i < size; i += 4096) payload[i] = i >> 12;
    const wire = encode({ cmd: 'publish', topic: 'big', payload, qos: 1, messageId: 3 }, { protocolVersion: 5 });
    const stream = concat(wire, encode({ cmd: 'pingreq' }));
    const [p, ping] = createDecoder({ protocolVersion: 5 }).push(stream);
    assert.equal(p.payload.length, size);
    assert.deepEqual(p.payload, payload);
    assert.equal(ping.cmd, 'pingreq');
  }
});

test('wasm memory growth in the middle of use does not disturb decoding or encoding', () => {
  const d = createDecoder({ protocolVersion: 4 });
  const small = encode({ cmd: 'publish', topic: 'before', payload: 'x' });
  assert.equal(d.push(small)[0].topic, 'before');
  // A 50 MiB encode grows wasm memory.
  const scratchBefore = boundary.scratchCap;
  const huge = encode({ cmd: 'publish', topic: 'huge', payload: new Uint8Array(50 << 20).fill(3) });
  assert.equal(huge.length, (50 << 20) + 5 + 6);
  // The encoder's buffers went back to their usual size: one big message does not
  // keep 50 MiB of wasm heap in use.
  assert.equal(boundary.scratchCap, scratchBefore);
  const [h] = createDecoder({ protocolVersion: 4 }).push(huge);
  assert.equal(h.payload[(50 << 20) - 1], 3);
  assert.equal(d.push(small)[0].topic, 'before');
  assert.equal(d.push(encode({ cmd: 'publish', topic: 'after', payload: 'y' }))[0].topic, 'after');
});

test('the string caches give the right strings past their 4,096 entries', () => {
  const d = createDecoder({ protocolVersion: 5 });
  for (let i = 0; i < 6000; i++) {
    const topic = `t/${i}`;
    const wire = encode({ cmd: 'publish', topic, payload: 'p', properties: { userProperties: { key: `v${i % 5000}` } } }, { protocolVersion: 5 });
    const [p] = d.push(wire);
    assert.equal(p.topic, topic);
    assert.equal(p.properties.userProperties.key, `v${i % 5000}`);
  }
  // And repeated ones still come back right.
  for (let i = 0; i < 6000; i += 997) {
    const [p] = d.push(encode({ cmd: 'publish', topic: `t/${i}`, payload: 'p' }, { protocolVersion: 5 }));
    assert.equal(p.topic, `t/${i}`);
  }
});

test('user properties: repeated names become arrays, empty values are kept, names cannot reach the prototype', () => {
  const wire = encode({
    cmd: 'publish', topic: 't', payload: '',
    properties: { userProperties: { a: ['', 'x'], __proto__: 'evil', constructor: 'c' } },
  }, { protocolVersion: 5 });
  const [p] = createDecoder({ protocolVersion: 5 }).push(wire);
  const user = p.properties.userProperties;
  assert.equal(Object.getPrototypeOf(user), null);
  assert.deepEqual(user.a, ['', 'x']);
  assert.equal(user.constructor, 'c');
  assert.equal(Object.prototype.evil, undefined);
});

test('encode refuses invalid packets with reason codes and messages naming the problem', () => {
  const refusals = [
    [{ cmd: 'publish', topic: 'a/+', payload: '' }, 0x82, /wildcard/],
    [{ cmd: 'publish', topic: 'a', payload: '', qos: 3, messageId: 1 }, 0x81, /QoS is 3/],
    [{ cmd: 'publish', topic: 'a', payload: '', qos: 1 }, 0x81, /messageId/],
    [{ cmd: 'publish', topic: 'a', payload: '', qos: 1, messageId: 0 }, 0x82, /packet identifier is 0/],
    [{ cmd: 'publish', topic: 'a', payload: '', qos: 1, messageId: 70000 }, 0x81, /messageId/],
    [{ cmd: 'publish', topic: 'a', payload: '', properties: { colour: 1 } }, 0x81, /unknown property "colour"/],
    [{ cmd: 'publish', topic: 'a\ud800', payload: '' }, 0x81, /lone UTF-16 surrogate/],
    [{ cmd: 'publish', topic: 'a', payload: '', properties: { topicAlias: 1 } }, 0x82, /only in MQTT 5\.0/],
    [{ cmd: 'publish', topic: 42, payload: '' }, 0x81, /topic must be a string/],
    [{ cmd: 'publish', topic: 'a', payload: 42 }, 0x81, /payload must be/],
    [{ cmd: 'subscribe', messageId: 1, subscriptions: [] }, 0x82, /no topic filters/],
    [{ cmd: 'connect', protocolVersion: 6 }, 0x84, /protocolVersion/],
    [{ cmd: 'connect', protocolVersion: 4, protocolId: 'MQIsdp' }, 0x84, /protocolId/],
    [{ cmd: 'connect', protocolVersion: 4, clientId: '', clean: false }, 0x85, /clean session/],
    [{ cmd: 'nonsense' }, 0x81, /unknown packet cmd/],
  ];
  for (const [packet, code, message] of refusals) {
    assert.throws(() => encode(packet), (err) => {
      assert.ok(err instanceof MqttError, JSON.stringify(packet));
      assert.equal(err.reasonCode, code, `${JSON.stringify(packet)}: ${err.message}`);
      assert.match(err.message, message);
      return true;
    });
  }
  assert.throws(() => encode({ cmd: 'publish', topic: 'a', payload: '', properties: { topicAlias: 0 } }, { protocolVersion: 5 }),
    (err) => err.reasonCode === 0x82);
  assert.throws(() => encode({ cmd: 'pingreq' }, { protocolVersion: 2 }), TypeError);
});

test('encode defaults: 3.1.1 without a version; a CONNECT decides its own; accepted input types', () => {
  const publish = encode({ cmd: 'publish', topic: 'a', payload: 'x' });
  assert.equal(createDecoder({ protocolVersion: 4 }).push(publish)[0].topic, 'a');
  const connect = encode({ cmd: 'connect', protocolVersion: 5, clientId: 'c' }, { protocolVersion: 4 });
  assert.equal(connect[8], 5); // the level byte
  const minimal = createDecoder().push(encode({ cmd: 'connect' }))[0];
  assert.deepEqual([minimal.protocolVersion, minimal.clean, minimal.keepalive, minimal.clientId], [4, true, 0, '']);
  for (const payload of ['ab', new Uint8Array([97, 98]), Buffer.from('ab'), new Uint8Array([97, 98]).buffer, new DataView(new Uint8Array([97, 98]).buffer)]) {
    const [p] = createDecoder({ protocolVersion: 4 }).push(encode({ cmd: 'publish', topic: 't', payload }));
    assert.equal(text(p.payload), 'ab');
  }
  assert.equal(reasonCodeName(0x95), 'Packet too large');
});

test('argument checks', () => {
  assert.throws(() => createDecoder({ protocolVersion: 6 }), TypeError);
  assert.throws(() => createDecoder({ maxPacketSize: 0 }), RangeError);
  assert.throws(() => createDecoder({ maxPacketSize: 1.5 }), RangeError);
  assert.throws(() => createDecoder().push('not bytes'), TypeError);
  assert.throws(() => encode(null), MqttError);
  const d = createDecoder();
  d.dispose();
  d.dispose(); // twice is harmless
  assert.throws(() => d.push(new Uint8Array([0xc0, 0x00])), /disposed/);
});

test('many decoders can be created and disposed', () => {
  for (let i = 0; i < 20000; i++) createDecoder({ protocolVersion: 5 }).dispose();
  const d = createDecoder({ protocolVersion: 5 });
  assert.equal(d.push(encode({ cmd: 'pingresp' }, { protocolVersion: 5 }))[0].cmd, 'pingresp');
});
