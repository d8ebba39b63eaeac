// Request and reply between the driver and its load processes, over Node's IPC
// channel. Nothing here runs while a round is being timed except one reply.
import { fork } from 'node:child_process';

export function startLoad(file) {
  const child = fork(new URL(file, import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
  const waiting = new Map();
  let next = 0;
  child.on('message', ({ id, result, error }) => {
    const entry = waiting.get(id);
    waiting.delete(id);
    if (error) entry.reject(new Error(`${file}: ${error}`));
    else entry.resolve(result);
  });
  child.on('exit', (code, signal) => {
    for (const { reject } of waiting.values()) reject(new Error(`${file} exited (${signal ?? code})`));
    waiting.clear();
  });
  return {
    pid: child.pid,
    call(cmd, args = {}) {
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        child.send({ id, cmd, args });
      });
    },
    stop() {
      child.disconnect();
      child.kill();
    },
  };
}

// In a load process: answer each request with what its handler resolves to.
export function serve(handlers) {
  process.on('message', async ({ id, cmd, args }) => {
    try {
      process.send({ id, result: await handlers[cmd](args) });
    } catch (err) {
      process.send({ id, error: err.stack ?? String(err) });
    }
  });
  process.on('disconnect', () => process.exit(0));
}
