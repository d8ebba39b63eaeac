// The message inspector: the selected topic's last message and its history.
//
//   const inspector = mountInspector(element, { tree, onPin })
//   inspector.show(topicPath)   select a topic (asks the tree to keep 500 messages of it,
//                               and gives the previous topic its usual history size back)
//   inspector.render()          call at most once per animation frame: it redraws only when
//                               the topic got a message (and at most every 100 ms for that)
//   numericFields(payload)      re-exported from ../lib/numeric-fields.js
//
// It shows the topic, QoS, a retained badge, the time and size; the payload as pretty JSON,
// text or hex (tabs); the MQTT 5.0 properties; the numeric fields, each with a "plot"
// button that calls onPin(topic, field); and the history newest first, with what changed
// between consecutive JSON values, the newest 100 first ("show more" for the rest), and a
// "clear" button that empties it.
import { numericFields } from '../lib/numeric-fields.js';
import { formatTime, formatBytes, escapeHtml } from '../lib/format.js';
import { defaultView, renderPayload } from './payload-view.js';
import { formatProperties } from './properties.js';
import { historyItems } from './history-view.js';

export { numericFields };

export const HISTORY_CAPACITY = 500;
const HISTORY_PAGE = 100;
const MIN_INTERVAL_MS = 100;
const NARROW_PX = 580;   // a payload box narrower than this gets 8 hex bytes a line (16 need ~570 px)
const VIEWS = [['json', 'JSON'], ['text', 'Text'], ['hex', 'Hex']];

