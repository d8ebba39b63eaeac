// PacketTap (js/client/packet-tap.js), what the client's 'packetsend' and
// 'packetreceive' events carry, against the codec's decoder in the same run: random
// streams of packets of both directions and every version, cut into random chunks,
// with the listener coming and going. Each listened stretch must give the packets that
// start at or after its first chunk and end while it lasts, as createDecoder() reads
// the same bytes; nothing while nobody listens.
//
// Reproduce a run: SEED=<n> node --test tests/js/packet-tap.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { PacketTap } from '../../js/client/packet-tap.js';
import { encode, createDecoder } from '../../js/index.js';
import { makeRandom, randomPacket } from './random-packets.js';
import { concat } from './concat.js';

const SEED = Number(process.env.SEED ?? 20261202);
const STREAMS = 150; // per version and direction
console.log(`# packet-tap: SEED=${SEED}`);

const CLIENT_SENDS = ['publish', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'subscribe', 'unsubscribe', 'pingreq',
  'disconnect', 'auth'];
const SERVER_SENDS = ['connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'suback', 'unsuback', 'pingresp',
  'disconnect', 'auth'];
const VERSIONS = [3, 4, 5];
const kinds = (list, version) => (version === 5 ? list : list.filter((c) => c !== 'auth'));

// Random packets as wire bytes. What a client sends starts with its CONNECT (a
// bridge's, sometimes, so that its SUBSCRIBEs read differently); a few of the streams
// received mix in every type, CONNECT included.
function randomStream(r, version, sending) {
  const list = sending ? CLIENT_SENDS : r.bool(0.8) ? SERVER_SENDS : [...CLIENT_SENDS, ...SERVER_SENDS, 'connect'];
  const packets = [];
  if (sending) {
    const connect = randomPacket(r, version, 'connect');
    if (version !== 5) connect.bridgeMode = r.bool(0.3);
    packets.push(connect);
  }
  for (let n = r.int(1, 30); n > 0; n--) packets.push(randomPacket(r, version, r.pick(kinds(list, version))));
  return packets.map((p) => encode(p, { protocolVersion: version }));
}

// Chunk sizes of every kind: single bytes, cuts inside fixed headers, whole streams,
// empty chunks.
function chunkSize(r, left) {
  const k = r.float();
  if (k < 0.05) return 0;
  if (k < 0.3) return Math.min(left, r.int(1, 3));
  if (k < 0.8) return Math.min(left, r.int(1, 80));
  return Math.min(left, r.int(1, left));
}

// The listener comes and goes: runs of a few chunks each.
function listening(r, was) {
  return r.bool(0.25) ? !was : was;
}

// What the codec's decoder gives for `parts`, in order: the packets the tap must show.
function decodeAll(parts, version) {
  const decoder = createDecoder({ protocolVersion: version, zeroCopy: false });
  const packets = decoder.push(concat(...parts));
  decoder.dispose();
  return packets;
}

// Whether `view` lies in the bytes of `of` (copies may share a slab with them).
const inside = (view, of) => view.buffer === of.buffer && view.byteOffset < of.byteOffset + of.byteLength &&
  view.byteOffset + view.byteLength > of.byteOffset;

// The emitted packets (with the index of the call that gave each) against the expected
// ones; payloads are never views of the bytes the tap was given.
function compare(got, want, bytes, what) {
  if (!isDeepStrictEqual(got, want)) {
    const at = got.findIndex((g, i) => !isDeepStrictEqual(g, want[i]));
    assert.deepStrictEqual(got[at], want[at], `${what()}: packet ${at} of ${want.length}`);
    assert.equal(got.length, want.length, `${what()}: count`);
  }
  for (const [, p] of got) {
    if (p.payload?.length) assert.ok(!inside(p.payload, bytes), `${what()}: a payload is a view of the input`);
  }
}

test('received: random streams in random chunks, the listener coming and going, read as the decoder does', () => {
  const r = makeRandom(SEED);
  let shown = 0;
  let stretches = 0;
  for (const version of VERSIONS) {
    const tap = new PacketTap(version);
    for (let s = 0; s < STREAMS; s++) {
      const parts = randomStream(r, version, false);
      let bytes = concat(...parts);
      // Some connections end in the middle of a packet: reset() forgets it.
      const cut = r.bool(0.2) ? r.int(0, bytes.length) : bytes.length;
      bytes = bytes.subarray(0, cut);
      tap.reset();
      const got = [];
      const chunks = []; // [start, end, listening]
      let on = r.bool();
      for (let at = 0, call = 0; at < bytes.length || r.bool(0.1); call++) {
        const size = chunkSize(r, bytes.length - at);
        on = listening(r, on);
        const packets = tap.received(bytes.subarray(at, at + size), on);
        if (!on) assert.equal(packets, null, 'nothing while nobody listens');
        for (const p of packets ?? []) got.push([call, p]);
        chunks.push([at, at + size, on]);
        at += size;
      }
      // Which packets each stretch shows: those that start at or after its first
      // chunk's start and whose last byte comes in one of its chunks.
      const shownParts = [];
      const calls = [];
      let start = 0;
      for (let i = 0, runStart = -1; i < parts.length; start += parts[i].length, i++) {
        const last = start + parts[i].length - 1;
        const call = chunks.findIndex(([from, to]) => from <= last && last < to);
        if (call < 0 || !chunks[call][2]) continue;
        runStart = call;
        while (runStart > 0 && chunks[runStart - 1][2]) runStart--;
        if (start < chunks[runStart][0]) continue;
        shownParts.push(parts[i]);
        calls.push(call);
      }
      const want = decodeAll(shownParts, version).map((p, i) => [calls[i], p]);
      compare(got, want, bytes, () => `version ${version}, stream ${s} of ${parts.length} packets in ${chunks.length} chunks`);
      shown += want.length;
      stretches += chunks.filter(([, , l], i) => l && !chunks[i - 1]?.[2]).length;
    }
  }
  assert.ok(shown > 2000 && stretches > 500, `${shown} packets shown in ${stretches} stretches`);
});

