// mqtt-wasm in a Vite app, as a new user builds one: the packed tarball installed in a
// folder outside the repo, the app of tests/fixtures/vite-app/ (no vite.config, no
// polyfills) built with `vite build` (the repo's Vite 7), dist/ served by a plain static
// server and loaded in headless Chromium.
//   - index.html imports 'mqtt-wasm': a broker in the page with a client on it
//     (connectLocal), and a client of Mosquitto's WebSocket listener, a QoS 1 round trip each;
//   - client-only/index.html imports 'mqtt-wasm/client': the Mosquitto round trip only.
// The build must print no warning, leave no Node built-in in the JS and emit the wasm
// the page fetches. The gzipped download of each app (every JS and wasm file the page
// fetched, zlib level 9) is reported as a diagnostic. The dev server (`vite`) runs the
// same app with the one line of config README should document (vite.dev.config.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { launchChromium } from './chromium.js';
import { startStaticServer } from './static-server.js';
import { startMosquitto, noMosquitto, freePorts } from '../js/client-peers.js';
import { spawnPeer } from '../js/broker-peers.js';
import { installTarball, temporaryFolder } from '../js/package-tarball.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = join(REPO, 'tests/fixtures/vite-app');
const VITE = join(REPO, 'node_modules/vite/bin/vite.js');
// The dev server's config: a name `vite build` does not look for, so the build has none.
const DEV_CONFIG = 'vite.dev.config.mjs';
const noVite = existsSync(VITE) ? false : 'vite is not installed (npm install, a devDependency)';
const skip = noMosquitto || noVite;

// Vite's empty module for a file the "browser" field maps to false: emitted, never fetched.
const EMPTY_STAND_IN = /__vite-browser-external/;

const gzipSize = (bytes) => zlib.gzipSync(bytes, { level: 9 }).length;
const kB = (n) => `${(n / 1000).toFixed(1)} kB`;

// `vite build` of the app at root; resolves { dist, output, files } (files: dist's paths).
async function viteBuild(root) {
  const { stdout, stderr } = await run(process.execPath, [VITE, 'build', root], {
    cwd: root,
    timeout: 120000,
    maxBuffer: 16 << 20,
    env: { ...process.env, NO_COLOR: '1', CI: 'true' },
  });
  const dist = join(root, 'dist');
  const files = readdirSync(dist, { recursive: true }).map(String).sort();
  return { dist, output: { stdout, stderr }, files };
}

// Loads the app served at url in a tab with ?broker=wsUrl; resolves { result, fetched,
// errors }: what the page set as window.result, and every response it got (path, status,
// content type).
async function runApp(chromium, url, wsUrl) {
  const tab = await chromium.browser.newPage();
  const errors = [];
  const fetched = [];
  tab.on('pageerror', (err) => errors.push(err.message));
  tab.on('console', (msg) => {
    // (the browser asks every host for /favicon.ico, which the app has not)
    if (msg.type() === 'error' && !msg.location().url.endsWith('/favicon.ico')) errors.push(msg.text());
  });
  tab.on('response', (r) => fetched.push({ path: new URL(r.url()).pathname, status: r.status(), type: r.headers()['content-type'] }));
  try {
    await tab.goto(`${url}/?broker=${encodeURIComponent(wsUrl)}`);
    await tab.waitForFunction(() => window.result || window.failure, null, { timeout: 20000 }).catch(() => {});
    const { result, failure, log } = await tab.evaluate(() => ({
      result: window.result, failure: window.failure, log: document.querySelector('#log')?.textContent,
    }));
    assert.equal(failure, undefined, `the app failed: ${failure}; log: ${log}; errors: ${errors.join('; ')}`);
    assert.ok(result, `the app did not finish; log: ${JSON.stringify(log)}; errors: ${errors.join('; ') || 'none'}; ` +
      `fetched: ${fetched.map((f) => `${f.status} ${f.path}`).join(', ')}`);
    return { result, fetched, errors };
  } finally {
    await tab.close();
  }
}

// runApp over a build's dist/, served by startStaticServer.
async function runBuiltApp(chromium, build, wsUrl) {
  const server = await startStaticServer({}, { root: build.dist });
  try {
    return await runApp(chromium, server.url, wsUrl);
  } finally {
    await server.close();
  }
}

// What a built app's page fetched: one wasm, at `wasmPath`, served as application/wasm;
// every request answered 200 and none for a Node module's stand-in; no page error.
function assertCleanLoad(fetched, errors, wasmPath) {
  const wasm = fetched.filter((f) => f.path.endsWith('.wasm'));
  assert.deepEqual(wasm.map((f) => [f.status, f.type]), [[200, 'application/wasm']], JSON.stringify(fetched));
  assert.match(wasm[0].path, wasmPath);
  assert.deepEqual(fetched.filter((f) => f.status !== 200 || EMPTY_STAND_IN.test(f.path)), [],
    'every request succeeded, and none was for a Node module');
  assert.deepEqual(errors, []);
}

// The gzipped bytes of the JS and wasm files the page fetched.
function download(build, fetched) {
  const files = [...new Set(fetched.map((f) => f.path))].filter((p) => /\.(js|wasm)$/.test(p)).sort();
  const sizes = files.map((path) => {
    const bytes = readFileSync(join(build.dist, path));
    return { path, bytes: bytes.length, gzip: gzipSize(bytes) };
  });
  const sum = (kind) => sizes.filter((s) => s.path.endsWith(kind)).reduce((n, s) => n + s.gzip, 0);
  return { sizes, js: sum('.js'), wasm: sum('.wasm'), total: sum('.js') + sum('.wasm') };
}

