// The topic tree model: every topic seen, with message counts per topic and per subtree,
// rates, the last message, a retained flag, the QoS and a bounded history per topic.
// No DOM here; tree-view.js draws it.
//
//   const tree = new TopicTree({ historyCapacity: 20 });
//   tree.add({ topic: 'demo/power/1', payload, qos: 0, retain: false, time: Date.now() });
//   tree.get('demo/power').total      // messages in the subtree
//   tree.sampleRates(Date.now())      // about once a second: fills rate / totalRate
//   tree.rows(new Set(['demo']), '')  // the visible nodes, in display order
//
// Cost: add() is O(depth) (a map finds the topic; the counts of its ancestors go up).
// A new topic is inserted into its parent's sorted child list by binary search, so
// rows() never sorts. rows() walks only the visible nodes (a filter walks them all once)
// and returns the same array while the structure, the expansion and the filter are unchanged.
//
// Memory: the history of a topic is a Ring (historyCapacity, or what setHistoryCapacity
// asked for that topic). The number of nodes is capped by maxTopics (default 100,000):
// messages for new topics beyond it are counted in `dropped` and not stored.
//
// Retained flag: a retained message with a payload sets it; an empty payload clears it
// (the retained message was deleted). An empty payload clears it even without the retain
// flag, because a 3.1.1 subscriber sees the deletion as an ordinary empty message.
//
// `$SYS/...` topics are ordinary topics here. A leading '/' or '//' gives levels with an
// empty name, as MQTT says; such a level's path is '' for '/x' (the root's path is also '',
// but the root is never a row and get('') finds the level).
import { Ring } from '../lib/ring.js';

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

