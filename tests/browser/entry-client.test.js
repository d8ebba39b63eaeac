// `mqtt-wasm/client` in a real browser (Debian Chromium, headless): a page that imports
// only the client entry (js/client/index.js, no bundler) downloads the client's wasm
// module and none of the whole package's (no mqttw.wasm, no broker JS), and its client
// round-trips QoS 0/1/2 with Mosquitto's WebSocket listener.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPackagePage } from './package-page.js';
import { startMosquitto, noMosquitto } from '../js/client-peers.js';

const html = `<!doctype html>
<script type="importmap">{ "imports": { "mqtt-wasm/client": "/js/client/index.js" } }</script>
<script type="module">
  const lib = await import('mqtt-wasm/client');
  window.roundTrip = async (url) => {
    const options = (id) => ({ clientId: id, reconnectPeriod: 0, protocolVersion: 5 });
    const sub = await lib.connectAsync(url, options('page-sub'));
    const got = [];
    sub.on('message', (topic, payload, packet) => got.push([topic, packet.qos, Array.from(payload), payload.constructor.name]));
    await sub.subscribeAsync('page/#', { qos: 2 });
    const pub = await lib.connectAsync(url, options('page-pub'));
    for (const qos of [0, 1, 2]) await pub.publishAsync('page/' + qos, new Uint8Array([qos, 255]), { qos });
    const end = Date.now() + 5000;
    while (got.length < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    await pub.endAsync();
    await sub.endAsync();
    return { got: got.sort(), exports: Object.keys(lib).sort() };
  };
  window.ready = true;
</script>`;

let mosquitto = null;
let opened = null;
const fetched = [];  // the path of every request the page made

before(async () => {
  if (noMosquitto) return;
  mosquitto = await startMosquitto();
  opened = await openPackagePage('/entry-client.html', html, {
    beforeLoad: (tab) => tab.on('request', (request) => fetched.push(new URL(request.url()).pathname)),
  });
});

after(async () => {
  await opened?.close();
  await mosquitto?.stop();
});

test('a page importing mqtt-wasm/client fetches mqttw-client.wasm only, and round-trips QoS 0/1/2 with Mosquitto', { skip: noMosquitto, timeout: 60000 }, async () => {
  const { tab, errors } = opened;
  const result = await tab.evaluate((url) => window.roundTrip(url), mosquitto.wsUrl);
  assert.deepEqual(result.got, [
    ['page/0', 0, [0, 255], 'Uint8Array'],
    ['page/1', 1, [1, 255], 'Uint8Array'],
    ['page/2', 2, [2, 255], 'Uint8Array'],
  ]);
  assert.ok(!result.exports.includes('createBroker'));
  assert.ok(fetched.includes('/js/wasm/mqttw-client.wasm'), `fetched: ${fetched.join(' ')}`);
  const whole = fetched.filter((path) => /\/mqttw\.wasm$|\/js\/broker\/|\/js\/index\.js$/.test(path));
  assert.deepEqual(whole, [], 'nothing of the whole package was fetched');
  assert.deepEqual(errors, []);
});
