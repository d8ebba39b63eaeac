// The dashboard's chart grid and message inspector in Chromium, on a real TopicTree with
// messages fed by the test: pretty JSON / hex / 5.0 properties / history diffs in the
// inspector, "plot" pins a uPlot chart that gets points, the chart layout survives a
// reload (localStorage), and "clear" empties the history. A screenshot goes to
// build/test-output/web-demo/charts-inspector.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { openPage } from './package-page.js';
import { OUTPUT } from './web-demo-page.js';

const page = `<!doctype html>
<meta charset="utf-8">
<link rel="stylesheet" href="/node_modules/uplot/dist/uPlot.min.css">
<link rel="stylesheet" href="/web-demo/style.css">
<link rel="stylesheet" href="/web-demo/charts/chart-grid.css">
<link rel="stylesheet" href="/web-demo/inspector/inspector.css">
<script type="importmap">{ "imports": { "uplot": "/node_modules/uplot/dist/uPlot.esm.js" } }</script>
<style>
  body { display: grid; grid-template-columns: minmax(0, 1fr) 380px; gap: 10px; padding: 10px; height: auto; }
  @media (max-width: 700px) { body { grid-template-columns: minmax(0, 1fr); } }
</style>
<section class="pane"><div id="charts"></div></section>
<section class="pane"><div id="inspector"></div></section>
<script type="module">
  import { TopicTree } from '/web-demo/tree/topic-tree.js';
  import { mountChartGrid } from '/web-demo/charts/chart-grid.js';
  import { mountInspector } from '/web-demo/inspector/inspector.js';
  const tree = new TopicTree();
  const charts = mountChartGrid(document.querySelector('#charts'), { tree });
  const inspector = mountInspector(document.querySelector('#inspector'), {
    tree, onPin: (topic, field) => charts.pin(topic, field),
  });
  const encode = (text) => new TextEncoder().encode(text);
  const feed = (topic, text, extra = {}) => {
    const record = { topic, payload: encode(text), qos: 1, retain: false, properties: undefined, time: Date.now(), ...extra };
    tree.add(record);
    charts.onMessage(record);
  };
  const frame = () => { charts.render(Date.now()); inspector.render(); requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
  window.t = { tree, charts, inspector, feed, encode };
  window.ready = true;
</script>`;

let opened;
let tab;
const text = (selector) => tab.textContent(selector);
const room = (t, extra = '') => `{"temperature":${t},"humidity":40${extra},"unit":"C"}`;

before(async () => {
  opened = await openPage('/web-demo/test-charts.html', page);
  ({ tab } = opened);
  await tab.waitForFunction(() => window.ready === true, null, { timeout: 10000 });
});

after(() => opened?.close());

