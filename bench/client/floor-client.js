// The floor of the client benchmark: the least work a Node client with MQTT.js's promise
// API can do per message, so that each run shows how far below MQTT.js any client on
// node:net can get in the same setup. It is no client: MQTT 3.1.1, QoS 0 and 1 only, no
// checks, no session, no store, no keepalive, and the packets are made by hand. What it
// shares with a real one is what every client needs: a socket, a promise per publish, a
// packet id per QoS 1 message, PUBACKs read in whatever chunks arrive, and one write per
// event-loop turn (setImmediate, as ours does in Node).
//
//   const client = await connectAsync('mqtt://127.0.0.1:1883', { clientId, keepalive });
//   await client.publishAsync('a/b', Buffer.from('x'), { qos: 1 });
//   await client.endAsync();
import net from 'node:net';

const CONNACK = 0x20;
const PUBACK = 0x40;

// The Remaining Length field [MQTT 2.2.3], written at out[at]; returns where it ends.
function writeLength(out, at, length) {
  do {
    let byte = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) byte |= 0x80;
    out[at++] = byte;
  } while (length > 0);
  return at;
}

function packet(firstByte, body) {
  const head = Buffer.alloc(5);
  head[0] = firstByte;
  const end = writeLength(head, 1, body.length);
  return Buffer.concat([head.subarray(0, end), body]);
}

function connectPacket({ clientId, keepalive }) {
  const id = Buffer.from(clientId);
  const body = Buffer.alloc(10 + 2 + id.length);
  body.write('\x00\x04MQTT\x04\x02', 0, 'latin1'); // protocol level 4, clean session
  body.writeUInt16BE(keepalive, 8);
  body.writeUInt16BE(id.length, 10);
  id.copy(body, 12);
  return packet(0x10, body);
}

class FloorClient {
  stream;
  #chunks = [];
  #written = []; // QoS 0 resolves once its bytes are written
  #acks = new Array(65536); // packet id → the QoS 1 publish's resolve
  #nextId = 0;
  #rest = null; // the start of a packet that the last chunk cut
  #queued = false;
  #flush = () => {
    this.#queued = false;
    const bytes = this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks);
    this.#chunks = [];
    this.stream.write(bytes);
    const written = this.#written;
    this.#written = [];
    for (const resolve of written) resolve();
  };

  constructor(stream) {
    this.stream = stream;
  }

  publishAsync(topic, payload, { qos = 0 } = {}) {
    return new Promise((resolve) => {
      const name = Buffer.from(topic);
      const length = 2 + name.length + (qos ? 2 : 0) + payload.length;
      const out = Buffer.allocUnsafe(5 + length);
      out[0] = 0x30 | (qos << 1);
      let at = writeLength(out, 1, length);
      at = out.writeUInt16BE(name.length, at);
      at += name.copy(out, at);
      if (qos) {
        this.#nextId = (this.#nextId % 65535) + 1;
        at = out.writeUInt16BE(this.#nextId, at);
        this.#acks[this.#nextId] = resolve;
      } else {
        this.#written.push(resolve);
      }
      at += payload.copy(out, at);
      this.#chunks.push(out.subarray(0, at));
      if (!this.#queued) {
        this.#queued = true;
        setImmediate(this.#flush);
      }
    });
  }

  // Every packet the server sends here is 4 bytes (CONNACK, PUBACK).
  received(chunk) {
    let bytes = this.#rest ? Buffer.concat([this.#rest, chunk]) : chunk;
    let at = 0;
    for (; at + 4 <= bytes.length; at += 4) {
      if (bytes[at] !== PUBACK) throw new Error(`the floor client reads PUBACK only, not 0x${bytes[at].toString(16)}`);
      const id = bytes.readUInt16BE(at + 2);
      const resolve = this.#acks[id];
      this.#acks[id] = undefined;
      resolve();
    }
    this.#rest = at < bytes.length ? bytes.subarray(at) : null;
  }

  endAsync() {
    return new Promise((resolve) => {
      this.stream.once('close', resolve);
      this.stream.end(Buffer.from([0xe0, 0]));
    });
  }
}

export function connectAsync(url, options) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const stream = net.connect({ host: hostname, port: Number(port), noDelay: true });
    stream.once('error', reject);
    stream.once('connect', () => stream.write(connectPacket(options)));
    stream.once('data', (connack) => {
      if (connack.length !== 4 || connack[0] !== CONNACK || connack[3] !== 0) {
        reject(new Error(`the floor client expected a CONNACK accepting it, got ${connack.toString('hex')}`));
        stream.destroy();
        return;
      }
      const client = new FloorClient(stream);
      stream.on('data', (chunk) => client.received(chunk));
      resolve(client);
    });
  });
}
