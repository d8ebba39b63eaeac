// PUBLISH payloads of more than 4 KiB never enter wasm memory: the decoder stops after
// the variable header and the payload is taken from the caller's chunks (a view of
// one chunk, or gathered from several). These tests hold that path to mqtt-packet's
// reading of the same bytes, however they are cut, and check its memory promises.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concat } from './concat.js';
import { createDecoder, encode } from '../../js/index.js';
import { boundary } from '../../js/wasm/boundary.js';
import { normalize, mqttPacketParse } from './packet-compare.js';

const bytesOf = (size, seed) => new Uint8Array(size).map((_, i) => (i * 31 + seed) & 0xff);

// Payloads on both sides of the 4096-byte line, with small packets between them.
function stream(version) {
  const o = { protocolVersion: version };
  const props = version === 5 ? { contentType: 'application/octet-stream', userProperties: { k: 'v' }, topicAlias: 1 } : undefined;
  return concat(
    encode({ cmd: 'publish', topic: 'big/1', payload: bytesOf(4097, 1), qos: 1, messageId: 1, properties: props }, o),
    encode({ cmd: 'pingreq' }, o),
    encode({ cmd: 'publish', topic: 'edge', payload: bytesOf(4096, 2) }, o),
    encode({ cmd: 'publish', topic: 'big/2', payload: bytesOf(9000, 3), qos: 2, messageId: 2, retain: true }, o),
    encode({ cmd: 'publish', topic: 'big/2', payload: bytesOf(6000, 4), dup: true, qos: 1, messageId: 3 }, o),
    encode({ cmd: 'puback', messageId: 1 }, o),
  );
}

const theirs = (wire, version) => mqttPacketParse(wire, version).map(normalize);

test('every split point of a stream with large payloads gives what mqtt-packet reads (3.1.1 and 5.0)', () => {
  for (const version of [4, 5]) {
    const wire = stream(version);
    const expected = theirs(wire, version);
    assert.equal(expected.length, 6);
    for (let cut = 0; cut <= wire.length; cut++) {
      const d = createDecoder({ protocolVersion: version });
      const first = d.push(wire.subarray(0, cut));
      const got = [...first, ...d.push(wire.subarray(cut))];
      assert.deepEqual(got.map(normalize), expected, `version ${version}, cut at ${cut}`);
      assert.equal(d.buffered, 0);
      d.dispose();
    }
  }
});

test('random three-way cuts and tiny chunks, with zeroCopy on and off', () => {
  const wire = stream(5);
  const expected = theirs(wire, 5);
  let seed = 7;
  const next = (n) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  for (let round = 0; round < 300; round++) {
    const a = next(wire.length + 1);
    const b = a + next(wire.length + 1 - a);
    const d = createDecoder({ protocolVersion: 5, zeroCopy: round % 2 === 0 });
    const got = [...d.push(wire.subarray(0, a)), ...d.push(wire.subarray(a, b)), ...d.push(wire.subarray(b))];
    assert.deepEqual(got.map(normalize), expected, `cuts at ${a} and ${b}`);
  }
  for (const size of [1, 7, 100, 4095, 4097]) {
    const d = createDecoder({ protocolVersion: 5 });
    const got = [];
    for (let at = 0; at < wire.length; at += size) got.push(...d.push(wire.subarray(at, at + size)));
    assert.deepEqual(got.map(normalize), expected, `chunks of ${size}`);
  }
});

test('buffered counts the bytes of a packet whose payload is being gathered', () => {
  const wire = encode({ cmd: 'publish', topic: 'gather', payload: bytesOf(50000, 9), qos: 1, messageId: 5 });
  const d = createDecoder({ protocolVersion: 4 });
  for (let at = 0; at < wire.length; at += 1000) {
    const end = Math.min(at + 1000, wire.length);
    const out = d.push(wire.subarray(at, end));
    if (end < wire.length) {
      assert.deepEqual(out, []);
      assert.equal(d.buffered, end, `after ${end} bytes`);
    } else {
      assert.equal(out.length, 1);
      assert.deepEqual(out[0].payload, bytesOf(50000, 9));
      assert.equal(d.buffered, 0);
    }
  }
});

