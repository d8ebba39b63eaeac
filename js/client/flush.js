// The core's output reaches the transport once per turn: a loop of a thousand publishes
// is one write, not a thousand. In Node the turn is the event loop's (setImmediate,
// after every socket read of the loop turn, see flush-node.js); in browsers it is the
// microtasks of the current task (flush-browser.js). More than FLUSH_AT_ONCE bytes
// pending are written at once, so a long synchronous loop does not hold its whole output.
//
//   const flusher = new Flusher(() => core.takeOutput(), (bytes) => transport.send(bytes));
//   flusher.noted(length);      // the core reported output(length)
//   flusher.afterFlush(fn);     // fn runs once what is pending now has been written
//   flusher.flush();            // now (before a close)
import { isNode } from '../environment.js';
import { scheduleFlush as browserScheduleFlush } from './flush-browser.js';

const scheduleFlush = isNode ? (await import('./flush-node.js')).scheduleFlush : browserScheduleFlush;

export const FLUSH_AT_ONCE = 1 << 20;

export class Flusher {
  #take;
  #write;
  #queued = false;
  #after = [];
  #run = () => {
    this.#queued = false;
    this.flush();
  };

  constructor(take, write) {
    this.#take = take;
    this.#write = write;
  }

  noted(length) {
    if (length >= FLUSH_AT_ONCE) this.flush();
    else this.#queue();
  }

  afterFlush(fn) {
    this.#after.push(fn);
    this.#queue();
  }

  flush() {
    const bytes = this.#take();
    if (bytes !== null && bytes.length > 0) this.#write(bytes);
    if (this.#after.length) {
      const after = this.#after;
      this.#after = [];
      for (const fn of after) fn();
    }
  }

  #queue() {
    if (this.#queued) return;
    this.#queued = true;
    scheduleFlush(this.#run);
  }
}
