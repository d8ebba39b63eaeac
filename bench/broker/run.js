// bench/broker: our broker against Aedes and Mosquitto over TCP on 127.0.0.1, driven by
// the same raw-socket load generator, in one run. Within each round every broker
// runs the scenario once, in an order that rotates from round to round; the tables
// give each broker's median over the rounds and the ratios ours / peer.
// Usage: node bench/broker/run.js        (ROUNDS=5 for more rounds; default 3)
// Our broker is skipped, loudly, while bin/mqtt-wasm.js is missing or does not start.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { machine } from '../harness.js';
import { startLoad } from './ipc.js';
import { MOSQUITTO, NAGLE, OURS_COMMAND, startAedes, startMosquitto, startOurs } from './peers.js';
import { SCENARIOS, flow } from './scenarios.js';

const ROUNDS = Number(process.env.ROUNDS ?? 3);

function mosquittoVersion() {
  try {
    return /version (\S+)/.exec(execFileSync(MOSQUITTO, ['-h'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))?.[1] ?? '';
  } catch (err) {
    return /version (\S+)/.exec(String(err.stdout))?.[1] ?? ''; // -h exits non-zero
  }
}

const aedesVersion = JSON.parse(readFileSync(new URL('../../node_modules/aedes/package.json', import.meta.url), 'utf8')).version;

const BROKERS = [
  { key: 'ours', name: 'mqtt-wasm', start: startOurs },
  { key: 'aedes', name: `Aedes ${aedesVersion}`, start: startAedes },
  { key: 'mosquitto', name: `Mosquitto ${mosquittoVersion()}`, start: startMosquitto },
];

function loud(text) {
  const bar = '!'.repeat(78);
  console.log(`\n${bar}\n${text.split('\n').map((line) => `!! ${line}`).join('\n')}\n${bar}\n`);
}

async function startAll() {
  for (const broker of BROKERS) {
    try {
      broker.instance = await broker.start();
      process.stderr.write(`${broker.name}: pid ${broker.instance.pid}, port ${broker.instance.port}\n`);
    } catch (err) {
      broker.skipped = err.message;
      loud(`${broker.name} SKIPPED: ${err.message}${broker.key === 'ours' ? `\ncommand: ${OURS_COMMAND.join(' ')}` : ''}`);
    }
  }
  return BROKERS.filter((b) => !b.skipped);
}

async function runOnce(broker, scenario, load) {
  if (scenario.freshBroker) {
    await broker.instance.stop();
    broker.instance = await broker.start();
  }
  if (broker.instance.exited) throw new Error(`${broker.name} has exited (${broker.instance.exited})`);
  return scenario.run(broker.instance, load);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function rate(value) {
  if (!Number.isFinite(value)) return '–';
  return value >= 1e6 ? `${(value / 1e6).toFixed(2)} M` : `${(value / 1e3).toFixed(1)} k`;
}

function figure(scenario, value) {
  if (scenario.unit === 'ms') return `${value.toFixed(2)} ms`;
  if (scenario.unit === 'KiB') return `${Math.round(value).toLocaleString('en')} KiB`;
  return `${rate(value)} ${scenario.unit}`;
}

function span(scenario, min, max) {
  if (scenario.unit === 'ms') return `${min.toFixed(2)} – ${max.toFixed(2)} ms`;
  if (scenario.unit === 'KiB') return `${Math.round(min).toLocaleString('en')} – ${Math.round(max).toLocaleString('en')} KiB`;
  return `${rate(min)} – ${rate(max)}`;
}

// CPU time as a share of one core; one decimal below 10%, where it is the point.
function percent(share) {
  const p = share * 100;
  return p < 10 ? `${p.toFixed(1)}%` : `${Math.round(p)}%`;
}
const medianPercent = (values) => percent(median(values));

// A broker's rounds: medians of the figure(s), and whether any round came up short.
function summarise(scenario, rounds) {
  const good = rounds.filter((r) => !r.error);
  const failed = rounds.filter((r) => r.error);
  const short = good.filter((r) => r.received !== r.expected || !r.evenly);
  const s = { good, failed, short };
  if (good.length === 0) return s;
  s.median = median(good.map((r) => r.value));
  s.min = Math.min(...good.map((r) => r.value));
  s.max = Math.max(...good.map((r) => r.value));
  if (scenario.key === 'latency') s.p99 = median(good.map((r) => r.p99));
  return s;
}

function verdict(s, scenario) {
  if (s.good.length === 0) return `FAILED: ${s.failed[0].error.split('\n')[0]}`;
  const expected = s.good[0].expected.toLocaleString('en');
  const failedNote = s.failed.length ? `; ${s.failed.length} round(s) FAILED: ${s.failed[0].error.split('\n')[0]}` : '';
  if (s.short.length === 0) return `all ${expected} in every round${failedNote}`;
  const worst = s.short.reduce((a, b) => (a.received < b.received ? a : b));
  const what = scenario.key === 'memory' ? 'connections kept' : 'delivered';
  return `**SHORT** in ${s.short.length} of ${s.good.length} rounds: ${what} ${worst.received.toLocaleString('en')} of ${expected}` +
    `${worst.evenly ? '' : ', unevenly'}${worst.errors?.length ? ` (${worst.errors[0]})` : ''}${failedNote}`;
}

function ratio(ours, peer, scenario, key = 'median') {
  if (!ours?.good.length || !peer?.good.length) return 'n/a';
  const r = ours[key] / peer[key];
  const flag = ours.short.length || peer.short.length ? ' (a side came up short)' : '';
  return `${r.toFixed(2)}×${flag}`;
}

function printScenario(scenario, results) {
  console.log(`\n### ${scenario.title}\n`);
  const isLatency = scenario.key === 'latency';
  const isMemory = scenario.key === 'memory';
  const head = isLatency ? '| broker | p50 (median) | p99 (median) | p50 min – max | delivered |'
    : isMemory ? '| broker | per 1,000 connections (median) | min – max | RSS before → after (last round) | connections |'
      : `| broker | ${scenario.unit} (median) | min – max | delivered | broker CPU | publisher CPU | subscriber CPU |`;
  console.log(head);
  console.log(`|${'---|'.repeat(head.split('|').length - 2)}`);
  const summaries = {};
  for (const broker of BROKERS) {
    if (broker.skipped) {
      console.log(`| ${broker.name} | skipped |${' |'.repeat(head.split('|').length - 4)}`);
      continue;
    }
    const s = summarise(scenario, results[broker.key]);
    summaries[broker.key] = s;
    const cells = [broker.name];
    if (s.good.length === 0) {
      cells.push('–', '–');
    } else {
      cells.push(figure(scenario, s.median));
      if (isLatency) cells.push(figure(scenario, s.p99));
      cells.push(span(scenario, s.min, s.max));
      if (isMemory) {
        const last = s.good[s.good.length - 1];
        cells.push(`${last.rssBefore.toLocaleString('en')} → ${last.rssAfter.toLocaleString('en')} KiB`);
      }
    }
    cells.push(verdict(s, scenario));
    if (!isLatency && !isMemory && s.good.length) {
      cells.push(medianPercent(s.good.map((r) => r.cpu.broker)), medianPercent(s.good.map((r) => r.cpu.pub)), medianPercent(s.good.map((r) => r.cpu.sub)));
    }
    console.log(`| ${cells.join(' | ')} |`);
  }
  const { ours, aedes, mosquitto } = summaries;
  const lower = scenario.better === 'lower' ? ' (lower is better)' : ' (higher is better)';
  console.log(`\nours/Aedes: ${ratio(ours, aedes, scenario)} · ours/Mosquitto: ${ratio(ours, mosquitto, scenario)}${lower}`);
  if (isLatency) console.log(`p99 ours/Aedes: ${ratio(ours, aedes, scenario, 'p99')} · p99 ours/Mosquitto: ${ratio(ours, mosquitto, scenario, 'p99')}`);
  return summaries;
}

function printSummary(all) {
  console.log('\n### Summary (medians)\n');
  console.log(`| scenario | ${BROKERS.map((b) => b.name).join(' | ')} | ours/Aedes | ours/Mosquitto |`);
  console.log(`|---|${BROKERS.map(() => '---|').join('')}---|---|`);
  for (const { scenario, summaries } of all) {
    const cells = BROKERS.map((b) => {
      const s = summaries[b.key];
      if (b.skipped) return 'skipped';
      if (!s.good.length) return 'FAILED';
      const p99 = scenario.key === 'latency' ? ` (p99 ${figure(scenario, s.p99)})` : '';
      return `${figure(scenario, s.median)}${p99}${s.short.length ? ' **SHORT**' : ''}`;
    });
    const name = scenario.title.replace(/,.*$/, '').replace(/:.*$/, '');
    const ratios = [summaries.aedes, summaries.mosquitto].map((peer) => (scenario.key === 'latency'
      ? `p50 ${ratio(summaries.ours, peer, scenario)}, p99 ${ratio(summaries.ours, peer, scenario, 'p99')}`
      : ratio(summaries.ours, peer, scenario)));
    console.log(`| ${name} | ${cells.join(' | ')} | ${ratios.join(' | ')} |`);
  }
}

async function main() {
  const started = Date.now();
  const load = {
    pubs: [startLoad('load-publish.js')],
    sub: startLoad('load-subscribe.js'),
    idle: startLoad('load-idle.js'),
  };
  const brokers = await startAll();
  try {
    // One unmeasured pass per broker, so that no broker (nor the generator) is timed
    // on code that has not been compiled yet.
    for (const broker of brokers) {
      try {
        await flow(broker.instance, load, { subs: 1, filter: 'bench/w', qos: 0, pubs: 1, topic: 'bench/w', mode: 'qos0', perPub: 20_000 });
        await flow(broker.instance, load, { subs: 1, filter: 'bench/w', qos: 1, pubs: 1, topic: 'bench/w', mode: 'qos1', perPub: 5_000, window: 100 });
      } catch (err) {
        loud(`${broker.name}: the warm-up failed (${err.message}); its rounds follow all the same`);
      }
    }
    const all = [];
    for (const scenario of SCENARIOS) {
      const results = Object.fromEntries(brokers.map((b) => [b.key, []]));
      for (let round = 0; round < ROUNDS; round++) {
        const order = brokers.map((_, i) => brokers[(i + round) % brokers.length]);
        for (const broker of order) {
          try {
            results[broker.key].push(await runOnce(broker, scenario, load));
          } catch (err) {
            results[broker.key].push({ error: err.message });
            process.stderr.write(`\n${broker.name}, ${scenario.key}, round ${round + 1}: ${err.message}\n`);
          }
          process.stderr.write('.');
        }
      }
      process.stderr.write(` ${scenario.key}\n`);
      all.push({ scenario, results });
    }
    console.log('\n## Brokers: mqtt-wasm, Aedes and Mosquitto over TCP on 127.0.0.1\n');
    console.log(`- Command: \`node bench/broker/run.js\`${ROUNDS === 3 ? '' : ` with ROUNDS=${ROUNDS}`} (also the last step of \`npm run bench\`)`);
    console.log(`- Date: ${new Date().toISOString().slice(0, 10)}`);
    console.log(`- Machine: ${machine()}`);
    console.log(`- ${ROUNDS} rounds after one warm-up pass per broker; within a round the brokers take turns, in an order that rotates each round`);
    const cores = os.cpus().length;
    console.log(`- Generator: 1 publisher process, 1 subscriber process and 1 idle-connection process (node:net, pre-encoded packets, \`onread\` into one buffer); the run took ${Math.round((Date.now() - started) / 1000)} s`);
    console.log(`- Nagle: ${NAGLE ? 'on for Aedes and Mosquitto, their default (NAGLE=1)' : 'off on every socket (TCP_NODELAY; Mosquitto set_tcp_nodelay true, Aedes noDelay)'}`);
    console.log(`- CPU columns: CPU time over the round's wall time, 100% being one core of ${cores}; the broker's from /proc/<pid>/stat, the generator's from process.cpuUsage()`);
    console.log(`- Limits: the broker and the generator share ${cores} cores, so a broker that needs more than one core, or a round whose subscriber CPU is high, is held back by the machine too (bench/broker/README.md)`);
    const summaries = all.map(({ scenario, results }) => ({ scenario, summaries: printScenario(scenario, results) }));
    printSummary(summaries);
    const ours = BROKERS.find((b) => b.key === 'ours');
    if (ours.skipped) loud(`mqtt-wasm was SKIPPED (${ours.skipped}): every ours/peer ratio above is n/a`);
  } finally {
    for (const broker of brokers) await broker.instance?.stop();
    for (const p of [...load.pubs, load.sub, load.idle]) p.stop();
  }
}

await main();
