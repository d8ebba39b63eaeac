// Node: the output is written after the event loop's poll phase (setImmediate), so that
// what every socket read of one loop turn answers (PUBACKs, the publishes their
// promises start) goes out in one write, not one per chunk read (see flush.js).
export function scheduleFlush(fn) {
  setImmediate(fn);
}
