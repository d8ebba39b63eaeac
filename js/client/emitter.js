// A small event emitter with the methods of Node's EventEmitter that clients use (on,
// once, off, emit, listenerCount ...), for browsers as much as for Node: no import of
// 'events'. As in Node, emitting 'error' with no listener throws the error.
export class Emitter {
  #listeners = new Map();  // name -> array of { fn, once }

  on(name, fn) {
    return this.#add(name, fn, false, false);
  }

  addListener(name, fn) {
    return this.#add(name, fn, false, false);
  }

  once(name, fn) {
    return this.#add(name, fn, true, false);
  }

  prependListener(name, fn) {
    return this.#add(name, fn, false, true);
  }

  prependOnceListener(name, fn) {
    return this.#add(name, fn, true, true);
  }

  off(name, fn) {
    const list = this.#listeners.get(name);
    if (!list) return this;
    // The last one added goes first, as in Node.
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i].fn === fn) {
        this.#remove(name, list[i]);
        break;
      }
    }
    return this;
  }

  removeListener(name, fn) {
    return this.off(name, fn);
  }

  removeAllListeners(name) {
    if (name === undefined) this.#listeners.clear();
    else this.#listeners.delete(name);
    return this;
  }

  listenerCount(name) {
    return this.#listeners.get(name)?.length ?? 0;
  }

  listeners(name) {
    return (this.#listeners.get(name) ?? []).map((l) => l.fn);
  }

  eventNames() {
    return [...this.#listeners.keys()];
  }

  // Node's names for a limit this emitter does not have.
  setMaxListeners() {
    return this;
  }

  getMaxListeners() {
    return Infinity;
  }

  emit(name, ...args) {
    const list = this.#listeners.get(name);
    if (!list) {
      if (name === 'error') throw args[0] instanceof Error ? args[0] : new Error(`unhandled 'error' event: ${String(args[0])}`);
      return false;
    }
    // The array is replaced, never changed, when listeners come and go: this loop sees
    // the listeners there were when the event was emitted.
    for (const l of list) {
      if (l.once) this.#remove(name, l);
      l.fn.apply(this, args);
    }
    return true;
  }

  #remove(name, entry) {
    const rest = (this.#listeners.get(name) ?? []).filter((l) => l !== entry);
    if (rest.length) this.#listeners.set(name, rest);
    else this.#listeners.delete(name);
  }

  #add(name, fn, once, first) {
    if (typeof fn !== 'function') throw new TypeError(`the listener of "${String(name)}" must be a function, not ${typeof fn}`);
    const list = this.#listeners.get(name) ?? [];
    const entry = { fn, once };
    this.#listeners.set(name, first ? [entry, ...list] : [...list, entry]);
    return this;
  }
}
