// The dashboard's chart and inspector logic, in Node (no DOM): numeric fields of payloads
// (web-demo/lib/numeric-fields.js), the columnar series rings (charts/series.js), the saved
// chart layout (charts/chart-layout.js), and the inspector's JSON diff, hex dump,
// properties, payload views and history items (web-demo/inspector/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numericFields, parseNumeric, valueAt } from '../../web-demo/lib/numeric-fields.js';
import { Series } from '../../web-demo/charts/series.js';
import { ChartLayout, LAYOUT_KEY } from '../../web-demo/charts/chart-layout.js';
import { jsonDiff, shortValue } from '../../web-demo/inspector/json-diff.js';
import { hexDump } from '../../web-demo/inspector/hex-dump.js';
import { hexString } from '../../web-demo/lib/bytes.js';
import { formatProperties, bytesText } from '../../web-demo/inspector/properties.js';
import { defaultView, renderPayload, HEX_LIMIT } from '../../web-demo/inspector/payload-view.js';
import { historyItems } from '../../web-demo/inspector/history-view.js';
import { Ring } from '../../web-demo/lib/ring.js';

const bytes = (text) => new TextEncoder().encode(text);

class MemoryStorage {
  items = new Map();
  getItem(key) { return this.items.has(key) ? this.items.get(key) : null; }
  setItem(key, value) { this.items.set(key, String(value)); }
}

test('numericFields: a plain number, JSON paths, nothing for text', () => {
  assert.deepEqual(numericFields(bytes(' 21.5\n')), [{ field: '', value: 21.5 }]);
  assert.deepEqual(numericFields(bytes('-3e2')), [{ field: '', value: -300 }]);
  assert.deepEqual(numericFields(bytes('{"temperature":21.5,"unit":"C","ok":true,"a":{"b":2},"list":[1,{"x":3}],"n":null}')), [
    { field: 'temperature', value: 21.5 },
    { field: 'a.b', value: 2 },
    { field: 'list.0', value: 1 },
    { field: 'list.1.x', value: 3 },
  ]);
  for (const text of ['', 'online', '12abc', 'NaN', 'Infinity', '{"t":"21"}', '{broken', '"5"']) {
    assert.deepEqual(numericFields(bytes(text)), [], text);
  }
  assert.deepEqual(numericFields(bytes('{"a.b":1,"c":2}')), [{ field: 'c', value: 2 }]);
  const many = JSON.stringify(Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, i])));
  assert.equal(numericFields(bytes(many)).length, 64);
});

test('numeric fields: parse once, read each plotted field', () => {
  const parsed = parseNumeric(bytes('{"a":{"b":[5,6]},"t":1.5}'));
  assert.equal(valueAt(parsed, 'a.b.1'), 6);
  assert.equal(valueAt(parsed, 't'), 1.5);
  assert.equal(valueAt(parsed, 'a'), undefined);
  assert.equal(valueAt(parsed, 'missing.deeper'), undefined);
  assert.equal(valueAt(parseNumeric(bytes('42')), ''), 42);
  assert.equal(valueAt(parseNumeric(bytes('42')), 'x'), undefined);
  assert.equal(parseNumeric(bytes('hello')), undefined);
});

test('series: columnar rings that keep the newest points, in order, as contiguous views', () => {
  const s = new Series(4);
  assert.equal(s.length, 0);
  assert.equal(s.last, undefined);
  for (let i = 1; i <= 3; i++) s.push(i, i * 10);
  assert.deepEqual([...s.times()], [1, 2, 3]);
  for (let i = 4; i <= 10; i++) s.push(i, i * 10);
  assert.equal(s.length, 4);
  assert.equal(s.capacity, 4);
  assert.deepEqual([...s.times()], [7, 8, 9, 10]);
  assert.deepEqual([...s.values()], [70, 80, 90, 100]);
  assert.ok(s.times() instanceof Float64Array);
  assert.equal(s.last, 100);
  assert.equal(s.timeAt(0), 7);
  assert.equal(s.indexAtOrAfter(8.5), 2);
  assert.equal(s.indexAtOrAfter(0), 0);
  assert.equal(s.indexAtOrAfter(11), 4);
  assert.deepEqual([...s.values(s.indexAtOrAfter(9))], [90, 100]);
  s.clear();
  assert.equal(s.length, 0);
  s.push(1, 2);
  assert.deepEqual([...s.values()], [2]);
  assert.throws(() => new Series(0), RangeError);
});

test('series: a long run stays bounded and ordered', () => {
  const s = new Series(3600);
  for (let i = 0; i < 10_000; i++) s.push(i, Math.sin(i));
  const t = s.times();
  assert.equal(t.length, 3600);
  assert.equal(t[0], 6400);
  assert.equal(t[3599], 9999);
  for (let i = 1; i < t.length; i++) assert.ok(t[i] > t[i - 1]);
});

