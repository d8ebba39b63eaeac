// Browsers: the output is written after the current task's microtasks (see flush.js).
// A browser delivers each WebSocket message as a task of its own, and a task scheduled
// to follow them (setTimeout, MessageChannel) could wait behind many: a microtask keeps
// the latency low.
export function scheduleFlush(fn) {
  queueMicrotask(fn);
}
