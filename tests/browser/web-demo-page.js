// The dashboard (web-demo/) in headless Chromium, for the web-demo tests: one browser per
// test file, a tab per viewport, the page's errors collected, and screenshots saved under
// build/test-output/web-demo/ to look at.
//   const demo = await startDashboardBrowser()
//   const page = await demo.open(url, { width, height })  resolves once window.dashboard.ready
//   await findTopic(page, topic)     types it in the tree's search box and waits for its row
//   await demo.screenshot(page, name)
//   await demo.close()
//   const ctx = staticDashboard()    web-demo/ served as static files and one browser,
//                                    around a test file's tests: ctx.server, ctx.demo
import { before, after } from 'node:test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.js';
import { startStaticServer } from './static-server.js';

export const OUTPUT = fileURLToPath(new URL('../../build/test-output/web-demo/', import.meta.url));
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export async function startDashboardBrowser() {
  const chromium = await launchChromium();
  mkdirSync(OUTPUT, { recursive: true });
  const pages = [];
  return {
    async open(url, viewport = DESKTOP) {
      const page = await chromium.browser.newPage({ viewport });
      page.errors = [];
      page.on('pageerror', (err) => page.errors.push(err.message));
      page.on('console', (msg) => { if (msg.type() === 'error') page.errors.push(msg.text()); });
      pages.push(page);
      await page.goto(url);
      await page.waitForFunction(() => window.dashboard?.ready === true, null, { timeout: 30000 }).catch((err) => {
        throw new Error(`the dashboard did not start: ${page.errors.join('; ') || err.message}`);
      });
      return page;
    },
    async screenshot(page, name) {
      const path = `${OUTPUT}${name}.png`;
      await page.screenshot({ path });
      return path;
    },
    close: () => chromium.close(),
  };
}

/** Starts the static server and the browser before the file's tests, stops them after. */
export function staticDashboard() {
  const ctx = { server: null, demo: null };
  before(async () => {
    ctx.server = await startStaticServer();
    ctx.demo = await startDashboardBrowser();
  });
  after(async () => {
    await ctx.demo?.close();
    await ctx.server?.close();
  });
  return ctx;
}

/** Waits until the status line says connected; resolves its text. */
export async function connected(page, ms = 15000) {
  await page.waitForSelector('#status[data-state="connected"]', { timeout: ms });
  return page.textContent('#status .status-text');
}

/** Searches the tree for `topic` and waits for its row to show. */
export async function findTopic(page, topic, ms = 10000) {
  await page.fill('#tree input', topic);
  const row = page.locator(`#tree .tree-row:not([hidden])[data-path="${topic.replace(/["\\]/g, '\\$&')}"]`);
  await row.waitFor({ timeout: ms });
  return row;
}
