// The dashboard as `npm start` serves it: the Node process (web-demo/server/start.js)
// with the broker on TCP and WebSocket, the static files and the simulated devices,
// started here on free ports and stopped by PID.
//   - the page finds the npm start broker by itself (demo-config.json) and connects to it;
//   - the devices, publishing in Node, appear in the page;
//   - a message that mosquitto_pub sends to the TCP port appears in the page;
//   - when the process stops (SIGINT), the page says the connection is lost.
// Screenshot: build/test-output/web-demo/server-1280x800.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startDashboardBrowser, connected, findTopic } from './web-demo-page.js';
import { startDemoServer } from '../js/web-demo-server-process.js';

const run = promisify(execFile);
let server;
let demo;

before(async () => {
  server = await startDemoServer();
  demo = await startDashboardBrowser();
});
after(async () => {
  await demo?.close();
  await server?.stop();
});

test('npm start: the page connects to the Node-hosted broker and sees mosquitto_pub', { timeout: 90000 }, async () => {
  const page = await demo.open(server.pageUrl);
  assert.match(await connected(page), /npm start broker/);
  await page.waitForFunction(() => window.dashboard.tree.get('demo/power')?.total > 0, null, { timeout: 15000 });

  await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(server.tcpPort), '-t', 'from-cli/hello', '-m', 'hi from mosquitto_pub', '-q', '1']);
  await findTopic(page, 'from-cli/hello');
  assert.equal(await page.evaluate(() => new TextDecoder().decode(window.dashboard.tree.get('from-cli/hello').last.payload)),
    'hi from mosquitto_pub');
  await page.locator('#health .health-cell[data-stat=clients] dd', { hasText: /^[1-9]/ }).waitFor({ timeout: 10000 });
  await page.fill('#tree input', '');
  await demo.screenshot(page, 'server-1280x800');
  assert.deepEqual(page.errors, []);

  await server.stop();
  await page.locator('#notice', { hasText: /offline|lost|closed|disconnected/i }).waitFor({ timeout: 10000 });
  assert.notEqual(await page.getAttribute('#status', 'data-state'), 'connected');
});
