// The dashboard with no server of ours: web-demo/ served as plain static files (the
// test's static server, with no broker behind it: web-demo/demo-config.json names none), so
// the page starts the embedded broker and the simulated devices inside itself.
//   - the devices appear in the topic tree;
//   - a numeric field picked in the inspector is plotted and its chart gets points;
//   - a message published from the panel shows up in the tree, retained, and the panel
//     clears it again by filter, after listing what it will clear;
//   - the same page at a phone's size (390×844) switches panels with its tabs.
// Screenshots: build/test-output/web-demo/embedded-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { staticDashboard, connected, findTopic, PHONE } from './web-demo-page.js';
const ctx = staticDashboard();

test('embedded: the page runs its own broker and devices, plots a field and publishes', { timeout: 90000 }, async () => {
  const config = await (await fetch(`${ctx.server.url}/web-demo/demo-config.json`)).json();
  assert.equal(config.ws, null, 'the static file: no broker behind it');
  const page = await ctx.demo.open(`${ctx.server.url}/web-demo/`);
  assert.match(await connected(page), /embedded broker/);

  // The simulated devices, in the tree.
  for (const prefix of ['demo/sensors/', 'demo/power/', 'demo/devices/']) {
    await page.waitForFunction((p) => [...window.dashboard.tree.root.children.get('demo')?.children.values() ?? []]
      .some((n) => p.startsWith(`${n.path}/`) && n.total > 0), prefix, { timeout: 15000 });
  }
  const climate = await page.evaluate(() => {
    const sensors = window.dashboard.tree.get('demo/sensors');
    const room = [...sensors.children.values()][0];
    return [...room.children.values()].find((n) => n.last)?.path;
  });
  assert.ok(climate, 'a sensor topic with a message');
  const row = await findTopic(page, climate);
  await row.click();
  await page.locator('#inspector', { hasText: 'temperature' }).waitFor({ timeout: 5000 });

  // Plot its temperature: a chart card whose series grows.
  await page.locator('#inspector button', { hasText: /plot/i }).first().click();
  await page.locator('#charts canvas').first().waitFor({ timeout: 5000 });
  await page.waitForFunction(() => window.dashboard.charts.charts().some((c) => c.length >= 2), null, { timeout: 15000 });

  // Publish from the panel: it comes back through the broker into the tree.
  await page.fill('#publish input[name=topic]', 'panel/test/light');
  await page.fill('#publish textarea[name=payload]', '{"on": true}');
  await page.check('#publish input[name=retain]');
  await page.click('#publish .pub-form button[type=submit]');
  await page.locator('#publish .pub-result', { hasText: 'published to panel/test/light' }).waitFor({ timeout: 5000 });
  await findTopic(page, 'panel/test/light');
  const node = await page.evaluate(() => {
    const n = window.dashboard.tree.get('panel/test/light');
    return n && { retained: n.retained, qos: n.qos, text: new TextDecoder().decode(n.last.payload) };
  });
  assert.deepEqual(node, { retained: true, qos: 1, text: '{"on": true}' });

  // Clear it by filter: the preview names it, the button clears it.
  await page.fill('#publish input[name=filter]', 'panel/#');
  await page.locator('#publish .pub-preview li', { hasText: 'panel/test/light' }).waitFor({ timeout: 5000 });
  assert.equal(await page.textContent('#publish .pub-clear button'), 'Clear 1 retained message');
  await page.click('#publish .pub-clear button');
  await page.locator('#publish .pub-clear-result', { hasText: 'cleared 1 retained message' }).waitFor({ timeout: 5000 });
  await page.waitForFunction(() => window.dashboard.tree.get('panel/test/light').retained === false, null, { timeout: 5000 });
  await page.fill('#tree input', '');
  await ctx.demo.screenshot(page, 'embedded-1280x800');
  assert.deepEqual(page.errors, []);
});

test('embedded at 390×844: the tabs switch between the panels', { timeout: 60000 }, async () => {
  const page = await ctx.demo.open(`${ctx.server.url}/web-demo/`, PHONE);
  await connected(page);
  await page.waitForFunction(() => window.dashboard.tree.topicCount > 5, null, { timeout: 15000 });
  assert.equal(await page.isVisible('#tree'), true);
  assert.equal(await page.isVisible('#publish'), false, 'one panel at a time');
  await ctx.demo.screenshot(page, 'embedded-390x844-topics');
  await page.click('.tabs button[data-tab=publish]');
  assert.equal(await page.isVisible('#publish'), true);
  assert.equal(await page.isVisible('#tree'), false);
  await page.click('.tabs button[data-tab=broker]');
  await page.locator('#health .health-cell[data-stat=clients] dd', { hasText: /^[1-9]/ }).waitFor({ timeout: 10000 });
  await ctx.demo.screenshot(page, 'embedded-390x844-broker');
  // Nothing wider than the screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
  assert.deepEqual(page.errors, []);
});

test('embedded: devices that cannot start leave the page saying why, not "connected" to an empty broker', { timeout: 60000 }, async () => {
  const page = await ctx.demo.open(`${ctx.server.url}/web-demo/?broker=embedded&load=abc`);
  await page.waitForSelector('#status[data-state="error"]', { timeout: 15000 });
  await page.locator('#notice', { hasText: /could not start: .*load/ }).waitFor({ timeout: 5000 });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(await page.getAttribute('#status', 'data-state'), 'error', 'still saying why');
  assert.equal(await page.isVisible('#notice'), true);
});
