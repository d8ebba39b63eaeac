// Every page in examples/ (found, not listed) loads in Chromium from this repository,
// where its import map's /node_modules/mqtt-wasm/ is the package, and its #log must end
// up holding the `→ ...` lines of its comments. Each page runs alone (an embedded
// broker) and with ?url= a Mosquitto WebSocket listener.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import { startStaticServer } from './static-server.js';
import { launchChromium } from './chromium.js';
import { startMosquitto, noMosquitto } from '../js/client-peers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const examplesDir = new URL('../../examples/', import.meta.url);

async function findPages(dir) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const url = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
    if (entry.isDirectory()) found.push(...await findPages(url));
    else if (entry.name.endsWith('.html')) found.push(url);
  }
  return found.sort((a, b) => a.href.localeCompare(b.href));
}

const pages = await findPages(examplesDir);

// Opens `path` (served from the repository) and waits for #log to read `expected`.
async function checkPage(path, expected) {
  const server = await startStaticServer();
  const chromium = await launchChromium();
  try {
    const tab = await chromium.browser.newPage();
    const errors = [];
    tab.on('pageerror', (err) => errors.push(err.message));
    await tab.goto(`${server.url}${path}`);
    const want = expected.join('\n');
    await tab.waitForFunction((text) => document.querySelector('#log')?.textContent.trimEnd() === text, want,
      { timeout: 20000 }).catch(async () => {
      const got = await tab.evaluate(() => document.querySelector('#log')?.textContent);
      assert.fail(`the page's log is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}; errors: ${errors.join('; ') || 'none'}`);
    });
    assert.deepEqual(errors, []);
  } finally {
    await chromium.close();
    await server.close();
  }
}

test('examples/ has a page', () => {
  assert.ok(pages.length > 0);
});

for (const url of pages) {
  const path = `/${relative(root, fileURLToPath(url))}`;
  const expectedOf = async () => {
    const expected = [...(await readFile(url, 'utf8')).matchAll(/^\s*→ (.*)$/gm)].map((m) => m[1]);
    assert.ok(expected.length > 0, 'the page shows its output with → lines in a comment');
    return expected;
  };

  test(`${path.slice(1)} shows what it says, with its embedded broker`, async () => {
    await checkPage(path, await expectedOf());
  });

  test(`${path.slice(1)} shows the same against Mosquitto's WebSocket listener`, { skip: noMosquitto }, async () => {
    const mosquitto = await startMosquitto();
    try {
      await checkPage(`${path}?url=${encodeURIComponent(mosquitto.wsUrl)}`, await expectedOf());
    } finally {
      await mosquitto.stop();
    }
  });
}
