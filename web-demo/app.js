// The dashboard: wires the connection, the models (topic tree, $SYS figures, chart
// series) and the views, and draws once per animation frame whatever the message rate.
//
// Where it connects: the profile chosen last (localStorage); else, when the page was
// served by `npm start` (its demo-config.json names the broker's ws:// URL), that broker; else a broker
// started inside this page with simulated devices. Query parameters override it:
//   ?broker=embedded | ?broker=server | ?url=ws://host:port[&protocol=4|5]
//   ?load=N[&loadTopics=M]   (embedded broker) the simulated devices add N msgs/s over M
//             topics (100), for the performance run
import { TopicTree } from './tree/topic-tree.js';
import { mountTreeView } from './tree/tree-view.js';
import { mountChartGrid } from './charts/chart-grid.js';
import { mountInspector } from './inspector/inspector.js';
import { mountPublishPanel } from './panels/publish-panel.js';
import { mountHealthPanel } from './panels/health-panel.js';
import { SysStats } from './lib/sys-stats.js';
import { formatCount } from './lib/format.js';
import { Profiles, checkProfile } from './connection/profiles.js';
import { openSession } from './connection/session.js';
import { mountConnectionPanel } from './connection/connection-panel.js';

const $ = (selector) => document.querySelector(selector);
const params = new URLSearchParams(location.search);

async function serverConfig() {
  try {
    const response = await fetch(new URL('demo-config.json', location.href), { cache: 'no-store' });
    if (!response.ok) return null;
    const config = await response.json();
    return typeof config?.ws === 'string' ? config : null;  // the static file says { "ws": null }
  } catch {
    return null;  // a static server without our broker: embedded mode
  }
}

function chosenProfile(profiles) {
  if (params.get('url')) {
    return checkProfile({ id: 'from-url', url: params.get('url'), protocolVersion: params.get('protocol') ?? 5 });
  }
  const broker = params.get('broker');
  return (broker && profiles.get(broker)) || profiles.active();
}

async function main() {
  const server = await serverConfig();
  const profiles = new Profiles(localStorage, { server });
  const tree = new TopicTree();
  const sys = new SysStats();
  let session = null;
  let received = 0;
  let pageRate = 0;

  const charts = mountChartGrid($('#charts'), { tree });
  const inspector = mountInspector($('#inspector'), { tree, onPin: (topic, field) => { charts.pin(topic, field); showTab('charts', true); } });
  const publish = mountPublishPanel($('#publish'), { tree, session: () => session });
  const health = mountHealthPanel($('#health'), { sys, local: () => ({ rate: pageRate, topics: tree.topicCount }) });
  const treeView = mountTreeView($('#tree'), {
    tree,
    onSelect(path) {
      inspector.show(path);
      publish.useTopic(path);
      showTab('inspect', true);
    },
  });

  const onMessage = (record) => {
    received++;
    tree.add(record);
    charts.onMessage(record);
    if (record.topic.startsWith('$SYS/')) sys.add(record);
  };

  const connection = mountConnectionPanel(
    { panel: $('#connection'), status: $('#status'), notice: $('#notice') },
    { profiles, onChoose: (profile) => { profiles.choose(profile.id); use(profile); } },
  );

  // Profiles chosen quickly one after another: each session is closed once, in turn, and
  // only the last choice opens one.
  let choice = 0;
  let closing = Promise.resolve();
  async function use(profile) {
    const mine = ++choice;
    const previous = session;
    session = null;
    connection.setActive(profile);
    const closed = closing.then(() => previous?.close());
    closing = closed.catch(() => {});  // a failed close is this call's to report; the next still goes
    await closed;
    if (mine !== choice) return;
    tree.clear();
    sys.clear();
    session = openSession(profile, {
      onMessage,
      onEvent: (e) => connection.event(e),
      devices: { load: Number(params.get('load') ?? 0), loadTopics: Number(params.get('loadTopics') ?? 100) },
    });
    window.dashboard.session = session;
  }

  // Panels on a phone: one at a time, picked by the tabs.
  function showTab(name, onlyIfNarrow = false) {
    if (onlyIfNarrow && !matchMedia('(max-width: 900px)').matches) return;
    $('.layout').dataset.tab = name;
    for (const b of document.querySelectorAll('.tabs button')) b.classList.toggle('active', b.dataset.tab === name);
  }
  $('.tabs').addEventListener('click', (event) => { if (event.target.dataset.tab) showTab(event.target.dataset.tab); });
  $('#status').addEventListener('click', () => {
    const panel = $('#connection');
    panel.hidden = !panel.hidden;
    $('#status').setAttribute('aria-expanded', String(!panel.hidden));
  });
  $('#notice .notice-close').addEventListener('click', () => { $('#notice').hidden = true; });

  // Drawing: once per animation frame; rates once a second.
  let lastSample = Date.now();
  let receivedAtSample = 0;
  function frame() {
    const now = Date.now();
    if (now - lastSample >= 1000) {
      tree.sampleRates(now);
      pageRate = ((received - receivedAtSample) * 1000) / (now - lastSample);
      receivedAtSample = received;
      lastSample = now;
      expandEarly();
      $('#page-rate').textContent = `${formatCount(Math.round(pageRate))} msgs/s · ${formatCount(tree.topicCount)} topics${notShown()}`;
    }
    treeView.render();
    charts.render(now);
    inspector.render();
    publish.render();
    health.render(now);
    requestAnimationFrame(frame);
  }

  // The tree's cap: messages on topics beyond it are counted, not stored.
  const notShown = () => (tree.dropped > 0
    ? ` · ${tree.dropped.toLocaleString('en')} msgs on more topics not shown (limit ${tree.maxTopics.toLocaleString('en')})`
    : '');

  // A first look with everything open but $SYS (the broker panel shows it), while there
  // are few enough topics to read.
  let expandedOnce = false;
  const expandEarly = () => {
    if (expandedOnce || tree.topicCount === 0) return;
    expandedOnce = true;
    if (tree.topicCount < 300) {
      treeView.expandAll();
      treeView.setOpen('$SYS', false);
    }
  };

  window.dashboard = { tree, sys, charts, profiles, session: null, received: () => received };
  requestAnimationFrame(frame);
  await use(chosenProfile(profiles));
  window.dashboard.ready = true;
}

main().catch((error) => {
  const notice = $('#notice');
  notice.hidden = false;
  notice.querySelector('.notice-text').textContent = `The dashboard could not start: ${error.message}`;
  console.error(error);
});
