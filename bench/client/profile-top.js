// The top costs of a V8 CPU profile (node --cpu-prof), by self time and by total
// (inclusive) time, per function and file.
// Usage: PROFILE=ours ONLY=qos0 node bench/client/run.js
//        node bench/client/profile-top.js /tmp/bench-client-prof/ours-*.cpuprofile [count]
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [file, countArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/client/profile-top.js <file.cpuprofile> [count]');
  process.exit(2);
}
const count = Number(countArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

// Sample time per node: each sample lasts until the next one.
const selfMicros = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i + 1] ?? 0;
  selfMicros.set(profile.samples[i], (selfMicros.get(profile.samples[i]) ?? 0) + dt);
}

function where(frame) {
  const url = frame.url ? path.relative(process.cwd(), frame.url.replace(/^file:\/\//, '')) : '';
  return `${frame.functionName || '(anonymous)'} ${url ? `${url}:${frame.lineNumber + 1}` : ''}`.trim();
}

const self = new Map();
const total = new Map();
let all = 0;
let idle = 0;
for (const [id, micros] of selfMicros) {
  const node = byId.get(id);
  all += micros;
  if (node.callFrame.functionName === '(idle)') idle += micros;
  const key = where(node.callFrame);
  self.set(key, (self.get(key) ?? 0) + micros);
  // Inclusive time: once per function on the stack, however often it recurs.
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const k = where(byId.get(at).callFrame);
    if (seen.has(k)) continue;
    seen.add(k);
    total.set(k, (total.get(k) ?? 0) + micros);
  }
}

const busy = all - idle;
const show = (title, map) => {
  console.log(`\n${title} (share of busy time, ${(busy / 1e6).toFixed(2)} s busy of ${(all / 1e6).toFixed(2)} s)`);
  const rows = [...map].filter(([k]) => !k.startsWith('(idle)') && !k.startsWith('(root)')).sort((a, b) => b[1] - a[1]).slice(0, count);
  for (const [k, micros] of rows) console.log(`${(100 * micros / busy).toFixed(1).padStart(6)}%  ${(micros / 1e3).toFixed(0).padStart(7)} ms  ${k}`);
};
show('Self time', self);
show('Total time', total);
