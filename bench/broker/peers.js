// Starting and stopping the three brokers as child processes, each on 127.0.0.1 on a
// port of its own, and reading a broker's CPU time and RSS from /proc by its PID.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const START_MS = 10_000;
const LISTENING = /listening on mqtt:\/\/[^:]+:(\d+)/;

// Our broker, as the CLI starts it. Port 0: it picks one and prints it. Its queue per
// client is as deep as Mosquitto's below (the default of 1,000 drops QoS 1 messages
// in scenario 2, as Mosquitto's default would); its in-flight limit is 100 already.
export const OURS_COMMAND = ['node', 'bin/mqtt-wasm.js', 'broker', '--tcp', '0', '--host', '127.0.0.1', '--max-queued', '1000000'];
export const MOSQUITTO = '/usr/sbin/mosquitto';

// Nagle's algorithm is off on the peers' sockets (as on the generator's, always)
// unless NAGLE=1: with it on (the default of Mosquitto and of node:net), a QoS 0
// subscriber that never sends sees 40 ms delayed-ACK stalls, and the latency
// scenario measures those.
export const NAGLE = process.env.NAGLE === '1';

// Mosquitto as Debian ships it, but in memory only and with queues deep enough that
// no QoS 0 message is dropped under this load (its default drops past 1,000 queued).
// max_inflight_messages matches the QoS 1 publisher's window of 100 (default 20).
function mosquittoConfig(port) {
  return [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    'persistence false',
    'max_queued_messages 1000000',
    'max_inflight_messages 100',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'connection_messages false',
    ...(NAGLE ? [] : ['set_tcp_nodelay true']),
    '',
  ].join('\n');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.on('connect', () => { socket.destroy(); resolve(true); });
    socket.on('error', () => resolve(false));
  });
}

// Spawns argv, keeps the last output lines (and never lets a pipe fill up), and
// resolves with the port once `ready` finds it, or rejects after START_MS.
function launch(name, argv, ready, cleanup = () => {}) {
  const command = argv[0] === 'node' ? process.execPath : argv[0];
  const child = spawn(command, argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  let exited = null;
  const broker = {
    name,
    pid: child.pid,
    port: 0,
    get exited() { return exited; },
    tail: () => tail.trim().split('\n').slice(-5).join('\n'),
    stop: () => stop(child).then(cleanup),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not start within ${START_MS / 1000} s`), START_MS);
    function fail(why) {
      clearTimeout(timer);
      stop(child).then(cleanup);
      reject(new Error(`${name} ${why}${tail.trim() ? `; its last output:\n${broker.tail()}` : ''}`));
    }
    const onOutput = (data) => {
      tail = (tail + data).slice(-4000);
      const port = ready.fromLine?.(tail);
      if (port && !broker.port) {
        broker.port = port;
        clearTimeout(timer);
        resolve(broker);
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.on('error', (err) => fail(`could not be spawned: ${err.message}`));
    child.on('exit', (code, signal) => {
      exited = signal ?? `exit code ${code}`;
      if (!broker.port) fail(`exited (${exited}) before listening`);
    });
    if (ready.poll) {
      (async () => {
        while (!broker.port && exited === null) {
          if (await canConnect(ready.poll)) {
            broker.port = ready.poll;
            clearTimeout(timer);
            return resolve(broker);
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
    }
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => process.kill(child.pid, 'SIGKILL'), 3000);
    child.once('exit', () => { clearTimeout(kill); resolve(); });
    process.kill(child.pid, 'SIGTERM');
  });
}

export async function startMosquitto() {
  if (!existsSync(MOSQUITTO)) throw new Error(`${MOSQUITTO} is not installed (scripts/bootstrap installs it)`);
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-mosquitto-'));
  const config = path.join(dir, 'mosquitto.conf');
  writeFileSync(config, mosquittoConfig(port));
  return launch('Mosquitto', [MOSQUITTO, '-c', config], { poll: port }, () => rmSync(dir, { recursive: true, force: true }));
}

export function startAedes() {
  return launch('Aedes', ['node', 'bench/broker/aedes-server.js', ...(NAGLE ? ['--nagle'] : [])], { fromLine: lineParser });
}

// The generator check's stand-in for a broker (relay-broker.js).
export function startRelay() {
  return launch('relay', ['node', 'bench/broker/relay-broker.js'], { fromLine: lineParser });
}

// Rejects (and the driver then skips ours, loudly) when the CLI is not there yet or
// does not print its listening line in time.
export function startOurs() {
  if (!existsSync(path.join(ROOT, OURS_COMMAND[1]))) {
    return Promise.reject(new Error(`${OURS_COMMAND[1]} does not exist yet`));
  }
  return launch('mqtt-wasm', OURS_COMMAND, { fromLine: lineParser });
}

function lineParser(text) {
  const match = LISTENING.exec(text);
  return match ? Number(match[1]) : 0;
}

let ticksPerSecond = 0;

// User + system CPU seconds the process has used (/proc/<pid>/stat, clock ticks).
export function cpuSeconds(pid) {
  ticksPerSecond ||= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond; // utime, stime
}

export function rssKiB(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match[1]);
}
