// applicationPacket(packet): a received or tapped packet as the application gets it.
// In Node its payload, binary properties (Correlation Data, Authentication Data) and a
// CONNECT's will payload and password become Buffers over the same memory (no copy),
// as MQTT.js gives them, so that payload.toString() is the text; elsewhere the packet
// is left as it is, with Uint8Arrays.
import { isNode } from '../environment.js';
import { applicationPacket as browserApplicationPacket } from './payload-browser.js';

export const applicationPacket = isNode ? (await import('./payload-node.js')).applicationPacket : browserApplicationPacket;