/** Display order of siblings: natural ('sensor2' before 'sensor10'), then by code unit. */
export function compareNames(a, b) {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

export class TopicNode {
  constructor(name, parent, historyCapacity) {
    this.name = name;
    this.parent = parent;
    this.depth = parent ? parent.depth + 1 : 0;
    this.path = !parent ? '' : parent.depth === 0 ? name : `${parent.path}/${name}`;
    this.children = new Map(); // name -> TopicNode, in arrival order
    this.count = 0; // messages on this exact topic
    this.total = 0; // messages on this topic and every topic below it
    this.rate = 0; // msgs/s on this topic over the last sample interval
    this.totalRate = 0; // msgs/s in the subtree over the last sample interval
    this.last = undefined; // the last message record
    this.retained = false;
    this.qos = undefined; // QoS of the last message
    this.history = new Ring(historyCapacity); // message records, oldest first
    // Internal: children sorted by name, the counts at the previous sample, the lower-case path.
    this.sorted = [];
    this.countAtSample = 0;
    this.totalAtSample = 0;
    this.lowerPath = undefined;
  }

  /** The children in display order (the same array until a child is added). */
  sortedChildren() {
    return this.sorted;
  }
}

export class TopicTree {
  #historyCapacity;
  #maxTopics;
  #nodes = new Map(); // path -> TopicNode (not the root)
  #capacityFor = new Map(); // path -> history capacity asked by setHistoryCapacity
  #lastSample = undefined;
  #cache = null; // the last rows() answer and what it was computed from
  #filterCache = null; // { filter, structure, visible: Set<TopicNode> }

  constructor({ historyCapacity = 20, maxTopics = 100_000 } = {}) {
    this.#historyCapacity = historyCapacity;
    this.#maxTopics = maxTopics;
    this.root = new TopicNode('', null, 0);
    this.topicCount = 0; // topics that have had a message
    this.version = 0; // moves on every change (a message, a new rate sample, clear)
    this.structureVersion = 0; // moves when nodes are added or removed
    this.dropped = 0; // messages not stored because maxTopics was reached
  }

  /** The cap on nodeCount. */
  get maxTopics() {
    return this.#maxTopics;
  }

  /** The number of nodes (topics and the levels above them). */
  get nodeCount() {
    return this.#nodes.size;
  }

  get(topic) {
    return this.#nodes.get(topic);
  }

  /** Stores one message record ({ topic, payload, qos, retain, properties, time }). */
  add(message) {
    const node = this.#nodes.get(message.topic) ?? this.#create(message.topic);
    if (!node) {
      this.dropped += 1;
      return undefined;
    }
    if (node.count === 0) this.topicCount += 1;
    node.count += 1;
    for (let n = node; n; n = n.parent) n.total += 1;
    node.last = message;
    node.qos = message.qos;
    const empty = !message.payload || message.payload.length === 0;
    if (empty) node.retained = false;
    else if (message.retain) node.retained = true;
    node.history.push(message);
    this.version += 1;
    return node;
  }

  /** Keeps up to n messages of history for this topic (now, and if it appears later). */
  setHistoryCapacity(topic, n) {
    if (n === this.#historyCapacity) this.#capacityFor.delete(topic);
    else this.#capacityFor.set(topic, n);
    this.#nodes.get(topic)?.history.resize(n);
  }

  /**
   * Fills node.rate and node.totalRate with the msgs/s since the previous call (a plain
   * average over that interval, not smoothed). The first call only sets the baseline.
   */
  sampleRates(now) {
    const previous = this.#lastSample;
    this.#lastSample = now;
    const seconds = previous === undefined ? 0 : (now - previous) / 1000;
    const measure = (node) => {
      if (seconds > 0) {
        node.rate = (node.count - node.countAtSample) / seconds;
        node.totalRate = (node.total - node.totalAtSample) / seconds;
      }
      node.countAtSample = node.count;
      node.totalAtSample = node.total;
    };
    measure(this.root);
    for (const node of this.#nodes.values()) measure(node);
    this.version += 1;
  }

  /**
   * The visible nodes in display order (siblings sorted by compareNames, each node before
   * its children). `expanded`: the Set of open paths. `filter`: with text, the nodes whose
   * path contains it (case-insensitive) show, with their ancestors open; `expanded` is not
   * used then. The same array comes back while nothing it depends on changed; do not modify it.
   */
  rows(expanded = new Set(), filter = '') {
    const text = String(filter ?? '').trim().toLowerCase();
    const cache = this.#cache;
    if (cache && cache.structure === this.structureVersion && cache.filter === text
        && (text !== '' || sameSet(cache.expanded, expanded))) {
      return cache.rows;
    }
    const rows = text === '' ? this.#expandedRows(expanded) : this.#filteredRows(text);
    this.#cache = { structure: this.structureVersion, filter: text, expanded: text === '' ? new Set(expanded) : null, rows };
    return rows;
  }

  /** Forgets every topic (history capacities asked with setHistoryCapacity are kept). */
  clear() {
    this.root = new TopicNode('', null, 0);
    this.#nodes.clear();
    this.topicCount = 0;
    this.dropped = 0;
    this.#lastSample = undefined;
    this.#cache = null;
    this.#filterCache = null;
    this.structureVersion += 1;
    this.version += 1;
  }

  #create(topic) {
    const names = topic.split('/');
    let node = this.root;
    for (const name of names) {
      let child = node.children.get(name);
      if (!child) {
        if (this.#nodes.size >= this.#maxTopics) return undefined;
        child = new TopicNode(name, node, this.#historyCapacity);
        const capacity = this.#capacityFor.get(child.path);
        if (capacity !== undefined) child.history.resize(capacity);
        node.children.set(name, child);
        insertSorted(node.sorted, child);
        this.#nodes.set(child.path, child);
        this.structureVersion += 1;
      }
      node = child;
    }
    return node;
  }

  #expandedRows(expanded) {
    const rows = [];
    // An explicit stack (topics can be thousands of levels deep): push children in reverse.
    const stack = [];
    for (let i = this.root.sorted.length - 1; i >= 0; i -= 1) stack.push(this.root.sorted[i]);
    while (stack.length) {
      const node = stack.pop();
      rows.push(node);
      if (node.sorted.length && expanded.has(node.path)) {
        for (let i = node.sorted.length - 1; i >= 0; i -= 1) stack.push(node.sorted[i]);
      }
    }
    return rows;
  }

  #filteredRows(text) {
    let visible = this.#filterCache?.filter === text && this.#filterCache.structure === this.structureVersion
      ? this.#filterCache.visible : null;
    if (!visible) {
      visible = new Set();
      for (const node of this.#nodes.values()) {
        node.lowerPath ??= node.path.toLowerCase();
        if (!node.lowerPath.includes(text)) continue;
        for (let n = node; n && n.depth > 0 && !visible.has(n); n = n.parent) visible.add(n);
      }
      this.#filterCache = { filter: text, structure: this.structureVersion, visible };
    }
    const rows = [];
    const stack = [];
    const pushChildren = (node) => {
      for (let i = node.sorted.length - 1; i >= 0; i -= 1) if (visible.has(node.sorted[i])) stack.push(node.sorted[i]);
    };
    pushChildren(this.root);
    while (stack.length) {
      const node = stack.pop();
      rows.push(node);
      pushChildren(node);
    }
    return rows;
  }
}

function insertSorted(list, node) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareNames(list[mid].name, node.name) <= 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, node);
}

function sameSet(a, b) {
  if (a === null || a.size !== b.size) return false;
  for (const v of b) if (!a.has(v)) return false;
  return true;
}
