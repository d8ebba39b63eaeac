// A fixed-capacity FIFO of values: pushing onto a full ring drops the oldest value.
// The dashboard keeps all its bounded state (topic histories, chart series) in rings,
// so memory does not grow with the message rate or the running time.
//
//   const ring = new Ring(3);
//   ring.push(1); ring.push(2); ring.push(3); ring.push(4);
//   ring.toArray()   // [2, 3, 4]
//   ring.at(0)       // 2 (0 is the oldest)
//   ring.resize(2)   // keeps the newest: [3, 4]
//   for (const v of ring) ...   // oldest to newest
export class Ring {
  #items;
  #start = 0; // index of the oldest value in #items
  #length = 0;

  constructor(capacity) {
    this.#items = new Array(checkCapacity(capacity));
  }

  get length() {
    return this.#length;
  }

  get capacity() {
    return this.#items.length;
  }

  push(value) {
    const capacity = this.#items.length;
    if (capacity === 0) return;
    if (this.#length < capacity) {
      this.#items[(this.#start + this.#length) % capacity] = value;
      this.#length += 1;
    } else {
      this.#items[this.#start] = value;
      this.#start = (this.#start + 1) % capacity;
    }
  }

  /** The i-th value, 0 = oldest; undefined out of range. */
  at(i) {
    if (!Number.isInteger(i) || i < 0 || i >= this.#length) return undefined;
    return this.#items[(this.#start + i) % this.#items.length];
  }

  /** The newest value, or undefined when empty. */
  last() {
    return this.at(this.#length - 1);
  }

  toArray() {
    const out = new Array(this.#length);
    for (let i = 0; i < this.#length; i += 1) out[i] = this.#items[(this.#start + i) % this.#items.length];
    return out;
  }

  /** Changes the capacity; when shrinking, the newest values are kept. */
  resize(capacity) {
    const size = checkCapacity(capacity);
    if (size === this.#items.length) return;
    const values = this.toArray();
    const kept = values.slice(Math.max(0, values.length - size));
    this.#items = new Array(size);
    for (let i = 0; i < kept.length; i += 1) this.#items[i] = kept[i];
    this.#start = 0;
    this.#length = kept.length;
  }

  clear() {
    this.#items.fill(undefined); // lets the old values be collected
    this.#start = 0;
    this.#length = 0;
  }

  *[Symbol.iterator]() {
    for (let i = 0; i < this.#length; i += 1) yield this.#items[(this.#start + i) % this.#items.length];
  }
}

function checkCapacity(capacity) {
  if (!Number.isInteger(capacity) || capacity < 0) {
    throw new RangeError(`Ring capacity must be a non-negative integer, got ${capacity}`);
  }
  return capacity;
}
