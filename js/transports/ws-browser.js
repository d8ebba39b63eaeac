// MQTT over WebSocket (ws://, wss://) with the browser's own WebSocket. The subprotocol is
// "mqtt" [MQTT-6.0.0-3]; every message is binary.
export function openWebSocket(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.href, 'mqtt');
    ws.binaryType = 'arraybuffer';
    let opened = false;
    let closed = false;
    const transport = {
      onbytes: null,
      onclose: null,
      get open() { return opened && !closed; },
      get bufferedAmount() { return ws.bufferedAmount; },
      send(bytes) {
        if (closed) throw new Error(`the connection to ${url.href} is closed`);
        ws.send(bytes);
      },
      close() {
        if (!closed) ws.close(1000);
      },
    };
    ws.onmessage = (event) => {
      if (event.data instanceof ArrayBuffer) transport.onbytes?.(new Uint8Array(event.data));
    };
    ws.onclose = (event) => {
      if (!opened) {
        // Browsers tell no more than this about a WebSocket that did not open.
        reject(new Error(`cannot connect to ${url.href} (WebSocket closed with code ${event.code})`));
        return;
      }
      if (closed) return;
      closed = true;
      transport.onclose?.(event.wasClean ? undefined : new Error(`the connection to ${url.href} was lost (code ${event.code})`));
    };
    ws.onopen = () => {
      opened = true;
      resolve(transport);
    };
  });
}