export function mountInspector(element, { tree, onPin = () => {} }) {
  element.classList.add('insp-panel');
  element.innerHTML = `
    <h2>Message</h2>
    <p class="insp-empty">Select a topic in the tree to inspect its messages</p>
    <div class="insp-body" hidden>
      <header class="insp-head">
        <code class="insp-topic"></code>
        <div class="insp-meta"></div>
      </header>
      <div class="insp-tabs" role="tablist">
        ${VIEWS.map(([v, label]) => `<button type="button" role="tab" data-view="${v}">${label}</button>`).join('')}
      </div>
      <pre class="insp-payload"></pre>
      <p class="insp-note" hidden></p>
      <section class="insp-section"><h3>Properties</h3><div class="insp-props"></div></section>
      <section class="insp-section insp-fields-section"><h3>Numeric fields</h3><ul class="insp-fields"></ul></section>
      <section class="insp-section">
        <div class="insp-history-head">
          <h3>History <span class="insp-count"></span></h3>
          <button type="button" class="insp-clear" data-action="clear">Clear</button>
        </div>
        <ol class="insp-history"></ol>
        <button type="button" class="insp-more" data-action="more" hidden>Show more</button>
      </section>
    </div>`;
  const $ = (selector) => element.querySelector(selector);
  const parts = {
    empty: $('.insp-empty'), body: $('.insp-body'), topic: $('.insp-topic'), meta: $('.insp-meta'),
    tabs: $('.insp-tabs'), payload: $('.insp-payload'), note: $('.insp-note'), props: $('.insp-props'),
    fieldsSection: $('.insp-fields-section'), fields: $('.insp-fields'), count: $('.insp-count'),
    history: $('.insp-history'), more: $('.insp-more'),
  };

  let topic = null;
  let chosenView = null;   // the tab the user picked; null: the best for each payload
  let historyLimit = HISTORY_PAGE;
  let seen = { node: undefined, count: -1 };
  let lastDraw = 0;
  let fieldsKey = null;    // the field names shown in the numeric fields list
  let raised = null;       // { topic, capacity }: the history we enlarged, to give back

  element.addEventListener('click', (event) => {
    const button = event.target.closest('button');
    if (!button || !element.contains(button)) return;
    if (button.dataset.view) {
      chosenView = button.dataset.view;
      draw();
    } else if (button.dataset.action === 'plot') {
      onPin(topic, button.dataset.field);
    } else if (button.dataset.action === 'clear') {
      tree.get(topic)?.history.clear();
      historyLimit = HISTORY_PAGE;
      draw();
    } else if (button.dataset.action === 'more') {
      historyLimit += HISTORY_PAGE;
      draw();
    }
  });

  function draw() {
    lastDraw = performance.now();
    const node = topic === null ? undefined : tree.get(topic);
    if (node !== seen.node && node && node.history.capacity < HISTORY_CAPACITY) {
      raised = { topic, capacity: node.history.capacity };
      tree.setHistoryCapacity(topic, HISTORY_CAPACITY);
    }
    seen = { node, count: node?.count ?? -1 };
    parts.empty.hidden = topic !== null;
    parts.body.hidden = topic === null;
    if (topic === null) return;
    parts.topic.textContent = topic;
    const record = node?.last;
    drawMessage(record);
    drawHistory(node);
  }

  function drawMessage(record) {
    if (!record) {
      parts.meta.innerHTML = '<span class="insp-muted">No message on this topic yet</span>';
      for (const el of [parts.tabs, parts.payload, parts.note, parts.props.parentElement, parts.fieldsSection]) el.hidden = true;
      return;
    }
    parts.tabs.hidden = false;
    parts.payload.hidden = false;
    parts.props.parentElement.hidden = false;
    parts.meta.innerHTML = `<span>QoS ${record.qos}</span>`
      + `${record.retain ? '<span class="insp-badge">retained</span>' : ''}`
      + `<time>${formatTime(record.time)}</time><span>${formatBytes(record.payload.length)}</span>`;

    const width = parts.payload.clientWidth || parts.body.clientWidth;
    const hexWidth = width > 0 && width < NARROW_PX ? 8 : 16;
    const shown = renderPayload(record.payload, chosenView ?? defaultView(record.payload), { hexWidth });
    for (const tab of parts.tabs.children) tab.setAttribute('aria-selected', String(tab.dataset.view === (chosenView ?? shown.view)));
    parts.payload.dataset.view = shown.view;
    parts.payload.textContent = shown.text;
    parts.note.hidden = !shown.note;
    parts.note.textContent = shown.note;

    const { rows, user } = formatProperties(record.properties);
    let html = rows.length || user.length ? '' : '<p class="insp-muted">no properties</p>';
    if (rows.length) html += `<dl class="insp-prop-list">${rows.map((r) => `<dt>${escapeHtml(r.label)}</dt><dd>${escapeHtml(r.value)}</dd>`).join('')}</dl>`;
    if (user.length) {
      html += '<table class="insp-user-props"><thead><tr><th>User property</th><th>Value</th></tr></thead><tbody>'
        + user.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`).join('')
        + '</tbody></table>';
    }
    parts.props.innerHTML = html;

    drawFields(numericFields(record.payload));
  }

  // The same fields as before: only their values change, so a "plot" button is never
  // replaced under the pointer while messages arrive.
  function drawFields(fields) {
    parts.fieldsSection.hidden = fields.length === 0;
    const key = fields.map((f) => f.field).join('\n');
    if (key !== fieldsKey) {
      fieldsKey = key;
      parts.fields.innerHTML = fields.map(({ field }) => `<li><code>${escapeHtml(field || '(value)')}</code>`
        + '<span class="insp-field-value"></span>'
        + `<button type="button" data-action="plot" data-field="${escapeHtml(field)}">plot</button></li>`).join('');
    }
    const values = parts.fields.querySelectorAll('.insp-field-value');
    fields.forEach(({ value }, i) => { values[i].textContent = String(value); });
  }

  function drawHistory(node) {
    const ring = node?.history;
    if (!ring) {
      parts.count.textContent = '';
      parts.history.innerHTML = '';
      parts.more.hidden = true;
      return;
    }
    const { html, shown, total } = historyItems(ring, historyLimit);
    parts.count.textContent = `(${total})`;
    parts.history.innerHTML = html || '<li class="insp-muted">empty</li>';
    parts.more.hidden = shown >= total;
  }

  return {
    show(topicPath) {
      if (topicPath !== topic) {
        // The topic we leave goes back to the tree's usual history size.
        if (raised && raised.topic !== topicPath) tree.setHistoryCapacity(raised.topic, raised.capacity);
        raised = null;
        historyLimit = HISTORY_PAGE;
        seen = { node: undefined, count: -1 };
      }
      topic = topicPath ?? null;
      draw();
    },
    render() {
      if (topic === null) return;
      const node = tree.get(topic);
      if (node === seen.node && (node?.count ?? -1) === seen.count) return;
      if (performance.now() - lastDraw < MIN_INTERVAL_MS) return;
      draw();
    },
  };
}
