// A publishing process for the client benchmark: one client library (ours, MQTT.js or
// the floor), its own event loop, so that process.cpuUsage() is the publisher's CPU
// time alone.
// The driver (run.js) commands it over IPC (../broker/ipc.js) and forks one per library.
//
// A round publishes `count` messages with the library's promise API, `window` of them
// outstanding at a time:
//   start   hrtime before the first publish call
//   done    hrtime when every promise had resolved (QoS 0: written, QoS 1: PUBACK)
// and `finish` gives the CPU time from `start` to the end of the round, which the
// driver asks for once the subscriber has received everything.
import v8 from 'node:v8';
import vm from 'node:vm';
import { serve } from '../broker/ipc.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const PAYLOAD = Buffer.alloc(16, 0x42);

// Each library's connectAsync, and what to do with its socket once connected.
const LIBRARIES = {
  // file: the entry to import (run.js's ENTRIES), relative to this file.
  async ours(file) {
    const { connectAsync } = await import(file);
    if (typeof connectAsync !== 'function') throw new Error(`${file} does not export connectAsync yet`);
    return { connectAsync, afterConnect() {} }; // our TCP transport sets noDelay itself
  },
  async mqttjs() {
    const mqtt = (await import('mqtt')).default;
    // Nagle off, as on our socket: both clients then write to the same kind of socket.
    return { connectAsync: mqtt.connectAsync, afterConnect: (client) => client.stream.setNoDelay?.(true) };
  },
  // The floor: no client library, the least any client on node:net does (floor-client.js).
  async floor() {
    const { connectAsync } = await import('./floor-client.js');
    return { connectAsync, afterConnect() {} };
  },
};

let library = null;
let client = null;
let round = null;

async function connect({ port, which, entry, clientId }) {
  library ??= await LIBRARIES[which](entry);
  client = await library.connectAsync(`mqtt://127.0.0.1:${port}`, {
    clientId, clean: true, keepalive: 60, reconnectPeriod: 0, protocolVersion: 4,
  });
  library.afterConnect(client);
  return true;
}

// `window` publishes outstanding at a time: each one that resolves starts the next.
// (All at once is no fair test of MQTT.js: past its socket's high-water mark every
// publish adds a 'drain' listener, and removing N of those costs O(N²).)
function run({ topic, qos, count, window }) {
  gc(); // the last round's garbage is not this round's cost
  const options = { qos };
  return new Promise((resolve, reject) => {
    let started = 0;
    let resolved = 0;
    let cpu;
    let start;
    const onResolved = () => {
      if (++resolved === count) {
        const done = process.hrtime.bigint();
        const used = process.cpuUsage(cpu);
        round = { cpu };
        resolve({ start, done, cpuDone: (used.user + used.system) / 1e6 });
      } else if (started < count) {
        started++;
        client.publishAsync(topic, PAYLOAD, options).then(onResolved, reject);
      }
    };
    cpu = process.cpuUsage();
    start = process.hrtime.bigint();
    while (started < Math.min(window, count)) {
      started++;
      client.publishAsync(topic, PAYLOAD, options).then(onResolved, reject);
    }
  });
}

function finish() {
  const used = process.cpuUsage(round.cpu);
  round = null;
  return { cpuSeconds: (used.user + used.system) / 1e6, systemSeconds: used.system / 1e6 };
}

async function close() {
  if (!client) return true;
  const c = client;
  client = null;
  await c.endAsync();
  return true;
}

serve({ connect, run, finish, close });
