// bench/client: our client against MQTT.js, publishing to one Mosquitto on 127.0.0.1,
// in one run. Each library publishes from a process of its own (publisher.js), and a
// raw-socket subscriber in a third process (bench/broker/load-subscribe.js) counts
// what arrives. Within each round both libraries take a turn, the order alternating
// from round to round; the ratios are the median of the rounds' ratios.
// Usage: node bench/client/run.js      ROUNDS=5 (default 3)
//   WINDOW=100        publishes outstanding at a time (default 100)
//   ONLY=qos0         one scenario only (qos0 or qos1), e.g. for a profile
//   ENTRY=client      ours through 'mqtt-wasm/client' (js/client/index.js, mqttw-client.wasm,
//                     the module a browser app downloads) instead of 'mqtt-wasm' (js/index.js,
//                     mqttw.wasm, the default)
//   SELF_CHECK=1      MQTT.js on both sides: checks the harness (ratios ≈ 1)
//   FLOOR=0           leaves out the floor (floor-client.js: the least a client on node:net
//                     does per message), which otherwise publishes in every round too
//   PROFILE=ours      the ours publisher runs with --cpu-prof (PROFILE=mqttjs for the peer);
//                     the .cpuprofile lands in PROFILE_DIR (default /tmp/bench-client-prof)
import { mkdirSync } from 'node:fs';
import { machine } from '../harness.js';
import { startLoad } from '../broker/ipc.js';
import { NAGLE, cpuSeconds, startMosquitto } from '../broker/peers.js';
import { measureBundles, printBundles } from './bundle.js';
import { mosquittoVersion, mqttjsVersion, startPublisher } from './processes.js';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SELF_CHECK = process.env.SELF_CHECK === '1';
const PROFILE = process.env.PROFILE ?? '';
const PROFILE_DIR = process.env.PROFILE_DIR ?? '/tmp/bench-client-prof';
const WINDOW = Number(process.env.WINDOW ?? 100);

const ONLY = process.env.ONLY ?? '';
// Our entries: the name shown, and the file publisher.js imports (relative to it).
const ENTRIES = {
  package: { name: 'mqtt-wasm', file: '../../js/index.js' },
  client: { name: 'mqtt-wasm/client', file: '../../js/client/index.js' },
};
const ENTRY = process.env.ENTRY ?? 'package';
if (!ENTRIES[ENTRY]) {
  console.error(`ENTRY must be one of ${Object.keys(ENTRIES).join(', ')}, not "${ENTRY}"`);
  process.exit(2);
}
const SCENARIOS = [
  { key: 'qos0', title: 'QoS 0', qos: 0, count: 200_000, topic: 'bench/client/q0', warm: 20_000 },
  { key: 'qos1', title: 'QoS 1', qos: 1, count: 50_000, topic: 'bench/client/q1', warm: 5_000 },
].filter((s) => !ONLY || s.key === ONLY);

const FLOOR = process.env.FLOOR !== '0' && !SELF_CHECK;
const SIDES = [
  { key: 'ours', name: SELF_CHECK ? `MQTT.js ${mqttjsVersion} (as "ours", SELF_CHECK)` : ENTRIES[ENTRY].name, which: SELF_CHECK ? 'mqttjs' : 'ours' },
  { key: 'peer', name: `MQTT.js ${mqttjsVersion}`, which: 'mqttjs' },
  ...(FLOOR ? [{ key: 'floor', name: 'the floor (floor-client.js, no library)', which: 'floor' }] : []),
];

const n = (value) => value.toLocaleString('en');
const seconds = (from, to) => Number(to - from) / 1e9;

