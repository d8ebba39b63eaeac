// The topic tree on the page: a search box, expand-all / collapse-all, and a virtualized
// list of the visible topics (only the rows in view, plus a few above and below, are in
// the DOM; a spacer gives the list its full height).
//
//   const view = mountTreeView(element, { tree, onSelect(path) {} });
//   view.render()        // call at most once per animation frame; cheap when nothing moved
//   view.select(path)    // highlights the topic, opens its ancestors and scrolls to it
//                        // (it does not call onSelect: a click or Enter does)
//   view.expandAll(); view.collapseAll();
//   view.setOpen(path, open)  // opens or closes one node (nothing when there is no such node)
//
// A row: a triangle for nodes with children (click toggles), the name indented by depth,
// a retained badge (R), the QoS, the own count / subtree total, the rate (msgs/s: the
// subtree's for a node with children) and the last value shortened. Clicking a row selects
// it and calls onSelect(path). Keys on the focused list: up/down move, right opens (or goes
// to the first child), left closes (or goes to the parent), Enter or Space selects,
// Home/End. While a search is typed, the matching topics show with their ancestors open;
// the triangles then close and open within the results.
//
// Styles: tree-view.css (classes start with `tree-`). Row height: ROW_HEIGHT below and
// --tree-row-height in the CSS agree.
import { formatCount } from '../lib/format.js';
import { previewPayload } from './payload-preview.js';

export const ROW_HEIGHT = 26;
const OVERSCAN = 8;
const INDENT = 14; // px per level
const MAX_INDENT_LEVELS = 16;

