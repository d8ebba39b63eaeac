// The web demo's topic tree view in headless Chromium: a page that imports
// /web-demo/tree/topic-tree.js and tree-view.js, fills the tree with 10,000 topics and
// checks that the list is virtualized (far fewer rows in the DOM than topics), that the
// search narrows the rows, that collapse / expand and the triangles work, that a click
// calls onSelect, and the keys. It measures render() at 10,000 topics and under 5,000
// adds a second, and reports the figures as test diagnostics (no time is asserted).
// Screenshot: build/test-output/web-demo/tree-10k.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { openPage } from './package-page.js';
import { OUTPUT } from './web-demo-page.js';

const page = `<!doctype html>
<link rel="stylesheet" href="/web-demo/tree/tree-view.css">
<style>body { margin: 0; } #host { width: 390px; height: 600px; display: flex; flex-direction: column; }</style>
<div id="host"></div>
<script type="module">
  import { TopicTree } from '/web-demo/tree/topic-tree.js';
  import { mountTreeView } from '/web-demo/tree/tree-view.js';
  const tree = new TopicTree();
  const selected = [];
  const view = mountTreeView(document.getElementById('host'), { tree, onSelect: (path) => selected.push(path) });
  const payload = new TextEncoder().encode('{"temperature":21.5,"humidity":40}');
  const topics = [];
  for (let i = 0; i < 10000; i += 1) topics.push('load/site' + (i % 10) + '/room' + (Math.floor(i / 10) % 100) + '/dev' + i);
  const add = (topic, i = 0) => tree.add({ topic, payload, qos: i % 3, retain: i % 7 === 0, properties: undefined, time: Date.now() });
  topics.forEach(add);
  add('bin/blob');
  tree.add({ topic: 'bin/blob', payload: new Uint8Array([0, 1, 2, 255]), qos: 0, retain: false, time: 0 });
  window.t = { tree, view, selected, topics, add };
  window.ready = true;
</script>`;

let opened;
let tab;

before(async () => {
  opened = await openPage('/web-demo-tree.html', page);
  ({ tab } = opened);
  await tab.waitForFunction(() => window.ready === true, null, { timeout: 20000 });
});

after(() => opened?.close());

const rowsInDom = () => tab.evaluate(() => [...document.querySelectorAll('.tree-row:not([hidden])')]
  .map((r) => ({ path: r.dataset.path, index: Number(r.dataset.index), text: r.textContent }))
  .sort((a, b) => a.index - b.index));
const render = () => tab.evaluate(() => window.t.view.render());

