// The client's side of a store (store.js): what it puts there as messages go out and
// are released, what it deletes as they complete, and what it reads back at the start.
import { shown } from '../errors.js';

const encoder = new TextEncoder();

export class StoreLink {
  #store;
  #fail;

  // fail(error): a store call threw or rejected (the client emits 'error').
  constructor(store, fail) {
    this.#store = store;
    this.#fail = fail;
  }

  // What restore() takes, from list(): { publish, released } per stored message. Of a
  // QoS 2 message whose PUBREC came, only the PUBREL is resent: the publish given for
  // it is a stand-in (the core never sends it, and drops it if the session is gone).
  async restorable() {
    let packets;
    try {
      packets = await this.#store.list();
    } catch (err) {
      throw new Error(`store.list() failed: ${err?.message ?? err}`, { cause: err });
    }
    if (!Array.isArray(packets)) throw new TypeError(`store.list() must give an array of packets, not ${shown(packets)}`);
    return packets.map((p) => (p?.cmd === 'pubrel'
      ? { publish: { cmd: 'publish', topic: 'pubrel', payload: new Uint8Array(0), qos: 2, messageId: p.messageId }, released: true }
      : { publish: p, released: false }));
  }

  // The request `entry` ({ packet, messageId? }) went out with this packet id. `topic`
  // is what its Topic Alias stood for when it came with an empty topic. Kept without
  // the alias, which ends with the connection [MQTT-3.3.2-7], so with its full topic.
  sent(entry, packetId, topic) {
    if (entry.messageId !== undefined && entry.messageId !== packetId) this.#call('del', entry.messageId);
    entry.messageId = packetId;
    const p = entry.packet;
    const payload = typeof p.payload === 'string' ? encoder.encode(p.payload) : p.payload;
    const kept = { ...p, topic: topic || p.topic, payload, dup: false, messageId: packetId };
    if (p.properties?.topicAlias !== undefined) {
      const { topicAlias, ...properties } = p.properties;
      kept.properties = properties;
    }
    this.#call('put', kept);
  }

  released(packetId) {
    this.#call('put', { cmd: 'pubrel', messageId: packetId });
  }

  // The request is over (completed, or failed for good).
  done(entry) {
    if (entry.messageId !== undefined) this.#call('del', entry.messageId);
  }

  #call(method, arg) {
    const fail = (err) => this.#fail(new Error(`store.${method}() failed: ${err?.message ?? err}`, { cause: err }));
    try {
      const r = this.#store[method](arg);
      if (r && typeof r.then === 'function') r.then(undefined, fail);
    } catch (err) {
      fail(err);
    }
  }
}
