// SIGINT / SIGTERM as a promise, for the commands that run until one comes (broker, sub,
// npm start's web-demo/server/start.js).
//
//   const name = await waitForSignal();                      // 'SIGINT' or 'SIGTERM'
//   const name = await waitForSignal({ exitOnSecond: 130 }); // a second one: exit(130)
//
// A second signal while the command closes gets Node's default (the process ends by
// that signal), or, with exitOnSecond, process.exit(exitOnSecond) at once.

const SIGNALS = ['SIGINT', 'SIGTERM'];

/** Resolves with the name of the first SIGINT or SIGTERM. */
export function waitForSignal({ exitOnSecond } = {}) {
  return new Promise((resolve) => {
    const handler = (signal) => {
      for (const name of SIGNALS) process.off(name, handler);
      if (exitOnSecond !== undefined) {
        for (const name of SIGNALS) process.once(name, () => process.exit(exitOnSecond));
      }
      resolve(signal);
    };
    for (const name of SIGNALS) process.on(name, handler);
  });
}
