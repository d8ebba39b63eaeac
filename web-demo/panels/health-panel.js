// The broker health panel: figures from the broker's $SYS topics (lib/sys-stats.js) and
// the dashboard's own (messages per second into the page, topics seen).
//
//   const health = mountHealthPanel(element, { sys, local })
//   sys: a SysStats; local(): { rate, topics } from the app (msgs/s into the page, topics seen)
//   health.render()   at most once a second does any work
import { formatCount, formatDuration, formatBytes } from '../lib/format.js';

const CELLS = [
  ['clients', 'Clients', (s) => formatCount(s.clients)],
  ['receivedRate', 'Broker in', (s) => rate(s.receivedRate)],
  ['sentRate', 'Broker out', (s) => rate(s.sentRate)],
  ['uptime', 'Uptime', (s) => (s.uptime === undefined ? '–' : formatDuration(s.uptime))],
  ['subscriptions', 'Subscriptions', (s) => formatCount(s.subscriptions)],
  ['retained', 'Retained', (s) => formatCount(s.retained)],
  ['bytes', 'Bytes in / out', (s) => `${formatBytes(s.bytesReceived)} / ${formatBytes(s.bytesSent)}`],
];

function rate(value) {
  return value === undefined ? '–' : `${formatCount(Math.round(value))}/s`;
}

export function mountHealthPanel(element, { sys, local }) {
  element.classList.add('health');
  element.innerHTML = `
    <div class="health-head"><h2>Broker</h2><span class="health-version muted"></span></div>
    <dl class="health-grid">
      ${CELLS.map(([key, label]) => `<div class="health-cell" data-stat="${key}"><dt>${label}</dt><dd>–</dd></div>`).join('')}
      <div class="health-cell" data-stat="page"><dt>This page gets</dt><dd>–</dd></div>
      <div class="health-cell" data-stat="topics"><dt>Topics seen</dt><dd>–</dd></div>
    </dl>
    <p class="health-empty muted">Waiting for the broker's $SYS topics (our broker publishes them every
      second; Mosquitto every <code>sys_interval</code> seconds, 10 by default).</p>`;
  const version = element.querySelector('.health-version');
  const empty = element.querySelector('.health-empty');
  const cells = Object.fromEntries([...element.querySelectorAll('.health-cell')].map((c) => [c.dataset.stat, c.querySelector('dd')]));
  let lastRender = 0;

  return {
    render(now = Date.now()) {
      if (now - lastRender < 1000) return;
      lastRender = now;
      const s = sys.snapshot();
      empty.hidden = s.seen;
      version.textContent = s.version ?? '';
      for (const [key, , show] of CELLS) cells[key].textContent = show(s);
      const mine = local();
      cells.page.textContent = `${formatCount(Math.round(mine.rate))}/s`;
      cells.topics.textContent = formatCount(mine.topics);
    },
  };
}
