// Packets for the broker benchmark's load generator: encoded once with mqtt-packet,
// then only copied (and for QoS 1, patched with a packet id). The Framer splits a TCP
// stream into packets by Remaining Length and reads nothing else, so that the
// generator's own parsing costs next to nothing next to a broker's.
import mqttPacket from 'mqtt-packet';

export const PUBLISH = 3;
export const PUBACK = 4;
export const CONNACK = 2;
export const SUBACK = 9;

export const PAYLOAD_BYTES = 16;

export function connect(clientId) {
  // Keepalive 0: the idle connections of the memory scenario must not need pings.
  return mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId, keepalive: 0 });
}

export function subscribe(filter, qos) {
  return mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: filter, qos }] });
}

export function disconnect() {
  return mqttPacket.generate({ cmd: 'disconnect' });
}

// A QoS 0 PUBLISH with a 16-byte payload. The payload is the packet's last 16 bytes,
// which is where the latency scenario writes its timestamp.
export function publish0(topic) {
  return mqttPacket.generate({ cmd: 'publish', topic, qos: 0, retain: false, dup: false, payload: Buffer.alloc(PAYLOAD_BYTES, 0x42) });
}

// A QoS 1 PUBLISH template and the offset of its packet id, to be patched per copy.
export function publish1(topic) {
  const bytes = mqttPacket.generate({ cmd: 'publish', topic, qos: 1, messageId: 1, retain: false, dup: false, payload: Buffer.alloc(PAYLOAD_BYTES, 0x42) });
  return { bytes, idOffset: bytes.length - PAYLOAD_BYTES - 2 };
}

export function puback(messageId) {
  return Buffer.from([0x40, 0x02, messageId >> 8, messageId & 0xff]);
}

// `count` copies of one packet back to back, to be written as one batch.
export function repeat(packet, count) {
  const out = Buffer.allocUnsafe(packet.length * count);
  for (let i = 0; i < count; i++) packet.copy(out, i * packet.length);
  return out;
}

// The length of the whole packet that starts at `off` (fixed header included), or -1
// while its Remaining Length has not all arrived.
function frameLength(buf, off, n) {
  let length = 0;
  let shift = 0;
  for (let i = off + 1; i < n; i++) {
    const byte = buf[i];
    length += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return i + 1 - off + length;
    shift += 7;
    if (shift >= 28) throw new Error('malformed Remaining Length from the broker');
  }
  return -1;
}

// Calls onPacket(firstByte, buffer, bodyStart, end, packetStart) for each whole
// packet. The chunk's memory is reused for the next read, so the tail of a packet
// split across chunks is copied into `pending`, and only that packet is joined with
// the next chunk.
export class Framer {
  constructor(onPacket) {
    this.onPacket = onPacket;
    this.pending = null;
  }

  push(chunk) {
    let off = 0;
    if (this.pending) {
      const have = this.pending.length;
      const head = have < 5 ? Buffer.concat([this.pending, chunk.subarray(0, 5)]) : this.pending;
      const total = frameLength(head, 0, head.length);
      if (total < 0 || have + chunk.length < total) {
        this.pending = Buffer.concat([this.pending, chunk]);
        return;
      }
      const packet = Buffer.concat([this.pending, chunk.subarray(0, total - have)]);
      this.pending = null;
      this.frames(packet, 0);
      off = total - have;
    }
    off = this.frames(chunk, off);
    if (off < chunk.length) this.pending = Buffer.from(chunk.subarray(off));
  }

  // Frames whole packets from `off`; returns where the first incomplete one starts.
  frames(buf, off) {
    const n = buf.length;
    while (off < n) {
      const total = frameLength(buf, off, n);
      if (total < 0 || off + total > n) break;
      const end = off + total;
      let bodyStart = off + 2;
      while (buf[bodyStart - 1] & 0x80) bodyStart++;
      this.onPacket(buf[off], buf, bodyStart, end, off);
      off = end;
    }
    return off;
  }
}

// The packet id of a QoS 1 or 2 PUBLISH whose body starts at `start`.
export function publishId(buf, start) {
  const topicEnd = start + 2 + ((buf[start] << 8) | buf[start + 1]);
  return (buf[topicEnd] << 8) | buf[topicEnd + 1];
}
