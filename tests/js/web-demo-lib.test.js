// The dashboard's pure parts, in Node: connection profiles (web-demo/connection/
// profiles.js, on a Map-backed stand-in for localStorage), the $SYS figures
// (web-demo/lib/sys-stats.js, with the topics and payloads our broker and Mosquitto
// publish) and the number formats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Profiles, EMBEDDED, checkProfile } from '../../web-demo/connection/profiles.js';
import { SysStats } from '../../web-demo/lib/sys-stats.js';
import { formatCount, formatDuration, formatBytes, escapeHtml } from '../../web-demo/lib/format.js';

class MemoryStorage {
  #items = new Map();
  getItem(key) { return this.#items.has(key) ? this.#items.get(key) : null; }
  setItem(key, value) { this.#items.set(key, String(value)); }
}

test('profiles: the embedded broker by default, the npm start broker when the page came from it', () => {
  assert.equal(new Profiles(new MemoryStorage()).active().id, 'embedded');
  const served = new Profiles(new MemoryStorage(), { server: { ws: 'ws://127.0.0.1:9001' } });
  assert.equal(served.active().id, 'server');
  assert.equal(served.active().url, 'ws://127.0.0.1:9001');
  assert.deepEqual(served.list().map((p) => p.id), ['embedded', 'server']);
});

test('profiles: saved, chosen, edited and removed, across instances (as across reloads)', () => {
  const storage = new MemoryStorage();
  const a = new Profiles(storage);
  const saved = a.save({ name: 'Lab', url: ' ws://lab:9001 ', username: 'u', password: 'p', protocolVersion: '4' });
  assert.equal(saved.kind, 'url');
  assert.equal(saved.url, 'ws://lab:9001');
  assert.equal(saved.protocolVersion, 4);
  a.choose(saved.id);
  const b = new Profiles(storage);
  assert.deepEqual(b.active(), saved);
  b.save({ ...saved, protocolVersion: 5 });
  assert.equal(new Profiles(storage).list().filter((p) => p.kind === 'url').length, 1, 'same id: replaced');
  assert.equal(new Profiles(storage).active().protocolVersion, 5);
  b.remove(saved.id);
  assert.equal(new Profiles(storage).active().id, EMBEDDED.id, 'the chosen one gone: back to the default');
  assert.throws(() => b.choose('nope'), /no profile "nope"/);
});

test('profiles: bad fields get a message for the form; unreadable storage is ignored', () => {
  assert.throws(() => checkProfile({ url: 'mqtt://host:1883' }), /must start with ws:\/\/ or wss:\/\//);
  assert.throws(() => checkProfile({ url: 'ws://' }), /name a host/);
  assert.throws(() => checkProfile({ url: 'ws://h', protocolVersion: 3 }), /3\.1\.1 or 5\.0/);
  const storage = new MemoryStorage();
  storage.setItem('mqtt-wasm-demo/profiles', '{not json');
  assert.deepEqual(new Profiles(storage).list().map((p) => p.id), ['embedded']);
  storage.setItem('mqtt-wasm-demo/profiles', JSON.stringify([{ url: 'ftp://x' }, { id: 'ok', url: 'wss://x' }]));
  assert.deepEqual(new Profiles(storage).list().map((p) => p.id), ['embedded', 'ok'], 'the bad entry is dropped');
});

const record = (topic, text, time) => ({ topic, payload: new TextEncoder().encode(text), qos: 0, retain: true, time });

test('$SYS: Mosquitto\'s topics and texts', () => {
  const sys = new SysStats();
  assert.equal(sys.snapshot().seen, false);
  assert.equal(sys.add(record('demo/x', '1', 0)), false, 'not $SYS');
  sys.add(record('$SYS/broker/version', 'mosquitto version 2.0.11', 1000));
  sys.add(record('$SYS/broker/uptime', '125 seconds', 1000));
  sys.add(record('$SYS/broker/clients/connected', '3', 1000));
  sys.add(record('$SYS/broker/messages/received', '100', 1000));
  sys.add(record('$SYS/broker/messages/received', '600', 3000));
  sys.add(record('$SYS/broker/retained messages/count', '41', 3000));
  const s = sys.snapshot();
  assert.equal(s.seen, true);
  assert.equal(s.version, 'mosquitto version 2.0.11');
  assert.equal(s.uptime, 125);
  assert.equal(s.clients, 3);
  assert.equal(s.received, 600);
  assert.equal(s.receivedRate, 250, '500 messages in 2 s');
  assert.equal(s.sentRate, undefined, 'no counter, no rate');
  assert.equal(s.retained, 41);
  sys.clear();
  assert.equal(sys.snapshot().seen, false);
});

test('$SYS: our own broker\'s figures, end to end', async () => {
  const { createBroker, connectAsync } = await import('../../js/index.js');
  const broker = await createBroker({ sysInterval: 1 });
  const client = await connectAsync(() => broker.connectLocal(), { protocolVersion: 5 });
  const sys = new SysStats();
  client.on('message', (topic, payload) => sys.add({ topic, payload, time: Date.now() }));
  await client.subscribe('$SYS/#');
  const deadline = Date.now() + 5000;
  // The first figures may be the retained ones from before this client connected.
  while (sys.snapshot().clients !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const s = sys.snapshot();
  await client.end();
  await broker.close();
  assert.equal(s.clients, 1);
  assert.ok(s.uptime >= 0);
  assert.match(s.version, /mqtt-wasm/);
  assert.ok(s.subscriptions >= 1);
});

test('formats', () => {
  assert.deepEqual([0, 999, 1234, 12345, 2.5e6, undefined].map(formatCount), ['0', '999', '1.2k', '12k', '2.5M', '–']);
  assert.deepEqual([5, 65, 3700, 90000].map(formatDuration), ['5s', '1m 5s', '1h 1m', '1d 1h']);
  assert.deepEqual([10, 2048, 3 * 2 ** 20].map(formatBytes), ['10 B', '2.0 kB', '3.0 MB']);
  assert.equal(escapeHtml('<a href="x">&\'</a>'), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
});
