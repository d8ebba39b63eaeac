// The web demo's models, in Node: the Ring buffer (web-demo/lib/ring.js) and the topic
// tree (web-demo/tree/topic-tree.js): counts, subtree totals, the retained flag, bounded
// history, the order of rows, expansion, the search filter, rates, clear(), and 10,000 topics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ring } from '../../web-demo/lib/ring.js';
import { TopicTree, compareNames } from '../../web-demo/tree/topic-tree.js';
import { previewPayload } from '../../web-demo/tree/payload-preview.js';

const text = (s) => new TextEncoder().encode(s);
const message = (topic, payload = '1', { qos = 0, retain = false, time = 0 } = {}) =>
  ({ topic, payload: typeof payload === 'string' ? text(payload) : payload, qos, retain, properties: undefined, time });
const paths = (nodes) => nodes.map((n) => n.path);

test('Ring keeps the newest values up to its capacity, oldest first', () => {
  const ring = new Ring(3);
  assert.equal(ring.capacity, 3);
  assert.equal(ring.length, 0);
  assert.equal(ring.at(0), undefined);
  for (const v of [1, 2, 3, 4, 5]) ring.push(v);
  assert.equal(ring.length, 3);
  assert.deepEqual(ring.toArray(), [3, 4, 5]);
  assert.deepEqual([...ring], [3, 4, 5]);
  assert.equal(ring.at(0), 3);
  assert.equal(ring.at(2), 5);
  assert.equal(ring.at(3), undefined);
  assert.equal(ring.at(-1), undefined);
  assert.equal(ring.last(), 5);
});

test('Ring.resize keeps the newest values; clear empties it', () => {
  const ring = new Ring(4);
  for (const v of [1, 2, 3, 4, 5, 6]) ring.push(v);
  ring.resize(2);
  assert.deepEqual(ring.toArray(), [5, 6]);
  assert.equal(ring.capacity, 2);
  ring.resize(5);
  ring.push(7);
  assert.deepEqual(ring.toArray(), [5, 6, 7]);
  for (const v of [8, 9, 10]) ring.push(v);
  assert.deepEqual(ring.toArray(), [6, 7, 8, 9, 10]);
  ring.clear();
  assert.equal(ring.length, 0);
  assert.deepEqual(ring.toArray(), []);
  ring.push('a');
  assert.deepEqual(ring.toArray(), ['a']);
  const none = new Ring(0);
  none.push(1);
  assert.equal(none.length, 0);
  assert.throws(() => new Ring(-1), RangeError);
  assert.throws(() => new Ring(1.5), RangeError);
});

test('add() counts each topic and every subtree above it', () => {
  const tree = new TopicTree();
  const v0 = tree.version;
  tree.add(message('a/b/c'));
  tree.add(message('a/b/c'));
  tree.add(message('a/b'));
  tree.add(message('a/x'));
  tree.add(message('$SYS/broker/uptime', '12'));
  assert.ok(tree.version > v0);
  assert.equal(tree.topicCount, 4, 'topics that had a message');
  assert.equal(tree.nodeCount, 7);
  assert.deepEqual([tree.get('a/b/c').count, tree.get('a/b/c').total], [2, 2]);
  assert.deepEqual([tree.get('a/b').count, tree.get('a/b').total], [1, 3]);
  assert.deepEqual([tree.get('a').count, tree.get('a').total], [0, 4]);
  assert.equal(tree.root.total, 5);
  assert.equal(tree.root.path, '');
  const c = tree.get('a/b/c');
  assert.deepEqual([c.name, c.path, c.depth, c.parent, c.parent.parent.parent], ['c', 'a/b/c', 3, tree.get('a/b'), tree.root]);
  assert.equal(tree.get('$SYS/broker').total, 1, '$SYS is an ordinary topic');
  assert.equal(tree.get('nope'), undefined);
});

test('add() keeps the last message and its QoS', () => {
  const tree = new TopicTree();
  tree.add(message('t', 'one', { qos: 2 }));
  const last = message('t', 'two', { qos: 1 });
  tree.add(last);
  const node = tree.get('t');
  assert.equal(node.last, last);
  assert.equal(node.qos, 1);
  assert.equal(tree.get('t').parent.last, undefined, 'the root has no message');
});

test('the retained flag: set by a retained payload, cleared by an empty one', () => {
  const tree = new TopicTree();
  tree.add(message('dev/1/status', 'online', { retain: true }));
  const node = tree.get('dev/1/status');
  assert.equal(node.retained, true);
  tree.add(message('dev/1/status', 'still', { retain: false }));
  assert.equal(node.retained, true, 'a live message does not remove the retained one');
  tree.add(message('dev/1/status', '', { retain: true }));
  assert.equal(node.retained, false, 'empty retained payload: the retained message was deleted');
  tree.add(message('dev/1/status', 'back', { retain: true }));
  tree.add(message('dev/1/status', new Uint8Array(0), { retain: false }));
  assert.equal(node.retained, false, 'a 3.1.1 subscriber sees the deletion without the retain flag');
  assert.equal(node.count, 5);
});

