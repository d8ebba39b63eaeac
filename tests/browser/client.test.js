// The client in a real browser (Debian Chromium, headless): a page loads the package
// (js/index.js, no bundler, no polyfills) and
//   - connects with connectAsync('ws://...') to Mosquitto's WebSocket listener, started
//     here, and round-trips messages at QoS 0/1/2, bytes exact, at 3.1.1 and 5.0;
//   - runs an embedded broker in the page (createBroker + connectLocal) and talks to it;
//   - stays connected in a background tab: with keepalive 2 s, the tab is sent to the
//     background for 20 s (another tab is brought to the front through the DevTools
//     protocol, see client-hidden-tab.js: Playwright keeps every page 'visible'), with
//     Chromium's intensive wake-up throttling brought forward to 5 s hidden (it normally
//     starts after 5 minutes). Mosquitto's log gives the PINGREQs as it gets them.
// CONTRACT_CLIENT=mqttjs runs the Mosquitto parts with MQTT.js's browser bundle instead
// (to check the test itself).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openPackagePage } from './package-page.js';
import { startStaticServer } from './static-server.js';
import { openTab } from './client-hidden-tab.js';
import { startMosquitto, noMosquitto } from '../js/client-peers.js';
import { sleep } from '../js/broker-peers.js';
import { ourClient, notBuilt as notBuiltYet } from '../js/client-contract-kit.js';

const mqttjs = process.env.CONTRACT_CLIENT === 'mqttjs';
const notBuilt = !mqttjs && notBuiltYet(ourClient);

// The page's script: the library under test as window.lib, and the steps as functions.
const script = `
  const lib = ${mqttjs ? "(await import('/node_modules/mqtt/dist/mqtt.esm.js')).default" : "await import('mqtt-wasm')"};
  window.lib = lib;
  const waitFor = async (predicate, what, ms = 5000) => {
    const end = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > end) throw new Error('timed out waiting for ' + what);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const describePayload = (payload) => ({ bytes: Array.from(payload), ctor: payload.constructor.name, isU8: payload instanceof Uint8Array });

  // Publishes every payload ({ bytes, qos }) from one client to another through url.
  window.roundTrip = async ({ url, version, payloads }) => {
    const id = Math.random().toString(16).slice(2, 10);
    const topic = 'browser/' + id;
    const options = (who) => ({ protocolVersion: version, clientId: who + '-' + id, reconnectPeriod: 0, keepalive: 30 });
    const sub = await lib.connectAsync(url, options('sub'));
    const got = [];
    sub.on('message', (t, payload, packet) => got.push({
      topic: t, qos: packet.qos, retain: packet.retain, ...describePayload(payload),
      properties: packet.properties && {
        contentType: packet.properties.contentType,
        userProperties: packet.properties.userProperties && { ...packet.properties.userProperties },
        correlationData: packet.properties.correlationData && Array.from(packet.properties.correlationData),
      },
    }));
    const granted = await sub.subscribeAsync(topic + '/#', { qos: 2 });
    const pub = await lib.connectAsync(url, options('pub'));
    const properties = version === 5
      ? { contentType: 'application/octet-stream', userProperties: { from: 'the page' }, correlationData: new Uint8Array([1, 2, 3]) }
      : undefined;
    for (const [i, p] of payloads.entries()) {
      await pub.publishAsync(topic + '/' + i, new Uint8Array(p.bytes), { qos: p.qos, properties });
    }
    await pub.publishAsync(topic + '/text', 'héllo ✓', { qos: 1 });
    await waitFor(() => got.length === payloads.length + 1, (payloads.length + 1) + ' messages');
    await pub.endAsync();
    await sub.endAsync();
    return { topic, granted: granted.map((g) => [g.topic, g.qos]), got, connected: [pub.connected, sub.connected] };
  };

  window.tcpRefused = async () => {
    try {
      const c = await lib.connectAsync('mqtt://127.0.0.1:1883', { reconnectPeriod: 0 });
      await c.endAsync(true);
      return 'connected';
    } catch (err) {
      return err.message;
    }
  };

  // An embedded broker in the page, and two clients on its local transport.
  window.embedded = async () => {
    const broker = await lib.createBroker({ sysInterval: 0 });
    const retainer = await lib.connectAsync(broker.connectLocal(), { protocolVersion: 5, clientId: 'retainer' });
    await retainer.publishAsync('room/1', 'retained', { qos: 1, retain: true });
    const sub = await lib.connectAsync(broker.connectLocal(), { protocolVersion: 5, clientId: 'sub' });
    const got = [];
    sub.on('message', (t, payload, packet) => got.push({ topic: t, qos: packet.qos, retain: packet.retain, ...describePayload(payload) }));
    const granted = await sub.subscribeAsync({ 'room/+': { qos: 2 } });
    const pub = await lib.connectAsync(broker.connectLocal(), { protocolVersion: 4, clientId: 'pub' });
    for (const qos of [0, 1, 2]) await pub.publishAsync('room/' + (qos + 2), new Uint8Array([qos, 0, 255]), { qos });
    await waitFor(() => got.length === 4, '4 messages');
    const stats = broker.stats();
    await Promise.all([retainer.endAsync(), sub.endAsync(), pub.endAsync()]);
    await broker.close();
    return { granted: granted.map((g) => [g.topic, g.qos]), got, clients: stats.clientsConnected };
  };

  // The background-tab run: a client with a short keepalive, and a control timer chain
  // of the page's own (setTimeout every 250 ms) that shows how the page is throttled.
  window.keepalive = async ({ url, keepalive, clientId }) => {
    const events = [];
    const c = await lib.connectAsync(url, { protocolVersion: 4, clientId, keepalive, reconnectPeriod: 0 });
    for (const name of ['close', 'offline', 'error', 'disconnect', 'end', 'reconnect']) {
      c.on(name, (e) => events.push([name, Date.now(), e && e.message ? e.message : '']));
    }
    const ticks = [];
    (function tick() { ticks.push(Date.now()); setTimeout(tick, 250); })();
    const visibility = [[document.visibilityState, Date.now()]];
    document.addEventListener('visibilitychange', () => visibility.push([document.visibilityState, Date.now()]));
    window.keepaliveState = () => ({ connected: c.connected, events, ticks, visibility, now: Date.now() });
    window.keepaliveEnd = () => c.endAsync();
    return true;
  };
  window.ready = true;
`;
const html = `<!doctype html>
<script type="importmap">{ "imports": { "mqtt-wasm": "/js/index.js" } }</script>
<script type="module">${script}</script>`;