const describe = (d) => `${kB(d.total)} gzipped (JS ${kB(d.js)} + wasm ${kB(d.wasm)}): ` +
  d.sizes.map((s) => `${s.path.replace(/^\/assets\//, '')} ${kB(s.gzip)}`).join(', ');

let mosquitto = null;
let chromium = null;
let whole = null;       // the build of index.html ('mqtt-wasm')
let clientOnly = null;  // the build of client-only/index.html ('mqtt-wasm/client')
let app = null;         // the app's folder
const downloads = {};

before(async () => {
  if (skip) return;
  app = temporaryFolder('mqtt-wasm-vite-app-');
  cpSync(FIXTURE, app, { recursive: true });
  await installTarball(app);
  whole = await viteBuild(app);
  clientOnly = await viteBuild(join(app, 'client-only'));
  mosquitto = await startMosquitto();
  chromium = await launchChromium();
}, { timeout: 600000 });

after(async () => {
  await chromium?.close();
  await mosquitto?.stop();
});

for (const [name, build, wasm] of [
  ['mqtt-wasm', () => whole, /^assets\/mqttw-[\w-]+\.wasm$/],
  ['mqtt-wasm/client', () => clientOnly, /^assets\/mqttw-client-[\w-]+\.wasm$/],
]) {
  test(`vite build of an app importing ${name}: no warning, no Node built-in in the JS, its wasm emitted`, { skip }, () => {
    const { output, files, dist } = build();
    assert.equal(output.stderr.trim(), '', 'vite build printed nothing on stderr (warnings go there)');
    assert.doesNotMatch(output.stdout, /\(!\)|externalized|warning/i);
    assert.deepEqual(files.filter((f) => f.endsWith('.wasm')).map((f) => wasm.test(f)), [true], `dist: ${files.join(' ')}`);
    for (const file of files.filter((f) => f.endsWith('.js'))) {
      const js = readFileSync(join(dist, file), 'utf8');
      if (EMPTY_STAND_IN.test(file)) {
        // What package.json's "browser" field maps the *-node.js files to: nothing.
        assert.ok(js.length < 100, `${file} is Vite's empty stand-in: ${js}`);
        continue;
      }
      // node:* specifiers, or the `ws` package's browser stub
      assert.doesNotMatch(js, /["'`]node:[a-z]|ws does not work in the browser/, `${file} holds Node code`);
    }
  });
}

test('the Vite app runs a broker in the page and a client on it, and a client of Mosquitto over WebSocket (QoS 1 each)', { skip, timeout: 60000 }, async () => {
  const { result, fetched, errors } = await runBuiltApp(chromium, whole, mosquitto.wsUrl);
  assert.deepEqual(result, {
    embedded: ['vite/embedded', 1, 'hello from embedded', 'Uint8Array'],
    native: ['vite/native', 1, 'hello from native', 'Uint8Array'],
  });
  assertCleanLoad(fetched, errors, /\/mqttw-[\w-]+\.wasm$/);
  downloads.whole = download(whole, fetched);
});

test('the client-only Vite app (mqtt-wasm/client) fetches mqttw-client.wasm, no broker, and round-trips with Mosquitto', { skip, timeout: 60000 }, async () => {
  const { result, fetched, errors } = await runBuiltApp(chromium, clientOnly, mosquitto.wsUrl);
  assert.deepEqual(result, { native: ['vite/client-only', 1, 'hello from client-only', 'Uint8Array'] });
  assertCleanLoad(fetched, errors, /\/mqttw-client-[\w-]+\.wasm$/);
  downloads.clientOnly = download(clientOnly, fetched);
});

test('the gzipped browser download of the client-only app is smaller than that of client + broker', { skip }, (t) => {
  const { whole: w, clientOnly: c } = downloads;
  assert.ok(w && c, 'both apps ran');
  t.diagnostic(`client-only app (mqtt-wasm/client): ${describe(c)}`);
  t.diagnostic(`client + broker app (mqtt-wasm): ${describe(w)}`);
  assert.ok(c.total < w.total, `client-only ${c.total} B, client + broker ${w.total} B`);
});

test('the dev server (`vite`, with optimizeDeps.exclude: [\'mqtt-wasm\']) runs the same app', { skip, timeout: 60000 }, async () => {
  const [port] = await freePorts(1);
  const dev = spawnPeer(process.execPath, [VITE, app, '--config', join(app, DEV_CONFIG),
    '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { timeoutMs: 60000 });
  try {
    await dev.waitFor(/ready in/, 'the dev server to start', 20000);
    const { result, fetched, errors } = await runApp(chromium, `http://127.0.0.1:${port}`, mosquitto.wsUrl);
    assert.deepEqual(result, {
      embedded: ['vite/embedded', 1, 'hello from embedded', 'Uint8Array'],
      native: ['vite/native', 1, 'hello from native', 'Uint8Array'],
    });
    const wasm = fetched.filter((f) => f.path.endsWith('.wasm'));
    assert.deepEqual(wasm.map((f) => [f.path, f.status, f.type]), [['/node_modules/mqtt-wasm/js/wasm/mqttw.wasm', 200, 'application/wasm']]);
    assert.deepEqual(errors, []);
    assert.doesNotMatch(dev.stderr, /error|warn/i);
  } finally {
    dev.kill('SIGTERM');
    await dev.exited;
  }
});
