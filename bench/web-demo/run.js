// The dashboard under load (not a test): headless Chromium opens web-demo/ while the
// simulated devices publish LOAD extra msgs/s (default 5,000, over LOAD_TOPICS = 10,000
// topics, so that the tree holds its full size) for DURATION seconds
// (default 300), and the page's own Performance API says how it held up:
//   - long tasks (PerformanceObserver 'longtask': main-thread tasks over 50 ms);
//   - frames drawn per second (requestAnimationFrame count);
//   - how late a 100 ms timer fires (p99 and worst), as input would wait;
//   - messages per second the page received;
//   - JS heap (performance.memory with --enable-precise-memory-info) and DOM nodes,
//     sampled every 10 s after a 30 s warm-up, so that growth shows.
// Two runs: the embedded broker (broker, devices and dashboard all in the page) and the
// npm start broker (devices and broker in Node, the page on WebSocket).
//   node bench/web-demo/run.js   MODES=embedded,server LOAD=5000 LOAD_TOPICS=10000 DURATION=300
import { launchChromium } from '../../tests/browser/chromium.js';
import { startStaticServer } from '../../tests/browser/static-server.js';
import { startDemoServer } from '../../tests/js/web-demo-server-process.js';
import { machine } from '../harness.js';

const LOAD = Number(process.env.LOAD ?? 5000);
const LOAD_TOPICS = Number(process.env.LOAD_TOPICS ?? 10000);
const DURATION = Number(process.env.DURATION ?? 300);
const MODES = (process.env.MODES ?? 'embedded,server').split(',');
const WARMUP = Math.min(30, DURATION / 5);
const SAMPLE_EVERY = Math.min(10, DURATION / 10);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Installed before the page's own scripts: the probes the figures come from.
const probes = () => {
  const stats = { longTasks: [], frames: 0 };
  window.benchStats = stats;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) stats.longTasks.push({ at: e.startTime, ms: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const count = () => { stats.frames++; requestAnimationFrame(count); };
  requestAnimationFrame(count);
  // How late a 100 ms timer fires: what a click or a key press would wait for.
  stats.lags = [];
  let due = performance.now() + 100;
  setInterval(() => {
    const now = performance.now();
    stats.lags.push(Math.max(0, now - due));
    due = now + 100;
  }, 100);
};

// The npm start server (web-demo/server/start.js) on free ports, as the tests start it.
async function startServer() {
  const server = await startDemoServer(['--load', String(LOAD), '--load-topics', String(LOAD_TOPICS)]);
  return { url: server.pageUrl, close: () => server.stop('SIGINT') };
}

async function measure(mode, browser) {
  const server = mode === 'embedded' ? await startStaticServer() : await startServer();
  const url = mode === 'embedded' ? `${server.url}/web-demo/?broker=embedded&load=${LOAD}&loadTopics=${LOAD_TOPICS}` : server.url;
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.addInitScript(probes);
  await page.goto(url);
  await page.waitForFunction(() => window.dashboard?.ready === true, null, { timeout: 30000 });
  // Something to draw: the first power meter's chart and its topic in the inspector.
  await page.waitForFunction(() => window.dashboard.tree.topicCount > 50, null, { timeout: 30000 });
  await page.evaluate(() => {
    const tree = window.dashboard.tree;
    const watts = [...walk(tree.root)].find((n) => n.path.endsWith('/watts'));
    if (watts) window.dashboard.charts.pin(watts.path, '');
    function* walk(node) { yield node; for (const c of node.children.values()) yield* walk(c); }
  });
  const read = () => page.evaluate(() => ({
    at: performance.now(),
    received: window.dashboard.received(),
    frames: window.benchStats.frames,
    longTasks: window.benchStats.longTasks.length,
    heap: performance.memory?.usedJSHeapSize,
    nodes: document.getElementsByTagName('*').length,
    topics: window.dashboard.tree.topicCount,
  }));
  await sleep(WARMUP * 1000);
  const first = await read();
  const samples = [first];
  const end = Date.now() + (DURATION - WARMUP) * 1000;
  while (Date.now() < end) {
    await sleep(SAMPLE_EVERY * 1000);
    samples.push(await read());
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  const last = samples[samples.length - 1];
  const tasks = await page.evaluate((from) => window.benchStats.longTasks.filter((t) => t.at >= from), first.at);
  const lags = (await page.evaluate((skip) => window.benchStats.lags.slice(skip), Math.round(WARMUP * 10))).sort((a, b) => a - b);
  const seconds = (last.at - first.at) / 1000;
  await page.close();
  await server.close();
  const heaps = samples.map((s) => s.heap / 2 ** 20);
  return {
    mode,
    seconds,
    rate: (last.received - first.received) / seconds,
    fps: (last.frames - first.frames) / seconds,
    longTasks: tasks.length,
    longestTaskMs: Math.max(0, ...tasks.map((t) => t.ms)),
    lagMs: { p99: lags[Math.floor(lags.length * 0.99)] ?? 0, max: lags[lags.length - 1] ?? 0 },
    heapMiB: { first: heaps[0], max: Math.max(...heaps), last: heaps[heaps.length - 1], samples: heaps },
    nodes: { first: first.nodes, max: Math.max(...samples.map((s) => s.nodes)) },
    topics: last.topics,
    errors,
  };
}

const chromium = await launchChromium({ flags: ['--enable-precise-memory-info'] });
try {
  console.log(`web-demo under load: ${LOAD} msgs/s extra for ${DURATION} s per mode (${machine()})`);
  for (const mode of MODES) {
    const r = await measure(mode, chromium.browser);
    console.log(`${r.mode.padEnd(9)} received ${r.rate.toFixed(0)} msgs/s, ${r.fps.toFixed(1)} frames/s, ` +
      `long tasks ${r.longTasks} (longest ${r.longestTaskMs.toFixed(0)} ms) over ${r.seconds.toFixed(0)} s; ` +
      `timer lateness p99 ${r.lagMs.p99.toFixed(1)} ms, max ${r.lagMs.max.toFixed(1)} ms; ` +
      `heap ${r.heapMiB.first.toFixed(1)} → max ${r.heapMiB.max.toFixed(1)} → ${r.heapMiB.last.toFixed(1)} MiB; ` +
      `DOM nodes ${r.nodes.first} → max ${r.nodes.max}; ${r.topics} topics` +
      `${r.errors.length ? `; page errors: ${r.errors.join('; ')}` : ''}`);
    console.log(`          heap every ${SAMPLE_EVERY} s (MiB): ${r.heapMiB.samples.map((h) => h.toFixed(0)).join(' ')}`);
  }
} finally {
  await chromium.close();
}
