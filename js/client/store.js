// Stores of in-flight QoS 1 and 2 publishes: what lets a message published by one
// client (or one page load, or one process) be resent by the next one that takes up
// the same session (same clientId, clean: false), when it never got its PUBACK or
// PUBCOMP.
//
// Without a `store` option the client keeps in-flight messages in its own memory
// only, and they end with it. With one, the client tells the store:
//
//   put(packet)       a publish went out for the first time: packet is a PUBLISH as
//                     mqtt-packet shapes it, with its messageId ({ cmd: 'publish', topic,
//                     payload: Uint8Array, qos, retain, dup, messageId, properties }).
//                     For QoS 2, once the PUBREC came, put({ cmd: 'pubrel', messageId })
//                     replaces it: only the PUBREL is left to send.
//   del(messageId)    its PUBACK or PUBCOMP came (or it failed for good): forget it.
//   list()            at the start of connect(): every packet put and not deleted, in
//                     the order first put. The client resends them on its first
//                     connection: with DUP when the broker kept the session, as new
//                     messages when it did not (a 'pubrel' then needs nothing more).
//
// Each method may return a Promise (an IndexedDB or file store will); the client does
// not wait for put and del (the packet is already on its way), and it waits for list
// before its first connection. Errors reach the client's 'error' event, and so does
// each packet from list() that cannot be resent (left in the store: deleting it by
// its messageId could delete another). A packet put is kept with its full topic and
// no topicAlias, which ends with its connection.
//
// end() keeps what is in flight when the session is to be resumed (clean: false), so
// that the next client with the store resends it; with clean: true it deletes it.
// One store serves one session at a time: two clients connected with one store at once
// would take each other's messages.
//
// A store for IndexedDB keeps the same three methods over an object store keyed by
// messageId (payload as an ArrayBuffer); one for files may append put/del records to a
// log and replay it in list().
export class MemoryStore {
  #packets = new Map();  // messageId -> packet, in the order first put

  put(packet) {
    this.#packets.set(packet.messageId, packet);
  }

  del(messageId) {
    this.#packets.delete(messageId);
  }

  list() {
    return [...this.#packets.values()];
  }

  /** How many packets are held. */
  get size() {
    return this.#packets.size;
  }
}

export function checkStore(store) {
  if (store === null || typeof store !== 'object' ||
      typeof store.put !== 'function' || typeof store.del !== 'function' || typeof store.list !== 'function') {
    throw new TypeError('connect: store must be an object with put(packet), del(messageId) and list() (see MemoryStore)');
  }
  return store;
}
