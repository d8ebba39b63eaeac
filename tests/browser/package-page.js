// A page of the package in headless Chromium: the static server, the browser and a tab
// that has loaded `html` (which sets window.ready once its modules are in).
// Resolves { tab, close() }.
import { startStaticServer } from './static-server.js';
import { launchChromium } from './chromium.js';

export async function openPackagePage(path, html) {
  const server = await startStaticServer({ [path]: html });
  const chromium = await launchChromium();
  const close = async () => {
    await chromium.close();
    await server.close();
  };
  try {
    const tab = await chromium.browser.newPage();
    const errors = [];
    tab.on('pageerror', (err) => errors.push(err));
    await tab.goto(`${server.url}${path}`);
    await tab.waitForFunction(() => window.ready === true, null, { timeout: 20000 }).catch((err) => {
      throw new Error(`the page did not load mqtt-wasm: ${errors.join('; ') || err.message}`);
    });
    return { tab, close };
  } catch (err) {
    await close();
    throw err;
  }
}
