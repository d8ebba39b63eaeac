// `npm start`'s process (web-demo/server/start.js) for tests and benches: spawned on free
// ports (broker-peers.js's spawnPeer), its printed addresses read back, stopped by PID.
//
//   const server = await startDemoServer(['--load', '100'])
//   server.pageUrl     http://127.0.0.1:<port>/web-demo/
//   server.baseUrl     http://127.0.0.1:<port>
//   server.httpPort, server.tcpPort, server.wsPort, server.pid
//   server.output()    what it printed so far (stdout + stderr)
//   await server.stop('SIGINT')   resolves { code, signal, ms }; SIGKILL if it hangs
import { fileURLToPath } from 'node:url';
import { spawnPeer } from './broker-peers.js';

export const START_JS = fileURLToPath(new URL('../../web-demo/server/start.js', import.meta.url));

/** Runs start.js with `args`; resolves { code, signal, stdout, stderr } once it exits (SIGKILL after `timeout` ms). */
export function runStart(args, { env, timeout = 15000 } = {}) {
  return spawnPeer(process.execPath, [START_JS, ...args], { env, timeoutMs: timeout }).result();
}

/** Starts start.js on free ports with `args`; resolves once it has printed its addresses. */
export async function startDemoServer(args = [], { timeout = 20000 } = {}) {
  const peer = spawnPeer(process.execPath, [START_JS, '--port', '0', '--ws-port', '0', '--mqtt-port', '0', ...args],
    { timeoutMs: Infinity });
  try {
    // The banner is one write, its last line "Ctrl-C stops it."
    await peer.waitFor(/Ctrl-C/, 'start.js to print its addresses', timeout);
  } catch (err) {
    peer.kill('SIGKILL');
    throw err;
  }
  const text = peer.output;
  const page = /(http:\/\/[^\s]+):(\d+)\/web-demo\//.exec(text);
  const tcp = /mqtt:\/\/[^\s]+:(\d+)/.exec(text);
  const ws = /ws:\/\/[^\s]+:(\d+)/.exec(text);
  let stopping = null;
  return {
    pid: peer.pid,
    pageUrl: `${page[1]}:${page[2]}/web-demo/`,
    baseUrl: `${page[1]}:${page[2]}`,
    httpPort: Number(page[2]),
    tcpPort: Number(tcp[1]),
    wsPort: Number(ws[1]),
    output: () => peer.output,
    stop(signal = 'SIGINT', ms = 5000) {
      stopping ??= (async () => {
        const t0 = Date.now();
        peer.kill(signal);
        const kill = setTimeout(() => peer.kill('SIGKILL'), ms);
        const how = await peer.exited;
        clearTimeout(kill);
        return { code: how.code, signal: how.signal, ms: Date.now() - t0 };
      })();
      return stopping;
    },
  };
}
