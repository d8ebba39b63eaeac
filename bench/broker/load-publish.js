// A publishing load process: its own event loop, its own connections. Every packet
// is encoded before the clock starts; a round only copies bytes into sockets.
import { serve } from './ipc.js';
import { PUBACK, publish0, publish1, repeat } from './packets.js';
import { closeAll, cpuSince, openMany } from './clients.js';

const BATCH = 256; // QoS 0 packets per write
const STALL_MS = 10_000;
let clients = [];

function drained(client) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${client.clientId}: socket not drained for ${STALL_MS} ms`)), STALL_MS);
    client.socket.once('drain', () => { clearTimeout(timer); resolve(); });
  });
}

function checkOpen(client) {
  if (client.closed || client.error) throw new Error(`${client.clientId}: ${client.error ?? 'closed by the broker'}`);
}

// QoS 0: batches of pre-encoded packets, waiting for 'drain' whenever the socket
// says its buffer is full.
async function sendQos0(client, count) {
  let left = count;
  while (left > 0) {
    checkOpen(client);
    const n = Math.min(BATCH, left);
    const bytes = n === BATCH ? client.batch : client.batch.subarray(0, n * client.qos0.length);
    left -= n;
    if (!client.socket.write(bytes)) await drained(client);
  }
}

// QoS 1: `window` PUBLISH in flight; each chunk of PUBACKs is answered with as many
// new PUBLISH in one write. Packet ids go round 1..65535, far beyond the window.
function sendQos1(client, count, window) {
  const { bytes: template, idOffset } = client.qos1;
  let sent = 0;
  let acked = 0;
  let newAcks = 0;
  let id = 0;
  let lastProgress = Date.now();
  return new Promise((resolve, reject) => {
    function send(n) {
      const out = Buffer.allocUnsafe(n * template.length);
      for (let i = 0; i < n; i++) {
        id = id === 65535 ? 1 : id + 1;
        const at = i * template.length;
        template.copy(out, at);
        out[at + idOffset] = id >> 8;
        out[at + idOffset + 1] = id & 0xff;
      }
      sent += n;
      client.socket.write(out);
    }
    const watchdog = setInterval(() => {
      if (client.closed || client.error) fail(client.error ?? 'closed by the broker');
      else if (Date.now() - lastProgress > STALL_MS) fail(`no PUBACK for ${STALL_MS} ms, ${sent - acked} unacked`);
    }, 500);
    function fail(why) {
      clearInterval(watchdog);
      reject(new Error(`${client.clientId}: ${why}`));
    }
    client.onPacket = (first) => {
      if (first >> 4 === PUBACK) newAcks++;
      else client.error ??= `unexpected packet type ${first >> 4}`;
    };
    client.afterChunk = () => {
      if (newAcks === 0) return;
      acked += newAcks;
      lastProgress = Date.now();
      const more = Math.min(newAcks, count - sent);
      newAcks = 0;
      if (more > 0) send(more);
      if (acked === count) {
        clearInterval(watchdog);
        client.afterChunk = null;
        resolve();
      }
    };
    send(Math.min(window, count));
  });
}

// A fixed rate from the first client, each PUBLISH stamped with hrtime as it is sent.
// Node's hrtime is CLOCK_MONOTONIC, which all processes on the machine share.
function sendAtRate(client, rate, seconds) {
  const total = Math.round(rate * seconds);
  const template = client.qos0;
  const stampAt = template.length - 16;
  let sent = 0;
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const timer = setInterval(() => {
      if (client.closed || client.error) {
        clearInterval(timer);
        return reject(new Error(`${client.clientId}: ${client.error ?? 'closed by the broker'}`));
      }
      const due = Math.min(total, Math.floor((Number(process.hrtime.bigint() - start) / 1e9) * rate));
      client.socket.cork();
      while (sent < due) {
        const packet = Buffer.from(template);
        packet.writeBigUInt64BE(process.hrtime.bigint(), stampAt);
        client.socket.write(packet);
        sent++;
      }
      client.socket.uncork();
      if (sent === total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
}

async function timed(work) {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await work();
  return { start, end: process.hrtime.bigint(), cpuSeconds: cpuSince(cpu) };
}

serve({
  // topicPrefix gives each client its own topic (prefix + index), else all use topic.
  async connect({ port, count, topic, topicPrefix }) {
    clients = await openMany(port, count, 'p');
    clients.forEach((client, i) => {
      const name = topicPrefix ? `${topicPrefix}${i}` : topic;
      client.qos0 = publish0(name);
      client.batch = repeat(client.qos0, BATCH);
      client.qos1 = publish1(name);
    });
    return clients.length;
  },
  qos0: ({ perClient }) => timed(() => Promise.all(clients.map((c) => sendQos0(c, perClient)))),
  qos1: ({ perClient, window }) => timed(() => Promise.all(clients.map((c) => sendQos1(c, perClient, window)))),
  rate: ({ rate, seconds }) => timed(() => sendAtRate(clients[0], rate, seconds)),
  close: () => closeAll(clients),
});
