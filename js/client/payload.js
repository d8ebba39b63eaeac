// messagePayload(bytes): a received payload as the application gets it. In Node a
// Buffer over the same memory (no copy), as MQTT.js gives, so that payload.toString()
// is the text; elsewhere the Uint8Array itself.
import { isNode } from '../environment.js';
import { messagePayload as browserMessagePayload } from './payload-browser.js';

export const messagePayload = isNode ? (await import('./payload-node.js')).messagePayload : browserMessagePayload;

// A received or tapped packet as the application gets it: its payload, its binary
// properties (Correlation Data, Authentication Data) and a CONNECT's will payload and
// password, each through messagePayload (Buffers in Node, as MQTT.js gives them).
export function applicationPacket(packet) {
  if (packet.payload !== undefined) packet.payload = messagePayload(packet.payload);
  binaryProperties(packet.properties);
  if (packet.will) {
    packet.will.payload = messagePayload(packet.will.payload);
    binaryProperties(packet.will.properties);
  }
  if (packet.password instanceof Uint8Array) packet.password = messagePayload(packet.password);
  return packet;
}

function binaryProperties(properties) {
  if (properties === undefined) return;
  if (properties.correlationData) properties.correlationData = messagePayload(properties.correlationData);
  if (properties.authenticationData) properties.authenticationData = messagePayload(properties.authenticationData);
}
