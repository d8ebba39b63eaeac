// openTransport(target, options): the byte connection a client speaks MQTT over.
//
//   const t = await openTransport('ws://127.0.0.1:8080', { });
//   t.onbytes = (bytes) => { ... };     // a chunk from the server, any size
//   t.onclose = (error) => { ... };     // once; error is set when it did not end cleanly
//   t.send(bytes); t.close();
//
// `target` is a URL (mqtt:// and tcp://, mqtts:// and tls:// in Node; ws:// and wss://
// everywhere) or a transport already open, such as broker.connectLocal(). It resolves
// once the connection is open and rejects with a clear Error when it cannot be.
// brokerUrl(text) is that check of a URL alone: connect() makes it at once
// (client/target.js), with the same messages.
// Each kind lives in a file named for its environment (see environment.js): the
// browser's WebSocket is imported statically, the Node transports by import() in Node.
import { isNode } from '../environment.js';
import { openWebSocket as browserOpenWebSocket } from './ws-browser.js';

// The URL schemes openTransport() knows.
const NODE_ONLY = new Set(['mqtt:', 'tcp:', 'mqtts:', 'tls:']);
const WEBSOCKET = new Set(['ws:', 'wss:']);

// True for a transport object (the shape openTransport() resolves to).
export function isTransport(target) {
  return target !== null && typeof target === 'object' && typeof target.send === 'function' &&
    typeof target.close === 'function' && 'onbytes' in target;
}

/**
 * `text` as a URL openTransport() can open here, or a TypeError saying why not (the
 * message after `what`, such as 'connect: ', the caller's name).
 * @param {string} text @param {string} [what]
 * @returns {URL}
 */
export function brokerUrl(text, what = '') {
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`${what}not a broker URL: "${text}" (expected mqtt://, mqtts://, ws:// or wss://)`);
  }
  if (NODE_ONLY.has(url.protocol)) {
    if (!isNode) throw new TypeError(`${what}${url.protocol}// needs Node.js: a browser can reach a broker only over ws:// or wss://`);
  } else if (!WEBSOCKET.has(url.protocol)) {
    throw new TypeError(`${what}unsupported protocol "${url.protocol}" in ${text} (expected mqtt://, tcp://, mqtts://, tls://, ws:// or wss://)`);
  }
  return url;
}

export async function openTransport(target, options = {}) {
  if (isTransport(target)) {
    if (target.open === false) throw new Error('the transport given is already closed');
    return target;
  }
  const url = brokerUrl(String(target));
  if (WEBSOCKET.has(url.protocol)) {
    const openWebSocket = isNode ? (await import('./ws-node.js')).openWebSocket : browserOpenWebSocket;
    return openWebSocket(url, options);
  }
  const { openSocket } = await import('./tcp-node.js');
  return openSocket(url, options);
}
