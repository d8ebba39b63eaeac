// Browser bundle sizes, gzipped (zlib level 9): our client bundled by esbuild for the
// browser (ESM, minified) plus mqttw.wasm, against MQTT.js's own browser bundle
// (node_modules/mqtt/dist/mqtt.min.js). Also the same with the broker included, and
// the client of `mqtt-wasm/client` (js/client/index.js) over its own module,
// mqttw-client.wasm (the client alone: no codec API, no broker).
// Usage: node bench/client/bundle.js          (prints what each bundle contains)
//
// How ours is bundled: as an app's bundler would, with nothing special. The package's
// "browser" field (package.json) leaves its *-node.js files out of a browser build,
// and every module a browser runs is imported statically, so the WebSocket transport
// is in the bytes counted. mqttw.wasm is fetched next to the bundle at run time, so it
// is counted as a file of its own. (tests/browser/vite-app.test.js measures the same
// with Vite 7, from the packed tarball.)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MQTTJS_BUNDLE = 'node_modules/mqtt/dist/mqtt.min.js';
const WASM = 'js/wasm/mqttw.wasm';
const CLIENT_WASM = 'js/wasm/mqttw-client.wasm';

export const gzipSize = (bytes) => zlib.gzipSync(bytes, { level: 9 }).length;

const ENTRIES = {
  client: "export { connectAsync } from './js/index.js';",
  clientOnly: "export { connectAsync } from './js/client/index.js';",
  clientAndBroker: "export { connectAsync, createBroker } from './js/index.js';",
};

async function bundle(esbuild, contents) {
  const result = await esbuild.build({
    stdin: { contents, resolveDir: ROOT, sourcefile: 'entry.js', loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const js = result.outputFiles[0].contents;
  const output = Object.values(result.metafile.outputs)[0];
  const inputs = Object.entries(output.inputs)
    .filter(([, v]) => v.bytesInOutput > 0)
    .map(([file, v]) => ({ file, bytes: v.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
  const warnings = result.warnings.map((w) => `${w.location?.file ?? ''}:${w.location?.line ?? ''} ${w.text}`);
  return { js: js.length, jsGzip: gzipSize(js), inputs, warnings };
}

// Resolves to { error } when esbuild is not installed, else to every figure.
export async function measureBundles() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch (err) {
    return { error: `esbuild is not installed (npm install --save-dev esbuild): ${err.message}` };
  }
  const wasm = readFileSync(new URL(WASM, `file://${ROOT}`));
  const mqttjs = readFileSync(new URL(MQTTJS_BUNDLE, `file://${ROOT}`));
  let client;
  let withBroker;
  let clientOnly;
  try {
    client = await bundle(esbuild, ENTRIES.client);
    withBroker = await bundle(esbuild, ENTRIES.clientAndBroker);
    clientOnly = await bundle(esbuild, ENTRIES.clientOnly);
  } catch (err) {
    return { error: `esbuild could not bundle the client: ${err.errors?.[0]?.text ?? err.message}` };
  }
  const wasmGzip = gzipSize(wasm);
  const clientWasm = readFileSync(new URL(CLIENT_WASM, `file://${ROOT}`));
  const clientWasmGzip = gzipSize(clientWasm);
  return {
    esbuildVersion: esbuild.version,
    wasm: { bytes: wasm.length, gzip: wasmGzip },
    clientWasm: { bytes: clientWasm.length, gzip: clientWasmGzip },
    mqttjs: { file: MQTTJS_BUNDLE, bytes: mqttjs.length, gzip: gzipSize(mqttjs) },
    client: { ...client, totalGzip: client.jsGzip + wasmGzip },
    withBroker: { ...withBroker, totalGzip: withBroker.jsGzip + wasmGzip },
    clientOnly: { ...clientOnly, totalGzip: clientOnly.jsGzip + clientWasmGzip },
  };
}

const kB = (n) => `${(n / 1000).toFixed(1)} kB`;

export function printBundles(b) {
  if (b.error) {
    console.log(`\nBundle size: not measured: ${b.error}`);
    return;
  }
  console.log(`\n### Browser bundle, gzipped (zlib level 9; esbuild ${b.esbuildVersion}, platform browser, ESM, minified)\n`);
  console.log('| bundle | JS | JS gzipped | + wasm gzipped | total gzipped | ours / MQTT.js |');
  console.log('|---|---|---|---|---|---|');
  const row = (name, r, wasm) => console.log(`| ${name} | ${kB(r.js)} | ${kB(r.jsGzip)} | ${kB(wasm.gzip)} | **${kB(r.totalGzip)}** | **${(r.totalGzip / b.mqttjs.gzip).toFixed(2)}×** |`);
  row('mqtt-wasm/client (connectAsync, mqttw-client.wasm)', b.clientOnly, b.clientWasm);
  row('mqtt-wasm client (connectAsync, mqttw.wasm)', b.client, b.wasm);
  row('mqtt-wasm client + broker (createBroker, mqttw.wasm)', b.withBroker, b.wasm);
  console.log(`| MQTT.js (${b.mqttjs.file}) | ${kB(b.mqttjs.bytes)} | ${kB(b.mqttjs.gzip)} | – | **${kB(b.mqttjs.gzip)}** | 1.00× |`);
  console.log(`\nmqttw.wasm: ${kB(b.wasm.bytes)} (${kB(b.wasm.gzip)} gzipped), one module for codec, broker and client.`);
  console.log(`mqttw-client.wasm: ${kB(b.clientWasm.bytes)} (${kB(b.clientWasm.gzip)} gzipped), the client alone, for mqtt-wasm/client.`);
  for (const [name, r] of [['mqtt-wasm/client', b.clientOnly], ['client', b.client], ['client + broker', b.withBroker]]) {
    console.log(`\nWhat the ${name} bundle contains (minified bytes per input):`);
    console.log(r.inputs.map((i) => `  ${String(i.bytes).padStart(7)}  ${i.file}`).join('\n'));
    if (r.warnings.length) console.log(`  esbuild warnings:\n    ${r.warnings.join('\n    ')}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  printBundles(await measureBundles());
}
