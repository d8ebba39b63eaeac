// The publish panel: topic, payload, QoS, retain and the 5.0 properties; and clearing
// retained messages by topic or filter, with a preview of the topics it affects.
//
//   const panel = mountPublishPanel(element, { tree, session })
//   session(): the live session (its client publishes; its protocolVersion decides
//              whether the 5.0 fields show)
//   panel.useTopic(path)   fills the topic fields (the app calls it on selection)
//   panel.render()         refreshes the preview when the tree moved
import { topicMatchesFilter } from 'mqtt-wasm';
// The package's own filter check (not a public export; the module topicMatchesFilter
// comes from).
import { isValidFilter } from '../../js/topic-match.js';
import { escapeHtml } from '../lib/format.js';

const PREVIEW_LIMIT = 50;

export function mountPublishPanel(element, { tree, session }) {
  element.classList.add('publish');
  element.innerHTML = `
    <h2>Publish</h2>
    <form class="pub-form" autocomplete="off">
      <label>Topic <input name="topic" required placeholder="demo/room/light" spellcheck="false"></label>
      <label>Payload <textarea name="payload" rows="3" placeholder='{"on": true}' spellcheck="false"></textarea></label>
      <div class="pub-row">
        <label>QoS <select name="qos"><option>0</option><option selected>1</option><option>2</option></select></label>
        <label class="pub-check"><input type="checkbox" name="retain"> Retain</label>
        <button type="submit" class="primary">Publish</button>
      </div>
      <details class="pub-v5">
        <summary>5.0 properties</summary>
        <label>Content type <input name="contentType" placeholder="application/json"></label>
        <label>Response topic <input name="responseTopic"></label>
        <label>Correlation data <input name="correlationData" placeholder="text"></label>
        <label>Message expiry (s) <input name="messageExpiryInterval" inputmode="numeric"></label>
        <label>User properties <textarea name="userProperties" rows="2" placeholder="key=value, one per line"></textarea></label>
      </details>
      <p class="pub-result" role="status"></p>
    </form>
    <h3>Clear retained messages</h3>
    <form class="pub-clear" autocomplete="off">
      <label>Topic or filter <input name="filter" placeholder="demo/devices/#" spellcheck="false"></label>
      <p class="pub-preview muted"></p>
      <button type="submit" disabled>Clear</button>
      <p class="pub-clear-result" role="status"></p>
    </form>`;
  const form = element.querySelector('.pub-form');
  const result = element.querySelector('.pub-result');
  const v5 = element.querySelector('.pub-v5');
  const clearForm = element.querySelector('.pub-clear');
  const preview = element.querySelector('.pub-preview');
  const clearButton = clearForm.querySelector('button');
  const clearResult = element.querySelector('.pub-clear-result');
  let affected = [];
  let previewFor = null;

  const show = (el, text, ok) => {
    el.textContent = text;
    el.classList.toggle('ok', ok);
    el.classList.toggle('bad', !ok);
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const s = session();
    if (!s?.client) return show(result, 'not connected', false);
    const f = new FormData(form);
    const topic = f.get('topic');
    let opts;
    try {
      opts = { qos: Number(f.get('qos')), retain: f.get('retain') === 'on' };
      if (s.protocolVersion === 5) opts.properties = properties(f);
    } catch (err) {
      return show(result, err.message, false);
    }
    show(result, 'publishing…', true);
    try {
      await s.client.publish(topic, f.get('payload'), opts);
      show(result, `published to ${topic} at QoS ${opts.qos}${opts.retain ? ', retained' : ''}`, true);
    } catch (err) {
      show(result, err.message, false);
    }
  });

  clearForm.elements.filter.addEventListener('input', () => { previewFor = null; });
  clearForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const s = session();
    if (!s?.client) return show(clearResult, 'not connected', false);
    const topics = affected;
    try {
      // An empty retained payload deletes the retained message [MQTT-3.3.1-6].
      await Promise.all(topics.map((topic) => s.client.publish(topic, '', { qos: 1, retain: true })));
      show(clearResult, `cleared ${topics.length} retained message${topics.length === 1 ? '' : 's'}`, true);
    } catch (err) {
      show(clearResult, err.message, false);
    }
    previewFor = null;
  });

  return {
    useTopic(path) {
      form.elements.topic.value = path;
      clearForm.elements.filter.value = path;
      previewFor = null;
    },
    render() {
      v5.hidden = session()?.protocolVersion !== 5;
      const filter = clearForm.elements.filter.value.trim();
      // The preview walks the whole tree: at most once a second for the same filter.
      const now = Date.now();
      if (previewFor && previewFor.filter === filter && (previewFor.version === tree.version || now - previewFor.at < 1000)) return;
      previewFor = { filter, version: tree.version, at: now };
      const problem = filter ? clearProblem(filter) : '';
      affected = filter && !problem ? retainedMatching(tree, filter) : [];
      clearButton.disabled = affected.length === 0;
      clearButton.textContent = `Clear ${affected.length} retained message${affected.length === 1 ? '' : 's'}`;
      preview.classList.toggle('bad', problem !== '');
      if (!filter) preview.textContent = 'Type a topic or a filter (+ and #) to see which retained messages it clears.';
      else if (problem) preview.textContent = problem;
      else if (affected.length === 0) preview.textContent = 'No retained message seen under it.';
      else {
        const shown = affected.slice(0, PREVIEW_LIMIT).map((t) => `<li>${escapeHtml(t)}</li>`).join('');
        const more = affected.length > PREVIEW_LIMIT ? `<li>… and ${affected.length - PREVIEW_LIMIT} more</li>` : '';
        preview.innerHTML = `Affects:<ul>${shown}${more}</ul>`;
      }
    },
  };
}

