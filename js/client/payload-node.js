// Node: a packet's bytes as Buffers over the same memory (see payload.js).
import { Buffer } from 'node:buffer';

const asBuffer = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function binaryProperties(properties) {
  if (properties === undefined) return;
  if (properties.correlationData) properties.correlationData = asBuffer(properties.correlationData);
  if (properties.authenticationData) properties.authenticationData = asBuffer(properties.authenticationData);
}

export function applicationPacket(packet) {
  if (packet.payload !== undefined) packet.payload = asBuffer(packet.payload);
  binaryProperties(packet.properties);
  if (packet.will) {
    packet.will.payload = asBuffer(packet.will.payload);
    binaryProperties(packet.will.properties);
  }
  if (packet.password instanceof Uint8Array) packet.password = asBuffer(packet.password);
  return packet;
}