function loud(text) {
  const bar = '!'.repeat(78);
  console.log(`\n${bar}\n${text.split('\n').map((line) => `!! ${line}`).join('\n')}\n${bar}\n`);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function oursMissing() {
  if (SELF_CHECK) return null;
  try {
    const { connectAsync } = await import('../../js/index.js');
    return typeof connectAsync === 'function' ? null : 'js/index.js does not export connectAsync yet';
  } catch (err) {
    return `js/index.js does not load: ${err.message}`;
  }
}

let serial = 0;

// One library publishes `count` messages once; the subscriber counts them.
async function round(side, scenario, count, env) {
  const { sub, mosquitto } = env;
  const { qos, topic } = scenario;
  await sub.call('connect', { port: mosquitto.port, count: 1, filter: topic, qos });
  try {
    await side.proc.call('connect', { port: mosquitto.port, which: side.which, entry: ENTRIES[ENTRY].file, clientId: `bench-${side.key}-${process.pid}-${serial++}` });
    await sub.call('arm', { total: count });
    const broker0 = cpuSeconds(mosquitto.pid);
    const sent = await side.proc.call('run', { topic, qos, count, window: WINDOW });
    await sub.call('publisherDone');
    const got = await sub.call('result');
    const { cpuSeconds: pubCpu, systemSeconds: pubSystem } = await side.proc.call('finish');
    const end = got.last > sent.done ? got.last : sent.done;
    const wall = seconds(sent.start, end);
    return {
      received: got.received,
      expected: count,
      errors: got.errors,
      publishSide: count / seconds(sent.start, sent.done),
      // The same per second of the publisher's own CPU time: what the publish side
      // would reach on a core of its own, which a loaded machine does not give it.
      publishPerCpu: count / sent.cpuDone,
      endToEnd: got.received ? got.received / seconds(sent.start, got.last) : 0,
      cpuPerMessage: pubCpu / count, // seconds
      systemPerMessage: pubSystem / count, // the kernel's part of it (socket calls)
      pubCpu: pubCpu / wall,
      subCpu: got.cpuSeconds / wall,
      brokerCpu: (cpuSeconds(mosquitto.pid) - broker0) / wall,
    };
  } finally {
    await Promise.all([sub.call('close'), side.proc.call('close').catch(() => {})]);
  }
}

function rate(value) {
  if (!Number.isFinite(value) || value === 0) return '–';
  return value >= 1e6 ? `${(value / 1e6).toFixed(2)} M/s` : `${(value / 1e3).toFixed(1)} k/s`;
}
const micros = (s) => `${(s * 1e6).toFixed(2)} µs`;
const percent = (share) => `${Math.round(share * 100)}%`;

const FIGURES = [
  { key: 'publishSide', label: 'publish side (all promises resolved)', show: rate, better: 'higher' },
  { key: 'publishPerCpu', label: 'publish side per CPU second', show: rate, better: 'higher' },
  { key: 'endToEnd', label: 'end to end (all received)', show: rate, better: 'higher' },
  { key: 'cpuPerMessage', label: 'publisher CPU per message', show: micros, better: 'lower' },
];

function summarise(rounds) {
  const good = rounds.filter((r) => !r.error);
  const s = { good, failed: rounds.filter((r) => r.error), short: good.filter((r) => r.received !== r.expected) };
  for (const f of FIGURES) s[f.key] = good.length ? median(good.map((r) => r[f.key])) : NaN;
  for (const k of ['systemPerMessage', 'pubCpu', 'subCpu', 'brokerCpu']) s[k] = good.length ? median(good.map((r) => r[k])) : NaN;
  return s;
}

// The median of the per-round ratios ours / peer: each pair ran back to back, so a
// slower spell of the shared machine weighs on both sides of a ratio.
function ratio(pairs, key) {
  const values = pairs.filter(([a, b]) => a && b && !a.error && !b.error && a.received === a.expected && b.received === b.expected)
    .map(([a, b]) => a[key] / b[key]);
  return values.length ? { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length } : null;
}

const showRatio = (r) => (r ? `${r.median.toFixed(2)}×` : 'n/a');
const showRange = (r) => (r ? `${r.min.toFixed(2)} – ${r.max.toFixed(2)}` : '–');

function printScenario(scenario, results, sides) {
  console.log(`\n### ${scenario.title}: ${n(scenario.count)} publishes × 16 B, one topic, ${WINDOW} outstanding at a time\n`);
  console.log('| client | publish side (all resolved) | publish side per CPU second | end to end (all received) | CPU per message | of it, kernel | publisher CPU | subscriber CPU | Mosquitto CPU | delivered |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  const summaries = {};
  for (const side of SIDES) {
    if (!sides.includes(side)) {
      console.log(`| ${side.name} | skipped | | | | | | | | |`);
      continue;
    }
    const s = summarise(results[side.key]);
    summaries[side.key] = s;
    const delivered = s.good.length === 0 ? `FAILED: ${s.failed[0]?.error.split('\n')[0]}`
      : s.short.length ? `**SHORT** in ${s.short.length} of ${s.good.length} rounds (${n(Math.min(...s.short.map((r) => r.received)))} of ${n(scenario.count)})`
        : `all in every round${s.failed.length ? `; ${s.failed.length} round(s) FAILED` : ''}`;
    const cells = s.good.length
      ? FIGURES.map((f) => f.show(s[f.key])).concat([micros(s.systemPerMessage), percent(s.pubCpu), percent(s.subCpu), percent(s.brokerCpu)])
      : FIGURES.map(() => '–').concat(['–', '–', '–', '–']);
    console.log(`| ${side.name} | ${cells.join(' | ')} | ${delivered} |`);
  }
  const against = (key) => {
    const pairs = (results[key] ?? []).map((r, i) => [r, results.peer[i]]);
    return Object.fromEntries(FIGURES.map((f) => [f.key, ratio(pairs, f.key)]));
  };
  const ratios = against('ours');
  console.log(`\nours / MQTT.js, median of ${ratios.publishSide?.n ?? 0} rounds (min – max): ` +
    FIGURES.map((f) => `${f.label} **${showRatio(ratios[f.key])}** (${showRange(ratios[f.key])})`).join(' · '));
  if (FLOOR) {
    ratios.floor = against('floor');
    console.log(`\nthe floor / MQTT.js, the same way: ` +
      FIGURES.map((f) => `${f.label} ${showRatio(ratios.floor[f.key])} (${showRange(ratios.floor[f.key])})`).join(' · '));
  }
  return ratios;
}

function printGoals(ratios, bundles) {
  const third = 1 / 3;
  const bundleRatio = bundles.error ? null : bundles.clientOnly.totalGzip / bundles.mqttjs.gzip;
  // [goal, ours / MQTT.js, test, the floor / MQTT.js (speed goals)]
  const goals = [
    ['QoS 0 publish-side rate ≥ 3× MQTT.js', ratios.qos0?.publishSide, (r) => r >= 3, ratios.qos0?.floor?.publishSide],
    ['(the same per second of publisher CPU time)', ratios.qos0?.publishPerCpu, (r) => r >= 3, ratios.qos0?.floor?.publishPerCpu],
    ['QoS 0 publisher CPU per message ≤ 1/3 of MQTT.js (ratio ≤ 0.33)', ratios.qos0?.cpuPerMessage, (r) => r <= third, ratios.qos0?.floor?.cpuPerMessage],
    ['QoS 1 publisher CPU per message ≤ 1/3 of MQTT.js (ratio ≤ 0.33)', ratios.qos1?.cpuPerMessage, (r) => r <= third, ratios.qos1?.floor?.cpuPerMessage],
    ['browser bundle (client JS + wasm), gzipped, ≤ 1/3 of MQTT.js (ratio ≤ 0.33)', bundleRatio === null ? null : { median: bundleRatio }, (r) => r <= third, undefined],
  ];
  console.log('\n### Goals (issue 4)\n');
  if (FLOOR) console.log('The floor is no client (floor-client.js): it shows how near the goal any client on node:net gets here.\n');
  console.log(`| goal | ours / MQTT.js | met |${FLOOR ? ' the floor / MQTT.js (min – max) |' : ''}`);
  console.log(`|---|---|---|${FLOOR ? '---|' : ''}`);
  // Met only when every round meets it; a median that does while some rounds do not
  // is the shared machine's noise as much as the code.
  const met = (r, ok) => {
    if (!r) return 'not measured';
    const min = r.min ?? r.median;
    const max = r.max ?? r.median;
    if (ok(min) && ok(max)) return 'yes';
    if (!ok(min) && !ok(max)) return '**no**';
    return `unclear: the rounds range over ${min.toFixed(2)} – ${max.toFixed(2)}`;
  };
  for (const [name, r, ok, floor] of goals) {
    const floorCell = !FLOOR ? '' : floor === undefined ? ' – |' : ` ${showRatio(floor)} (${showRange(floor)}) |`;
    console.log(`| ${name} | ${r ? `${r.median.toFixed(2)}×` : 'n/a'} | ${met(r, ok)} |${floorCell}`);
  }
  console.log(`\nFor reference, end to end (capped by Mosquitto): QoS 0 ${showRatio(ratios.qos0?.endToEnd)}, QoS 1 ${showRatio(ratios.qos1?.endToEnd)}.`);
}

async function main() {
  const started = Date.now();
  const missing = await oursMissing();
  if (missing) loud(`mqtt-wasm SKIPPED: ${missing}\nMQTT.js runs alone; every ratio is n/a. SELF_CHECK=1 runs MQTT.js on both sides.`);
  let sides = missing ? SIDES.filter((s) => s.key !== 'ours') : SIDES;
  if (PROFILE) mkdirSync(PROFILE_DIR, { recursive: true });
  for (const side of sides) {
    const profile = PROFILE === side.key || PROFILE === side.which || (PROFILE === '1' && side.key === 'ours');
    side.proc = startPublisher({ execArgv: profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${side.key}-${process.pid}.cpuprofile`] : [] });
  }
  const sub = startLoad('load-subscribe.js');
  const mosquitto = await startMosquitto();
  const env = { sub, mosquitto };
  process.stderr.write(`Mosquitto: pid ${mosquitto.pid}, port ${mosquitto.port}\n`);
  try {
    // One unmeasured pass per library, so that nothing is timed on code not compiled yet.
    // A library whose warm-up fails is skipped, loudly, and the other runs alone.
    for (const side of sides) {
      try {
        for (const scenario of SCENARIOS) await round(side, scenario, scenario.warm, env);
      } catch (err) {
        side.skipped = `the warm-up failed: ${err.message.split('\n')[0]}`;
        loud(`${side.name} SKIPPED: ${side.skipped}`);
      }
    }
    sides = sides.filter((s) => !s.skipped);
    const all = {};
    for (const scenario of SCENARIOS) {
      const results = Object.fromEntries(SIDES.map((side) => [side.key, []]));
      for (let r = 0; r < ROUNDS; r++) {
        const order = r % 2 === 0 ? sides : [...sides].reverse();
        for (const side of order) {
          try {
            results[side.key][r] = await round(side, scenario, scenario.count, env);
          } catch (err) {
            results[side.key][r] = { error: err.message };
            process.stderr.write(`\n${side.name}, ${scenario.key}, round ${r + 1}: ${err.message}\n`);
          }
          process.stderr.write('.');
        }
      }
      process.stderr.write(` ${scenario.key}\n`);
      all[scenario.key] = { scenario, results };
    }
    const bundles = await measureBundles();
    console.log('\n## Client: mqtt-wasm against MQTT.js, publishing to Mosquitto on 127.0.0.1\n');
    console.log(`- Command: \`node bench/client/run.js\`${ROUNDS === 3 ? '' : ` with ROUNDS=${ROUNDS}`}${SELF_CHECK ? ' with SELF_CHECK=1' : ''}${ENTRY === 'package' ? '' : ` with ENTRY=${ENTRY}`} (also the last step of \`npm run bench\`)`);
    console.log(`- Date: ${new Date().toISOString().slice(0, 10)}`);
    console.log(`- Machine: ${machine()}`);
    console.log(`- Mosquitto ${mosquittoVersion()} (bench/broker/peers.js config: in memory, max_queued_messages 1000000${NAGLE ? ', Nagle on (NAGLE=1)' : ', set_tcp_nodelay true'}); MQTT.js ${mqttjsVersion}`);
    console.log(`- ${ROUNDS} rounds after one warm-up pass per library; within a round each library publishes once, the order alternating each round; the run took ${Math.round((Date.now() - started) / 1000)} s`);
    console.log(`- Processes: one publisher per library${FLOOR ? ' and one for the floor' : ''} (bench/client/publisher.js, its own event loop and CPU time), one raw-socket subscriber (bench/broker/load-subscribe.js, acks QoS 1), Mosquitto; MQTT 3.1.1, clean session, Nagle off on the clients' sockets`);
    console.log(`- A round: \`publishAsync(topic, 16 B, { qos })\` count times, ${WINDOW} outstanding at a time (each promise that resolves starts the next; QoS 0 resolves when written, QoS 1 on PUBACK). Publish side = count over the time until every promise resolved, and per CPU second = count over the publisher's CPU time until then; end to end = count over the time from the first call to the last message at the subscriber (hrtime, shared by the processes). CPU per message = the publisher process's process.cpuUsage() from the first call to the end of the round, over count; of it, kernel = its system time. CPU columns: CPU time over the round's wall time, 100% = one core`);
    const ratios = {};
    for (const { scenario, results } of Object.values(all)) {
      ratios[scenario.key] = printScenario(scenario, results, sides);
    }
    printBundles(bundles);
    printGoals(ratios, bundles);
    for (const side of SIDES.filter((s) => s.skipped)) loud(`${side.name} was SKIPPED (${side.skipped}): every ratio above is n/a`);
    if (missing) loud(`mqtt-wasm was SKIPPED (${missing}): every ratio above is n/a`);
    if (SELF_CHECK) loud('SELF_CHECK: MQTT.js ran on both sides; the ratios show the harness\'s noise, not our client');
  } finally {
    await mosquitto.stop();
    sub.stop();
    for (const side of SIDES) await side.proc?.end();
    if (PROFILE) process.stderr.write(`CPU profiles in ${PROFILE_DIR}\n`);
  }
}

await main();
