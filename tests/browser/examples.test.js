// Every page in examples/ (found, not listed) loads in Chromium from this repository,
// where its import map's /node_modules/mqtt-wasm/ is the package, and its #log must end
// up holding the `→ ...` lines of its comments. Each page runs alone (an embedded
// broker) and with ?url= a Mosquitto WebSocket listener.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import { openPage, waitForLog } from './package-page.js';
import { startMosquitto, noMosquitto } from '../js/client-peers.js';
import { exampleFiles } from '../js/example-files.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pages = (await exampleFiles()).filter((url) => url.pathname.endsWith('.html'));

// Opens `path` (the repository's file) and waits for #log to read `expected`.
async function checkPage(path, expected) {
  const page = await openPage(path);
  try {
    await waitForLog(page, expected, 20000);
  } finally {
    await page.close();
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
