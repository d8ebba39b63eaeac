// The dashboard's checks of what the user types, and its tree's cap, on the embedded
// broker (web-demo/ served as plain static files):
//   - the connection form refuses a URL with a bad port or a space at once, saying why,
//     and saves no profile;
//   - clearing retained messages: an invalid filter says why it is invalid, and $SYS
//     (the broker's own topics) is not offered for clearing;
//   - past the topic tree's cap, the line at the top says how many messages are not shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { staticDashboard, connected } from './web-demo-page.js';

const ctx = staticDashboard();

test('connection form: a bad port or a space is refused at once, and nothing is saved', { timeout: 60000 }, async () => {
  const page = await ctx.demo.open(`${ctx.server.url}/web-demo/`);
  assert.match(await connected(page), /embedded broker/);
  await page.click('#status');
  const cases = [
    ['ws://127.0.0.1:99999', /^the port must be from 1 to 65535, got 99999/],
    ['ws://127.0.0.1:abc', /^the port "abc" in "ws:\/\/127\.0\.0\.1:abc" is not a number/],
    ['ws://127.0.0.1:0', /^the port must be from 1 to 65535, got 0/],
    ['ws://exa mple.com', /^the URL must not contain spaces/],
  ];
  for (const [url, message] of cases) {
    await page.fill('#connection input[name=url]', url);
    await page.click('#connection .conn-form button[type=submit]');
    const error = await page.locator('#connection .conn-form .conn-error').textContent({ timeout: 5000 });
    assert.match(error, message, url);
    assert.doesNotMatch(error, /not a broker URL/, url);
    assert.equal(await page.evaluate(() => localStorage.getItem('mqtt-wasm-demo/profiles')), null, `${url}: nothing saved`);
    assert.deepEqual(await page.evaluate(() => window.dashboard.profiles.list().map((p) => p.id)), ['embedded'], url);
    assert.equal(await page.locator('#connection .conn-profile').count(), 1, url);
  }
  assert.match(await connected(page), /embedded broker/, 'still on the embedded broker');
  assert.deepEqual(page.errors, []);
});

// The clear form's preview once `filter` is typed, when it contains `text`.
async function clearPreview(page, filter, text) {
  await page.fill('#publish input[name=filter]', filter);
  const preview = page.locator('#publish .pub-preview', { hasText: text });
  await preview.waitFor({ timeout: 5000 });
  return (await preview.textContent()).trim();
}

test('clear retained: an invalid filter says why it is invalid', { timeout: 60000 }, async () => {
  const page = await ctx.demo.open(`${ctx.server.url}/web-demo/`);
  await connected(page);
  const button = page.locator('#publish .pub-clear button');
  const lastLevel = 'Not a valid filter: # must be the last level, as in a/b/#.';
  assert.equal(await clearPreview(page, 'a/#/b', 'Not a valid filter'), lastLevel);
  assert.equal(await button.isDisabled(), true);
  assert.equal(await clearPreview(page, '#/x', 'Not a valid filter'), lastLevel);
  assert.equal(await clearPreview(page, 'a/b+/c', 'Not a valid filter'),
    'Not a valid filter: + and # must each be a whole level, as in a/+/c or a/#.');
  assert.equal(await button.isDisabled(), true);
  // A valid filter still lists what it clears: the devices' retained statuses.
  await clearPreview(page, 'demo/devices/#', 'Affects:');
  assert.equal(await button.isDisabled(), false);
  assert.deepEqual(page.errors, []);
});

test('clear retained: $SYS topics, retained in the tree, are not offered for clearing', { timeout: 60000 }, async () => {
  const page = await ctx.demo.open(`${ctx.server.url}/web-demo/`);
  await connected(page);
  await page.waitForFunction(() => {
    const retained = (n) => n.retained || [...n.children.values()].some(retained);
    const sys = window.dashboard.tree.get('$SYS');
    return sys !== undefined && retained(sys);
  }, null, { timeout: 10000 });
  assert.match(await clearPreview(page, '$SYS/#', 'belong to the broker'), /^\$SYS topics belong to the broker/);
  const button = page.locator('#publish .pub-clear button');
  assert.equal(await button.isDisabled(), true);
  assert.equal(await button.textContent(), 'Clear 0 retained messages');
  assert.deepEqual(page.errors, []);
});

test('topic tree cap: the line at the top says how many messages are not shown', { timeout: 60000 }, async () => {
  const page = await ctx.demo.open(`${ctx.server.url}/web-demo/`);
  await connected(page);
  assert.doesNotMatch(await page.textContent('#page-rate'), /not shown/);
  const dropped = await page.evaluate(() => {
    const { tree } = window.dashboard;
    const payload = new Uint8Array([49]);
    for (let i = 0; i < 120_000; i += 1) tree.add({ topic: `cap/${i}`, payload, qos: 0, retain: false, time: Date.now() });
    return tree.dropped;
  });
  assert.ok(dropped > 20_000, `dropped ${dropped}`);
  await page.waitForFunction(() => document.querySelector('#page-rate').textContent
    .endsWith(` topics · ${window.dashboard.tree.dropped.toLocaleString('en')} msgs on more topics not shown (limit 100,000)`),
  null, { timeout: 5000 });
  assert.match(await page.textContent('#page-rate'), /· 100k topics · [0-9,]+ msgs on more topics not shown \(limit 100,000\)$/);
  assert.deepEqual(page.errors, []);
});
