// `npm start`'s process (web-demo/server/start.js), spawned on free ports and stopped by
// PID:
//   - it prints the page URL and the MQTT TCP and WebSocket addresses;
//   - it serves the package's files with their MIME types, answers /web-demo/demo-config.json,
//     redirects / to /web-demo/, and refuses paths outside the served folders;
//   - its simulated devices reach mosquitto_sub over its TCP port;
//   - SIGINT (or SIGTERM) closes everything and exits 0 promptly, leaving the ports free;
//   - a port in use is one clear line and exit 1; a bad flag one line and exit 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { startDemoServer, runStart } from './web-demo-server-process.js';

const run = promisify(execFile);
const VERSION = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

// GET with the path sent exactly as written (no URL normalization on the way).
function get(port, path) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

function listenOn(port) {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1' }, () => resolve(server));
  });
}
const closeServer = (server) => new Promise((resolve) => server.close(resolve));

test('npm start: page, files, demo-config.json, devices over TCP, and a clean SIGINT', { timeout: 30000 }, async () => {
  const server = await startDemoServer();
  try {
    const out = server.output();
    assert.match(out, new RegExp(`open this page +http://127\\.0\\.0\\.1:${server.httpPort}/web-demo/`));
    assert.match(out, new RegExp(`mqtt://127\\.0\\.0\\.1:${server.tcpPort}`));
    assert.match(out, new RegExp(`ws://127\\.0\\.0\\.1:${server.wsPort}`));
    assert.ok(new Set([server.httpPort, server.tcpPort, server.wsPort]).size === 3 && server.httpPort > 0);

    const index = await get(server.httpPort, '/js/index.js');
    assert.equal(index.status, 200);
    assert.equal(index.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.match(index.body, /export \{ createBroker \}/);
    const wasm = await get(server.httpPort, '/js/wasm/mqttw.wasm');
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers['content-type'], 'application/wasm');
    assert.equal((await get(server.httpPort, '/node_modules/uplot/dist/uPlot.esm.js')).status, 200);

    const config = await get(server.httpPort, '/web-demo/demo-config.json');
    assert.equal(config.status, 200);
    assert.match(config.headers['content-type'], /^application\/json/);
    assert.deepEqual(JSON.parse(config.body),
      { ws: `ws://127.0.0.1:${server.wsPort}`, tcp: server.tcpPort, host: '127.0.0.1', version: VERSION });

    const home = await get(server.httpPort, '/?load=10');
    assert.equal(home.status, 302);
    assert.equal(home.headers.location, '/web-demo/?load=10');

    for (const path of ['/web-demo/../package.json', '/js/%2e%2e/package.json', '/js/..%2f..%2fetc/passwd',
      '/node_modules/mqtt/package.json', '/package.json', '/.git/config']) {
      const res = await get(server.httpPort, path);
      assert.equal(res.status, 403, path);
      assert.doesNotMatch(res.body, /"name"|root:/, path);
    }
    assert.equal((await get(server.httpPort, '/js/no-such-file.js')).status, 404);

    const { stdout } = await run('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(server.tcpPort), '-t', 'demo/#', '-C', '5', '-W', '10', '-v']);
    const lines = stdout.trim().split('\n');
    assert.equal(lines.length, 5);
    for (const line of lines) assert.match(line, /^demo\/(sensors|power|devices|burst)\//);
    // Live readings too, not only the retained statuses.
    const power = await run('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(server.tcpPort), '-t', 'demo/power/#', '-C', '5', '-W', '10', '-v']);
    for (const line of power.stdout.trim().split('\n')) assert.match(line, /^demo\/power\/[a-z-]+\/watts [0-9.]+$/);
  } finally {
    const { code, ms } = await server.stop('SIGINT');
    assert.equal(code, 0, server.output());
    assert.ok(ms < 2000, `exit took ${ms} ms`);
  }
  assert.match(server.output(), /SIGINT, stopping\n.*stopped\n$/);
  // Nothing is left listening.
  for (const port of [server.httpPort, server.tcpPort, server.wsPort]) await closeServer(await listenOn(port));
});

test('npm start: SIGTERM stops it too, and --no-devices runs none', { timeout: 20000 }, async () => {
  const server = await startDemoServer(['--no-devices']);
  assert.match(server.output(), /devices +none \(--no-devices\)/);
  const { code, ms } = await server.stop('SIGTERM');
  assert.equal(code, 0, server.output());
  assert.ok(ms < 2000, `exit took ${ms} ms`);
  assert.match(server.output(), /SIGTERM, stopping\n.*stopped\n$/);
});

test('npm start: a port in use is one clear line and exit 1, for each of the three ports', { timeout: 30000 }, async () => {
  const busy = await listenOn(0);
  const port = busy.address().port;
  try {
    const cases = [
      [[], { PORT: String(port) }, /for the web page, HTTP\); choose another with --port N or PORT=N/],
      [['--port', '0', '--mqtt-port', String(port), '--ws-port', '0'], {}, /for MQTT over TCP\); choose another with --mqtt-port N/],
      [['--port', '0', '--mqtt-port', '0', '--ws-port', String(port)], {}, /for MQTT over WebSocket\); choose another with --ws-port N/],
    ];
    const results = await Promise.all(cases.map(([args, env]) => runStart(args, { env })));
    results.forEach(({ code, stderr, stdout }, i) => {
      assert.equal(code, 1, stderr);
      assert.equal(stderr.split('\n').length, 2, `one line: ${stderr}`);
      assert.match(stderr, new RegExp(`^mqtt-wasm dashboard: port ${port} on 127\\.0\\.0\\.1 is already in use`));
      assert.match(stderr, cases[i][2]);
      assert.doesNotMatch(stdout, /open this page/);
    });
  } finally {
    await closeServer(busy);
  }
});

test('npm start: bad flags are one line and exit 2; --help exits 0', async () => {
  const [unknown, value, help] = await Promise.all([runStart(['--nope']), runStart(['--port', '70000']), runStart(['--help'])]);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr, 'mqtt-wasm dashboard: unknown flag --nope (see --help)\n');
  assert.equal(value.code, 2);
  assert.equal(value.stderr, 'mqtt-wasm dashboard: --port must be an integer from 0 to 65535, got "70000" (see --help)\n');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--ws-port PORT/);
  assert.match(help.stdout, /--no-devices/);
});
