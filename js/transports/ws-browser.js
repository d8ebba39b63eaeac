// MQTT over WebSocket (ws://, wss://) with the browser's own WebSocket. The subprotocol is
// "mqtt" [MQTT-6.0.0-3]; every message is binary.
import { byteTransport } from './byte-transport.js';

export function openWebSocket(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.href, 'mqtt');
    ws.binaryType = 'arraybuffer';
    const t = byteTransport(url.href, {
      write: (bytes) => ws.send(bytes),
      end: () => ws.close(1000),
      buffered: () => ws.bufferedAmount,
    });
    ws.onmessage = (event) => {
      if (event.data instanceof ArrayBuffer) t.received(new Uint8Array(event.data));
    };
    ws.onclose = (event) => {
      if (!t.opened) {
        // Browsers tell no more than this about a WebSocket that did not open.
        reject(new Error(`cannot connect to ${url.href} (WebSocket closed with code ${event.code})`));
        return;
      }
      t.ended(event.wasClean ? undefined : new Error(`the connection to ${url.href} was lost (code ${event.code})`));
    };
    ws.onopen = () => {
      t.open();
      resolve(t.transport);
    };
  });
}