test('sent: random writes of whole packets, the listener coming and going, read as the decoder does', () => {
  const r = makeRandom(SEED + 1);
  let shown = 0;
  for (const version of VERSIONS) {
    const tap = new PacketTap(version);
    for (let s = 0; s < STREAMS; s++) {
      const parts = randomStream(r, version, true);
      const bytes = concat(...parts);
      tap.reset();
      const got = [];
      const shownParts = [];
      const calls = [];
      let on = r.bool(0.7);
      for (let i = 0, at = 0, call = 0; i < parts.length; call++) {
        // A write is one packet or several, as the core's output of a turn.
        const n = r.bool(0.5) ? 1 : r.int(1, parts.length - i);
        const size = parts.slice(i, i + n).reduce((sum, p) => sum + p.length, 0);
        on = listening(r, on);
        const packets = tap.sent(bytes.subarray(at, at + size), on);
        if (!on) assert.equal(packets, null, 'nothing while nobody listens');
        for (const p of packets ?? []) got.push([call, p]);
        if (on) {
          shownParts.push(...parts.slice(i, i + n));
          for (let k = 0; k < n; k++) calls.push(call);
        }
        i += n;
        at += size;
      }
      const want = decodeAll(shownParts, version).map((p, i) => [calls[i], p]);
      compare(got, want, bytes, () => `version ${version}, stream ${s} of ${parts.length} packets`);
      shown += want.length;
    }
  }
  assert.ok(shown > 2000, `${shown} packets shown`);
});

test('a listener that comes back in the middle of a packet is in step from the next one', () => {
  const parts = [{ cmd: 'publish', topic: 'a', payload: new Uint8Array(500), qos: 1, messageId: 1 }, { cmd: 'pingresp' }]
    .map((p) => encode(p));
  const bytes = concat(...parts);
  const tap = new PacketTap(4);
  assert.deepEqual(tap.received(bytes.subarray(0, 100), true), []);
  assert.equal(tap.received(bytes.subarray(100, 200), false), null);
  assert.deepEqual(tap.received(bytes.subarray(200), true).map((p) => p.cmd), ['pingresp']);
});

test('a packet that cannot be read ends what its direction shows, until the next connection', () => {
  const good = encode({ cmd: 'publish', topic: 't', payload: 'x', qos: 1, messageId: 7 });
  const ping = encode({ cmd: 'pingreq' });
  // Packet type 0; a Remaining Length of five bytes; a topic longer than its packet.
  for (const bad of [[0x00, 0x00], [0x30, 0xff, 0xff, 0xff, 0xff, 0x7f], [0x30, 0x03, 0x00, 0x09, 0x61]]) {
    for (const size of [1, 2, 5, 1000]) {
      const tap = new PacketTap(4);
      const stream = concat(good, Uint8Array.from(bad), good, good);
      const seen = [];
      for (let at = 0; at < stream.length; at += size) seen.push(...(tap.received(stream.subarray(at, at + size), true) ?? []));
      seen.push(...(tap.received(good, true) ?? []));
      assert.deepEqual(seen.map((p) => p.messageId), [7], `${bad} in chunks of ${size}`);
      tap.reset();
      assert.deepEqual(tap.received(good, true).map((p) => p.messageId), [7], 'a new connection is read again');
    }
    const tap = new PacketTap(4);
    assert.deepEqual(tap.sent(concat(ping, Uint8Array.from(bad), ping), true).map((p) => p.cmd), ['pingreq']);
    assert.equal(tap.sent(ping, true), null);
    tap.reset();
    assert.deepEqual(tap.sent(ping, true).map((p) => p.cmd), ['pingreq']);
  }
});

test('payloads are copies of their own, whatever view the bytes come in', () => {
  for (const payload of [new Uint8Array(10).fill(1), new Uint8Array(300).fill(2), new Uint8Array(5000).fill(3)]) {
    const bytes = encode({ cmd: 'publish', topic: 't', payload }).slice(); // memory of its own
    for (const chunk of [Buffer.from(bytes), new DataView(bytes.buffer), bytes.buffer, bytes]) {
      for (const direction of ['sent', 'received']) {
        const [p] = new PacketTap(4)[direction](chunk, true);
        assert.equal(Object.getPrototypeOf(p.payload), Uint8Array.prototype, `${direction}: ${chunk.constructor.name}`);
        const input = ArrayBuffer.isView(chunk) ? chunk : new Uint8Array(chunk);
        assert.ok(!inside(p.payload, new Uint8Array(input.buffer, input.byteOffset, input.byteLength)), 'a copy');
        assert.deepEqual(p.payload, payload);
      }
    }
  }
});
