// The dashboard's live charts: numeric payloads and numeric JSON fields plotted over time
// with uPlot, in a grid of pinned cards whose layout is saved in storage.
//
//   const grid = mountChartGrid(element, { storage = localStorage, tree })
//   grid.onMessage(record)   every message; a Map lookup unless its topic is pinned
//   grid.pin(topic, field)   -> chart id; field '' plots a plain-number payload, else a JSON
//                               path such as 'temperature' or 'a.b.0'. Pinning again returns
//                               the same chart. With `tree` (a TopicTree), a new chart starts
//                               with the points of the topic's history.
//   grid.unpin(id)
//   grid.render(now)         redraws only the charts that got points since the last call;
//                               the app calls it at most once per animation frame
//   grid.charts()            -> [{ id, topic, field, size, length, last, plot }] (plot: uPlot)
//
// Each card shows topic and field, the latest value, and buttons to move it earlier,
// toggle its width (1 or 2 grid columns) and remove it. Points live in bounded columnar
// rings (series.js); the plot shows the last WINDOW_SECONDS. Restored charts stay empty
// until their topic publishes again.
import uPlot from 'uplot';
import { Series } from './series.js';
import { ChartLayout } from './chart-layout.js';
import { parseNumeric, valueAt } from '../lib/numeric-fields.js';

export const POINTS_PER_CHART = 3600;
export const WINDOW_SECONDS = 300;
const PLOT_HEIGHT = 160;

export function mountChartGrid(element, { storage = globalThis.localStorage, tree } = {}) {
  const layout = new ChartLayout(storage);
  const charts = new Map();   // id -> chart
  const byTopic = new Map();  // topic -> [chart]: the only lookup for every message

  element.classList.add('chart-panel');
  element.innerHTML = `
    <div class="chart-head"><h2>Charts</h2><span class="chart-window">last ${WINDOW_SECONDS / 60} min</span></div>
    <p class="chart-empty">Pick a numeric field in the inspector to plot it</p>
    <div class="chart-grid"></div>`;
  const grid = element.querySelector('.chart-grid');
  const empty = element.querySelector('.chart-empty');
  const colors = themeColors(element);

  grid.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    const card = button?.closest('.chart-card');
    if (!card) return;
    const id = card.dataset.id;
    const action = button.dataset.action;
    if (action === 'remove') api.unpin(id);
    else if (action === 'size') {
      const wide = layout.get(id)?.size !== 2;
      layout.setSize(id, wide ? 2 : 1);
      card.classList.toggle('chart-wide', wide);
      button.setAttribute('aria-pressed', String(wide));
    } else if (action === 'earlier' && card.previousElementSibling) {
      layout.move(id, -1);
      grid.insertBefore(card, card.previousElementSibling);
    }
  });

  function addChart(entry) {
    const card = document.createElement('article');
    card.className = `chart-card${entry.size === 2 ? ' chart-wide' : ''}`;
    card.dataset.id = entry.id;
    card.innerHTML = `
      <header class="chart-card-head">
        <div class="chart-title"><span class="chart-topic"></span><span class="chart-field"></span></div>
        <span class="chart-value">–</span>
        <div class="chart-actions">
          <button type="button" data-action="earlier" title="Move earlier" aria-label="Move earlier">◀</button>
          <button type="button" data-action="size" title="Wide or narrow" aria-label="Toggle width" aria-pressed="${entry.size === 2}">⇔</button>
          <button type="button" data-action="remove" title="Remove" aria-label="Remove chart">✕</button>
        </div>
      </header>
      <div class="chart-plot"><p class="chart-wait">Waiting for data on this topic</p></div>`;
    card.querySelector('.chart-topic').textContent = entry.topic;
    card.querySelector('.chart-topic').title = entry.topic;
    card.querySelector('.chart-field').textContent = entry.field || 'value';
    grid.append(card);
    const host = card.querySelector('.chart-plot');
    const series = new Series(POINTS_PER_CHART);
    const plot = new uPlot(plotOptions(entry, host.clientWidth || 300, colors), [[], []], host);
    const wait = card.querySelector('.chart-wait');
    const chart = { entry, series, card, value: card.querySelector('.chart-value'), wait, plot, dirty: false };
    chart.observer = new ResizeObserver(([observed]) => {
      const width = Math.floor(observed.contentRect.width);
      if (width > 0 && width !== plot.width) {
        plot.setSize({ width, height: PLOT_HEIGHT });
        chart.dirty = true;  // the next render hands uPlot fresh views of the rings
      }
    });
    chart.observer.observe(host);
    charts.set(entry.id, chart);
    const list = byTopic.get(entry.topic);
    if (list) list.push(chart);
    else byTopic.set(entry.topic, [chart]);
    return chart;
  }

  function seed(chart) {
    const history = tree?.get(chart.entry.topic)?.history;
    if (!history) return;
    for (const record of history) addPoint(chart, record, parseNumeric(record.payload));
  }

  function addPoint(chart, record, parsed) {
    const value = valueAt(parsed, chart.entry.field);
    if (value === undefined) return;
    const time = (record.time ?? Date.now()) / 1000;
    // Out-of-order times (a replayed history) would break the plot: keep it monotonic.
    const { series } = chart;
    if (series.length && time < series.timeAt(series.length - 1)) return;
    series.push(time, value);
    chart.dirty = true;
  }

  const showEmpty = () => { empty.hidden = charts.size > 0; };

  const api = {
    onMessage(record) {
      const list = byTopic.get(record.topic);
      if (list === undefined) return;
      const parsed = parseNumeric(record.payload);
      if (parsed === undefined) return;
      for (const chart of list) addPoint(chart, record, parsed);
    },

    pin(topic, field = '') {
      const entry = layout.add(topic, field);
      let chart = charts.get(entry.id);
      if (!chart) {
        chart = addChart(entry);
        seed(chart);
        showEmpty();
      }
      chart.card.scrollIntoView?.({ block: 'nearest' });
      return entry.id;
    },

    unpin(id) {
      const chart = charts.get(id);
      layout.remove(id);
      if (!chart) return;
      charts.delete(id);
      chart.observer.disconnect();
      chart.plot.destroy();
      chart.card.remove();
      const rest = byTopic.get(chart.entry.topic).filter((c) => c !== chart);
      if (rest.length) byTopic.set(chart.entry.topic, rest);
      else byTopic.delete(chart.entry.topic);
      showEmpty();
    },

    render(now = Date.now()) {
      const from = now / 1000 - WINDOW_SECONDS;
      for (const chart of charts.values()) {
        if (!chart.dirty) continue;
        chart.dirty = false;
        const { series } = chart;
        chart.value.textContent = series.length ? formatValue(series.last) : '–';
        chart.wait.hidden = series.length > 0;
        const start = series.indexAtOrAfter(from);
        chart.plot.setData([series.times(start), series.values(start)]);
      }
    },

    charts() {
      return [...layout.list()].map((entry) => {
        const chart = charts.get(entry.id);
        return { ...entry, length: chart.series.length, last: chart.series.last, plot: chart.plot };
      });
    },
  };

  for (const entry of layout.list()) addChart(layout.get(entry.id));
  showEmpty();
  return api;
}

