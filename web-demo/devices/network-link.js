// A simulated device's network: where its client gets each transport, and a way to pull
// the plug. Cutting closes the transport under the client, with no DISCONNECT, as a lost
// Wi-Fi would: the broker then publishes the device's will, and the client reconnects by
// itself once the link is back (its connect target is a function that calls open()).
//
//   const link = new NetworkLink();
//   connectAsync(() => link.open(() => broker.connectLocal()), options);
//   link.cut(5000);   // down now, back in 5 s
//   link.stop();      // no more transports: a pending open() rejects
export class NetworkLink {
  #transport = null;
  #downUntil = 0;
  #stopped = false;
  #wake = null;     // resolves the wait of a pending open()

  /** True while cut. */
  get down() { return Date.now() < this.#downUntil; }

  /** The next transport, from make(), once the link is up; rejects after stop(). */
  async open(make) {
    while (!this.#stopped && this.down) {
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, this.#downUntil - Date.now());
        this.#wake = () => { clearTimeout(timer); resolve(); };
      });
      this.#wake = null;
    }
    if (this.#stopped) throw new Error('the simulated device has stopped');
    this.#transport = await make();
    return this.#transport;
  }

  /** Drops the connection now; open() waits until `ms` have passed. */
  cut(ms) {
    this.#downUntil = Date.now() + ms;
    const t = this.#transport;
    this.#transport = null;
    try { t?.close(); } catch { /* already closed */ }
  }

  stop() {
    this.#stopped = true;
    this.#wake?.();
  }
}
