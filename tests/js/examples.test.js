// Every script in examples/ runs as a user would run it, and prints what it says it
// prints: the `// → ...` lines of its comments, in order, and nothing else. The scripts
// are found, not listed, so a new example is tested as soon as it exists. They import
// 'mqtt-wasm' by name, which resolves to this package through its own exports map.
// client-to-mosquitto.mjs runs a second time against a real Mosquitto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import { startMosquitto, noMosquitto } from './client-peers.js';
import { EXAMPLES, exampleFiles } from './example-files.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

// The lines a script says it prints: `// → text` comments, in order.
function expectedLines(source) {
  return [...source.matchAll(/^\s*\/\/ → (.*)$/gm)].map((m) => m[1]);
}

const files = await exampleFiles();
const scripts = files.filter((url) => /\.(mjs|cjs|js)$/.test(url.pathname));
const pages = files.filter((url) => url.pathname.endsWith('.html'));

async function runExample(url, env = {}) {
  const source = await readFile(url, 'utf8');
  const expected = expectedLines(source);
  assert.ok(expected.length > 0, 'the example shows its output with // → lines');
  const { stdout, stderr } = await run(process.execPath, [fileURLToPath(url)], {
    cwd: root,
    env: { ...process.env, ...env },
    timeout: 60000,
  });
  assert.deepEqual(stdout.trimEnd().split('\n'), expected);
  assert.equal(stderr, '', 'nothing on stderr');
}

test('examples/ has runnable scripts', () => {
  assert.ok(scripts.length >= 4, `found ${scripts.length}`);
});

for (const url of scripts) {
  const name = relative(root, fileURLToPath(url));
  test(`${name} exits 0 and prints what it says`, () => runExample(url));
}

for (const url of pages) {
  const name = relative(root, fileURLToPath(url));
  test(`${name}`, { skip: 'a page for the browser: tests/browser/examples.test.js loads it in Chromium' }, () => {});
}

const againstMosquitto = new URL('client-to-mosquitto.mjs', EXAMPLES);
test('examples/client-to-mosquitto.mjs prints the same against Mosquitto', {
  skip: scripts.some((url) => url.href === againstMosquitto.href) ? noMosquitto : 'examples/client-to-mosquitto.mjs is missing',
}, async () => {
  const mosquitto = await startMosquitto();
  try {
    await runExample(againstMosquitto, { MQTT_URL: mosquitto.tcpUrl });
    await runExample(againstMosquitto, { MQTT_URL: mosquitto.wsUrl });
  } finally {
    await mosquitto.stop();
  }
});
