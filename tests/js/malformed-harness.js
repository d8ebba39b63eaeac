// The harness of broker-malformed.test.js: bytes written as commented hex, the
// expectations a case can have, a raw TCP peer with our decoder on its input, and a
// MalformedHarness that owns one broker, two bystanders ('#' in 3.1.1 and in 5.0) and a
// publisher, and runs one case at a time against them:
//   (a) what the broker sends the attacker, (b) that it closes the connection in time
//   (or keeps it when the case is no error), (c) that both bystanders get a message
//   published afterwards, and nothing from the attack but what the case expects.
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { createBroker, encode, createDecoder } from '../../js/index.js';
import { wasmModule } from '../../js/wasm/module.js';

export const CLOSE_MS = 2000;  // how long the broker has to close a bad connection

// ---- bytes -------------------------------------------------------------------------

// hex`30 04 // comment` -> Uint8Array. Comments run from // to the end of the line.
export function hex(strings) {
  const text = strings.raw.join('').split('\n').map((line) => line.replace(/\/\/.*$/, '')).join(' ');
  const digits = text.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) throw new Error(`bad hex in the table: ${text.trim()}`);
  return Uint8Array.from(digits.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

export const ascii = (text) => new TextEncoder().encode(text);
export const fill = (length, byte) => new Uint8Array(length).fill(byte);

// Joins byte arrays (tests/js/concat.js), under the short name the case table uses.
export { concat as cat } from './concat.js';

// A Variable Byte Integer (section 1.5.5).
export function varint(n) {
  const out = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Uint8Array.from(out);
}

const toHex = (bytes) => Buffer.from(bytes).toString('hex');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until(predicate, ms) {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) return false;
    await sleep(5);
  }
  return true;
}

// ---- expectations ------------------------------------------------------------------
// `replies`: the acceptable lists of packets sent back (any one of them), as summary()
// writes them; `closed`: whether the broker must close the connection.

export const CLOSE = { replies: [[]], closed: true };
export const closeWith = (...packets) => ({ replies: [packets], closed: true });
export const closeWithAnyOf = (...lists) => ({ replies: lists, closed: true });
// A 5.0 CONNECT the server refuses: it MAY send the CONNACK first (section 4.13.1).
export const refuse5 = (code) => closeWithAnyOf([], [`CONNACK ${code}`]);
// Where the spec says only that a packet breaks a rule and names no reason code.
export const MALFORMED_OR_PROTOCOL = closeWithAnyOf(['DISCONNECT 0x81'], ['DISCONNECT 0x82']);
// Not an error: the broker answers as listed, then answers a PINGREQ.
export const stayOpen = (...packets) => ({ replies: [[...packets, 'PINGRESP']], closed: false });

const code = (n) => `0x${n.toString(16).toUpperCase().padStart(2, '0')}`;

export function summary(p) {
  switch (p.cmd) {
    case 'connack': return `CONNACK ${code(p.returnCode ?? p.reasonCode)}`;
    case 'disconnect': return `DISCONNECT ${code(p.reasonCode ?? 0)}`;
    case 'suback': return `SUBACK ${p.granted.map(code).join(' ')}`;
    case 'unsuback': return `UNSUBACK ${(p.granted ?? []).map(code).join(' ')}`.trim();
    case 'publish': return `PUBLISH ${p.topic}`;
    case 'puback': case 'pubrec': case 'pubrel': case 'pubcomp':
      return `${p.cmd.toUpperCase()} ${code(p.reasonCode ?? 0)}`;
    default: return p.cmd.toUpperCase();
  }
}

// For failure messages: the reason string says why the broker chose its code.
const detail = (p) => summary(p) + (p.properties?.reasonString ? ` ("${p.properties.reasonString}")` : '');

export function describe(e) {
  const lists = e.replies.map((list) => (list.length ? list.join(', ') : 'nothing'));
  return `${lists.join(' or ')}${e.closed ? ', closed' : ', stays open'}`;
}

// ---- peers -------------------------------------------------------------------------

// A raw socket with our decoder on its input.
class Peer {
  static async open(port, version) {
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    await once(socket, 'connect');
    return new Peer(socket, version);
  }

  constructor(socket, version) {
    this.socket = socket;
    this.decoder = createDecoder({ protocolVersion: version, zeroCopy: false });
    this.packets = [];
    this.problem = null;  // what our decoder said of bytes from the broker it rejected
    this.closed = false;
    socket.on('error', () => {});  // a reset shows as 'close'
    socket.once('close', () => { this.closed = true; });
    socket.on('data', (chunk) => {
      if (this.problem) return;
      try {
        this.packets.push(...this.decoder.push(chunk));
      } catch (err) {
        this.problem = err;
      }
    });
  }

  write(bytes) {
    this.socket.write(bytes);
  }

  destroy() {
    this.socket.destroy();
    this.decoder.dispose();
  }
}

function connectPacket(version, clientId, willTopic) {
  const packet = { cmd: 'connect', protocolVersion: version, clientId, clean: true, keepalive: 0 };
  if (willTopic) packet.will = { topic: willTopic, payload: 'gone', qos: 0, retain: false };
  return encode(packet);
}

const WILL_PAYLOAD = toHex(ascii('gone'));
const PINGREQ = Uint8Array.of(0xc0, 0x00);
const MiB = 1024 * 1024;
const memory = () => ({ rss: process.memoryUsage().rss, wasm: wasmModule.HEAPU8.buffer.byteLength });
const publishText = (p) => `${p.topic} ${toHex(p.payload)}`;

export class MalformedHarness {
  broker = null;
  bystanders = [];  // [3.1.1, 5.0], both subscribed to '#'
  #port = 0;
  #publisher = null;
  #canaries = 0;
  #attackers = 0;