test('the inspector shows pretty JSON, hex, 5.0 properties and history diffs', async () => {
  assert.match(await text('#charts .chart-empty'), /Pick a numeric field in the inspector to plot it/);
  assert.match(await text('#inspector .insp-empty'), /Select a topic/);
  await tab.evaluate(({ a, b }) => {
    window.t.feed('demo/room/1', a);
    window.t.feed('demo/room/1', b, {
      retain: true,
      properties: {
        contentType: 'application/json', responseTopic: 'demo/reply', correlationData: new Uint8Array([0, 1, 255]),
        messageExpiryInterval: 30, payloadFormatIndicator: true, userProperties: { site: 'lab', fw: ['1', '2'] },
      },
    });
    window.t.inspector.show('demo/room/1');
  }, { a: room(21.5), b: room(21.7, ',"co2":500') });
  assert.equal(await text('.insp-topic'), 'demo/room/1');
  assert.match(await text('.insp-meta'), /QoS 1.*retained/);
  assert.equal(await text('.insp-payload'), JSON.stringify(JSON.parse(room(21.7, ',"co2":500')), null, 2));
  const props = await text('.insp-props');
  for (const expected of ['application/json', 'demo/reply', 'hex: 00 01 ff', '30 s', 'UTF-8']) assert.ok(props.includes(expected), expected);
  assert.deepEqual(await tab.$$eval('.insp-user-props tbody tr', (rows) => rows.map((r) => r.innerText.replace(/\s+/g, ' ').trim())),
    ['site lab', 'fw 1', 'fw 2']);
  const history = await tab.$$eval('.insp-history > li', (items) => items.map((li) => li.textContent));
  assert.equal(history.length, 2);
  assert.match(history[0], /~ temperature 21\.5 → 21\.7/);
  assert.match(history[0], /\+ co2 500/);
  assert.match(history[1], /"temperature":21\.5/);

  await tab.click('.insp-tabs [data-view="hex"]');
  // The side panel is narrow: 8 bytes a line (16 when there is room).
  assert.match(await text('.insp-payload'), /^00000000 {2}7b 22 74 65 6d 70 65 72 {2}\|\{"temper\|\n00000008 {2}61 74/);
  await tab.click('.insp-tabs [data-view="text"]');
  assert.equal(await text('.insp-payload'), room(21.7, ',"co2":500'));
  await tab.click('.insp-tabs [data-view="json"]');

  // A message without properties, a new message re-renders on the next frames.
  await tab.evaluate((p) => window.t.feed('demo/room/1', p), room(22));
  await tab.waitForFunction(() => document.querySelector('.insp-history').children.length === 3);
  assert.match(await text('.insp-props'), /no properties/);
  assert.match(await text('.insp-history > li'), /~ temperature 21\.7 → 22.*− co2 500/);
});

test('"plot" pins a chart that gets points, and the layout survives a reload', async () => {
  assert.deepEqual(await tab.$$eval('.insp-fields li code', (els) => els.map((e) => e.textContent)), ['temperature', 'humidity']);
  await tab.click('.insp-fields li:first-child button[data-action="plot"]');
  let charts = await tab.evaluate(() => window.t.charts.charts().map(({ topic, field, length }) => ({ topic, field, length })));
  assert.deepEqual(charts, [{ topic: 'demo/room/1', field: 'temperature', length: 3 }], 'seeded from the history');
  assert.equal(await tab.isHidden('#charts .chart-empty'), true);

  // A plain-number topic, pinned directly and made wide.
  await tab.evaluate(() => {
    window.t.charts.pin('demo/power/1', '');
    for (let i = 0; i < 5; i++) window.t.feed('demo/power/1', String(100 + i));
  });
  await tab.click('.chart-card[data-id] >> nth=1 >> [data-action="size"]');
  const dataLength = () => tab.evaluate(() => window.t.charts.charts().map((c) => c.plot.data[0].length));
  await tab.waitForFunction(() => window.t.charts.charts()[1].plot.data[0].length === 5);
  const before = await dataLength();
  await tab.evaluate(() => { for (let i = 0; i < 4; i++) window.t.feed('demo/power/1', String(200 + i)); });
  await tab.waitForFunction(() => window.t.charts.charts()[1].plot.data[0].length === 9);
  assert.deepEqual(await dataLength(), [before[0], 9]);
  assert.equal(await tab.locator('.chart-card canvas').count() >= 2, true);
  assert.equal(await text('.chart-card:nth-child(2) .chart-value'), '203');
  assert.equal(await tab.evaluate(() => document.querySelector('.chart-card:nth-child(2)').classList.contains('chart-wide')), true);
  const [narrow, wide] = await tab.$$eval('.chart-card canvas', (cs) => cs.map((c) => c.getBoundingClientRect().width));
  assert.ok(wide > narrow * 1.5, `the wide chart is wider (${wide} vs ${narrow})`);
  mkdirSync(OUTPUT, { recursive: true });
  await tab.screenshot({ path: `${OUTPUT}charts-inspector.png` });

  await tab.reload();
  await tab.waitForFunction(() => window.ready === true);
  charts = await tab.evaluate(() => window.t.charts.charts().map(({ topic, field, size, length }) => ({ topic, field, size, length })));
  assert.deepEqual(charts, [
    { topic: 'demo/room/1', field: 'temperature', size: 1, length: 0 },
    { topic: 'demo/power/1', field: '', size: 2, length: 0 },
  ]);
  await tab.evaluate(() => window.t.feed('demo/power/1', '7'));
  await tab.waitForFunction(() => window.t.charts.charts()[1].plot.data[0].length === 1);
  const span = await tab.evaluate(() => { const { x } = window.t.charts.charts()[1].plot.scales; return x.max - x.min; });
  assert.ok(span > 5 && span < 60, `a single point gets a short time axis (${span} s)`);

  // Removing a chart is saved too.
  await tab.click('.chart-card:first-child [data-action="remove"]');
  assert.deepEqual(await tab.evaluate(() => window.t.charts.charts().map((c) => c.topic)), ['demo/power/1']);
  await tab.reload();
  await tab.waitForFunction(() => window.ready === true);
  assert.deepEqual(await tab.evaluate(() => window.t.charts.charts().map((c) => c.topic)), ['demo/power/1']);
});

test('"clear" empties the history, and new messages fill it again', async () => {
  await tab.evaluate((ps) => {
    for (const p of ps) window.t.feed('demo/room/2', p);
    window.t.inspector.show('demo/room/2');
  }, [room(1), room(2), room(3)]);
  assert.equal(await text('.insp-count'), '(3)');
  await tab.click('.insp-clear');
  assert.equal(await text('.insp-count'), '(0)');
  assert.equal(await tab.evaluate(() => window.t.tree.get('demo/room/2').history.length), 0);
  assert.equal(await tab.evaluate(() => window.t.tree.get('demo/room/2').history.capacity), 500);
  await tab.evaluate((p) => window.t.feed('demo/room/2', p), room(4));
  await tab.waitForFunction(() => document.querySelector('.insp-count').textContent === '(1)');
  // Usable on a phone: nothing wider than the screen.
  await tab.setViewportSize({ width: 390, height: 844 });
  await tab.evaluate((p) => window.t.feed('demo/room/2', p), room(5, ',"long":{"nested":{"key":123456789}}'));
  await tab.click('.insp-tabs [data-view="hex"]');
  await tab.waitForFunction(() => document.querySelector('.insp-count').textContent === '(2)');
  await tab.waitForFunction(() => document.querySelector('.chart-card canvas').getBoundingClientRect().width < 390);
  const overflow = await tab.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 390, `the page is ${overflow}px wide`);
  await tab.screenshot({ path: `${OUTPUT}charts-inspector-phone.png`, fullPage: true });
  assert.deepEqual(opened.errors, []);
});
