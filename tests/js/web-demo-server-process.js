// `npm start`'s process (web-demo/server/start.js) for tests: spawned on free ports, its
// printed addresses read back, stopped by PID.
//
//   const server = await startDemoServer(['--load', '100'])
//   server.pageUrl     http://127.0.0.1:<port>/web-demo/
//   server.baseUrl     http://127.0.0.1:<port>
//   server.httpPort, server.tcpPort, server.wsPort, server.pid
//   server.output()    what it printed so far (stdout + stderr)
//   await server.stop('SIGINT')   resolves { code, signal, ms }; SIGKILL if it hangs
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const START_JS = fileURLToPath(new URL('../../web-demo/server/start.js', import.meta.url));

/** Runs start.js with `args`; resolves { code, signal, stdout, stderr } once it exits. */
export function runStart(args, { env, timeout = 15000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [START_JS, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => {
      process.kill(child.pid, 'SIGKILL');
      reject(new Error(`start.js ${args.join(' ')} did not exit within ${timeout} ms:\n${stdout}${stderr}`));
    }, timeout);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export function startDemoServer(args = [], { timeout = 20000 } = {}) {
  const child = spawn(process.execPath, [START_JS, '--port', '0', '--ws-port', '0', '--mqtt-port', '0', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.stdout.on('data', (chunk) => { text += chunk; });
  child.stderr.on('data', (chunk) => { text += chunk; });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.kill(child.pid, 'SIGKILL');
      reject(new Error(`start.js printed no addresses within ${timeout} ms:\n${text}`));
    }, timeout);
    const fail = ({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`start.js exited (${code ?? signal}) before it was ready:\n${text}`));
    };
    exited.then(fail);
    const look = () => {
      const page = /(http:\/\/[^\s]+):(\d+)\/web-demo\//.exec(text);
      const tcp = /mqtt:\/\/[^\s]+:(\d+)/.exec(text);
      const ws = /ws:\/\/[^\s]+:(\d+)/.exec(text);
      if (!page || !tcp || !ws || !/Ctrl-C/.test(text)) return;
      clearTimeout(timer);
      child.stdout.off('data', look);
      let stopping = null;
      resolve({
        pid: child.pid,
        pageUrl: `${page[1]}:${page[2]}/web-demo/`,
        baseUrl: `${page[1]}:${page[2]}`,
        httpPort: Number(page[2]),
        tcpPort: Number(tcp[1]),
        wsPort: Number(ws[1]),
        output: () => text,
        stop(signal = 'SIGINT', ms = 5000) {
          stopping ??= (async () => {
            const t0 = Date.now();
            if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, signal);
            const kill = setTimeout(() => { try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ } }, ms);
            const how = await exited;
            clearTimeout(kill);
            return { ...how, ms: Date.now() - t0 };
          })();
          return stopping;
        },
      });
    };
    child.stdout.on('data', look);
  });
}
