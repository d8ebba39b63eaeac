// MQTT over WebSocket (ws://, wss://) in Node, with the `ws` package. The subprotocol is
// "mqtt" [MQTT-6.0.0-3]; every message is binary. `options` (connect()'s wsOptions and
// TLS options) go to ws's WebSocket as they are; compression is off unless asked for.
import WebSocket from 'ws';
import { byteTransport } from './byte-transport.js';

export function openWebSocket(url, options) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.href, 'mqtt', { perMessageDeflate: false, ...options });
    let failure;
    const t = byteTransport(url.href, {
      write: (bytes) => ws.send(bytes, { binary: true }),
      end: () => ws.close(1000),
      buffered: () => ws.bufferedAmount,
    });
    ws.on('message', (data) => {
      for (const c of Array.isArray(data) ? data : [data]) {
        t.received(c instanceof ArrayBuffer ? new Uint8Array(c) : new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
      }
    });
    ws.on('error', (err) => {
      failure = err;
      if (!t.opened) reject(new Error(`cannot connect to ${url.href}: ${err.code ?? err.message}`, { cause: err }));
    });
    ws.on('close', () => t.ended(failure));
    ws.once('open', () => {
      t.open();
      resolve(t.transport);
    });
  });
}
