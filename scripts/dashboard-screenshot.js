// Makes docs/dashboard.png, the README's picture of the dashboard: starts `npm start`'s
// process on free ports, opens the page at 1280×800 in headless Chromium, lets the
// simulated devices run for a while, pins two charts, selects a sensor and saves it.
//   node scripts/dashboard-screenshot.js [out.png]
import { fileURLToPath } from 'node:url';
import { startDemoServer } from '../tests/js/web-demo-server-process.js';
import { startDashboardBrowser, connected, findTopic } from '../tests/browser/web-demo-page.js';

const out = process.argv[2] ?? fileURLToPath(new URL('../docs/dashboard.png', import.meta.url));
const server = await startDemoServer();
const demo = await startDashboardBrowser();
try {
  const page = await demo.open(server.pageUrl);
  await connected(page);
  await page.waitForTimeout(3000);
  await page.evaluate(() => {
    const { charts } = window.dashboard;
    charts.pin('demo/power/main/watts', '');
    charts.pin('demo/sensors/kitchen/climate', 'temperature');
    charts.pin('demo/sensors/living-room/climate', 'humidity');
  });
  await page.waitForTimeout(20000);
  await (await findTopic(page, 'demo/sensors/kitchen/climate')).click();
  await page.fill('#tree input', '');
  await page.evaluate(() => { document.querySelector('#charts').scrollTop = 0; });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: out });
  console.log(`saved ${out}`);
} finally {
  await demo.close();
  await server.stop();
}