test('history is a bounded ring per topic; setHistoryCapacity raises it for one topic', () => {
  const tree = new TopicTree({ historyCapacity: 3 });
  for (let i = 0; i < 10; i += 1) tree.add(message('a', String(i)));
  for (let i = 0; i < 10; i += 1) tree.add(message('b', String(i)));
  const values = (node) => node.history.toArray().map((m) => new TextDecoder().decode(m.payload));
  assert.deepEqual(values(tree.get('a')), ['7', '8', '9']);
  tree.setHistoryCapacity('a', 500);
  assert.equal(tree.get('a').history.capacity, 500);
  assert.equal(tree.get('b').history.capacity, 3);
  for (let i = 10; i < 600; i += 1) tree.add(message('a', String(i)));
  assert.equal(tree.get('a').history.length, 500);
  assert.equal(values(tree.get('a'))[499], '599');
  // Asked before the topic exists, and kept across clear().
  tree.setHistoryCapacity('later', 50);
  tree.clear();
  tree.add(message('later'));
  tree.add(message('a'));
  assert.equal(tree.get('later').history.capacity, 50);
  assert.equal(tree.get('a').history.capacity, 500);
  tree.setHistoryCapacity('a', 3);
  assert.equal(tree.get('a').history.capacity, 3);
});

test('rows(): siblings sorted by name (numbers in names in numeric order), children after their parent', () => {
  const tree = new TopicTree();
  for (const t of ['z', 'a/sensor10', 'a/sensor2', 'a/sensor1', 'B', 'a/sensor2/x', '$SYS/uptime', 'a']) tree.add(message(t));
  assert.deepEqual(paths(tree.rows(new Set(), '')), ['$SYS', 'a', 'B', 'z']);
  assert.deepEqual(paths(tree.rows(new Set(['a']), '')), ['$SYS', 'a', 'a/sensor1', 'a/sensor2', 'a/sensor10', 'B', 'z']);
  assert.deepEqual(paths(tree.rows(new Set(['a', 'a/sensor2', '$SYS']), '')),
    ['$SYS', '$SYS/uptime', 'a', 'a/sensor1', 'a/sensor2', 'a/sensor2/x', 'a/sensor10', 'B', 'z']);
  // An expanded node under a closed one stays hidden.
  assert.deepEqual(paths(tree.rows(new Set(['a/sensor2']), '')), ['$SYS', 'a', 'B', 'z']);
  assert.ok(compareNames('a', 'A') !== 0, 'a total order: no two names are equal');
  assert.deepEqual(paths(tree.get('a').sortedChildren()), ['a/sensor1', 'a/sensor2', 'a/sensor10']);
});

test('rows() returns the same array until the structure, the expansion or the filter changes', () => {
  const tree = new TopicTree();
  tree.add(message('a/b'));
  const expanded = new Set(['a']);
  const first = tree.rows(expanded, '');
  tree.add(message('a/b'));
  assert.equal(tree.rows(expanded, ''), first, 'a message on a known topic changes no row');
  assert.equal(tree.rows(new Set(['a']), ''), first, 'an equal set');
  expanded.delete('a');
  assert.notEqual(tree.rows(expanded, ''), first, 'the same Set, changed in place');
  const second = tree.rows(expanded, '');
  tree.add(message('c'));
  assert.deepEqual(paths(tree.rows(expanded, '')), ['a', 'c']);
  assert.notEqual(tree.rows(expanded, ''), second);
});

test('rows() with a filter: matching paths and their ancestors, open, case-insensitive', () => {
  const tree = new TopicTree();
  for (const t of ['home/kitchen/temp', 'home/kitchen/light', 'home/hall/Temp', 'office/temp', 'office/door']) tree.add(message(t));
  assert.deepEqual(paths(tree.rows(new Set(), 'TEMP')),
    ['home', 'home/hall', 'home/hall/Temp', 'home/kitchen', 'home/kitchen/temp', 'office', 'office/temp']);
  // A match on an inner level shows its subtree (every path below contains the text).
  assert.deepEqual(paths(tree.rows(new Set(), 'kitchen')), ['home', 'home/kitchen', 'home/kitchen/light', 'home/kitchen/temp']);
  assert.deepEqual(paths(tree.rows(new Set(), 'chen/li')), ['home', 'home/kitchen', 'home/kitchen/light']);
  assert.deepEqual(tree.rows(new Set(), 'nothing'), []);
  assert.deepEqual(paths(tree.rows(new Set(), '  ')), ['home', 'office'], 'blank: no filter');
  tree.add(message('garage/temp'));
  assert.deepEqual(paths(tree.rows(new Set(), 'temp')).slice(0, 2), ['garage', 'garage/temp'], 'new topics join the results');
});

test('empty levels and a leading slash are levels with an empty name', () => {
  const tree = new TopicTree();
  tree.add(message('/a'));
  tree.add(message('x//y'));
  assert.equal(tree.get('/a').depth, 2);
  assert.equal(tree.get('').name, '');
  assert.equal(tree.get('x/').name, '');
  assert.deepEqual(paths(tree.rows(new Set(['', 'x', 'x/']), '')), ['', '/a', 'x', 'x/', 'x//y']);
});

