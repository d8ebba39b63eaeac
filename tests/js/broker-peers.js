// Helpers for tests that run real peers against the broker: child processes started by
// the test and stopped by PID, and polling with a deadline.
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

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
// (by its PID) after timeoutMs (Infinity: never), so a hung peer cannot hang the suite.
//   options: timeoutMs (10000); env (added to process.env); input (a string or bytes
//            written to its stdin, then EOF); keepStdin (stdin a pipe left open; else,
//            without input, stdin is /dev/null); binary (stdout kept as a Buffer)
//   peer.stdout, peer.stderr   what it printed so far (stdout a Buffer with `binary`)
//   peer.output                stdout and stderr as text, in the order they came
//   peer.exited                Promise of { code, signal } (never rejects)
//   peer.result()              Promise of { code, signal, stdout, stderr } at its end
//   peer.waitFor(re, what)     resolves once its output matches re
//   peer.kill(signal)          signals it by PID if it is still running
export function spawnPeer(command, args, { timeoutMs = 10000, env, input, keepStdin = false, binary = false } = {}) {
  const piped = input !== undefined || keepStdin;
  const child = spawn(command, args, {
    stdio: [piped ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    ...(env ? { env: { ...process.env, ...env } } : {}),
  });
  const chunks = [];  // stdout, with `binary`
  let stdout = '';
  let stderr = '';
  let output = '';
  let done = false;
  if (binary) {
    const text = new StringDecoder('utf8');
    child.stdout.on('data', (b) => { chunks.push(b); output += text.write(b); });
  } else {
    child.stdout.setEncoding('utf8').on('data', (s) => { stdout += s; output += s; });
  }
  child.stderr.setEncoding('utf8').on('data', (s) => { stderr += s; output += s; });
  if (piped) {
    child.stdin.on('error', () => {});  // it may exit without reading
    if (input !== undefined) child.stdin.end(input);
  }
  const note = (text) => { stderr += text; output += text; };
  const exited = new Promise((resolve) => {
    child.on('error', (err) => {
      note(`\n[spawn ${command}: ${err.message}]`);
      done = true;
      resolve({ code: null, signal: null, error: err });
    });
    // 'close' comes after the output streams end, so stdout is complete by then.
    child.on('close', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  if (Number.isFinite(timeoutMs)) {
    const timer = setTimeout(() => {
      note(`\n[killed after ${timeoutMs} ms]`);
      peer.kill('SIGKILL');
    }, timeoutMs);
    exited.then(() => clearTimeout(timer));
  }
  const out = () => (binary ? Buffer.concat(chunks) : stdout);

  const peer = {
    pid: child.pid,
    get stdout() { return out(); },
    get stderr() { return stderr; },
    get output() { return output; },
    exited,
    async result() {
      const end = await exited;
      return { ...end, stdout: out(), stderr };
    },
    async waitFor(re, what, ms = 5000) {
      try {
        await until(() => re.test(output) || done, what, ms);
      } catch (err) {
        err.message += `; ${command} printed:\n${output}`;
        throw err;
      }
      if (!re.test(output)) {
        throw new Error(`${command} ended before ${what}:\n${output}`);
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
