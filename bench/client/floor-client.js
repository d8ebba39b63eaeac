// The floor of the client benchmark: the least work a Node client with MQTT.js's promise
// API can do per message, so that each run shows how far below MQTT.js any client on
// node:net can get in the same setup. It is no client: MQTT 3.1.1, QoS 0 and 1 only,
// 16-byte payloads only, no checks, session, store or keepalive. Its connection and
// packets are the broker benchmark's load generator's (../broker/clients.js, packets.js:
// a raw socket reading into one buffer, packets encoded once and copied). What it
// shares with a real client is what every client needs: a promise per publish, the
// payload copied into the packet, a packet id per QoS 1 message, PUBACKs read in
// whatever chunks arrive, and one write per event-loop turn (setImmediate, as ours
// does in Node).
//
//   const client = await connectAsync('mqtt://127.0.0.1:1883');  // its own client id
//   await client.publishAsync('a/b', Buffer.alloc(16), { qos: 1 });
//   await client.endAsync();
import { openClient } from '../broker/clients.js';
import { PAYLOAD_BYTES, PUBACK, disconnect, publish0, publish1 } from '../broker/packets.js';

class FloorClient {
  #client;
  #templates = new Map(); // topic → [QoS 0 packet, { bytes, idOffset } of QoS 1]
  #chunks = [];
  #written = []; // QoS 0 resolves once its bytes are written
  #acks = new Array(65536); // packet id → the QoS 1 publish's resolve
  #nextId = 0;
  #queued = false;
  #flush = () => {
    this.#queued = false;
    this.#client.socket.write(this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks));
    this.#chunks = [];
    const written = this.#written;
    this.#written = [];
    for (const resolve of written) resolve();
  };

  constructor(client) {
    this.#client = client;
    client.onPacket = (first, buf, start) => {
      if (first >> 4 !== PUBACK) throw new Error(`the floor client reads PUBACK only, not type ${first >> 4}`);
      const id = (buf[start] << 8) | buf[start + 1];
      const resolve = this.#acks[id];
      this.#acks[id] = undefined;
      resolve();
    };
  }

  publishAsync(topic, payload, { qos = 0 } = {}) {
    if (payload.length !== PAYLOAD_BYTES) throw new RangeError(`the floor client publishes ${PAYLOAD_BYTES}-byte payloads only`);
    let templates = this.#templates.get(topic);
    if (templates === undefined) this.#templates.set(topic, (templates = [publish0(topic), publish1(topic)]));
    return new Promise((resolve) => {
      const template = qos ? templates[1].bytes : templates[0];
      const out = Buffer.allocUnsafe(template.length);
      template.copy(out);
      payload.copy(out, out.length - PAYLOAD_BYTES);
      if (qos) {
        this.#nextId = (this.#nextId % 65535) + 1;
        out.writeUInt16BE(this.#nextId, templates[1].idOffset);
        this.#acks[this.#nextId] = resolve;
      } else {
        this.#written.push(resolve);
      }
      this.#chunks.push(out);
      if (!this.#queued) {
        this.#queued = true;
        setImmediate(this.#flush);
      }
    });
  }

  endAsync() {
    return new Promise((resolve) => {
      this.#client.onClose = resolve;
      this.#client.socket.end(disconnect());
    });
  }
}

export async function connectAsync(url) {
  return new FloorClient(await openClient(Number(new URL(url).port), 'floor'));
}