let mosquitto = null;
const pingreqs = new Map();  // client id -> [ms when Mosquitto logged its PINGREQ]
const timeouts = [];
let opened = null;

before(async () => {
  if (noMosquitto) return;
  mosquitto = await startMosquitto({
    logAll: true,
    onLog(line, at) {
      const ping = /Received PINGREQ from (\S+)/.exec(line);
      if (ping) {
        if (!pingreqs.has(ping[1])) pingreqs.set(ping[1], []);
        pingreqs.get(ping[1]).push(at);
      }
      if (/exceeded timeout/.test(line)) timeouts.push(line);
    },
  });
});

after(async () => {
  await opened?.close();
  await mosquitto?.stop();
});

async function page() {
  opened ??= await openPackagePage('/client.html', html);
  return opened.tab;
}

for (const version of [4, 5]) {
  test(`in the page, connectAsync('ws://') to Mosquitto round-trips QoS 0/1/2, bytes exact (MQTT ${version === 5 ? '5.0' : '3.1.1'})`, { skip: noMosquitto || notBuilt, timeout: 60000 }, async () => {
    const every = [...Array(256).keys()];
    const payloads = [0, 1, 2].flatMap((qos) => [
      { qos, bytes: [qos, ...every] },
      { qos, bytes: [...randomBytes(10000)] },
    ]);
    payloads.push({ qos: 1, bytes: [] });
    const tab = await page();
    const result = await tab.evaluate((arg) => window.roundTrip(arg), { url: mosquitto.wsUrl, version, payloads });
    assert.deepEqual(result.granted, [[`${result.topic}/#`, 2]]);
    assert.deepEqual(result.connected, [false, false]);
    for (const [i, p] of payloads.entries()) {
      const got = result.got.filter((m) => m.topic === `${result.topic}/${i}`);
      assert.equal(got.length, 1, `payload ${i} (QoS ${p.qos}, ${p.bytes.length} bytes) arrived once`);
      assert.deepEqual(got[0].bytes, p.bytes, `payload ${i}: bytes`);
      assert.equal(got[0].qos, p.qos);
      assert.equal(got[0].isU8, true);
      if (!mqttjs) assert.equal(got[0].ctor, 'Uint8Array', 'a plain Uint8Array in the browser, no Buffer');
      if (version === 5) {
        assert.deepEqual(got[0].properties, { contentType: 'application/octet-stream', userProperties: { from: 'the page' }, correlationData: [1, 2, 3] });
      }
    }
    const text = result.got.find((m) => m.topic === `${result.topic}/text`);
    assert.equal(new TextDecoder().decode(Uint8Array.from(text.bytes)), 'héllo ✓');
  });
}

test('in the page, mqtt:// is refused with a clear error', { skip: mqttjs ? 'ours only' : notBuilt, timeout: 30000 }, async () => {
  const tab = await page();
  assert.match(await tab.evaluate(() => window.tcpRefused()), /needs Node\.js/);
});

