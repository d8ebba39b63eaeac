// A page of the package in headless Chromium: the static server, the browser and a tab
// that has loaded `html`.
//   openPage(path, html, { beforeLoad(tab) })  resolves { tab, errors, close() } once the
//     tab has loaded the page; errors collects the messages of the page's uncaught errors,
//     and beforeLoad can listen to the tab (or route its requests, and be awaited)
//     before the page loads.
//   openPackagePage(path, html, options)  the same once the page has set window.ready
//     (which it does once its modules are in).
//   waitForLog({ tab, errors }, expected, ms)  waits until the page's #log reads the
//     expected lines, and fails saying what it reads instead; no page errors either.
// With `html` undefined, the page at `path` is the repository's own file.
import { startStaticServer } from './static-server.js';
import assert from 'node:assert/strict';
import { launchChromium } from './chromium.js';

export async function openPage(path, html, { beforeLoad = () => {} } = {}) {
  const server = await startStaticServer({ [path]: html });
  const chromium = await launchChromium();
  const close = async () => {
    await chromium.close();
    await server.close();
  };
  try {
    const tab = await chromium.browser.newPage();
    const errors = [];
    tab.on('pageerror', (err) => errors.push(err.message));
    await beforeLoad(tab);
    await tab.goto(`${server.url}${path}`);
    return { tab, errors, close };
  } catch (err) {
    await close();
    throw err;
  }
}

export async function openPackagePage(path, html, options) {
  const opened = await openPage(path, html, options);
  try {
    await opened.tab.waitForFunction(() => window.ready === true, null, { timeout: 20000 }).catch((err) => {
      throw new Error(`the page did not load mqtt-wasm: ${opened.errors.join('; ') || err.message}`);
    });
    return opened;
  } catch (err) {
    await opened.close();
    throw err;
  }
}

export async function waitForLog({ tab, errors }, expected, ms = 15000) {
  const want = expected.join('\n');
  await tab.waitForFunction((text) => document.querySelector('#log')?.textContent.trimEnd() === text, want,
    { timeout: ms }).catch(async () => {
    const got = await tab.evaluate(() => document.querySelector('#log')?.textContent);
    assert.fail(`the page's log is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}; errors: ${errors.join('; ') || 'none'}`);
  });
  assert.deepEqual(errors, []);
}