function plotOptions(entry, width, colors) {
  const axis = { stroke: colors.muted, grid: { stroke: colors.border, width: 1 }, ticks: { stroke: colors.border, width: 1 } };
  return {
    width,
    height: PLOT_HEIGHT,
    legend: { show: false },
    cursor: { drag: { x: false, y: false, setScale: false } },
    scales: { x: { time: true, range: timeRange }, y: { range: valueRange } },
    axes: [axis, { ...axis, size: 56 }],
    series: [{}, { label: entry.field || 'value', stroke: colors.accent, width: 1.5 }],
  };
}

// At least MIN_SPAN_SECONDS of time on the axis, the newest point near the right edge.
// (For a single point uPlot hands us [t, t + 86400 / ms], years with times in seconds.)
const MIN_SPAN_SECONDS = 10;
function timeRange(u, min, max) {
  const xs = u.data[0];
  if (!xs?.length || min === null || max === null) {
    const now = Date.now() / 1000;
    return [now - MIN_SPAN_SECONDS, now];
  }
  const first = xs[0];
  const last = xs[xs.length - 1];
  return last - first < MIN_SPAN_SECONDS ? [last - MIN_SPAN_SECONDS, last + 0.5] : [first, last];
}

// A little room around the values; a flat line sits in the middle.
function valueRange(u, min, max) {
  if (min === null || max === null) return [0, 1];
  if (min === max) {
    const pad = Math.abs(min) * 0.05 || 1;
    return [min - pad, max + pad];
  }
  return uPlot.rangeNum(min, max, 0.1, true);
}

function themeColors(element) {
  const style = getComputedStyle(element);
  const read = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  return { accent: read('--accent', '#2563eb'), muted: read('--muted', '#5f6b7a'), border: read('--border', '#dde2e8') };
}

function formatValue(v) {
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e9 || abs < 1e-3)) return v.toExponential(3);
  return String(Number(v.toPrecision(6)));
}
