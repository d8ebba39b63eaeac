// The one transport shape every kind returns (see open-transport.js), over the kind's
// own write, end and buffered amount. The kind reports its events through the
// returned controls: opened(), received(bytes), ended(error?).
export function byteTransport(where, { write, end, buffered }) {
  let opened = false;
  let closed = false;
  const transport = {
    onbytes: null,
    onclose: null,
    get open() { return opened && !closed; },
    get bufferedAmount() { return buffered(); },
    send(bytes) {
      if (closed) throw new Error(`the connection to ${where} is closed`);
      write(bytes);
    },
    close() {
      if (!closed) end();
    },
  };
  return {
    transport,
    get opened() { return opened; },
    open() { opened = true; },
    received(bytes) { transport.onbytes?.(bytes); },
    // Once; onclose is told only when the connection had opened.
    ended(error) {
      if (closed) return;
      closed = true;
      if (opened) transport.onclose?.(error);
    },
  };
}
