// messagePayload(bytes): a received payload as the application gets it. In Node a
// Buffer over the same memory (no copy), as MQTT.js gives, so that payload.toString()
// is the text; elsewhere the Uint8Array itself.
import { isNode } from '../environment.js';
import { messagePayload as browserMessagePayload } from './payload-browser.js';

export const messagePayload = isNode ? (await import('./payload-node.js')).messagePayload : browserMessagePayload;