  async start(brokerOptions) {
    this.broker = await createBroker({ onError: () => {}, ...brokerOptions });
    this.#port = (await this.broker.listen({ tcp: 0, host: '127.0.0.1' })).tcp.port;
    for (const version of [4, 5]) {
      const peer = await this.#connected(version, `bystander-${version}`);
      peer.write(encode({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: '#', qos: 0 }] }, { protocolVersion: version }));
      assert.ok(await until(() => peer.packets.length > 0, CLOSE_MS), 'the bystander gets its SUBACK');
      assert.equal(summary(peer.packets.shift()), 'SUBACK 0x00');
      this.bystanders.push(peer);
    }
    this.#publisher = await this.#connected(5, 'canary-publisher');
  }

  async stop() {
    for (const peer of [...this.bystanders, this.#publisher]) peer?.destroy();
    await this.broker?.close();
  }

  // Connects and waits for the CONNACK; the peer comes back with its CONNACK consumed.
  async #connected(version, clientId, willTopic) {
    const peer = await Peer.open(this.#port, version);
    peer.write(connectPacket(version, clientId, willTopic));
    await until(() => peer.packets.length > 0 || peer.closed, CLOSE_MS);
    const ack = peer.packets.shift();
    assert.equal(ack && summary(ack), 'CONNACK 0x00', `the valid ${version === 5 ? '5.0' : '3.1.1'} CONNECT of ${clientId} is accepted`);
    return peer;
  }

  // Publishes on canary/<n>, waits for both bystanders to get it, and returns the topic.
  async canary(problems) {
    const topic = `canary/${++this.#canaries}`;
    this.#publisher.write(encode({ cmd: 'publish', topic, payload: 'ok', qos: 0 }, { protocolVersion: 5 }));
    const has = (b) => b.packets.some((p) => p.topic === topic);
    if (!(await until(() => this.bystanders.every(has), CLOSE_MS))) {
      const missing = this.bystanders.map((b, i) => (has(b) ? null : i === 0 ? '3.1.1' : '5.0')).filter(Boolean);
      problems.push(`(c) the ${missing.join(' and ')} bystander did not receive a message published after the attack`);
    }
    if (this.#publisher.closed) problems.push('(c) the canary publisher was disconnected');
    return topic;
  }

  // One case of the table (see the field list there); fails with every problem found.
  async run(c) {
    const problems = [];
    const n = ++this.#attackers;
    const willTopic = c.will ? `will/${n}` : undefined;
    const marks = this.bystanders.map((b) => b.packets.length);
    const before = c.memory ? memory() : null;

    const peer = c.connect ? await this.#connected(c.v, `attacker-${n}`, willTopic) : await Peer.open(this.#port, c.decodeAs ?? c.v);
    if (c.split) {
      for (const byte of c.bytes) {
        peer.write(Uint8Array.of(byte));
        await sleep(2);
      }
    } else if (c.bytes.length) {
      peer.write(c.bytes);
    }
    if (c.clientCloses) peer.socket.end();

    const e = c.expect;
    if (e.closed) {
      // (b) closed by the broker: its FIN (or a reset) reaches us in time.
      const within = c.within ?? CLOSE_MS;
      if (!(await until(() => peer.closed, within))) problems.push(`(b) the broker did not close the connection within ${within} ms`);
    } else {
      await sleep(20);
      peer.write(PINGREQ);
      await until(() => peer.closed || peer.packets.some((p) => p.cmd === 'pingresp'), CLOSE_MS);
      if (peer.closed) problems.push('(b) the broker closed a connection that did nothing wrong');
    }

    // (a) what came back
    const got = peer.packets.map(summary);
    if (peer.problem) problems.push(`(a) the broker sent bytes our decoder rejects: ${peer.problem.message}`);
    if (!e.replies.some((list) => list.length === got.length && list.every((s, i) => s === got[i]))) {
      problems.push(`(a) expected ${describe(e)}; the broker sent ${peer.packets.map(detail).join(', ') || 'nothing'}` +
        `${peer.closed ? ' and closed' : ' and kept the connection open'}`);
    }
    peer.destroy();

    // (c) everyone else carries on, and gets from the attack only what the case expects
    const canaryTopic = await this.canary(problems);
    const wanted = [];
    if (c.willPublished) wanted.push(`${willTopic} ${WILL_PAYLOAD}`);
    if (c.deliver) wanted.push(`${c.deliver.topic} ${toHex(c.deliver.payload)}`);
    this.bystanders.forEach((b, i) => {
      const seen = b.packets.slice(marks[i]).filter((p) => p.topic !== canaryTopic).map(publishText);
      if (seen.length !== wanted.length || seen.some((s, k) => s !== wanted[k])) {
        problems.push(`(c) the ${i === 0 ? '3.1.1' : '5.0'} bystander received [${seen.join('; ')}], expected [${wanted.join('; ')}]` +
          (c.will && !c.willPublished ? ' (the will must not be published)' : ''));
      }
    });

    // RSS alone would miss an allocation that is never written to; wasm memory grows on
    // malloc itself (a 256 MB malloc takes it from 16 MiB to 273 MB).
    if (before) {
      const now = memory();
      if (now.wasm - before.wasm > 8 * MiB) problems.push(`wasm memory grew by ${((now.wasm - before.wasm) / MiB).toFixed(1)} MiB`);
      if (now.rss - before.rss > 64 * MiB) problems.push(`process RSS grew by ${((now.rss - before.rss) / MiB).toFixed(1)} MiB`);
    }
    if (problems.length) assert.fail(problems.join('\n'));
  }
}
