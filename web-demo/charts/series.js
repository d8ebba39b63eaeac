// A bounded time series in columns: times (seconds) and values in Float64Array rings.
// When full, the oldest point is dropped. times() and values() are views oldest -> newest
// with no copy (each point is stored twice, at i and i + capacity), ready for uPlot.
//   const s = new Series(3600)
//   s.push(Date.now() / 1000, 21.5)
//   s.length, s.capacity, s.timeAt(0), s.valueAt(s.length - 1), s.last
//   s.indexAtOrAfter(t)   first index whose time is >= t (s.length if none)
//   s.times(from = 0), s.values(from = 0), s.clear()
export class Series {
  #capacity;
  #times;
  #values;
  #start = 0;   // slot of the oldest point
  #length = 0;

  constructor(capacity = 3600) {
    if (!(capacity >= 1)) throw new RangeError('a series needs a capacity of at least 1');
    this.#capacity = Math.floor(capacity);
    this.#times = new Float64Array(this.#capacity * 2);
    this.#values = new Float64Array(this.#capacity * 2);
  }

  get length() { return this.#length; }
  get capacity() { return this.#capacity; }
  get last() { return this.#length ? this.valueAt(this.#length - 1) : undefined; }

  push(time, value) {
    const cap = this.#capacity;
    let slot;
    if (this.#length < cap) {
      slot = (this.#start + this.#length) % cap;
      this.#length++;
    } else {
      slot = this.#start;
      this.#start = (this.#start + 1) % cap;
    }
    this.#times[slot] = time;
    this.#times[slot + cap] = time;
    this.#values[slot] = value;
    this.#values[slot + cap] = value;
  }

  timeAt(i) { return this.#times[this.#start + i]; }
  valueAt(i) { return this.#values[this.#start + i]; }

  indexAtOrAfter(time) {
    let lo = 0;
    let hi = this.#length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timeAt(mid) < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  times(from = 0) { return this.#times.subarray(this.#start + from, this.#start + this.#length); }
  values(from = 0) { return this.#values.subarray(this.#start + from, this.#start + this.#length); }

  clear() {
    this.#start = 0;
    this.#length = 0;
  }
}
