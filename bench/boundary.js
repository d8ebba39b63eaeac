// bench/boundary: the costs the boundary's design rests on (docs/ARCHITECTURE.md),
// measured in this process: a wasm export called through the module object and a
// raw one, and copying
// bytes out of wasm memory at sizes around V8's 64-byte on-heap limit, and a 64 KiB
// copy into zeroed and into unzeroed memory.
// Usage: node bench/boundary.js   (part of npm run bench)
import '../js/wasm/module.js';
import { boundary } from '../js/wasm/boundary.js';
import { copyOut } from '../js/wasm/copy-out.js';
import { newBytes } from '../js/new-bytes.js';

const M = boundary.module;
const N = 2_000_000;

function nsPerCall(run, calls = N) {
  let best = Infinity;
  for (let round = 0; round < 7; round++) {
    const start = process.hrtime.bigint();
    run();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / calls);
  }
  return best;
}

const handle = M._mqttw_decoder_new(4, 1024, 0);
const version = M._mqttw_decoder_version;
version(handle);  // the module's property is the raw wasm function from now on
const rows = [
  ['wasm export through the module object (M._mqttw_decoder_version)', nsPerCall(() => { for (let i = 0; i < N; i++) M._mqttw_decoder_version(handle); })],
  ['plain wasm export call (empty push)', nsPerCall(() => { for (let i = 0; i < N; i++) boundary.decoderPush(handle, 0); })],
];
M._mqttw_decoder_free(handle);
const u8 = boundary.u8;
for (const size of [16, 64, 65, 130, 1024, 4096]) {
  rows.push([`Uint8Array.slice of ${size} bytes out of wasm memory`, nsPerCall(() => { for (let i = 0; i < N; i++) u8.slice(1024, 1024 + size); })]);
  rows.push([`copyOut of ${size} bytes (js/wasm/copy-out.js)`, nsPerCall(() => { for (let i = 0; i < N; i++) copyOut(u8, 1024, size); })]);
}
// Large copies: the cost of zeroing memory that is then overwritten.
const LARGE = 64 * 1024;
const BIG_N = 20_000;
const source = new Uint8Array(LARGE).fill(1);
rows.push([`new Uint8Array(${LARGE}) then set`, nsPerCall(() => { for (let i = 0; i < BIG_N; i++) new Uint8Array(LARGE).set(source); }, BIG_N)]);
rows.push([`newBytes(${LARGE}) then set (js/new-bytes.js)`, nsPerCall(() => { for (let i = 0; i < BIG_N; i++) newBytes(LARGE).set(source); }, BIG_N)]);

console.log('\nBoundary costs (best of 7 rounds, ns per call)\n');
console.log('| operation | ns |');
console.log('|---|---|');
for (const [name, ns] of rows) console.log(`| ${name} | ${ns.toFixed(1)} |`);