test('sampleRates(): msgs/s per topic and per subtree since the previous sample', () => {
  const tree = new TopicTree();
  tree.add(message('a/b'));
  tree.sampleRates(1000); // the baseline
  assert.equal(tree.get('a/b').rate, 0);
  for (let i = 0; i < 10; i += 1) tree.add(message('a/b'));
  for (let i = 0; i < 4; i += 1) tree.add(message('a/c'));
  const v = tree.version;
  tree.sampleRates(3000); // 2 s later
  assert.ok(tree.version > v, 'a new sample is a change');
  assert.equal(tree.get('a/b').rate, 5);
  assert.equal(tree.get('a/c').rate, 2);
  assert.equal(tree.get('a').rate, 0);
  assert.equal(tree.get('a').totalRate, 7);
  assert.equal(tree.root.totalRate, 7);
  tree.sampleRates(4000);
  assert.equal(tree.get('a/b').rate, 0, 'nothing since the previous sample');
  assert.equal(tree.get('a').totalRate, 0);
});

test('clear() forgets every topic and count', () => {
  const tree = new TopicTree();
  tree.add(message('a/b'));
  tree.sampleRates(0);
  const rows = tree.rows(new Set(['a']), '');
  const v = tree.version;
  tree.clear();
  assert.ok(tree.version > v);
  assert.equal(tree.topicCount, 0);
  assert.equal(tree.nodeCount, 0);
  assert.equal(tree.get('a/b'), undefined);
  assert.equal(tree.root.total, 0);
  assert.equal(tree.root.children.size, 0);
  assert.deepEqual(tree.rows(new Set(['a']), ''), []);
  assert.notEqual(tree.rows(new Set(['a']), ''), rows);
  tree.add(message('a/b'));
  assert.equal(tree.get('a').total, 1);
});

test('maxTopics bounds the number of nodes; messages for new topics past it are counted as dropped', () => {
  const tree = new TopicTree({ maxTopics: 3 });
  tree.add(message('a/b'));
  tree.add(message('a/c'));
  assert.equal(tree.add(message('d')), undefined);
  assert.equal(tree.dropped, 1);
  assert.equal(tree.nodeCount, 3);
  tree.add(message('a/b'));
  assert.equal(tree.get('a/b').count, 2, 'known topics still count');
});

test('10,000 topics: counts, totals, rows when collapsed, expanded and filtered', () => {
  const tree = new TopicTree({ historyCapacity: 5 });
  const topics = [];
  for (let i = 0; i < 10000; i += 1) topics.push(`load/site${i % 10}/room${Math.floor(i / 10) % 100}/dev${i}`);
  for (const t of topics) tree.add(message(t, String(Math.random())));
  for (let i = 0; i < 5000; i += 1) tree.add(message(topics[i * 2]));
  assert.equal(tree.topicCount, 10000);
  assert.equal(tree.nodeCount, 1 + 10 + 1000 + 10000);
  assert.equal(tree.get('load').total, 15000);
  assert.equal(tree.get('load/site0').total, 2000, 'even devices (all of site0) got a second message');
  assert.equal(tree.get('load/site1').total, 1000);
  assert.equal(tree.get(topics[0]).history.length, 2);
  assert.deepEqual(paths(tree.rows(new Set(), '')), ['load']);
  const all = new Set();
  for (const node of tree.rows(new Set(), 'load')) if (node.children.size) all.add(node.path);
  const rows = tree.rows(all, '');
  assert.equal(rows.length, 11011);
  assert.deepEqual(paths(rows.slice(0, 4)), ['load', 'load/site0', 'load/site0/room0', 'load/site0/room0/dev0']);
  assert.equal(rows[4].path, 'load/site0/room0/dev1000', 'numeric order: dev1000 after dev0 in room0');
  const filtered = tree.rows(new Set(), 'dev9999');
  assert.deepEqual(paths(filtered), ['load', 'load/site9', 'load/site9/room99', 'load/site9/room99/dev9999']);
  assert.equal(tree.rows(new Set(), 'room7/').length, 1 + 10 + 10 + 100, 'room7 of each site, not room70..79');
});

test('previewPayload: text shortened, binary as hex', () => {
  assert.deepEqual(previewPayload(text('21.5')), { text: '21.5', binary: false });
  assert.deepEqual(previewPayload(text('{\n  "a": 1\n}')), { text: '{ "a": 1 }', binary: false });
  assert.deepEqual(previewPayload(new Uint8Array(0)), { text: '(empty)', binary: false });
  assert.deepEqual(previewPayload(new Uint8Array([0, 0xff, 0x1a])), { text: '00 ff 1a (3 B)', binary: true });
  assert.equal(previewPayload(new Uint8Array(100)).text, '00 00 00 00 00 00 00 00 00 00 00 00 … (100 B)');
  const long = previewPayload(text('é'.repeat(1000)), 20);
  assert.equal(long.text, `${'é'.repeat(19)}…`);
  assert.equal(previewPayload(text('€'.repeat(1000)).subarray(0, 2000)).binary, false, 'a cut character is not binary');
});
