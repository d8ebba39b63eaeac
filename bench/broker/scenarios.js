// The six broker scenarios. Each takes a running broker and the load processes, sets
// up every connection and subscription before the clock starts, runs one round,
// checks what arrived, and closes its connections again.
import { cpuSeconds, rssKiB } from './peers.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const n = (value) => value.toLocaleString('en');

// The load of each scenario; the titles are made from these numbers.
export const LOAD = {
  qos0: { subs: 1, filter: 'bench/q0', qos: 0, pubs: 1, topic: 'bench/q0', mode: 'qos0', perPub: 500_000 },
  qos1: { subs: 1, filter: 'bench/q1', qos: 1, pubs: 1, topic: 'bench/q1', mode: 'qos1', perPub: 100_000, window: 100 },
  fanout: { subs: 50, filter: 'bench/fan/out', qos: 0, pubs: 1, topic: 'bench/fan/out', mode: 'qos0', perPub: 15_000 },
  // Aedes slows down the more is queued in it (its fan-in rate falls from 32 k/s at
  // 20,000 messages to 6 k/s at 200,000: mqemitter's queue past its concurrency of
  // 100), so this count keeps its rounds short. See README.md.
  fanin: { subs: 1, filter: 'bench/in/#', qos: 0, pubs: 50, topicPrefix: 'bench/in/', mode: 'qos0', perPub: 1_000 },
  latency: { rate: 2000, seconds: 3 },
  memory: { warm: 100, count: 2000 },
};

export const SCENARIOS = [
  {
    key: 'qos0', unit: 'msg/s', better: 'higher',
    title: `1. QoS 0, 1 publisher → 1 subscriber, ${n(LOAD.qos0.perPub)} × 16 B payloads`,
    run: (broker, load) => flow(broker, load, LOAD.qos0),
  },
  {
    key: 'qos1', unit: 'msg/s', better: 'higher',
    title: `2. QoS 1, 1 → 1, ${LOAD.qos1.window} PUBLISH in flight, the subscriber acks each one, ${n(LOAD.qos1.perPub)} × 16 B`,
    run: (broker, load) => flow(broker, load, LOAD.qos1),
  },
  {
    key: 'fanout', unit: 'deliveries/s', better: 'higher',
    title: `3. Fan-out, QoS 0, 1 publisher → ${LOAD.fanout.subs} subscribers of one topic, ${n(LOAD.fanout.perPub)} × 16 B (${n(LOAD.fanout.perPub * LOAD.fanout.subs)} deliveries)`,
    run: (broker, load) => flow(broker, load, LOAD.fanout),
  },
  {
    key: 'fanin', unit: 'deliveries/s', better: 'higher',
    title: `4. Fan-in, QoS 0, ${LOAD.fanin.pubs} publishers (a topic each) → 1 subscriber of bench/in/#, ${n(LOAD.fanin.perPub)} × 16 B each`,
    run: (broker, load) => flow(broker, load, LOAD.fanin),
  },
  {
    key: 'latency', unit: 'ms', better: 'lower',
    title: `5. Latency, QoS 0, 1 → 1 at ${n(LOAD.latency.rate)} msg/s for ${LOAD.latency.seconds} s, publish to delivery`,
    run: (broker, load) => latency(broker, load, LOAD.latency),
  },
  {
    key: 'memory', unit: 'KiB', better: 'lower', freshBroker: true,
    title: `6. Memory: broker RSS per 1,000 idle connections (${n(LOAD.memory.count)} opened, CONNACK each, keepalive 0)`,
    run: (broker, load) => memory(broker, load, LOAD.memory),
  },
];

// Publishers (spread over load.pubs, one or more processes) send to the subscribers of
// one subscriber process. The rate is counted at the subscriber: deliveries over the
// time from the publishers' first write to the last delivery.
export async function flow(broker, load, spec) {
  const { subs, filter, qos, pubs, topic, topicPrefix, mode, perPub, window } = spec;
  const pubProcs = load.pubs.slice(0, spec.pubProcs ?? 1);
  const total = subs * pubs * perPub;
  try {
    await load.sub.call('connect', { port: broker.port, count: subs, filter, qos });
    // With more publisher processes than publishers (the generator check), each
    // process gets one connection and an equal share of the messages.
    const each = Math.max(1, pubs / pubProcs.length);
    const perClient = (perPub * pubs) / (each * pubProcs.length);
    await Promise.all(pubProcs.map((p, i) => p.call('connect', {
      port: broker.port, count: each, topic, topicPrefix: topicPrefix && `${topicPrefix}${i}-`,
    })));
    await load.sub.call('arm', { total });
    const cpu0 = cpuSeconds(broker.pid);
    const t0 = process.hrtime.bigint();
    const sent = await Promise.all(pubProcs.map((p) => p.call(mode, { perClient, window })));
    await load.sub.call('publisherDone');
    const got = await load.sub.call('result');
    const brokerCpu = (cpuSeconds(broker.pid) - cpu0) / (Number(process.hrtime.bigint() - t0) / 1e9);
    const start = sent.reduce((min, s) => (s.start < min ? s.start : min), sent[0].start);
    const seconds = Number(got.last - start) / 1e9;
    return {
      value: got.received ? got.received / seconds : 0,
      received: got.received,
      expected: total,
      evenly: got.minPerClient === got.maxPerClient,
      errors: got.errors,
      cpu: { broker: brokerCpu, pub: sent.reduce((sum, s) => sum + s.cpuSeconds, 0) / seconds, sub: got.cpuSeconds / seconds },
    };
  } finally {
    await Promise.all([load.sub.call('close'), ...pubProcs.map((p) => p.call('close'))]);
  }
}

export async function latency(broker, load, { rate, seconds }) {
  const total = rate * seconds;
  try {
    await load.sub.call('connect', { port: broker.port, count: 1, filter: 'bench/latency', qos: 0 });
    await load.pubs[0].call('connect', { port: broker.port, count: 1, topic: 'bench/latency' });
    await load.sub.call('arm', { total, latency: true });
    const cpu0 = cpuSeconds(broker.pid);
    const sent = await load.pubs[0].call('rate', { rate, seconds });
    await load.sub.call('publisherDone');
    const got = await load.sub.call('result');
    const wall = Number(got.last - sent.start) / 1e9;
    return {
      value: got.p50,
      p99: got.p99,
      max: got.max,
      received: got.received,
      expected: total,
      evenly: true,
      errors: got.errors,
      cpu: { broker: (cpuSeconds(broker.pid) - cpu0) / wall, pub: sent.cpuSeconds / wall, sub: got.cpuSeconds / wall },
    };
  } finally {
    await Promise.all([load.sub.call('close'), load.pubs[0].call('close')]);
  }
}

// Run on a broker started just for it. `warm` connections first, so that code paths
// and pools that any first connection grows are in the baseline; then `count` more.
export async function memory(broker, load, { warm, count }) {
  try {
    await load.idle.call('open', { port: broker.port, count: warm });
    await sleep(500);
    const before = rssKiB(broker.pid);
    await load.idle.call('open', { port: broker.port, count });
    await sleep(500);
    const after = rssKiB(broker.pid);
    const { open } = await load.idle.call('check');
    return {
      value: ((after - before) * 1000) / count,
      rssBefore: before,
      rssAfter: after,
      received: open - warm,
      expected: count,
      evenly: true,
      errors: [],
    };
  } finally {
    await load.idle.call('close');
  }
}
