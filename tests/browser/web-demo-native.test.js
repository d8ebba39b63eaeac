// The dashboard against a native broker: Mosquitto with a WebSocket listener and
// sys_interval 1, started here. The page is opened from plain static files, so it starts
// on its embedded broker; the connection panel then connects it to Mosquitto by URL.
//   - a message from mosquitto_pub appears in the tree;
//   - a publish from the page is received by mosquitto_sub;
//   - the broker panel shows Mosquitto's $SYS figures;
//   - the profile is saved: a reload connects to Mosquitto again, and 3.1.1 works too;
//   - when Mosquitto goes away, the page says so.
// Screenshots: build/test-output/web-demo/native-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { startStaticServer } from './static-server.js';
import { startDashboardBrowser, connected, findTopic } from './web-demo-page.js';
import { startMosquitto, noMosquitto } from '../js/client-peers.js';

const run = promisify(execFile);
let mosquitto;
let server;
let demo;
let page;  // one tab for both tests: the second reloads it (localStorage is the tab's context's)

before(async () => {
  if (noMosquitto) return;
  // persistence: the retained messages survive the restart of the second test.
  mosquitto = await startMosquitto({ persistence: true, config: ['sys_interval 1'] });
  server = await startStaticServer();
  demo = await startDashboardBrowser();
});
after(async () => {
  await demo?.close();
  await server?.close();
  await mosquitto?.stop();
});

const pub = (topic, message, extra = []) =>
  run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(mosquitto.tcpPort), '-t', topic, '-m', message, '-q', '1', ...extra]);

test('native: the page connects to Mosquitto over ws://, both ways, with its $SYS figures', { skip: noMosquitto, timeout: 90000 }, async () => {
  page = await demo.open(`${server.url}/web-demo/`);
  assert.match(await connected(page), /embedded broker/);
  await page.click('#status');
  await page.fill('#connection input[name=name]', 'Test Mosquitto');
  await page.fill('#connection input[name=url]', mosquitto.wsUrl);
  await page.selectOption('#connection select[name=protocolVersion]', '5');
  await page.click('#connection .conn-form button[type=submit]');
  await page.locator('#status .status-text', { hasText: mosquitto.wsUrl }).waitFor({ timeout: 10000 });
  assert.match(await connected(page), /MQTT 5\.0/);

  await pub('native/from-pub/kitchen', '{"temperature": 22.5}', ['-r']);
  await findTopic(page, 'native/from-pub/kitchen');
  const seen = await page.evaluate(() => {
    const n = window.dashboard.tree.get('native/from-pub/kitchen');
    return { text: new TextDecoder().decode(n.last.payload), qos: n.qos, retained: n.retained };
  });
  assert.deepEqual(seen, { text: '{"temperature": 22.5}', qos: 1, retained: true });

  // From the page to mosquitto_sub.
  const sub = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(mosquitto.tcpPort), '-t', 'native/from-page', '-C', '1', '-W', '15', '-v'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let subOut = '';
  sub.stdout.on('data', (c) => { subOut += c; });
  const subDone = new Promise((resolve) => sub.once('exit', resolve));
  await new Promise((resolve) => setTimeout(resolve, 500));  // its SUBSCRIBE is in
  await page.fill('#publish input[name=topic]', 'native/from-page');
  await page.fill('#publish textarea[name=payload]', 'hello mosquitto_sub');
  await page.click('#publish .pub-form button[type=submit]');
  assert.equal(await subDone, 0, 'mosquitto_sub got one message');
  assert.equal(subOut.trim(), 'native/from-page hello mosquitto_sub');

  // Mosquitto's $SYS: its version and at least the page's own connection.
  await page.locator('#health .health-version', { hasText: /mosquitto version/ }).waitFor({ timeout: 10000 });
  await page.locator('#health .health-cell[data-stat=clients] dd', { hasText: /^[1-9]/ }).waitFor({ timeout: 10000 });
  await page.locator('#health .health-cell[data-stat=uptime] dd', { hasText: /\d+s|\d+m/ }).waitFor({ timeout: 10000 });
  await demo.screenshot(page, 'native-1280x800');
  assert.deepEqual(page.errors, []);
});

test('native: the saved profile connects again after a reload, and 3.1.1 works', { skip: noMosquitto, timeout: 60000 }, async () => {
  await page.reload();
  await page.waitForFunction(() => window.dashboard?.ready === true, null, { timeout: 30000 });
  await page.locator('#status .status-text', { hasText: mosquitto.wsUrl }).waitFor({ timeout: 10000 });
  await connected(page);
  await page.click('#status');
  await page.locator('#connection .conn-profile', { hasText: 'Test Mosquitto' }).locator('.conn-edit').click();
  await page.selectOption('#connection select[name=protocolVersion]', '4');
  await page.click('#connection .conn-form button[type=submit]');
  await page.locator('#status .status-text', { hasText: 'MQTT 3.1.1' }).waitFor({ timeout: 10000 });
  await pub('native/v311', 'over 3.1.1');
  await findTopic(page, 'native/v311');
  assert.equal(await page.evaluate(() => window.dashboard.profiles.list().filter((p) => p.kind === 'url').length), 1,
    'editing replaced the profile');
  await demo.screenshot(page, 'native-v311-1280x800');

  // Mosquitto gone: the page says it lost the connection, then that it is back, and it
  // subscribes once: the retained message comes again once, not once per SUBSCRIBE.
  const retainedCount = () => page.evaluate(() => window.dashboard.tree.get('native/from-pub/kitchen')?.count ?? 0);
  await page.waitForFunction(() => window.dashboard.tree.get('native/from-pub/kitchen')?.count >= 1, null, { timeout: 10000 });
  const before = await retainedCount();
  await mosquitto.kill();
  await page.locator('#notice', { hasText: /offline|lost|refused|closed/i }).waitFor({ timeout: 10000 });
  await mosquitto.start();
  await page.waitForSelector('#status[data-state="connected"]', { timeout: 20000 });
  assert.equal(await page.isVisible('#notice'), false, 'the banner goes once connected again');
  await page.waitForFunction((n) => window.dashboard.tree.get('native/from-pub/kitchen')?.count > n, before, { timeout: 10000 });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.equal(await retainedCount(), before + 1, 'one SUBSCRIBE after the reconnect');
  assert.deepEqual(page.errors.filter((e) => !/WebSocket/.test(e)), []);
});

test('native: profiles chosen one right after another leave the page on the last one, with one session', { skip: noMosquitto, timeout: 60000 }, async () => {
  await connected(page);
  // In one task, as a double click does: the embedded broker, then Mosquitto again.
  await page.evaluate(() => {
    const use = (kind) => [...document.querySelectorAll('#connection .conn-profile')]
      .find((li) => window.dashboard.profiles.list().find((p) => p.id === li.dataset.id)?.kind === kind)
      .querySelector('.conn-use').click();
    use('embedded');
    use('url');
  });
  await page.waitForFunction(() => window.dashboard.session?.profile.kind === 'url', null, { timeout: 10000 });
  await connected(page);
  // A session left open on the embedded broker would go on filling the tree with demo/.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  assert.equal(await page.evaluate(() => window.dashboard.tree.get('demo')?.total ?? 0), 0, 'no message from the embedded broker');
  assert.equal(await page.evaluate(() => window.dashboard.session.broker), null);
  await pub('native/after-switch', 'here');
  await findTopic(page, 'native/after-switch');
});
