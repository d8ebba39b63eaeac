// Request and reply between the driver and its load processes, over Node's IPC
// channel. Nothing here runs while a round is being timed except one reply.
import { fork } from 'node:child_process';

// `file` is relative to this directory (or a file: URL); execArgv are Node flags for it
// (bench/client's publisher takes --cpu-prof when profiling).
export function startLoad(file, { execArgv = [] } = {}) {
  const child = fork(new URL(file, import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced', execArgv });
  const waiting = new Map();
  let next = 0;
  let exited = null;
  const name = String(file).split('/').pop();
  child.on('message', ({ id, result, error }) => {
    const entry = waiting.get(id);
    waiting.delete(id);
    if (error) entry.reject(new Error(`${name}: ${error}`));
    else entry.resolve(result);
  });
  child.on('exit', (code, signal) => {
    exited = signal ?? `exit code ${code}`;
    for (const { reject } of waiting.values()) reject(new Error(`${name} exited (${exited})`));
    waiting.clear();
  });
  return {
    pid: child.pid,
    call(cmd, args = {}) {
      if (exited) return Promise.reject(new Error(`${name} exited (${exited})`));
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
    // Lets the process exit by itself (serve() exits on disconnect), so that a CPU
    // profile gets written; SIGKILL after ms if it does not.
    end(ms = 5000) {
      if (exited) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), ms);
        child.once('exit', () => { clearTimeout(timer); resolve(); });
        child.disconnect();
      });
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
