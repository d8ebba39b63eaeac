// The client benchmark's processes: a publisher per client library (publisher.js),
// forked as bench/broker's load processes are (../broker/ipc.js), with Node flags of
// its own (--cpu-prof when profiling); run.js stops it with end(), which lets it exit
// by itself, so that a CPU profile gets written.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startLoad } from '../broker/ipc.js';
import { MOSQUITTO } from '../broker/peers.js';

export const startPublisher = ({ execArgv = [] } = {}) => startLoad(new URL('./publisher.js', import.meta.url).href, { execArgv });

export function mosquittoVersion() {
  try {
    return /version (\S+)/.exec(execFileSync(MOSQUITTO, ['-h'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))?.[1] ?? '';
  } catch (err) {
    return /version (\S+)/.exec(String(err.stdout))?.[1] ?? ''; // -h exits non-zero
  }
}

export const mqttjsVersion = JSON.parse(readFileSync(new URL('../../node_modules/mqtt/package.json', import.meta.url), 'utf8')).version;
