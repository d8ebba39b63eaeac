// The one transport shape every kind returns (see open-transport.js), over the kind's
// own write, end and buffered amount. The kind reports its events through the
// returned controls: opened(), received(bytes), ended(error?).
//
// The transport is a class instance, not an object literal: Rollup 4.68 (the bundler
// of Vite 7) drops `transport.onbytes?.(bytes)` when the transport is an object literal
// with `onbytes: null` handed out through a Promise's resolve, as if nobody could set
// it, and a bundled client then never hears from its WebSocket
// (tests/browser/vite-app.test.js).
class ByteTransport {
  onbytes = null;
  onclose = null;
  #link;

  constructor(link) {
    this.#link = link;
  }

  get open() { return this.#link.isOpen(); }
  get bufferedAmount() { return this.#link.buffered(); }
  send(bytes) { this.#link.send(bytes); }
  close() { this.#link.close(); }
}

export function byteTransport(where, { write, end, buffered }) {
  let opened = false;
  let closed = false;
  const transport = new ByteTransport({
    isOpen: () => opened && !closed,
    buffered,
    send(bytes) {
      if (closed) throw new Error(`the connection to ${where} is closed`);
      write(bytes);
    },
    close() {
      if (!closed) end();
    },
  });
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
