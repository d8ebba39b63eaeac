// How a browser page gets the package's wasm (js/wasm/load-browser.js), in headless
// Chromium: a server that answers the .wasm with another MIME type than
// application/wasm still works (the module is compiled from its bytes), and a .wasm
// the server does not have fails the import with the URL and the HTTP status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage } from './package-page.js';

const html = `<!doctype html>
<script type="importmap">{ "imports": { "mqtt-wasm/client": "/js/client/index.js" } }</script>
<script type="module">
  // A client made without connecting runs its session core in the module.
  import('mqtt-wasm/client').then((lib) => ({ made: lib.connect('ws://127.0.0.1:9', { manualConnect: true }) instanceof lib.MqttClient }))
    .then((result) => { window.result = result; }, (err) => { window.result = { error: err.message }; });
</script>`;

// Opens the page with the client module's .wasm answered by `fulfill`; resolves to
// what the page's import gave and the wasm requests it made.
async function load(fulfill) {
  const wasmRequests = [];
  const opened = await openPage('/wasm-loading.html', html, {
    beforeLoad: (tab) => tab.route('**/js/wasm/mqttw-client.wasm', async (route) => {
      wasmRequests.push(route.request().url());
      await fulfill(route);
    }),
  });
  try {
    await opened.tab.waitForFunction(() => window.result !== undefined, null, { timeout: 20000 });
    return { result: await opened.tab.evaluate(() => window.result), wasmRequests, errors: opened.errors };
  } finally {
    await opened.close();
  }
}

test('a .wasm served as application/octet-stream still loads', { timeout: 60000 }, async () => {
  const { result, wasmRequests, errors } = await load(async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-type': 'application/octet-stream' } });
  });
  assert.deepEqual(result, { made: true });
  assert.equal(wasmRequests.length, 2, 'streaming compile refused, then the bytes fetched again');
  assert.deepEqual(errors, []);
});

test('a missing .wasm fails the import with its URL and the HTTP status', { timeout: 60000 }, async () => {
  const { result, wasmRequests } = await load((route) => route.fulfill({ status: 404, body: 'not here' }));
  assert.equal(wasmRequests.length, 1);
  assert.match(result.error ?? '', /^mqtt-wasm: could not load its wasm module from http:\/\/127\.0\.0\.1:\d+\/js\/wasm\/mqttw-client\.wasm: HTTP 404$/);
});
