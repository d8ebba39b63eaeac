// Is the load generator the bottleneck of bench/broker? Two checks, in one run:
//  (1) the benchmark's scenarios 1-4 against relay-broker.js, which only passes the
//      packets on. What the generator reaches there is its ceiling on this machine
//      (the relay takes a core of its own, as a broker does).
//  (2) scenarios 1 and 4 against Mosquitto, the fastest peer, with the publishers in
//      one process and split over two, in alternating rounds. If the second process
//      does not raise the rate, one publisher process was enough.
// Usage: node bench/broker/check-generator.js      (ROUNDS=5 for more; default 3)
import { machine } from '../harness.js';
import { startLoad } from './ipc.js';
import { startMosquitto, startRelay } from './peers.js';
import { LOAD, SCENARIOS, flow } from './scenarios.js';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const THROUGHPUT = SCENARIOS.filter((s) => LOAD[s.key].mode);

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const rate = (v) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : `${(v / 1e3).toFixed(1)} k`);
const pct = (v) => (v < 0.1 ? `${(v * 100).toFixed(1)}%` : `${Math.round(v * 100)}%`);

function checked(result, scenario) {
  if (result.received !== result.expected || !result.evenly) {
    throw new Error(`${scenario.key}: delivered ${result.received} of ${result.expected}`);
  }
  return result;
}

async function ceiling(load) {
  const relay = await startRelay();
  try {
    console.log('\n### (1) The generator against a relay that only passes packets on\n');
    console.log('| scenario | rate (median) | relay CPU | publisher CPU | subscriber CPU |');
    console.log('|---|---|---|---|---|');
    await flow(relay, load, { ...LOAD.qos0, perPub: 20_000 }); // warm-up
    for (const scenario of THROUGHPUT) {
      const runs = [];
      for (let round = 0; round < ROUNDS; round++) runs.push(checked(await flow(relay, load, LOAD[scenario.key]), scenario));
      const m = (f) => median(runs.map(f));
      console.log(`| ${scenario.title} | ${rate(m((r) => r.value))} ${scenario.unit} | ${pct(m((r) => r.cpu.broker))} | ${pct(m((r) => r.cpu.pub))} | ${pct(m((r) => r.cpu.sub))} |`);
    }
  } finally {
    await relay.stop();
  }
}

async function secondPublisher(load) {
  const mosquitto = await startMosquitto();
  try {
    console.log(`\n### (2) ${mosquitto.name}: publishers in one process, or split over two\n`);
    console.log('| scenario | 1 process (median) | 2 processes (median) | 2 / 1 | publisher CPU, 1 process |');
    console.log('|---|---|---|---|---|');
    await flow(mosquitto, load, { ...LOAD.qos0, perPub: 20_000 }); // warm-up
    for (const scenario of THROUGHPUT.filter((s) => s.key === 'qos0' || s.key === 'fanin')) {
      const runs = { 1: [], 2: [] };
      for (let round = 0; round < ROUNDS; round++) {
        for (const procs of round % 2 ? [2, 1] : [1, 2]) {
          runs[procs].push(checked(await flow(mosquitto, load, { ...LOAD[scenario.key], pubProcs: procs }), scenario));
        }
      }
      const one = median(runs[1].map((r) => r.value));
      const two = median(runs[2].map((r) => r.value));
      console.log(`| ${scenario.title} | ${rate(one)} ${scenario.unit} | ${rate(two)} ${scenario.unit} | ${(two / one).toFixed(2)}× | ${pct(median(runs[1].map((r) => r.cpu.pub)))} |`);
    }
  } finally {
    await mosquitto.stop();
  }
}

const load = {
  pubs: [startLoad('load-publish.js'), startLoad('load-publish.js')],
  sub: startLoad('load-subscribe.js'),
};
try {
  console.log(`\n## Load generator check (${new Date().toISOString().slice(0, 10)}, ${machine()}, ${ROUNDS} rounds)`);
  await ceiling(load);
  await secondPublisher(load);
} finally {
  for (const p of [...load.pubs, load.sub]) p.stop();
}