test('chart layout: pins, sizes and order saved under one key and restored', () => {
  const storage = new MemoryStorage();
  const a = new ChartLayout(storage);
  const first = a.add('demo/power/1', '');
  const second = a.add('demo/room/1', 'temperature');
  assert.equal(a.add('demo/power/1', ''), first, 'pinning twice gives the same chart');
  a.setSize(second.id, 2);
  a.move(second.id, -1);
  assert.deepEqual([...storage.items.keys()], [LAYOUT_KEY]);

  const b = new ChartLayout(storage);
  assert.deepEqual(b.list().map(({ topic, field, size }) => [topic, field, size]), [
    ['demo/room/1', 'temperature', 2],
    ['demo/power/1', '', 1],
  ]);
  const third = b.add('x', 'y');
  assert.ok(!b.list().slice(0, 2).some((e) => e.id === third.id), 'new ids do not collide with restored ones');
  b.remove(first.id);
  assert.deepEqual(new ChartLayout(storage).list().map((e) => e.topic), ['demo/room/1', 'x']);
});

test('chart layout: bad stored data and missing storage are survived', () => {
  const storage = new MemoryStorage();
  storage.setItem(LAYOUT_KEY, '{not json');
  assert.deepEqual(new ChartLayout(storage).list(), []);
  storage.setItem(LAYOUT_KEY, JSON.stringify([{ topic: 'a', field: '' }, { topic: 5 }, null, { id: 'c1', topic: 'b', field: 'v', size: 9 }]));
  const restored = new ChartLayout(storage).list();
  assert.deepEqual(restored.map((e) => [e.topic, e.field, e.size]), [['a', '', 1], ['b', 'v', 1]]);
  assert.equal(new Set(restored.map((e) => e.id)).size, 2);
  const memory = new ChartLayout(null);
  memory.add('t', '');
  assert.equal(memory.list().length, 1);
});

test('json diff: changed, added and removed keys with their paths', () => {
  const { changes, more } = jsonDiff(
    { t: 21.5, h: 40, meta: { fw: '1.0', tags: ['a', 'b'] }, gone: true },
    { t: 21.7, h: 40, meta: { fw: '1.1', tags: ['a'] }, added: { x: 1 } },
  );
  assert.equal(more, 0);
  assert.deepEqual(changes, [
    { path: 't', kind: 'changed', before: 21.5, after: 21.7 },
    { path: 'meta.fw', kind: 'changed', before: '1.0', after: '1.1' },
    { path: 'meta.tags.1', kind: 'removed', before: 'b', after: undefined },
    { path: 'gone', kind: 'removed', before: true, after: undefined },
    { path: 'added', kind: 'added', before: undefined, after: { x: 1 } },
  ]);
  assert.deepEqual(jsonDiff({ a: 1 }, { a: 1 }).changes, []);
  assert.deepEqual(jsonDiff(5, 6).changes, [{ path: '', kind: 'changed', before: 5, after: 6 }]);
  assert.deepEqual(jsonDiff([1], { 0: 1 }).changes, [{ path: '', kind: 'changed', before: [1], after: { 0: 1 } }]);
  assert.deepEqual(jsonDiff({ a: null }, { a: {} }).changes, [{ path: 'a', kind: 'changed', before: null, after: {} }]);
  const big = jsonDiff({}, Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i])), { max: 10 });
  assert.equal(big.changes.length, 10);
  assert.equal(big.more, 20);
  assert.equal(shortValue('x'.repeat(100), 10), '"xxxxxxxx…');
  assert.equal(shortValue({ a: [1, 2] }), '{"a":[1,2]}');
});

test('hex dump: offset, hex and ascii columns, capped', () => {
  const dump = hexDump(bytes('{"a":1}\n'));
  assert.equal(dump.text, `00000000  7b 22 61 22 3a 31 7d 0a                           |{"a":1}.|`);
  assert.equal(dump.truncated, false);
  const all = new Uint8Array(40).map((_, i) => i + 60);
  const lines = hexDump(all).text.split('\n');
  assert.equal(lines.length, 3);
  assert.equal(lines[0], '00000000  3c 3d 3e 3f 40 41 42 43  44 45 46 47 48 49 4a 4b  |<=>?@ABCDEFGHIJK|');
  assert.ok(lines[2].startsWith('00000020  5c 5d'));
  assert.equal(lines[0].indexOf('|'), lines[2].indexOf('|'), 'the ascii column lines up on a short last line');
  const capped = hexDump(new Uint8Array(10_000), { maxBytes: 64 });
  assert.deepEqual([capped.shown, capped.total, capped.truncated, capped.text.split('\n').length], [64, 10_000, true, 4]);
  assert.equal(hexDump(all, { width: 8 }).text.split('\n')[1], '00000008  44 45 46 47 48 49 4a 4b  |DEFGHIJK|');
  assert.equal(hexDump(new Uint8Array(0)).text, '');
  assert.equal(hexString(new Uint8Array([0, 255, 16])), '00 ff 10');
  assert.equal(hexString(new Uint8Array(10), { maxBytes: 2 }), '00 00 …');
});

