// An in-process connection to a broker, for a client in the same page, worker or
// process (broker.connectLocal()). Bytes go each way asynchronously, in order, as over a
// socket, so neither side runs inside the other's call.
//
//   const t = broker.connectLocal();
//   t.onbytes = (bytes) => { ... };   // from the broker
//   t.onclose = () => { ... };        // the broker closed it
//   t.send(bytes); t.close();
//   const next = t.reopen();          // a new connection to the same broker (reconnects)
export class LocalTransport {
  onbytes = null;
  onclose = null;
  #peer;
  #open = true;
  #reopen;

  constructor(attach, reopen) {
    const self = this;
    this.#reopen = reopen;
    this.#peer = attach({
      kind: 'local',
      remoteAddress: 'local',
      get bufferedAmount() { return 0; },
      send(bytes) {
        if (!self.#open) return;
        queueMicrotask(() => { if (self.#open) self.onbytes?.(bytes); });
      },
      close() { queueMicrotask(() => self.#end()); },
      destroy() { queueMicrotask(() => self.#end()); },
    });
  }

  get open() { return this.#open; }

  // Throws when the broker has been closed.
  reopen() {
    return this.#reopen();
  }

  send(bytes) {
    if (!this.#open) throw new Error('the local connection to the broker is closed');
    const copy = bytes.slice();  // the caller may reuse its buffer
    queueMicrotask(() => { if (this.#open) this.#peer.receive(copy); });
  }

  close() {
    if (!this.#open) return;
    this.#end();
  }

  #end() {
    if (!this.#open) return;
    this.#open = false;
    this.#peer.closed();
    this.onclose?.();
  }
}
