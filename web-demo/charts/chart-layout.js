// The pinned charts of the grid, in order, with their size, saved in storage under one
// key so the layout survives a reload. No DOM here.
//   const layout = new ChartLayout(localStorage)   // restores what was saved
//   layout.list()                 -> [{ id, topic, field, size }]  size: 1 or 2 columns
//   layout.add(topic, field)      -> the entry (the existing one if already pinned)
//   layout.find(topic, field), layout.get(id)
//   layout.remove(id), layout.setSize(id, size), layout.move(id, delta)   (each saves)
// storage: anything with getItem/setItem (localStorage); null keeps it in memory only.
export const LAYOUT_KEY = 'mqtt-wasm-demo/charts';

export class ChartLayout {
  #storage;
  #entries = [];
  #nextId = 1;

  constructor(storage) {
    this.#storage = storage ?? null;
    this.#restore();
  }

  list() { return this.#entries.map((e) => ({ ...e })); }
  get(id) { return this.#entries.find((e) => e.id === id); }
  find(topic, field) { return this.#entries.find((e) => e.topic === topic && e.field === field); }

  add(topic, field = '') {
    const existing = this.find(topic, field);
    if (existing) return existing;
    const entry = { id: `c${this.#nextId++}`, topic, field, size: 1 };
    this.#entries.push(entry);
    this.#save();
    return entry;
  }

  remove(id) {
    const before = this.#entries.length;
    this.#entries = this.#entries.filter((e) => e.id !== id);
    if (this.#entries.length !== before) this.#save();
  }

  setSize(id, size) {
    const entry = this.get(id);
    if (!entry) return;
    entry.size = size === 2 ? 2 : 1;
    this.#save();
  }

  move(id, delta) {
    const from = this.#entries.findIndex((e) => e.id === id);
    if (from < 0) return;
    const to = Math.max(0, Math.min(this.#entries.length - 1, from + delta));
    if (to === from) return;
    const [entry] = this.#entries.splice(from, 1);
    this.#entries.splice(to, 0, entry);
    this.#save();
  }

  #restore() {
    let stored;
    try {
      stored = JSON.parse(this.#storage?.getItem(LAYOUT_KEY) ?? '[]');
    } catch {
      stored = [];
    }
    if (!Array.isArray(stored)) return;
    for (const item of stored) {
      if (typeof item?.topic !== 'string' || !item.topic || typeof item.field !== 'string') continue;
      if (this.find(item.topic, item.field)) continue;
      const n = Number(/^c(\d+)$/.exec(item.id ?? '')?.[1]);
      const id = n > 0 && !this.get(item.id) ? item.id : `c${this.#nextId}`;
      this.#entries.push({ id, topic: item.topic, field: item.field, size: item.size === 2 ? 2 : 1 });
      this.#nextId = Math.max(this.#nextId, (n > 0 ? n : this.#nextId)) + 1;
    }
  }

  #save() {
    try {
      this.#storage?.setItem(LAYOUT_KEY, JSON.stringify(this.#entries));
    } catch {
      // storage full or denied: the layout still works for this page
    }
  }
}