test('properties: known 5.0 properties as rows, user properties as pairs', () => {
  const { rows, user } = formatProperties({
    contentType: 'application/json',
    responseTopic: 'reply/here',
    correlationData: bytes('req-42'),
    messageExpiryInterval: 60,
    payloadFormatIndicator: true,
    userProperties: { site: 'lab', tag: ['a', 'b'] },
  });
  assert.deepEqual(rows, [
    { label: 'Content type', value: 'application/json' },
    { label: 'Response topic', value: 'reply/here' },
    { label: 'Correlation data', value: 'req-42' },
    { label: 'Message expiry', value: '60 s' },
    { label: 'Payload format', value: '1 (UTF-8 text)' },
  ]);
  assert.deepEqual(user, [['site', 'lab'], ['tag', 'a'], ['tag', 'b']]);
  assert.equal(formatProperties({ correlationData: new Uint8Array([0, 1, 0xfe]) }).rows[0].value, 'hex: 00 01 fe');
  assert.deepEqual(formatProperties(undefined), { rows: [], user: [] });
  assert.deepEqual(formatProperties({}), { rows: [], user: [] });
  assert.equal(bytesText(new Uint8Array([0xc3, 0x28])), 'hex: c3 28', 'invalid UTF-8 shows as hex');
});

test('payload views: JSON pretty, text, hex, each with what was cut', () => {
  const json = bytes('{"a":[1,2]}');
  assert.equal(defaultView(json), 'json');
  assert.equal(renderPayload(json, 'json').text, '{\n  "a": [\n    1,\n    2\n  ]\n}');
  assert.equal(defaultView(bytes('online')), 'text');
  assert.equal(defaultView(bytes('21.5')), 'text');
  assert.equal(defaultView(new Uint8Array([0, 1, 2])), 'hex');
  const notJson = renderPayload(bytes('online'), 'json');
  assert.deepEqual([notJson.view, notJson.text], ['text', 'online']);
  assert.match(notJson.note, /Not JSON/);
  const big = renderPayload(new Uint8Array(HEX_LIMIT * 2), 'hex');
  assert.equal(big.text.split('\n').length, HEX_LIMIT / 16);
  assert.match(big.note, /first 4096 of 8192 bytes/);
  assert.equal(renderPayload(new Uint8Array(HEX_LIMIT * 2), 'hex', { hexWidth: 8 }).text.split('\n').length, HEX_LIMIT / 8);
  assert.equal(renderPayload(new Uint8Array(0), 'json').note, 'Empty payload');
});

test('history items: newest first, diffs against the previous JSON value, text otherwise', () => {
  const ring = new Ring(10);
  const rec = (text, time, extra = {}) => ({ topic: 't', payload: bytes(text), qos: 1, retain: false, time, ...extra });
  ring.push(rec('{"t":1,"u":"C"}', 1000));
  ring.push(rec('{"t":2,"u":"C","x":true}', 2000));
  ring.push(rec('{"t":2,"u":"C","x":true}', 3000));
  ring.push(rec('offline', 4000, { retain: true }));
  const { html, shown, total } = historyItems(ring, 100);
  assert.deepEqual([shown, total], [4, 4]);
  const items = html.split('<li class="insp-entry">').slice(1);
  assert.match(items[0], /offline/);
  assert.match(items[0], /retained/);
  assert.match(items[1], /no change/);
  assert.match(items[2], /~ <code>t<\/code> 1 → 2/);
  assert.match(items[2], /\+ <code>x<\/code> true/);
  assert.match(items[3], /\{&quot;t&quot;:1,&quot;u&quot;:&quot;C&quot;\}/, 'the oldest shows its value');
  assert.equal(historyItems(ring, 2).shown, 2);
  assert.doesNotMatch(historyItems(new Ring(3), 10).html, /li/);
  const escaped = new Ring(2);
  escaped.push(rec('<b>hi</b>', 1));
  assert.match(historyItems(escaped, 5).html, /&lt;b&gt;hi&lt;\/b&gt;/);
});
