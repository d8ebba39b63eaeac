// MQTT over WebSocket (ws://, wss://) in Node, with the `ws` package. The subprotocol is
// "mqtt" [MQTT-6.0.0-3]; every message is binary.
import WebSocket from 'ws';

const WS_OPTIONS = ['ca', 'cert', 'key', 'passphrase', 'rejectUnauthorized', 'servername', 'headers'];

export function openWebSocket(url, options) {
  return new Promise((resolve, reject) => {
    const settings = { perMessageDeflate: false };
    for (const name of WS_OPTIONS) if (options[name] !== undefined) settings[name] = options[name];
    const ws = new WebSocket(url.href, 'mqtt', settings);
    let opened = false;
    let closed = false;
    let failure = null;
    const transport = {
      onbytes: null,
      onclose: null,
      get open() { return opened && !closed; },
      get bufferedAmount() { return ws.bufferedAmount; },
      send(bytes) {
        if (closed) throw new Error(`the connection to ${url.href} is closed`);
        ws.send(bytes, { binary: true });
      },
      close() {
        if (!closed) ws.close(1000);
      },
    };
    ws.on('message', (data) => {
      const chunks = Array.isArray(data) ? data : [data];
      for (const c of chunks) {
        const b = c instanceof ArrayBuffer ? new Uint8Array(c) : new Uint8Array(c.buffer, c.byteOffset, c.byteLength);
        transport.onbytes?.(b);
      }
    });
    ws.on('error', (err) => {
      failure = err;
      if (!opened) reject(new Error(`cannot connect to ${url.href}: ${err.code ?? err.message}`, { cause: err }));
    });
    ws.on('close', () => {
      if (closed) return;
      closed = true;
      if (opened) transport.onclose?.(failure ?? undefined);
    });
    ws.once('open', () => {
      opened = true;
      resolve(transport);
    });
  });
}
