// The broker's health from its $SYS topics, for our broker and for Mosquitto (both name
// them alike: $SYS/broker/clients/connected, .../messages/received, ...).
//
//   const sys = new SysStats()
//   sys.add(record)          each message; anything outside $SYS/broker/ is ignored
//   sys.snapshot() -> { seen, version, uptime (s), clients, clientsTotal, received,
//       sent, receivedRate, sentRate (msgs/s, from the last two samples of the
//       counters), subscriptions, retained, bytesReceived, bytesSent, dropped, updatedAt }
//   Fields the broker has not published are undefined.
const FIELDS = {
  '$SYS/broker/version': 'version',
  '$SYS/broker/uptime': 'uptime',
  '$SYS/broker/clients/connected': 'clients',
  '$SYS/broker/clients/total': 'clientsTotal',
  '$SYS/broker/messages/received': 'received',
  '$SYS/broker/messages/sent': 'sent',
  '$SYS/broker/subscriptions/count': 'subscriptions',
  '$SYS/broker/retained messages/count': 'retained',
  '$SYS/broker/bytes/received': 'bytesReceived',
  '$SYS/broker/bytes/sent': 'bytesSent',
  '$SYS/broker/publish/messages/dropped': 'dropped',
};
const RATES = { received: 'receivedRate', sent: 'sentRate' };
const text = new TextDecoder();

export class SysStats {
  #values = {};
  #samples = {};   // counter -> [[time, value] previous, [time, value] latest]
  #updatedAt;

  add(record) {
    const field = FIELDS[record.topic];
    if (!field) return false;
    const raw = text.decode(record.payload).trim();
    if (field === 'version') {
      this.#values.version = raw;
    } else {
      const value = Number.parseFloat(raw);  // "123 seconds" is Mosquitto's uptime
      if (!Number.isFinite(value)) return false;
      this.#values[field] = value;
      if (RATES[field]) {
        const [, latest] = this.#samples[field] ?? [];
        this.#samples[field] = [latest, [record.time, value]];
      }
    }
    this.#updatedAt = record.time;
    return true;
  }

  snapshot() {
    const out = { seen: this.#updatedAt !== undefined, updatedAt: this.#updatedAt, ...this.#values };
    for (const [counter, rate] of Object.entries(RATES)) {
      const [before, latest] = this.#samples[counter] ?? [];
      if (before && latest && latest[0] > before[0] && latest[1] >= before[1]) {
        out[rate] = ((latest[1] - before[1]) * 1000) / (latest[0] - before[0]);
      }
    }
    return out;
  }

  clear() {
    this.#values = {};
    this.#samples = {};
    this.#updatedAt = undefined;
  }
}