// Why the filter cannot clear anything, or '' when it can.
function clearProblem(filter) {
  // Brokers refuse a client's publish there (ours and Mosquitto: "Not authorized").
  if (filter.startsWith('$SYS')) return '$SYS topics belong to the broker: it publishes them and does not let clients clear them.';
  if (isValidFilter(filter)) return '';
  if (filter.split('/').some((level) => level !== '#' && level !== '+' && /[#+]/.test(level))) {
    return 'Not a valid filter: + and # must each be a whole level, as in a/+/c or a/#.';
  }
  return 'Not a valid filter: # must be the last level, as in a/b/#.';
}

// Retained topics the dashboard has seen that the filter matches.
function retainedMatching(tree, filter) {
  const out = [];
  const walk = (node) => {
    if (node.retained && node.path && (node.path === filter || topicMatchesFilter(filter, node.path))) out.push(node.path);
    for (const child of node.children.values()) walk(child);
  };
  walk(tree.root);
  return out.sort();
}

function properties(f) {
  const p = {};
  const text = (name) => String(f.get(name) ?? '').trim();
  if (text('contentType')) p.contentType = text('contentType');
  if (text('responseTopic')) p.responseTopic = text('responseTopic');
  if (text('correlationData')) p.correlationData = new TextEncoder().encode(text('correlationData'));
  if (text('messageExpiryInterval')) {
    const n = Number(text('messageExpiryInterval'));
    if (!Number.isInteger(n) || n < 0 || n > 4294967295) throw new Error('message expiry must be a whole number of seconds');
    p.messageExpiryInterval = n;
  }
  const lines = text('userProperties').split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines.length) {
    p.userProperties = {};
    for (const line of lines) {
      const at = line.indexOf('=');
      if (at <= 0) throw new Error(`user property "${line}" must be key=value`);
      const key = line.slice(0, at).trim();
      const value = line.slice(at + 1).trim();
      const had = p.userProperties[key];
      p.userProperties[key] = had === undefined ? value : [].concat(had, value);
    }
  }
  return p;
}
