// The README's browser examples run as written: each ```html block is served as a page
// (with this repository where the page expects ./node_modules/mqtt-wasm/) and loaded in
// Chromium, and the page's #log must end up holding the block's `<!-- → ... -->` lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openPage, waitForLog } from './package-page.js';

const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```html\n([\s\S]*?)```/g)].map((m) => m[1]);

test('the README has a browser example', () => {
  assert.ok(blocks.length > 0);
});

blocks.forEach((html, index) => {
  test(`README browser example ${index + 1} shows what it says`, async () => {
    const expected = [...html.matchAll(/<!-- → (.*) -->/g)].map((m) => m[1]);
    assert.ok(expected.length > 0, 'the example shows its output with <!-- → ... --> lines');
    const path = `/readme-example-${index + 1}.html`;
    const page = await openPage(path, html);
    try {
      await waitForLog(page, expected);
    } finally {
      await page.close();
    }
  });
});
