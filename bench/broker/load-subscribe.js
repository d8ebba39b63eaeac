// A subscribing load process: counts every PUBLISH per connection, acknowledges QoS 1
// ones (one write of PUBACKs per chunk read), and for the latency scenario reads the
// hrtime stamp in the payload's first 8 bytes.
// A round ends when the expected count has arrived, or when nothing more arrives
// after the publisher is done: a broker that drops messages is reported short.
import { serve } from './ipc.js';
import { PUBLISH, PAYLOAD_BYTES, puback, publishId } from './packets.js';
import { closeAll, cpuSince, openMany, subscribeClient } from './clients.js';

const IDLE_MS = 2000; // once the publisher is done, this long without a PUBLISH ends the round
let clients = [];
let round = null;

function arm({ total, latency }) {
  let finish;
  const done = new Promise((resolve) => { finish = resolve; });
  const r = {
    total, received: 0, first: 0n, last: 0n, cpu: process.cpuUsage(),
    latencies: latency ? new Float64Array(total) : null, done, finish, idleTimer: null,
  };
  round = r;
  for (const client of clients) {
    client.received = 0;
    const acks = [];
    let fresh = false; // a PUBLISH arrived in this chunk
    client.onPacket = (first, buf, start, end) => {
      if (first >> 4 !== PUBLISH) {
        client.error ??= `unexpected packet type ${first >> 4}`;
        return;
      }
      client.received++;
      fresh = true;
      if (r.latencies && r.received < total) {
        r.latencies[r.received] = Number(process.hrtime.bigint() - buf.readBigUInt64BE(end - PAYLOAD_BYTES)) / 1e6;
      }
      if (first & 0x06) acks.push(publishId(buf, start));
      if (++r.received === total) {
        r.last = process.hrtime.bigint();
        r.finish();
      }
    };
    // One clock reading per chunk, not per packet: the packets of a chunk arrived together.
    client.afterChunk = () => {
      if (fresh && r.received < total) {
        r.last = process.hrtime.bigint();
        if (r.first === 0n) r.first = r.last;
      }
      fresh = false;
      if (acks.length === 0) return;
      const out = Buffer.allocUnsafe(acks.length * 4);
      for (let i = 0; i < acks.length; i++) puback(acks[i]).copy(out, i * 4);
      acks.length = 0;
      client.socket.write(out);
    };
    client.onClose = () => { client.error ??= 'closed by the broker'; r.finish(); };
  }
}

// The publisher has finished: from now on, a quiet IDLE_MS means nothing more is coming.
function publisherDone() {
  const r = round;
  let seen = r.received;
  r.idleTimer = setInterval(() => {
    if (r.received === seen) r.finish();
    seen = r.received;
  }, IDLE_MS);
}

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN;
}

async function result() {
  const r = round;
  await r.done;
  const cpuSeconds = cpuSince(r.cpu);
  clearInterval(r.idleTimer);
  const perClient = clients.map((c) => c.received);
  const out = {
    received: r.received, first: r.first, last: r.last, cpuSeconds,
    minPerClient: Math.min(...perClient), maxPerClient: Math.max(...perClient),
    errors: clients.filter((c) => c.error).map((c) => `${c.clientId}: ${c.error}`).slice(0, 3),
  };
  if (r.latencies) {
    const sorted = r.latencies.subarray(0, Math.min(r.received, r.total)).sort();
    out.p50 = percentile(sorted, 0.5);
    out.p99 = percentile(sorted, 0.99);
    out.max = sorted[sorted.length - 1];
  }
  round = null;
  return out;
}

serve({
  async connect({ port, count, filter, qos }) {
    clients = await openMany(port, count, 's');
    await Promise.all(clients.map((c) => subscribeClient(c, filter, qos)));
    return clients.length;
  },
  arm: (args) => { arm(args); return true; },
  publisherDone,
  result,
  close: () => closeAll(clients),
});