test('in the page, clients talk to an embedded broker over connectLocal()', { skip: mqttjs ? 'ours only' : notBuilt, timeout: 30000 }, async () => {
  const tab = await page();
  const result = await tab.evaluate(() => window.embedded());
  assert.deepEqual(result.granted, [['room/+', 2]]);
  assert.equal(result.clients, 3);
  assert.deepEqual(result.got.map((m) => [m.topic, m.qos, m.retain, m.bytes, m.ctor]), [
    ['room/1', 1, true, [...Buffer.from('retained')], 'Uint8Array'],
    ['room/2', 0, false, [0, 0, 255], 'Uint8Array'],
    ['room/3', 1, false, [1, 0, 255], 'Uint8Array'],
    ['room/4', 2, false, [2, 0, 255], 'Uint8Array'],
  ]);
});

const KEEPALIVE = 2;     // seconds
const HIDDEN_MS = 20000;
const SLACK_MS = 500;

test(`in a background tab, PINGREQs keep going every ${KEEPALIVE} s and the client stays connected`, { skip: noMosquitto || notBuilt, timeout: 90000 }, async (t) => {
  const server = await startStaticServer({ '/client-bg.html': html });
  // Intensive wake-up throttling (page timers aligned to one wake-up a minute) after 5 s
  // hidden instead of 5 minutes.
  const tab = await openTab(`${server.url}/client-bg.html`, { args: ['--enable-features=IntensiveWakeUpThrottling:grace_period_seconds/5'] });
  try {
    const end = Date.now() + 20000;
    while (!(await tab.evaluate(() => window.ready === true))) {
      if (Date.now() > end) throw new Error(`the page did not load: ${tab.errors.join('; ')}`);
      await sleep(50);
    }
    const clientId = `bg-keepalive-${process.pid}`;
    await tab.evaluate((arg) => window.keepalive(arg), { url: mosquitto.wsUrl, keepalive: KEEPALIVE, clientId });
    assert.equal(await tab.visibility(), 'visible');
    await tab.hide();
    let hiddenAt = null;
    for (let i = 0; i < 100 && hiddenAt === null; i++) {
      if ((await tab.visibility()) === 'hidden') hiddenAt = Date.now();
      else await sleep(20);
    }
    assert.ok(hiddenAt, 'the tab went to the background (document.visibilityState hidden)');
    await sleep(HIDDEN_MS);
    const state = await tab.evaluate(() => window.keepaliveState());
    const stoppedAt = Date.now();
    const stillHidden = await tab.visibility();

    const pings = (pingreqs.get(clientId) ?? []).filter((at) => at >= hiddenAt && at <= stoppedAt);
    const gaps = pings.slice(1).map((at, i) => at - pings[i]);
    const first = pings.length ? pings[0] - hiddenAt : null;
    const hiddenTicks = state.ticks.filter((at) => at >= hiddenAt);
    // (the last gap is the one still open when the measurement stopped)
    const tickGaps = [...hiddenTicks, state.now].slice(1).map((at, i) => at - hiddenTicks[i]);
    t.diagnostic(`hidden for ${stoppedAt - hiddenAt} ms; PINGREQs seen by Mosquitto: ${pings.length}; first ${first} ms after hiding; ` +
      `intervals (ms): ${JSON.stringify(gaps)}`);
    t.diagnostic(`the page's own 250 ms setTimeout chain while hidden: ${hiddenTicks.length} runs, longest gap ${Math.max(0, ...tickGaps)} ms, ` +
      `gaps: ${JSON.stringify(tickGaps.slice(0, 30))}`);

    assert.equal(stillHidden, 'hidden', 'the tab stayed in the background');
    assert.deepEqual(state.events, [], 'no close, offline, error or disconnect while hidden');
    assert.equal(state.connected, true, 'still connected');
    assert.deepEqual(timeouts, [], 'Mosquitto did not time the client out');
    // The client must not let more than the keepalive pass between packets it sends
    // [MQTT-3.1.2-23] (the server waits 1.5 times as long [MQTT-3.1.2-24], which is why a
    // late client may still be connected). The allowance is for the way to Mosquitto and
    // its WebSocket loop. Run by the page's throttled timers (timerVariant 'native'), the
    // intervals here grow to 3000 ms, as a timer set from a network event waits for the
    // next whole second in a background tab.
    assert.ok(pings.length >= Math.floor(HIDDEN_MS / (1000 * KEEPALIVE + SLACK_MS)), `${pings.length} PINGREQs in ${HIDDEN_MS} ms`);
    const longest = Math.max(first, ...gaps);
    assert.ok(longest <= KEEPALIVE * 1000 + SLACK_MS, `the longest wait between PINGREQs was ${longest} ms, for a keepalive of ${KEEPALIVE} s`);
    await tab.evaluate(() => window.keepaliveEnd());
  } finally {
    await tab.close();
    await server.close();
  }
});