export function mountTreeView(element, { tree, onSelect = () => {} }) {
  const root = el('div', 'tree-view');
  const toolbar = el('div', 'tree-toolbar');
  const search = el('input', 'tree-search');
  search.type = 'search';
  search.placeholder = 'Filter topics';
  search.setAttribute('aria-label', 'Filter topics');
  search.spellcheck = false;
  search.autocomplete = 'off';
  const expandButton = button('tree-expand-all', 'Expand all');
  const collapseButton = button('tree-collapse-all', 'Collapse all');
  const summary = el('span', 'tree-summary');
  toolbar.append(search, expandButton, collapseButton, summary);
  const scroller = el('div', 'tree-scroller');
  scroller.tabIndex = 0;
  scroller.setAttribute('role', 'tree');
  scroller.setAttribute('aria-label', 'Topics');
  const spacer = el('div', 'tree-spacer');
  const empty = el('div', 'tree-empty');
  empty.textContent = 'No topics yet.';
  scroller.append(spacer, empty);
  root.append(toolbar, scroller);
  element.append(root);

  const expanded = new Set(); // open paths without a search
  const closedInSearch = new Set(); // paths the user closed within the search results
  let filter = '';
  let expansionVersion = 0;
  let rows = [];
  let rowsKey = null;
  let drawnKey = null;
  let scrollTop = 0;
  let viewHeight = 0;
  let selected = null;
  let cursor = null; // the keyboard's row (a path)
  let revealPath = null; // scroll to it at the next render
  const slots = []; // pooled row elements and what each shows

  scroller.addEventListener('scroll', () => { scrollTop = scroller.scrollTop; }, { passive: true });
  if (typeof ResizeObserver === 'function') {
    new ResizeObserver(() => { viewHeight = scroller.clientHeight; }).observe(scroller);
  }
  search.addEventListener('input', () => {
    filter = search.value.trim();
    closedInSearch.clear();
    expansionVersion += 1;
    scroller.scrollTop = scrollTop = 0;
  });
  expandButton.addEventListener('click', () => api.expandAll());
  collapseButton.addEventListener('click', () => api.collapseAll());
  scroller.addEventListener('click', (event) => {
    const rowElement = event.target.closest('.tree-row');
    const node = rowElement && rows[Number(rowElement.dataset.index)];
    if (!node) return;
    cursor = node.path;
    if (event.target.closest('.tree-toggle') && node.children.size) toggle(node);
    else choose(node);
  });
  scroller.addEventListener('keydown', onKey);

  function isOpen(node) {
    return filter ? !closedInSearch.has(node.path) : expanded.has(node.path);
  }

  function setOpen(node, open) {
    if (filter) {
      if (open) closedInSearch.delete(node.path);
      else closedInSearch.add(node.path);
    } else if (open) expanded.add(node.path);
    else expanded.delete(node.path);
    expansionVersion += 1;
  }

  function toggle(node) {
    setOpen(node, !isOpen(node));
  }

  function choose(node) {
    selected = node.path;
    cursor = node.path;
    drawnKey = null;
    onSelect(node.path);
  }

  // The rows to show: the tree's rows, less those under nodes closed within a search.
  function currentRows() {
    const key = `${tree.structureVersion}\u0000${expansionVersion}\u0000${filter}`;
    if (key === rowsKey) return rows;
    let list = tree.rows(expanded, filter);
    if (filter && closedInSearch.size) {
      const kept = [];
      let skipBelow = Infinity; // depth of a closed node whose descendants are skipped
      for (const node of list) {
        if (node.depth > skipBelow) continue;
        skipBelow = closedInSearch.has(node.path) ? node.depth : Infinity;
        kept.push(node);
      }
      list = kept;
    }
    rows = list;
    rowsKey = key;
    return rows;
  }

  function indexOf(path) {
    if (path === null) return -1;
    return rows.findIndex((n) => n.path === path);
  }

  function reveal(index) {
    if (index < 0) return;
    const top = index * ROW_HEIGHT;
    if (top < scrollTop) scrollTop = top;
    else if (top + ROW_HEIGHT > scrollTop + viewHeight) scrollTop = Math.max(0, top + ROW_HEIGHT - viewHeight);
    else return;
    scroller.scrollTop = scrollTop;
    scrollTop = scroller.scrollTop; // the browser clamps it
  }

  function moveCursor(index) {
    const i = Math.max(0, Math.min(rows.length - 1, index));
    if (!rows[i]) return;
    cursor = rows[i].path;
    revealPath = cursor;
    drawnKey = null;
  }

  function onKey(event) {
    currentRows();
    const at = indexOf(cursor);
    const node = rows[at];
    let handled = true;
    switch (event.key) {
      case 'ArrowDown': moveCursor(at + 1); break;
      case 'ArrowUp': moveCursor(at < 0 ? 0 : at - 1); break;
      case 'Home': moveCursor(0); break;
      case 'End': moveCursor(rows.length - 1); break;
      case 'PageDown': moveCursor(at + Math.max(1, Math.floor(viewHeight / ROW_HEIGHT) - 1)); break;
      case 'PageUp': moveCursor(at - Math.max(1, Math.floor(viewHeight / ROW_HEIGHT) - 1)); break;
      case 'ArrowRight':
        if (!node) moveCursor(0);
        else if (node.children.size && !isOpen(node)) setOpen(node, true);
        else if (node.children.size) moveCursor(at + 1);
        break;
      case 'ArrowLeft':
        if (!node) break;
        if (node.children.size && isOpen(node)) setOpen(node, false);
        else if (node.parent && node.parent.depth > 0) moveCursor(indexOf(node.parent.path));
        break;
      case 'Enter':
      case ' ':
        if (node) choose(node);
        break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  }

  // What a drawing shows: render() does nothing while it has not moved.
  function drawState() {
    return `${tree.version}\u0000${tree.structureVersion}\u0000${expansionVersion}\u0000${filter}\u0000${scrollTop}\u0000${viewHeight}`;
  }

  function render() {
    if (!viewHeight) viewHeight = scroller.clientHeight;
    if (revealPath === null && drawState() === drawnKey) return false;
    const list = currentRows();
    spacer.style.height = `${list.length * ROW_HEIGHT}px`;
    const maxTop = Math.max(0, list.length * ROW_HEIGHT - viewHeight);
    if (scrollTop > maxTop) scrollTop = maxTop; // the list got shorter: the browser clamps too
    if (revealPath !== null) {
      reveal(indexOf(revealPath));
      revealPath = null;
    }
    empty.hidden = list.length > 0;
    setText(empty, filter ? 'No topic matches.' : 'No topics yet.');
    const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(list.length, Math.ceil((scrollTop + viewHeight) / ROW_HEIGHT) + OVERSCAN);
    const needed = Math.max(0, last - first);
    while (slots.length < needed) slots.push(newSlot());
    for (let j = 0; j < slots.length; j += 1) {
      const slot = slots[j];
      if (j < needed) {
        slot.row.hidden = false;
        drawRow(slot, list[first + j], first + j);
      } else if (!slot.row.hidden) {
        slot.row.hidden = true;
        slot.node = null;
      }
    }
    setText(summary, filter
      ? `${formatCount(list.length)} shown`
      : `${formatCount(tree.topicCount)} topic${tree.topicCount === 1 ? '' : 's'}`);
    drawnKey = drawState();  // after reveal() and the clamp, which may move scrollTop
    return true;
  }

  function newSlot() {
    const row = el('div', 'tree-row');
    row.setAttribute('role', 'treeitem');
    const parts = {
      toggle: el('span', 'tree-toggle'),
      name: el('span', 'tree-name'),
      retained: el('span', 'tree-retained'),
      qos: el('span', 'tree-qos'),
      count: el('span', 'tree-count'),
      rate: el('span', 'tree-rate'),
      value: el('span', 'tree-value'),
    };
    parts.toggle.setAttribute('aria-hidden', 'true');
    parts.retained.textContent = 'R';
    parts.retained.title = 'retained';
    row.append(parts.toggle, parts.name, parts.retained, parts.qos, parts.count, parts.rate, parts.value);
    spacer.append(row);
    return { row, parts, node: null, shown: {} };
  }

  // Writes to the DOM only what differs from what the row already shows.
  function drawRow(slot, node, index) {
    const { row, parts, shown } = slot;
    const set = (name, value, apply) => {
      if (shown[name] !== value) {
        shown[name] = value;
        apply(value);
      }
    };
    slot.node = node;
    set('index', index, (v) => {
      row.dataset.index = String(v);
      row.style.transform = `translateY(${v * ROW_HEIGHT}px)`;
    });
    set('path', node.path, (v) => {
      row.title = v || '(empty level)';
      row.dataset.path = v;
    });
    set('depth', node.depth, (v) => {
      row.style.paddingLeft = `${4 + Math.min(v - 1, MAX_INDENT_LEVELS) * INDENT}px`;
      row.setAttribute('aria-level', String(v));
    });
    set('name', node.name, (v) => {
      parts.name.textContent = v === '' ? '(empty)' : v;
      parts.name.classList.toggle('tree-name-empty', v === '');
    });
    const hasChildren = node.children.size > 0;
    const open = hasChildren && isOpen(node);
    set('toggle', hasChildren ? (open ? 'open' : 'closed') : 'leaf', (v) => {
      parts.toggle.textContent = v === 'open' ? '▾' : v === 'closed' ? '▸' : '';
      if (v === 'leaf') row.removeAttribute('aria-expanded');
      else row.setAttribute('aria-expanded', String(v === 'open'));
    });
    set('selected', node.path === selected, (v) => {
      row.classList.toggle('tree-selected', v);
      row.setAttribute('aria-selected', String(v));
    });
    set('cursor', node.path === cursor, (v) => row.classList.toggle('tree-cursor', v));
    set('retained', node.retained, (v) => { parts.retained.hidden = !v; });
    set('qos', node.qos, (v) => {
      parts.qos.textContent = v === undefined ? '' : `Q${v}`;
      parts.qos.title = v === undefined ? '' : `QoS ${v} (last message)`;
    });
    set('count', hasChildren ? `${node.count}/${node.total}` : `${node.count}`, () => {
      parts.count.textContent = hasChildren ? `${formatCount(node.count)} / ${formatCount(node.total)}` : formatCount(node.count);
      parts.count.title = hasChildren ? `${node.count} on this topic, ${node.total} in the subtree` : `${node.count} messages`;
    });
    const rate = hasChildren ? node.totalRate : node.rate;
    set('rate', `${node.rate} ${node.totalRate}`, () => {
      parts.rate.textContent = formatRate(rate);
      parts.rate.title = hasChildren
        ? `${formatRate(node.rate) || '0/s'} on this topic, ${formatRate(node.totalRate) || '0/s'} in the subtree`
        : `${formatRate(node.rate) || '0/s'}`;
    });
    set('last', node.last, (message) => {
      if (!message) {
        parts.value.textContent = '';
        parts.value.classList.remove('tree-binary');
        return;
      }
      const { text, binary } = previewPayload(message.payload);
      parts.value.textContent = text;
      parts.value.classList.toggle('tree-binary', binary);
    });
  }

  // Every node of the tree that has children (an explicit stack: topics can be deep).
  function parents() {
    const out = [];
    const stack = [...tree.root.children.values()];
    while (stack.length) {
      const node = stack.pop();
      if (!node.children.size) continue;
      out.push(node);
      for (const child of node.children.values()) stack.push(child);
    }
    return out;
  }

  const api = {
    render,
    select(path) {
      selected = path;
      cursor = path;
      const node = tree.get(path);
      if (node && !filter) {
        for (let n = node.parent; n && n.depth > 0; n = n.parent) expanded.add(n.path);
        expansionVersion += 1;
      } else if (node) {
        for (let n = node.parent; n && n.depth > 0; n = n.parent) closedInSearch.delete(n.path);
        expansionVersion += 1;
      }
      revealPath = path;
      drawnKey = null;
    },
    expandAll() {
      if (filter) closedInSearch.clear();
      else for (const node of parents()) expanded.add(node.path);
      expansionVersion += 1;
    },
    setOpen(path, open) {
      const node = tree.get(path);
      if (node) setOpen(node, open);
    },
    collapseAll() {
      if (filter) for (const node of parents()) closedInSearch.add(node.path);
      else expanded.clear();
      expansionVersion += 1;
    },
  };
  return api;
}

function formatRate(rate) {
  if (!rate) return '';
  if (rate < 10) return `${(Math.round(rate * 10) / 10).toFixed(1)}/s`;
  return `${formatCount(Math.round(rate))}/s`;
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function el(tag, className) {
  const node = document.createElement(tag);
  node.className = className;
  return node;
}

function button(className, label) {
  const node = el('button', className);
  node.type = 'button';
  node.textContent = label;
  return node;
}
