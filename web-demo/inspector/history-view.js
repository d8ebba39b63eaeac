// The selected topic's history as HTML list items, newest first, each with its time and
// what changed against the message before it (JSON diff), or its text when it is not JSON.
//   historyItems(ring, limit) -> { html, shown, total }
//     ring: the topic's Ring of message records (0 = oldest); at most `limit` newest are
//     rendered. Each item's HTML is cached per record, so a new message costs one diff.
import { jsonDiff, shortValue } from './json-diff.js';
import { parseJson } from './payload-view.js';
import { bytesText } from './properties.js';
import { formatTime, formatBytes, escapeHtml } from '../lib/format.js';

const TEXT_CHARS = 200;
const cache = new WeakMap();  // record -> { previous, html }

export function historyItems(ring, limit) {
  const total = ring.length;
  const shown = Math.min(total, limit);
  const parts = [];
  for (let i = total - 1; i >= total - shown; i--) parts.push(item(ring.at(i), i > 0 ? ring.at(i - 1) : undefined));
  return { html: parts.join(''), shown, total };
}

function item(record, previous) {
  const cached = cache.get(record);
  if (cached && cached.previous === previous) return cached.html;
  const html = `<li class="insp-entry"><div class="insp-entry-head"><time>${formatTime(record.time)}</time>`
    + `${record.retain ? '<span class="insp-badge">retained</span>' : ''}`
    + `<span class="insp-entry-meta">QoS ${record.qos} · ${formatBytes(record.payload.length)}</span></div>`
    + `${body(record, previous)}</li>`;
  cache.set(record, { previous, html });
  return html;
}

function body(record, previous) {
  if (!record.payload.length) return `<div class="insp-entry-text insp-muted">empty payload${record.retain ? ' (retained message cleared)' : ''}</div>`;
  const now = parseJson(record.payload);
  if (!now.ok) return `<div class="insp-entry-text">${escapeHtml(clip(bytesText(record.payload)))}</div>`;
  const before = previous && previous.payload.length ? parseJson(previous.payload) : { ok: false };
  if (!before.ok) return `<div class="insp-entry-text">${escapeHtml(shortValue(now.value, TEXT_CHARS))}</div>`;
  const { changes, more } = jsonDiff(before.value, now.value, { max: 20 });
  if (!changes.length) return '<div class="insp-entry-text insp-muted">no change</div>';
  const lines = changes.map((c) => {
    const path = `<code>${escapeHtml(c.path || '(value)')}</code>`;
    if (c.kind === 'added') return `<li class="insp-added">+ ${path} ${escapeHtml(shortValue(c.after))}</li>`;
    if (c.kind === 'removed') return `<li class="insp-removed">− ${path} ${escapeHtml(shortValue(c.before))}</li>`;
    return `<li class="insp-changed">~ ${path} ${escapeHtml(shortValue(c.before))} → ${escapeHtml(shortValue(c.after))}</li>`;
  });
  if (more) lines.push(`<li class="insp-muted">and ${more} more</li>`);
  return `<ul class="insp-diff">${lines.join('')}</ul>`;
}

const clip = (text) => (text.length > TEXT_CHARS ? `${text.slice(0, TEXT_CHARS - 1)}…` : text);
