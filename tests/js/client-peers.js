// Real peers for the client's tests: Mosquitto (TCP + WebSocket listeners, killed and
// restarted on the same ports), our own broker (TCP, WebSocket and the local transport),
// and a cuttable link in front of either (to drop a connection from the network's side
// while the broker keeps its sessions, to hold reconnects back, and to count the bytes a
// client sends). Every process is started here and stopped by PID.
import net from 'node:net';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { spawnPeer, until } from './broker-peers.js';
import { createBroker } from '../../js/index.js';

// What is still running when this process exits (a test that threw, a crash) is
// killed by PID on the way out, so that no broker outlives its test.
const running = new Set();
const dirs = new Set();
process.once('exit', () => {
  for (const peer of running) peer.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

export const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto'].find((p) => existsSync(p)) ?? null;
export const noMosquitto = MOSQUITTO ? false : 'mosquitto is not installed (Debian package mosquitto)';

// Free ports on 127.0.0.1, all different (each one bound at the same time, then let go).
export async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      servers.push(server);
    }
    return servers.map((s) => s.address().port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

// Resolves once something accepts TCP connections on port (retrying every 10 ms).
export async function waitForPort(port, what, ms = 5000, gone = () => false) {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' }, () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (gone()) throw new Error(`${what} ended before it listened on ${port}`);
    if (Date.now() > end) throw new Error(`${what} did not listen on ${port} within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Starts Mosquitto with a TCP listener and a WebSocket listener on free 127.0.0.1 ports.
 * options: persistence (false; true keeps sessions and queued messages in a file in a
 *   temporary directory, saved after every change, so that they survive a SIGKILL),
 *   logAll (false; true logs every packet, e.g. "Received PINGREQ from ..."), config
 *   (extra lines), onLog(line, atMs) (each log line as it arrives).
 * Resolves { tcpPort, wsPort, tcpUrl, wsUrl, pid, log, kill(signal), start(), restart(),
 *   stop() }: kill() signals it by PID and resolves when it has exited; start() starts it
 *   again on the same ports and resolves once both accept; stop() ends it for good and
 *   removes its directory.
 */
export async function startMosquitto({ persistence = false, logAll = false, config = [], onLog } = {}) {
  if (!MOSQUITTO) throw new Error(noMosquitto);
  // In memory where there is a tmpfs: saving after every change is then cheap.
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'mqttw-mosquitto-'));
  dirs.add(dir);
  const [tcpPort, wsPort] = await freePorts(2);
  const file = join(dir, 'mosquitto.conf');
  writeFileSync(file, [
    `listener ${tcpPort} 127.0.0.1`,
    `listener ${wsPort} 127.0.0.1`,
    'protocol websockets',
    'allow_anonymous true',
    'set_tcp_nodelay true',  // answers at once (the default waits on Nagle's algorithm)
    ...(persistence
      ? ['persistence true', `persistence_location ${dir}/`, 'autosave_on_changes true', 'autosave_interval 1']
      : ['persistence false']),
    'log_dest stderr',
    ...(logAll ? ['log_type all'] : ['log_type error', 'log_type warning', 'log_type notice', 'log_type information']),
    // As root, mosquitto would switch to the user "mosquitto", who cannot write our files.
    `user ${userInfo().username}`,
    ...config,
    '',
  ].join('\n'));

  let peer = null;
  let earlier = '';  // the output of the runs before this one
  let seen = 0;
  let pending = '';
  let poll = null;
  const current = () => (peer ? peer.stderr + peer.stdout : '');
  // spawnPeer keeps the whole output; onLog wants it line by line, as it comes.
  const pump = () => {
    const all = current();
    if (all.length <= seen) return;
    const at = Date.now();
    pending += all.slice(seen);
    seen = all.length;
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines) onLog(line, at);
  };

  const start = async () => {
    if (peer) throw new Error('mosquitto is already running');
    const p = spawnPeer(MOSQUITTO, ['-c', file], { timeoutMs: 10 * 60 * 1000 });
    peer = p;
    running.add(p);
    p.exited.then(() => running.delete(p));
    seen = 0;
    if (onLog) poll = setInterval(pump, 2);
    const gone = () => !running.has(p);
    await waitForPort(tcpPort, 'mosquitto', 5000, gone);
    await waitForPort(wsPort, 'mosquitto', 5000, gone);
    if (!/Opening websockets listen socket/.test(current())) {
      throw new Error(`this mosquitto has no WebSocket support:\n${current()}`);
    }
  };

  const kill = async (signal = 'SIGKILL') => {
    const p = peer;
    if (!p) return;
    p.kill(signal);
    await p.exited;
    if (onLog) {
      pump();
      clearInterval(poll);
    }
    earlier += current();
    peer = null;
  };

  try {
    await start();
  } catch (err) {
    await kill();
    rmSync(dir, { recursive: true, force: true });
    dirs.delete(dir);
    throw err;
  }
  return {
    tcpPort,
    wsPort,
    tcpUrl: `mqtt://127.0.0.1:${tcpPort}`,
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    get pid() { return peer?.pid; },
    get running() { return peer !== null; },
    get log() { return earlier + current(); },
    kill,
    start,
    async restart(signal = 'SIGKILL') {
      await kill(signal);
      await start();
    },
    async stop() {
      await kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
      dirs.delete(dir);
    },
  };
}

/**
 * Starts our broker (createBroker from js/index.js) with a TCP and a WebSocket listener on
 * free ports (tcpPort, wsPort, kept across restarts). local() is a transport factory to the broker running now (for a client's
 * reconnects); it throws while the broker is stopped, as connectLocal() on a closed broker does.
 * kill() closes the broker (5.0 clients get DISCONNECT 0x8B; sessions are gone);
 * start() makes a new one on the same ports.
 */
export async function startOurBroker(options = {}) {
  let broker = null;
  let tcpPort = 0;
  let wsPort = 0;
  const start = async () => {
    if (broker) throw new Error('our broker is already running');
    const made = await createBroker({ sysInterval: 0, ...options });
    const { tcp, ws } = await made.listen({ tcp: tcpPort, ws: wsPort });
    tcpPort = tcp.port;
    wsPort = ws.port;
    broker = made;
  };
  const kill = async () => {
    const b = broker;
    broker = null;
    await b?.close();
  };
  await start();
  return {
    get broker() { return broker; },
    get running() { return broker !== null; },
    tcpPort,
    wsPort,
    tcpUrl: `mqtt://127.0.0.1:${tcpPort}`,
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    local: () => {
      if (!broker) throw new Error('the broker is closed');
      return broker.connectLocal();
    },
    kill,
    start,
    async restart() {
      await kill();
      await start();
    },
    stop: kill,
  };
}

/**
 * A TCP link to 127.0.0.1:port that the test can cut: cut() resets every connection
 * through it (both ends see a lost connection, no DISCONNECT); cut({ hold: true }) also
 * keeps new connections waiting, unconnected upstream, until release(). bytesUp counts
 * what clients sent through it. Works for MQTT over TCP and over WebSocket alike.
 */
export async function startLink(port) {
  const open = new Set();
  const held = [];
  let holding = false;
  const link = { bytesUp: 0, bytesDown: 0, connections: 0 };

  const drop = (socket) => {
    if (typeof socket.resetAndDestroy === 'function' && !socket.destroyed) {
      try { socket.resetAndDestroy(); return; } catch { /* not connected yet */ }
    }
    socket.destroy();
  };

  const splice = (client) => {
    link.connections += 1;
    const upstream = net.connect({ port, host: '127.0.0.1', noDelay: true });
    const pair = { client, upstream };
    open.add(pair);
    const end = () => {
      if (!open.delete(pair)) return;
      drop(client);
      drop(upstream);
    };
    client.on('data', (data) => { link.bytesUp += data.length; upstream.write(data); });
    upstream.on('data', (data) => { link.bytesDown += data.length; client.write(data); });
    client.on('close', end).on('error', end).on('end', end);
    upstream.on('close', end).on('error', end).on('end', end);
    client.resume();
  };

  const server = net.createServer({ noDelay: true, pauseOnConnect: true }, (client) => {
    if (holding) {
      held.push(client);
      client.on('error', () => {});
      return;
    }
    splice(client);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const linkPort = server.address().port;

  return Object.assign(link, {
    port: linkPort,
    get open() { return open.size; },
    cut({ hold = false } = {}) {
      holding = hold;
      for (const pair of [...open]) {
        open.delete(pair);
        drop(pair.client);
        drop(pair.upstream);
      }
    },
    release() {
      holding = false;
      for (const client of held.splice(0)) if (!client.destroyed) splice(client);
    },
    async close() {
      this.cut();
      for (const client of held.splice(0)) client.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  });
}

/**
 * The same for the local transport: target() is a transport factory for the client (a
 * wrapper around makeTransport()) whose connections cut() closes, and which holds new
 * ones (buffering what the client sends) until release().
 */
export function localLink(makeTransport) {
  const open = new Set();
  const held = [];
  let holding = false;
  const link = { bytesUp: 0, bytesDown: 0, connections: 0 };

  const wire = (outer) => {
    link.connections += 1;
    const inner = makeTransport();
    outer.inner = inner;
    open.add(outer);
    inner.onbytes = (bytes) => { link.bytesDown += bytes.length; outer.onbytes?.(bytes); };
    inner.onclose = (err) => outer.end(err);
    for (const bytes of outer.queued.splice(0)) inner.send(bytes);
  };

  const target = () => {
    const outer = {
      onbytes: null,
      onclose: null,
      inner: null,
      queued: [],
      open: true,
      get bufferedAmount() { return 0; },
      send(bytes) {
        if (!outer.open) throw new Error('the local connection to the broker is closed');
        link.bytesUp += bytes.length;
        if (outer.inner) outer.inner.send(bytes);
        else outer.queued.push(bytes.slice());
      },
      close() { outer.end(); },
      end(err) {
        if (!outer.open) return;
        outer.open = false;
        open.delete(outer);
        const inner = outer.inner;
        outer.inner = null;
        inner?.close();
        outer.onclose?.(err);
      },
    };
    if (holding) held.push(outer);
    else wire(outer);
    return outer;
  };

  return Object.assign(link, {
    target,
    get open() { return open.size; },
    cut({ hold = false } = {}) {
      holding = hold;
      for (const outer of [...open]) outer.end();
    },
    release() {
      holding = false;
      for (const outer of held.splice(0)) if (outer.open) wire(outer);
    },
    async close() {
      this.cut();
      for (const outer of held.splice(0)) outer.end();
    },
  });
}