test('10,000 topics: only the rows in view are in the DOM', async () => {
  assert.equal(await render(), true);
  let rows = await rowsInDom();
  assert.deepEqual(rows.map((r) => r.path), ['bin', 'load'], 'collapsed at first');
  await tab.evaluate(() => window.t.view.expandAll());
  await render();
  rows = await rowsInDom();
  assert.ok(rows.length > 20 && rows.length < 100, `${rows.length} rows in the DOM`);
  assert.deepEqual(rows.slice(0, 4).map((r) => r.path), ['bin', 'bin/blob', 'load', 'load/site0']);
  assert.match(rows[1].text, /00 01 02 ff \(4 B\)/, 'binary payload as hex');
  assert.match(rows[5].text, /dev0.*R.*Q0.*temperature/, 'name, retained badge, QoS, value');
  const height = await tab.evaluate(() => document.querySelector('.tree-spacer').style.height);
  assert.equal(height, `${(2 + 1 + 10 + 1000 + 10000) * 26}px`, 'the spacer holds every row');
  // Scrolled to the middle: the rows there, still few.
  await tab.evaluate(async () => {
    document.querySelector('.tree-scroller').scrollTop = 26 * 5000;
    // The view learns the scroll position from the scroll event, which comes before the next frame.
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
  await render();
  rows = await rowsInDom();
  assert.ok(rows.length < 100);
  assert.ok(rows.some((r) => r.index === 5000), 'row 5000 is drawn');
  assert.equal(await render(), false, 'nothing moved: render() does nothing');
  mkdirSync(OUTPUT, { recursive: true });
  await tab.screenshot({ path: `${OUTPUT}tree-10k.png` });
});

test('the search narrows the rows and opens the ancestors of matches', async () => {
  await tab.fill('.tree-search', 'DEV9999');
  await render();
  let rows = await rowsInDom();
  assert.deepEqual(rows.map((r) => r.path), ['load', 'load/site9', 'load/site9/room99', 'load/site9/room99/dev9999']);
  assert.match(await tab.textContent('.tree-summary'), /4 shown/);
  // A triangle closes a node within the results.
  await tab.click('.tree-row[data-path="load/site9"] .tree-toggle');
  await render();
  rows = await rowsInDom();
  assert.deepEqual(rows.map((r) => r.path), ['load', 'load/site9']);
  await tab.fill('.tree-search', 'zzz-no-such-topic');
  await render();
  assert.equal((await rowsInDom()).length, 0);
  assert.equal(await tab.isVisible('.tree-empty'), true);
  await tab.fill('.tree-search', '');
  await render();
  assert.ok((await rowsInDom()).length > 20, 'back to the expanded tree');
});

test('collapse all, expand by the triangle, select by a click and by keys', async () => {
  await tab.click('.tree-collapse-all');
  await render();
  assert.deepEqual((await rowsInDom()).map((r) => r.path), ['bin', 'load']);
  await tab.click('.tree-row[data-path="load"] .tree-toggle');
  await render();
  const rows = await rowsInDom();
  assert.deepEqual(rows.map((r) => r.path).slice(0, 4), ['bin', 'load', 'load/site0', 'load/site1']);
  assert.equal(rows.length, 12);
  await tab.click('.tree-row[data-path="load/site3"]');
  await render();
  assert.deepEqual(await tab.evaluate(() => window.t.selected), ['load/site3']);
  assert.equal(await tab.getAttribute('.tree-row[data-path="load/site3"]', 'class'), 'tree-row tree-selected tree-cursor');
  // Keys: down, right (opens), down (first child), Enter selects it.
  await tab.focus('.tree-scroller');
  for (const key of ['ArrowDown', 'ArrowRight', 'ArrowRight', 'Enter']) {
    await tab.keyboard.press(key);
    await render();
  }
  assert.deepEqual(await tab.evaluate(() => window.t.selected), ['load/site3', 'load/site4/room0']);
  await tab.keyboard.press('ArrowLeft'); // to the parent
  await render();
  await tab.keyboard.press('ArrowLeft'); // closes it
  await render();
  assert.equal((await rowsInDom()).length, 12);
  // select() opens the ancestors and scrolls the row into view, without calling onSelect.
  await tab.evaluate(() => window.t.view.select('load/site7/room42/dev7427'));
  await render();
  assert.ok((await rowsInDom()).some((r) => r.path === 'load/site7/room42/dev7427'));
  assert.equal(await tab.isVisible('.tree-row.tree-selected'), true);
  assert.equal((await tab.evaluate(() => window.t.selected)).length, 2);
  assert.deepEqual(opened.errors, []);
});

test('measure: render() at 10,000 topics, and at 5,000 adds a second', async (t) => {
  const figures = await tab.evaluate(async () => {
    const { tree, view, topics, add } = window.t;
    const time = (fn) => { const start = performance.now(); fn(); return performance.now() - start; };
    const out = {};
    view.expandAll();
    out.expandAllRenderMs = time(() => view.render());
    view.collapseAll();
    view.render();
    view.expandAll();
    out.expandAllRenderAgainMs = time(() => view.render());
    const scroller = document.querySelector('.tree-scroller');
    const scrolls = [];
    for (let i = 1; i <= 20; i += 1) {
      scroller.scrollTop = i * 13000;
      await new Promise((r) => requestAnimationFrame(r));
      scrolls.push(time(() => view.render()));
    }
    out.scrollRenderMaxMs = Math.max(...scrolls);
    out.scrollRenderMeanMs = scrolls.reduce((a, b) => a + b, 0) / scrolls.length;
    // 5,000 adds a second for 3 s, spread over the frames; a new topic now and then;
    // rates sampled once a second; render() once per frame.
    const renders = [];
    const layouts = [];
    const addTimes = [];
    const longTasks = [];
    const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
    observer.observe({ type: 'longtask' });
    let added = 0;
    let newTopics = 0;
    const start = performance.now();
    let lastSample = start;
    scroller.scrollTop = 0;
    while (performance.now() - start < 3000) {
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      const due = Math.floor(((now - start) / 1000) * 5000) - added;
      addTimes.push(time(() => {
        for (let i = 0; i < due; i += 1) {
          const n = added + i;
          add(n % 50 === 0 ? 'load/new/' + (newTopics++) : topics[(n * 7919) % topics.length], n);
        }
      }));
      added += due;
      if (now - lastSample >= 1000) { tree.sampleRates(Date.now()); lastSample = now; }
      renders.push(time(() => view.render()));
      layouts.push(time(() => scroller.getBoundingClientRect() && document.body.offsetHeight));
    }
    observer.disconnect();
    renders.sort((a, b) => a - b);
    out.frames = renders.length;
    out.added = added;
    out.renderMeanUnderLoadMs = renders.reduce((a, b) => a + b, 0) / renders.length;
    out.renderP95UnderLoadMs = renders[Math.floor(renders.length * 0.95)];
    out.renderMaxUnderLoadMs = renders[renders.length - 1];
    layouts.sort((a, b) => a - b);
    out.styleLayoutAfterRenderP95Ms = layouts[Math.floor(layouts.length * 0.95)];
    out.styleLayoutAfterRenderMaxMs = layouts[layouts.length - 1];
    out.longTasksOver50ms = longTasks.filter((d) => d > 50).length;
    out.addPerFrameMaxMs = Math.max(...addTimes);
    out.rowsInDom = document.querySelectorAll('.tree-row:not([hidden])').length;
    out.topics = tree.topicCount;
    return out;
  });
  for (const [name, value] of Object.entries(figures)) {
    t.diagnostic(`${name}: ${name.endsWith('Ms') ? `${value.toFixed(2)} ms` : value}`);
  }
  assert.ok(figures.added >= 10000, 'the load ran');
  assert.ok(figures.rowsInDom < 100);
  assert.ok(figures.topics > 10000);
});
