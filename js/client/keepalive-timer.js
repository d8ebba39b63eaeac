// Timers for the client (keepalive, connect timeout, reconnect backoff) that keep
// working in a background browser tab. Browsers throttle setTimeout in hidden tabs:
// to once a second, and Chrome, after five minutes hidden, to once a minute, which is
// longer than many keepalives, so a broker would drop the connection as dead. Timers
// in a dedicated Worker are not throttled that way: in a page, the client's timers run
// in one small Worker made from a Blob URL (shared by every client of the page). Where
// that cannot be (no Worker, or a Content-Security-Policy without `worker-src blob:`),
// and in Node, in workers and elsewhere, plain setTimeout is used.
//
//   const timers = clientTimers('auto');        // 'auto' | 'worker' | 'native'
//   const h = timers.set(fn, ms, hold);         // hold: whether it keeps Node running
//   timers.clear(h);
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

// The Worker's whole program: [id, ms] starts a timer, [id, -1] stops it; it posts the
// id back when the time is up.
const WORKER_SOURCE = `const t = new Map();
onmessage = (e) => {
  const [id, ms] = e.data;
  clearTimeout(t.get(id));
  t.delete(id);
  if (ms >= 0) t.set(id, setTimeout(() => { t.delete(id); postMessage(id); }, ms));
};`;

const native = {
  set(fn, ms, hold = true) {
    const h = setTimeout(fn, Math.min(MAX_TIMEOUT_MS, Math.max(0, ms)));
    if (!hold) h.unref?.();
    return h;
  },
  clear(h) {
    clearTimeout(h);
  },
};

// One Worker for the page, made on first use. Each timer also remembers when it is
// due, so that if the Worker fails (an error event: CSP, or it was terminated) the
// timers go on with setTimeout.
export class WorkerTimers {
  #worker = null;
  #broken = false;
  #next = 1;
  #pending = new Map();  // id -> { fn, due, fallback }
  #makeWorker;

  // makeWorker(source) -> a Worker running `source` (tests give their own).
  constructor(makeWorker = blobWorker) {
    this.#makeWorker = makeWorker;
  }

  set(fn, ms, hold) {
    const id = this.#next++;
    const wait = Math.min(MAX_TIMEOUT_MS, Math.max(0, ms));
    const entry = { fn, due: Date.now() + wait, fallback: null };
    this.#pending.set(id, entry);
    if (!this.#post(id, wait)) entry.fallback = native.set(() => this.#fire(id), wait, hold);
    return id;
  }

  clear(id) {
    const entry = this.#pending.get(id);
    if (!entry) return;
    this.#pending.delete(id);
    if (entry.fallback !== null) native.clear(entry.fallback);
    else this.#post(id, -1);
  }

  #fire(id) {
    const entry = this.#pending.get(id);
    if (!entry) return;
    this.#pending.delete(id);
    entry.fn();
  }

  // Posts to the Worker, making it first; false when there is no working Worker.
  #post(id, ms) {
    if (this.#broken) return false;
    try {
      if (this.#worker === null) this.#start();
      this.#worker.postMessage([id, ms]);
      return true;
    } catch {
      this.#fail();
      return false;
    }
  }

  #start() {
    this.#worker = this.#makeWorker(WORKER_SOURCE);
    this.#worker.onmessage = (e) => this.#fire(e.data);
    this.#worker.onerror = () => this.#fail();
  }

  // The Worker is gone: every timer it held goes on with setTimeout.
  #fail() {
    this.#broken = true;
    try { this.#worker?.terminate(); } catch { /* already gone */ }
    this.#worker = null;
    const now = Date.now();
    for (const [id, entry] of this.#pending) {
      if (entry.fallback === null) entry.fallback = native.set(() => this.#fire(id), entry.due - now, true);
    }
  }
}

// The URL is kept (one per page): revoking it at once can stop the Worker's script from
// loading in some browsers.
function blobWorker(source) {
  return new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
}

let workerTimers = null;

// A Worker is worth it in a page's main thread: a worker's own timers are not
// throttled as a hidden page's are, and Node has no Blob-URL Workers.
function pageCanUseWorker() {
  return typeof window === 'object' && typeof document === 'object' && typeof Worker === 'function' &&
    typeof Blob === 'function' && typeof URL?.createObjectURL === 'function';
}

export function clientTimers(variant = 'auto') {
  if (variant === 'native') return native;
  if ((variant === 'auto' || variant === 'worker') && pageCanUseWorker()) {
    workerTimers ??= new WorkerTimers();
    return workerTimers;
  }
  return native;
}
