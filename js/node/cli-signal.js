// SIGINT / SIGTERM as a promise, for the commands that run until one comes (broker, sub).
// A second signal while the command closes gets Node's default: the process ends.

/** Resolves with the name of the first SIGINT or SIGTERM. */
export function waitForSignal() {
  return new Promise((resolve) => {
    const signals = ['SIGINT', 'SIGTERM'];
    const handler = (signal) => {
      for (const name of signals) process.off(name, handler);
      resolve(signal);
    };
    for (const name of signals) process.on(name, handler);
  });
}
