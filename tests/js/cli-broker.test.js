// `mqtt-wasm broker` as a user runs it: a child process with flags, a Mosquitto
// password file made by mosquitto_passwd and an ACL file, reached by MQTT.js; then
// SIGTERM, a clean close and exit status 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';

const bin = fileURLToPath(new URL('../../bin/mqtt-wasm.js', import.meta.url));
const passwdTool = '/usr/bin/mosquitto_passwd';

// Starts the CLI; resolves { child, urls } once every listener line is printed.
function startCli(args) {
  const child = spawn(process.execPath, [bin, 'broker', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out, err })));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the CLI printed no listener in 10 s: ${err}`)), 10000);
    child.stdout.on('data', (d) => {
      out += d;
      const urls = [...out.matchAll(/listening on (\S+)/g)].map((m) => m[1]);
      if (urls.length === 2) {
        clearTimeout(timer);
        resolve(urls);
      }
    });
    exited.then(({ code }) => reject(new Error(`the CLI exited with ${code}: ${err}`)));
  });
  return { child, ready, exited };
}

test('mqtt-wasm broker: flags, password file, ACL file, and a clean exit on SIGTERM', { skip: !existsSync(passwdTool) && 'mosquitto_passwd is not installed (Debian package mosquitto)' }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mqttw-cli-'));
  const cli = { child: null };
  const clients = [];
  try {
    const passwd = join(dir, 'passwd');
    await writeFile(passwd, '');
    execFileSync(passwdTool, ['-b', passwd, 'alice', 'wonderland']);
    const acl = join(dir, 'acl');
    await writeFile(acl, 'user alice\ntopic readwrite rooms/#\ntopic read status\n');
    const run = startCli(['--tcp', '0', '--ws', '0', '--max-qos', '1', '--topic-alias-max', '5',
      '--receive-max', '7', '--password-file', passwd, '--acl-file', acl, '--sys-interval', '0']);
    cli.child = run.child;
    const [tcpUrl, wsUrl] = await run.ready;
    assert.match(tcpUrl, /^mqtt:\/\/127\.0\.0\.1:\d+$/);
    assert.match(wsUrl, /^ws:\/\/127\.0\.0\.1:\d+$/);

    // The advertised values come from the flags.
    const alice = await mqtt.connectAsync(tcpUrl, { protocolVersion: 5, username: 'alice', password: 'wonderland', reconnectPeriod: 0 });
    clients.push(alice);
    const connack = await new Promise((resolve) => {
      if (alice.connackPacket) resolve(alice.connackPacket);
      else alice.once('connect', resolve);
    });
    assert.equal(connack.properties.maximumQoS, 1);
    assert.equal(connack.properties.topicAliasMaximum, 5);
    assert.equal(connack.properties.receiveMaximum, 7);

    // The password file decides who gets in.
    await assert.rejects(
      mqtt.connectAsync(tcpUrl, { protocolVersion: 5, username: 'alice', password: 'guess', reconnectPeriod: 0 }),
      (err) => err.code === 0x86,
    );

    // The ACL decides what alice may do, over WebSocket too.
    const granted = await alice.subscribeAsync('rooms/#', { qos: 1 });
    assert.deepEqual(granted.map((g) => g.qos), [1]);
    // MQTT.js rejects a SUBACK whose code is a failure, and carries the packet.
    await assert.rejects(alice.subscribeAsync('secret/#', { qos: 1 }), (err) => err.packet?.granted?.[0] === 0x87);
    const viaWs = await mqtt.connectAsync(wsUrl, { protocolVersion: 4, username: 'alice', password: 'wonderland', reconnectPeriod: 0 });
    clients.push(viaWs);
    const got = new Promise((resolve) => alice.on('message', (topic, payload) => resolve(`${topic} ${payload}`)));
    await viaWs.publishAsync('secret/x', 'not allowed', { qos: 1 });
    await viaWs.publishAsync('rooms/hall', 'allowed', { qos: 1 });
    assert.equal(await got, 'rooms/hall allowed');

    // SIGTERM: 5.0 clients are told the server is shutting down, and the CLI exits 0.
    const disconnect = new Promise((resolve) => alice.once('disconnect', resolve));
    run.child.kill('SIGTERM');
    const [packet, exit] = await Promise.all([disconnect, run.exited]);
    assert.equal(packet.reasonCode, 0x8b);
    assert.equal(exit.code, 0, exit.err);
  } finally {
    for (const c of clients) c.end(true);
    if (cli.child && cli.child.exitCode === null) cli.child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});

test('mqtt-wasm broker: a port in use is one clear line and exit status 1', async () => {
  const first = startCli(['--tcp', '0', '--ws', '0']);
  try {
    const [tcpUrl] = await first.ready;
    const port = new URL(tcpUrl).port;
    const second = spawn(process.execPath, [bin, 'broker', '--tcp', port], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    second.stderr.on('data', (d) => { err += d; });
    const code = await new Promise((resolve) => second.on('exit', resolve));
    assert.equal(code, 1);
    assert.match(err, new RegExp(`port ${port} .*in use`));
    assert.equal(err.trim().split('\n').length, 1, err);
  } finally {
    first.child.kill('SIGKILL');
  }
});

test('mqtt-wasm broker: a repeated listener flag opens each port, for one broker', async () => {
  const run = startCli(['--tcp', '0', '--tcp', '0', '--sys-interval', '0']);
  const clients = [];
  try {
    const urls = await run.ready;
    assert.equal(urls.length, 2);
    assert.notEqual(new URL(urls[0]).port, new URL(urls[1]).port);
    const [a, b] = await Promise.all(urls.map((url) => mqtt.connectAsync(url, { reconnectPeriod: 0 })));
    clients.push(a, b);
    await a.subscribeAsync('across');
    const got = new Promise((resolve) => a.on('message', (topic, payload) => resolve(payload.toString())));
    await b.publishAsync('across', 'one broker');
    assert.equal(await got, 'one broker');
  } finally {
    await Promise.all(clients.map((c) => c.endAsync()));
    run.child.kill('SIGTERM');
    assert.equal((await run.exited).code, 0);
  }
});
