// Runs two implementations of the same work in one process, in alternating rounds,
// and reports the median rate of each and the ratio ours / peer. One absolute time
// on a shared machine means little; the ratio within one run is the figure.
import os from 'node:os';

/**
 * @param {object} spec
 * @param {string} spec.name
 * @param {string} spec.unit     what `work` returns a count of per run ("packets", "MB")
 * @param {() => number} spec.ours
 * @param {() => number} spec.peer
 * @param {number} [spec.rounds]
 */
export function compare({ name, unit, ours, peer, rounds = 9, warmup = 2 }) {
  const rates = { ours: [], peer: [] };
  for (let round = 0; round < warmup + rounds; round++) {
    // Alternate who goes first, so that neither always runs on a warmer (or more
    // fragmented) heap.
    const order = round % 2 === 0 ? ['ours', 'peer'] : ['peer', 'ours'];
    for (const who of order) {
      const run = who === 'ours' ? ours : peer;
      const start = process.hrtime.bigint();
      const amount = run();
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (round >= warmup) rates[who].push(amount / seconds);
    }
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  const result = {
    name,
    unit,
    ours: median(rates.ours),
    peer: median(rates.peer),
    oursRange: [Math.min(...rates.ours), Math.max(...rates.ours)],
    peerRange: [Math.min(...rates.peer), Math.max(...rates.peer)],
  };
  result.ratio = result.ours / result.peer;
  return result;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function machine() {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? 'unknown CPU'} (${cpus.length} cores), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
    `${os.type()} ${os.release()}, Node ${process.versions.node}`;
}

function format(value, unit) {
  if (unit === 'MB') return `${value.toFixed(0)} MB/s`;
  return value >= 1e6 ? `${(value / 1e6).toFixed(2)} M ${unit}/s` : `${(value / 1e3).toFixed(0)} k ${unit}/s`;
}

export function printTable(title, peerName, results) {
  console.log(`\n${title}\n`);
  console.log(`| benchmark | mqtt-wasm (median) | ${peerName} (median) | ratio ours/${peerName} |`);
  console.log('|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.name} | ${format(r.ours, r.unit)} | ${format(r.peer, r.unit)} | ${r.ratio.toFixed(2)}× |`);
  }
}