test('payload ownership: a view of one chunk with zero-copy, a copy otherwise; gathered payloads are their own', () => {
  const payload = bytesOf(20000, 5);
  const wire = encode({ cmd: 'publish', topic: 'own', payload });

  const one = wire.slice();
  const [viewed] = createDecoder({ protocolVersion: 4 }).push(one);
  assert.equal(viewed.payload.buffer, one.buffer, 'zero-copy: a view of the chunk');
  const copy = wire.slice();
  const [copied] = createDecoder({ protocolVersion: 4, zeroCopy: false }).push(copy);
  copy.fill(0);
  assert.deepEqual(copied.payload, payload, 'zeroCopy: false: a copy');

  // Gathered from chunks that the caller then reuses: the payload stays right, and its
  // buffer is exactly its size.
  for (const zeroCopy of [true, false]) {
    const d = createDecoder({ protocolVersion: 4, zeroCopy });
    const scratch = new Uint8Array(8192);
    const got = [];
    for (let at = 0; at < wire.length; at += scratch.length) {
      const piece = wire.subarray(at, at + scratch.length);
      scratch.set(piece);
      got.push(...d.push(scratch.subarray(0, piece.length)));
      scratch.fill(0xee);
    }
    assert.equal(got.length, 1);
    assert.deepEqual(got[0].payload, payload);
    assert.equal(got[0].payload.buffer.byteLength, payload.length);
  }
});

test('errors after a large payload keep the packets before them in err.packets', () => {
  const big = encode({ cmd: 'publish', topic: 'ok', payload: bytesOf(10000, 1) });
  const bad = Uint8Array.of(0x30, 0x03, 0x00, 0x01, 0x2b); // topic "+"
  assert.throws(() => createDecoder({ protocolVersion: 4 }).push(concat(big, bad)), (err) => {
    assert.equal(err.reasonCode, 0x82);
    assert.deepEqual(err.packets.map((p) => [p.topic, p.payload.length]), [['ok', 10000]]);
    return true;
  });
  // The chunk that completes a gathered payload carries the bad packet.
  const d = createDecoder({ protocolVersion: 4 });
  assert.deepEqual(d.push(big.subarray(0, 5000)), []);
  assert.throws(() => d.push(concat(big.subarray(5000), bad)), (err) => {
    assert.deepEqual(err.packets.map((p) => p.topic), ['ok']);
    assert.deepEqual(err.packets[0].payload, bytesOf(10000, 1));
    return true;
  });
  // A bad head is refused before its payload arrives.
  const wildcard = encode({ cmd: 'publish', topic: 'x', payload: bytesOf(10000, 2) });
  wildcard[5] = 0x23; // topic "#" (after 1 type byte, 2 length bytes, 2 topic length bytes)
  assert.throws(() => createDecoder({ protocolVersion: 4 }).push(wildcard.subarray(0, 10)), (err) => err.reasonCode === 0x82);
});

test('reset() while a payload is being gathered forgets it', () => {
  const big = encode({ cmd: 'publish', topic: 'gone', payload: bytesOf(10000, 1) });
  const d = createDecoder({ protocolVersion: 4 });
  d.push(big.subarray(0, 3000));
  assert.equal(d.buffered, 3000);
  d.reset();
  assert.equal(d.buffered, 0);
  const [p] = d.push(encode({ cmd: 'publish', topic: 'fresh', payload: 'x' }));
  assert.equal(p.topic, 'fresh');
});

test('memory: a 20 MiB payload does not grow wasm memory, and a declared 200 MB one is not allocated up front', () => {
  const payload = new Uint8Array(20 << 20).fill(3);
  const wire = encode({ cmd: 'publish', topic: 'huge', payload });
  const before = boundary.module.HEAPU8.length;
  for (const chunk of [65536, wire.length]) {
    const d = createDecoder({ protocolVersion: 4 });
    const got = [];
    for (let at = 0; at < wire.length; at += chunk) got.push(...d.push(wire.subarray(at, at + chunk)));
    assert.equal(got.length, 1);
    assert.equal(got[0].payload.length, payload.length);
    d.dispose();
  }
  assert.equal(boundary.module.HEAPU8.length, before, 'wasm memory did not grow');

  // The header of a 200 MB PUBLISH and a few bytes of its payload.
  const head = Uint8Array.of(0x30, 0x80, 0x84, 0xaf, 0x5f, 0x00, 0x01, 0x74, 1, 2, 3);
  const d = createDecoder({ protocolVersion: 4 });
  const arrayBuffers = process.memoryUsage().arrayBuffers;
  assert.deepEqual(d.push(head), []);
  assert.equal(d.buffered, head.length);
  assert.ok(process.memoryUsage().arrayBuffers - arrayBuffers < 8 << 20, 'no allocation by the declared length');
});
