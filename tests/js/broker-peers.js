// Helpers for tests that run real peers against the broker: child processes started by
// the test and stopped by PID, and polling with a deadline.
import { spawn } from 'node:child_process';

// Waits until predicate() is true, polling every 5 ms; fails after `ms` saying `what`.
export async function until(predicate, what, ms = 5000) {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Starts `command` with `args`, collecting its output. The process is killed with SIGKILL
// (by its PID) after timeoutMs, so a hung peer cannot hang the suite.
//   peer.stdout, peer.stderr   what it printed so far
//   peer.exited                Promise of { code, signal } (never rejects)
//   peer.result()              Promise of { code, signal, stdout, stderr } at its end
//   peer.waitFor(re, what)     resolves once stdout + stderr match re
//   peer.kill(signal)          signals it by PID if it is still running
export function spawnPeer(command, args, { timeoutMs = 10000 } = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let done = false;
  child.stdout.setEncoding('utf8').on('data', (s) => { stdout += s; });
  child.stderr.setEncoding('utf8').on('data', (s) => { stderr += s; });
  const exited = new Promise((resolve) => {
    child.on('error', (err) => {
      stderr += `\n[spawn ${command}: ${err.message}]`;
      done = true;
      resolve({ code: null, signal: null, error: err });
    });
    // 'close' comes after the output streams end, so stdout is complete by then.
    child.on('close', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  const timer = setTimeout(() => {
    stderr += `\n[killed after ${timeoutMs} ms]`;
    peer.kill('SIGKILL');
  }, timeoutMs);
  exited.then(() => clearTimeout(timer));

  const peer = {
    pid: child.pid,
    get stdout() { return stdout; },
    get stderr() { return stderr; },
    exited,
    async result() {
      const end = await exited;
      return { ...end, stdout, stderr };
    },
    async waitFor(re, what, ms = 5000) {
      await until(() => re.test(stdout + stderr) || done, what, ms);
      if (!re.test(stdout + stderr)) {
        throw new Error(`${command} ended before ${what}:\n${stdout}\n${stderr}`);
      }
    },
    kill(signal = 'SIGTERM') {
      if (done || child.pid === undefined) return;
      try {
        process.kill(child.pid, signal);
      } catch (err) {
        if (err.code !== 'ESRCH') throw err;
      }
    },
  };
  return peer;
}
