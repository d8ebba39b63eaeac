// A page of the package in headless Chromium: the static server, the browser and a tab
// that has loaded `html`.
//   openPage(path, html, { beforeLoad(tab) })  resolves { tab, errors, close() } once the
//     tab has loaded the page; errors collects the messages of the page's uncaught errors,
//     and beforeLoad can listen to the tab before the page loads.
//   openPackagePage(path, html, options)  the same once the page has set window.ready
//     (which it does once its modules are in).
import { startStaticServer } from './static-server.js';
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
    beforeLoad(tab);
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
