// The client benchmark's processes: a publisher per client library (publisher.js),
// forked with the same IPC requests as bench/broker's load processes (../broker/ipc.js
// serve()), but with Node flags of its own (--cpu-prof when profiling) and a stop
// that lets the process exit by itself, so that a CPU profile gets written.
import { execFileSync, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { MOSQUITTO } from '../broker/peers.js';

const STOP_MS = 5000;

export function startPublisher({ execArgv = [] } = {}) {
  const child = fork(new URL('./publisher.js', import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced', execArgv,
  });
  const waiting = new Map();
  let next = 0;
  let exited = null;
  child.on('message', ({ id, result, error }) => {
    const entry = waiting.get(id);
    waiting.delete(id);
    if (error) entry.reject(new Error(`publisher.js: ${error}`));
    else entry.resolve(result);
  });
  child.on('exit', (code, signal) => {
    exited = signal ?? `exit code ${code}`;
    for (const { reject } of waiting.values()) reject(new Error(`publisher.js exited (${exited})`));
    waiting.clear();
  });
  return {
    pid: child.pid,
    call(cmd, args = {}) {
      if (exited) return Promise.reject(new Error(`publisher.js exited (${exited})`));
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        child.send({ id, cmd, args });
      });
    },
    // serve() exits the process on disconnect; SIGKILL only if it does not.
    stop() {
      if (exited) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_MS);
        child.once('exit', () => { clearTimeout(timer); resolve(); });
        child.disconnect();
      });
    },
  };
}

export function mosquittoVersion() {
  try {
    return /version (\S+)/.exec(execFileSync(MOSQUITTO, ['-h'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))?.[1] ?? '';
  } catch (err) {
    return /version (\S+)/.exec(String(err.stdout))?.[1] ?? ''; // -h exits non-zero
  }
}

export const mqttjsVersion = JSON.parse(readFileSync(new URL('../../node_modules/mqtt/package.json', import.meta.url), 'utf8')).version;
