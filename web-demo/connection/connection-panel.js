// The connection panel and the status line: which broker the dashboard is on, its
// state in words, and the log of connection events (connects, reconnects, errors), so
// that nothing is swallowed.
//
//   const panel = mountConnectionPanel({ panel, status, notice }, { profiles, onChoose })
//   panel.event({ state, text })   the session's events (connection/session.js)
//   panel.setActive(profile)       marks the profile in use
//   onChoose(profile)              the user asked to connect to it
import { escapeHtml, formatTime } from '../lib/format.js';

const LOG_LIMIT = 100;

export function mountConnectionPanel({ panel, status, notice }, { profiles, onChoose }) {
  panel.innerHTML = `
    <div class="conn-columns">
      <section>
        <h2>Brokers</h2>
        <ul class="conn-profiles"></ul>
      </section>
      <section>
        <h2>Connect by URL</h2>
        <form class="conn-form" autocomplete="off">
          <input type="hidden" name="id">
          <label>Name <input name="name" placeholder="My Mosquitto"></label>
          <label>URL <input name="url" required placeholder="ws://127.0.0.1:9001" spellcheck="false"></label>
          <div class="conn-row">
            <label>Username <input name="username" autocomplete="off"></label>
            <label>Password <input name="password" type="password" autocomplete="new-password"></label>
          </div>
          <label>Protocol <select name="protocolVersion"><option value="5">MQTT 5.0</option><option value="4">MQTT 3.1.1</option></select></label>
          <div class="conn-row">
            <button type="submit" class="primary">Save and connect</button>
            <button type="reset">New</button>
          </div>
          <p class="conn-error bad" role="alert"></p>
          <p class="muted small">Profiles, passwords included, are kept in this browser's localStorage.</p>
        </form>
      </section>
      <section>
        <h2>Events</h2>
        <ol class="conn-log" aria-live="polite"></ol>
      </section>
    </div>`;
  const list = panel.querySelector('.conn-profiles');
  const form = panel.querySelector('.conn-form');
  const formError = panel.querySelector('.conn-error');
  const log = panel.querySelector('.conn-log');
  let active = null;

  function drawProfiles() {
    list.innerHTML = profiles.list().map((p) => `
      <li class="conn-profile${p.id === active?.id ? ' active' : ''}" data-id="${escapeHtml(p.id)}">
        <button type="button" class="conn-use">${escapeHtml(p.name)}</button>
        <span class="muted small">${p.kind === 'url' ? `MQTT ${p.protocolVersion === 5 ? '5.0' : '3.1.1'}` : ''}</span>
        ${p.kind === 'url' ? '<button type="button" class="conn-edit" title="Edit">Edit</button><button type="button" class="conn-remove" title="Remove">✕</button>' : ''}
      </li>`).join('');
  }

  list.addEventListener('click', (event) => {
    const item = event.target.closest('.conn-profile');
    if (!item) return;
    const profile = profiles.get(item.dataset.id);
    if (event.target.classList.contains('conn-use')) onChoose(profile);
    else if (event.target.classList.contains('conn-edit')) {
      for (const name of ['id', 'name', 'url', 'username', 'password', 'protocolVersion']) form.elements[name].value = profile[name] ?? '';
    } else if (event.target.classList.contains('conn-remove')) {
      profiles.remove(profile.id);
      drawProfiles();
    }
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    try {
      const profile = profiles.save(Object.fromEntries(new FormData(form)));
      formError.textContent = '';
      form.elements.id.value = profile.id;
      drawProfiles();
      onChoose(profile);
    } catch (err) {
      formError.textContent = err.message;
    }
  });
  form.addEventListener('reset', () => { formError.textContent = ''; form.elements.id.value = ''; });

  drawProfiles();
  return {
    setActive(profile) {
      active = profile;
      drawProfiles();
    },
    event({ state, text }) {
      status.dataset.state = state;
      status.querySelector('.status-text').textContent = text;
      const item = document.createElement('li');
      item.className = `conn-event conn-${state}`;
      item.innerHTML = `<time>${formatTime(Date.now())}</time> ${escapeHtml(text)}`;
      log.prepend(item);
      while (log.children.length > LOG_LIMIT) log.lastElementChild.remove();
      // Errors and lost connections also show in the banner until the next connect.
      if (state === 'error' || state === 'offline') {
        notice.hidden = false;
        notice.className = `notice notice-${state}`;
        notice.querySelector('.notice-text').textContent = text;
      } else if (state === 'connected') {
        notice.hidden = true;
      }
    },
  };
}
