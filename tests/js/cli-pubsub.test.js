// `mqtt-wasm pub` and `mqtt-wasm sub` as a user runs them: `node bin/mqtt-wasm.js`
// child processes against Mosquitto (started here, with mosquitto_pub and mosquitto_sub
// on the other side) and against our broker (in this process, with hooks that refuse a
// bad password, a topic to publish to and a filter to subscribe to). Checked: the
// messages arrive whole (-m, -f with binary bytes, -l, -r, QoS 1 and 2, -V 5 and 311,
// --url ws://), sub's output (-v, --json with properties and base64, -N, -C), -W's exit
// status 27, -d, a reconnect after Mosquitto restarts, mqtts:// and wss:// with --cafile,
// and that every error is one line on stderr with its exit status (2 for the command
// line, 1 for the broker's refusals and the network).
// Every child is stopped by PID.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts, noMosquitto, startMosquitto, startOurBroker } from './client-peers.js';
import { spawnPeer, until } from './broker-peers.js';
import { certificate } from './test-certificate.js';
import { createBroker } from '../../js/index.js';

const BIN = fileURLToPath(new URL('../../bin/mqtt-wasm.js', import.meta.url));
const MOSQUITTO_PUB = '/usr/bin/mosquitto_pub';
const MOSQUITTO_SUB = '/usr/bin/mosquitto_sub';
// mosquitto_sub's stdout into a pipe is fully buffered; stdbuf -oL (it execs the client:
// the PID stays the same) makes it line-buffered, so that its SUBACK line shows at once.
const STDBUF = '/usr/bin/stdbuf';
const noClients = noMosquitto
  || (!existsSync(MOSQUITTO_PUB) || !existsSync(MOSQUITTO_SUB) ? 'mosquitto_pub / mosquitto_sub are not installed (Debian package mosquitto-clients)' : false)
  || (!existsSync(STDBUF) ? `${STDBUF} is missing (Debian package coreutils)` : false);

const peers = new Set();
process.once('exit', () => { for (const peer of peers) peer.kill('SIGKILL'); });

/**
 * Starts `command args` (spawnPeer's peer, stdout a Buffer); stdin gets `input` (then
 * EOF), or stays open. Adds done: Promise of { code, signal, stdout, stderr }, and
 * waits 8 s by default in waitFor(re, what). Killed by PID after timeoutMs.
 */
function start(command, args, { input, timeoutMs = 10_000 } = {}) {
  const peer = spawnPeer(command, args, { input, keepStdin: true, binary: true, timeoutMs });
  peers.add(peer);
  peer.exited.then(() => peers.delete(peer));
  const waitFor = peer.waitFor;
  return Object.assign(peer, { done: peer.result(), waitFor: (re, what, ms = 8000) => waitFor(re, what, ms) });
}

const cli = (args, options) => start(process.execPath, [BIN, ...args], options);
const run = (args, options) => cli(args, options).done;
// Our sub, -d so that its SUBACK shows on stderr once it is subscribed.
async function subscribed(args) {
  const sub = cli([...args, '-d']);
  await sub.waitFor(/received SUBACK/, 'our sub\'s SUBACK');
  return sub;
}
// mosquitto_sub, subscribed (-d: its SUBACK line), printing each message as one line.
async function mosquittoSub(port, args) {
  const sub = start(STDBUF, ['-oL', MOSQUITTO_SUB, '-h', '127.0.0.1', '-p', String(port), '-d', '-F', 'MSG|%r|%q|%t|%p', ...args]);
  await sub.waitFor(/received SUBACK/, 'mosquitto_sub\'s SUBACK');
  return sub;
}
const messages = (stdout) => stdout.toString().split('\n').filter((line) => line.startsWith('MSG|'));

// An error: one line on stderr, nothing on stdout, no stack trace.
function oneLine(result, code, re, what) {
  assert.equal(result.code, code, `${what}: exit status (stderr: ${result.stderr})`);
  assert.equal(result.stdout.length, 0, `${what}: nothing on stdout`);
  const lines = result.stderr.split('\n');
  assert.equal(lines.length, 2, `${what}: one line on stderr: ${result.stderr}`);
  assert.equal(lines[1], '');
  assert.doesNotMatch(result.stderr, /\n\s+at |Error:/, what);
  assert.match(lines[0], re, what);
}

let mosquitto;
let ours;
let dir;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mqttw-cli-pubsub-'));
  if (!noClients) mosquitto = await startMosquitto();
  const text = (bytes) => Buffer.from(bytes ?? []).toString();
  ours = await startOurBroker({
    authenticate: (client) => client.username === undefined || (client.username === 'alice' && text(client.password) === 'secret') ? true : 0x86,
    authorizePublish: (client, message) => !message.topic.startsWith('denied/'),
    authorizeSubscribe: (client, subscription) => !subscription.topic.startsWith('denied/'),
  });
});
after(async () => {
  await mosquitto?.stop();
  await ours?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('--help: the top level lists broker, pub and sub; pub and sub list their flags and exit statuses', async () => {
  const [top, pub, sub, broker] = await Promise.all([run(['--help']), run(['pub', '--help']), run(['sub', '--help']), run(['broker', '--help'])]);
  for (const r of [top, pub, sub, broker]) assert.equal(r.code, 0, r.stderr);
  for (const name of ['broker', 'pub', 'sub']) assert.match(top.stdout.toString(), new RegExp(`^  ${name} `, 'm'));
  const common = ['-h, --host', '-p, --port', '--url', '-V, --protocol-version', '-u, --username', '-P, --pw', '-i, --id',
    '-k, --keepalive', '-d, --debug', '--cafile', '-q, --qos', '--help'];
  for (const flag of [...common, '-t, --topic', '-m, --message', '-f, --file', '-l, --stdin-line', '-n, --null-message', '-r, --retain']) {
    assert.ok(pub.stdout.toString().includes(flag), `pub --help has ${flag}`);
  }
  for (const flag of [...common, '-t, --topic', '-v, --verbose', '--json', '-C, --count', '-W, --timeout', '-N, --no-newline']) {
    assert.ok(sub.stdout.toString().includes(flag), `sub --help has ${flag}`);
  }
  assert.match(pub.stdout.toString(), /Exit status: 0 when done; 1 when/);
  assert.match(sub.stdout.toString(), /status is 27/);
});

test('usage errors: one line, exit status 2, before connecting', async () => {
  const port = String((await freePorts(1))[0]);  // nothing listens: a usage error must not get that far
  const cases = [
    [['pub', '-p', port, '-m', 'x'], /^mqtt-wasm: give the topic with -t TOPIC \(see mqtt-wasm pub --help\)$/],
    [['pub', '-p', port, '-t', 'a/#', '-m', 'x'], /^mqtt-wasm: invalid topic "a\/#": it contains a wildcard/],
    [['pub', '-p', port, '-t', 'a/+/b', '-m', 'x'], /^mqtt-wasm: invalid topic "a\/\+\/b"/],
    [['pub', '-p', port, '-t', '', '-m', 'x'], /^mqtt-wasm: the topic \(-t\) must not be empty/],
    [['pub', '-p', port, '-t', 'a'], /^mqtt-wasm: give the message: -m MESSAGE, -f FILE, -l, -s or -n/],
    [['pub', '-p', port, '-t', 'a', '-m', 'x', '-f', 'file'], /^mqtt-wasm: give one message source, not -m and -f/],
    [['pub', '-p', port, '-t', 'a', '-m', 'x', '-q', '3'], /^mqtt-wasm: -q must be 0, 1 or 2, got "3"/],
    [['pub', '-p', '70000', '-t', 'a', '-m', 'x'], /^mqtt-wasm: -p must be an integer from 0 to 65535, got "70000"/],
    [['pub', '-p', port, '-t', 'a', '-m', 'x', '-V', '4'], /^mqtt-wasm: -V must be 5 or 311 \(or mqttv5, mqttv311\), got "4"/],
    [['pub', '-p', port, '-t', 'a', '-m', 'x', '-V', 'mqttv31'], /^mqtt-wasm: -V: MQTT 3.1 is not supported; use 311 or 5/],
    [['pub', '-h'], /^mqtt-wasm: -h needs a host \(as in mosquitto_pub and mosquitto_sub; --help is the help\)/],
    [['pub', '-p', port, '-t', 'a', '-m', 'x', '--nope'], /^mqtt-wasm: unknown flag --nope \(see mqtt-wasm pub --help\)$/],
    [['pub', '-p', port, '-t', 'a', '-m', 'x', 'extra'], /^mqtt-wasm: unexpected argument "extra"/],
    [['pub', '--url', 'ws://127.0.0.1:1', '-p', port, '-t', 'a', '-m', 'x'], /^mqtt-wasm: give either --url or -h \/ -p, not both/],
    [['pub', '--url', 'http://127.0.0.1:1', '-t', 'a', '-m', 'x'], /^mqtt-wasm: --url: unsupported scheme "http:"/],
    [['pub', '--url', '127.0.0.1:1883', '-t', 'a', '-m', 'x'], /^mqtt-wasm: --url must be a URL such as mqtt:\/\/host:1883/],
    [['pub', '-p', port, '-t', 'a', '-m', 'x', '-P', 'secret'], /^mqtt-wasm: -P needs -u/],
    [['pub', '-t', 'a', '-m', 'x', '--cafile', 'ca.pem', '--url', 'ws://127.0.0.1:1'], /^mqtt-wasm: --cafile, --cert and --key are for mqtts:\/\/ and wss:\/\//],
    [['sub', '-p', port], /^mqtt-wasm: give a topic filter with -t FILTER \(see mqtt-wasm sub --help\)$/],
    [['sub', '-p', port, '-t', 'a', '-t', 'a/#/b'], /^mqtt-wasm: invalid topic filter "a\/#\/b" has a # that is not a whole last level/],
    [['sub', '-p', port, '-t', 'a', '--json', '-v'], /^mqtt-wasm: --json already has the topic: give --json or -v, not both/],
    [['sub', '-p', port, '-t', 'a', '--json', '-N'], /^mqtt-wasm: --json prints a line per message: -N does not go with it/],
    [['sub', '-p', port, '-t', 'a', '-C', '0'], /^mqtt-wasm: -C must be an integer from 1 to/],
    [['sub', '-p', port, '-t', 'a', '-W', 'soon'], /^mqtt-wasm: -W must be an integer from 1 to/],
    [['sub', '-p', port, '-t', 'a', '-k'], /^mqtt-wasm: --keepalive needs a value/],
    [['publish', '-t', 'a'], /^mqtt-wasm: unknown command "publish" \(see mqtt-wasm --help\)$/],
  ];
  const results = await Promise.all(cases.map(([argv]) => run(argv)));
  cases.forEach(([argv, re], i) => oneLine(results[i], 2, re, argv.join(' ')));
});

test('runtime errors: connection refused, bad credentials with the reason code, refused SUBACK and PUBACK, a missing file: one line, exit status 1', async () => {
  const [closed] = await freePorts(1);
  const p = String(ours.tcpPort);
  const cases = [
    [['pub', '-h', '127.0.0.1', '-p', String(closed), '-t', 'a', '-m', 'x'],
      new RegExp(`^mqtt-wasm: cannot connect to mqtt://127\\.0\\.0\\.1:${closed}: connection refused \\(ECONNREFUSED\\)$`)],
    [['sub', '--url', `ws://127.0.0.1:${closed}/mqtt`, '-t', 'a'],
      new RegExp(`^mqtt-wasm: cannot connect to ws://127\\.0\\.0\\.1:${closed}/mqtt: connection refused \\(ECONNREFUSED\\)$`)],
    [['pub', '-h', '127.0.0.1', '-p', p, '-V', '5', '-u', 'alice', '-P', 'wrong', '-t', 'a', '-m', 'x'],
      /^mqtt-wasm: connection refused: Bad User Name or Password \(CONNACK reason code 0x86\)$/],
    [['sub', '-h', '127.0.0.1', '-p', p, '-u', 'alice', '-P', 'wrong', '-t', 'a'],
      /^mqtt-wasm: connection refused: bad user name or password \(CONNACK return code 4\)$/],
    [['sub', '-h', '127.0.0.1', '-p', p, '-V', '5', '-t', 'ok', '-t', 'denied/x'],
      /^mqtt-wasm: subscribe refused by the server for "denied\/x": Not authorized \(reason code 0x87\)$/],
    [['pub', '-h', '127.0.0.1', '-p', p, '-V', '5', '-q', '1', '-t', 'denied/x', '-m', 'x'],
      /^mqtt-wasm: publish to "denied\/x" refused: Not authorized \(reason code 0x87\)$/],
    [['pub', '-h', '127.0.0.1', '-p', p, '-t', 'a', '-f', join(dir, 'missing.bin')],
      /^mqtt-wasm: cannot read the message file .*missing\.bin: no such file$/],
    [['pub', '--url', `mqtts://127.0.0.1:${closed}`, '--cafile', join(dir, 'missing.pem'), '-t', 'a', '-m', 'x'],
      /^mqtt-wasm: cannot read the CA file .*missing\.pem: no such file$/],
  ];
  const results = await Promise.all(cases.map(([argv]) => run(argv)));
  cases.forEach(([argv, re], i) => oneLine(results[i], 1, re, argv.join(' ')));
});

test('against Mosquitto: our pub reaches mosquitto_sub (-m, -m -5, -q 1 and 2, -V 5 and 311, --url ws://, -l, -f with binary bytes, -n)', { skip: noClients }, async () => {
  const binary = Buffer.from([0, 1, 2, 0xfe, 0xff, 0x0a, 0x80, 0x7f]);
  const file = join(dir, 'binary.dat');
  writeFileSync(file, binary);
  const sub = await mosquittoSub(mosquitto.tcpPort, ['-t', 'cli/#', '-q', '2', '-V', 'mqttv5', '-C', '10']);
  const tcp = ['-h', '127.0.0.1', '-p', String(mosquitto.tcpPort)];
  // One at a time, so that they arrive in this order.
  for (const [args, input] of [
    [[...tcp, '-t', 'cli/m', '-m', 'hello']],
    [[...tcp, '-t', 'cli/dash', '-m', '-5', '-q', '1', '-V', '5']],
    [[...tcp, '-t', 'cli/q2', '-m', 'two', '-q', '2', '-V', '311']],
    [['--url', `${mosquitto.wsUrl}/mqtt`, '-t', 'cli/ws', '-m', 'over websocket', '-q', '1']],
    [[...tcp, '-t', 'cli/lines', '-l', '-q', '1'], 'one\ntwo\r\n\nfour\n'],
    [[...tcp, '-t', 'cli/file', '-f', file]],
    [[...tcp, '-t', 'cli/null', '-n']],
  ]) {
    const r = await run(['pub', ...args], { input: input ?? '' });
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr, '');
  }
  const end = await sub.done;
  assert.equal(end.code, 0, end.stderr);
  assert.deepEqual(messages(end.stdout).filter((line) => !line.includes('cli/file')), [
    'MSG|0|0|cli/m|hello',
    'MSG|0|1|cli/dash|-5',
    'MSG|0|2|cli/q2|two',
    'MSG|0|1|cli/ws|over websocket',
    'MSG|0|1|cli/lines|one',
    'MSG|0|1|cli/lines|two',
    'MSG|0|1|cli/lines|',
    'MSG|0|1|cli/lines|four',
    'MSG|0|0|cli/null|',
  ].filter((line) => !line.includes('cli/file')));
  // The file's bytes, a newline among them, came whole: find them in the raw output.
  const raw = end.stdout;
  const at = raw.indexOf(Buffer.from('MSG|0|0|cli/file|'));
  assert.ok(at >= 0, 'the file message arrived');
  assert.deepEqual(raw.subarray(at + 'MSG|0|0|cli/file|'.length, at + 'MSG|0|0|cli/file|'.length + binary.length), binary);
});

test('against Mosquitto: mosquitto_pub reaches our sub (-v, -C, --json with properties and base64, -r retained, -N)', { skip: noClients }, async () => {
  const port = String(mosquitto.tcpPort);
  const pub = (args) => start(MOSQUITTO_PUB, ['-h', '127.0.0.1', '-p', port, ...args]).done;

  // -v and -C 2 over TCP, 3.1.1.
  let sub = await subscribed(['sub', '-h', '127.0.0.1', '-p', port, '-t', 'ms/+', '-v', '-C', '2']);
  for (const m of ['first', 'second']) assert.equal((await pub(['-t', 'ms/a', '-m', m])).code, 0);
  let end = await sub.done;
  assert.equal(end.code, 0, end.stderr);
  assert.equal(end.stdout.toString(), 'ms/a first\nms/a second\n');

  // --json over WebSocket, 5.0: properties, a binary payload as base64, QoS and retain.
  assert.equal((await pub(['-t', 'mj/retained', '-m', 'kept', '-r', '-q', '1'])).code, 0);
  sub = await subscribed(['sub', '--url', `${mosquitto.wsUrl}/mqtt`, '-V', '5', '-t', 'mj/#', '-q', '1', '--json', '-C', '3']);
  assert.equal((await pub(['-V', 'mqttv5', '-t', 'mj/props', '-m', 'hi', '-q', '1', '-D', 'publish', 'content-type', 'text/plain',
    '-D', 'publish', 'user-property', 'room', 'kitchen', '-D', 'publish', 'correlation-data', 'abc'])).code, 0);
  const file = join(dir, 'not-utf8.bin');
  writeFileSync(file, Buffer.from([0xff, 0xfe, 0x00, 0x41]));
  assert.equal((await pub(['-t', 'mj/binary', '-f', file])).code, 0);
  end = await sub.done;
  assert.equal(end.code, 0, end.stderr);
  const lines = end.stdout.toString().split('\n');
  assert.equal(lines.pop(), '', 'a newline after each object');
  assert.deepEqual(lines.map((line) => JSON.parse(line)), [
    { topic: 'mj/retained', payload: 'kept', payloadEncoding: 'utf8', qos: 1, retain: true, properties: {} },
    { topic: 'mj/props', payload: 'hi', payloadEncoding: 'utf8', qos: 1, retain: false,
      properties: { contentType: 'text/plain', userProperties: { room: 'kitchen' }, correlationData: Buffer.from('abc').toString('base64') } },
    { topic: 'mj/binary', payload: Buffer.from([0xff, 0xfe, 0x00, 0x41]).toString('base64'), payloadEncoding: 'base64', qos: 0, retain: false, properties: {} },
  ]);

  // Our pub -r, then our sub sees it retained; -N prints the payloads back to back; -n -r clears it.
  const ours = ['-h', '127.0.0.1', '-p', port];
  assert.equal((await run(['pub', ...ours, '-t', 'mr/x', '-m', 'r1', '-r', '-q', '1'])).code, 0);
  end = await run(['sub', ...ours, '-t', 'mr/x', '-C', '1', '-N']);
  assert.equal(end.code, 0, end.stderr);
  assert.equal(end.stdout.toString(), 'r1');
  assert.equal((await run(['pub', ...ours, '-t', 'mr/x', '-n', '-r'])).code, 0);
  end = await run(['sub', ...ours, '-t', 'mr/x', '-W', '1']);
  assert.equal(end.code, 27, 'no retained message left: -W runs out');
  assert.equal(end.stdout.length, 0);
});

test('against our broker: pub to sub, 5.0 and 3.1.1, TCP and WebSocket, with credentials in the URL', async () => {
  for (const version of ['5', '311']) {
    const sub = await subscribed(['sub', '--url', `mqtt://alice:secret@127.0.0.1:${ours.tcpPort}`, '-V', version, '-t', 'ours/#', '-q', '2', '-v', '-C', '2']);
    for (const args of [
      ['--url', `ws://127.0.0.1:${ours.wsPort}/mqtt`, '-u', 'alice', '-P', 'secret', '-t', 'ours/ws', '-m', `ws ${version}`, '-q', '2'],
      ['-h', '127.0.0.1', '-p', String(ours.tcpPort), '-t', 'ours/tcp', '-m', `tcp ${version}`, '-q', '1', '-V', version],
    ]) {
      const r = await run(['pub', ...args]);
      assert.equal(r.code, 0, r.stderr);
    }
    const end = await sub.done;
    assert.equal(end.code, 0, end.stderr);
    assert.equal(end.stdout.toString(), `ours/ws ws ${version}\nours/tcp tcp ${version}\n`);
  }
});

test('sub -W: exit status 27 and one line after the time, -C first wins with 0; -d logs packets; SIGTERM exits 0', async () => {
  const p = String(ours.tcpPort);
  const started = Date.now();
  const timedOut = await run(['sub', '-h', '127.0.0.1', '-p', p, '-t', 'quiet', '-W', '1']);
  oneLine(timedOut, 27, /^mqtt-wasm: timed out after 1 s \(-W\)$/, '-W 1');
  assert.ok(Date.now() - started >= 1000);

  const sub = await subscribed(['sub', '-h', '127.0.0.1', '-p', p, '-t', 'w/x', '-C', '1', '-W', '20']);
  assert.match(sub.stderr, /^mqtt-wasm: sent CONNECT \{.*"clientId":"mqttw_[0-9a-f]{8}"/m);
  assert.match(sub.stderr, /^mqtt-wasm: received CONNACK \{.*"returnCode":0/m);
  assert.match(sub.stderr, /^mqtt-wasm: sent SUBSCRIBE \{.*"subscriptions":\[\{"topic":"w\/x","qos":0\}\]/m);
  assert.equal((await run(['pub', '-h', '127.0.0.1', '-p', p, '-t', 'w/x', '-m', 'once', '-d', '-u', 'alice', '-P', 'secret'])).code, 0);
  const end = await sub.done;
  assert.equal(end.code, 0, end.stderr);
  assert.equal(end.stdout.toString(), 'once\n');
  assert.match(end.stderr, /^mqtt-wasm: received PUBLISH \{.*"topic":"w\/x","payload":"<4 bytes>"/m);

  const forever = await subscribed(['sub', '-h', '127.0.0.1', '-p', p, '-t', 'w/y']);
  forever.kill('SIGTERM');
  const stopped = await forever.done;
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stderr, /sent DISCONNECT/);
});

test('pub -d hides the password', async () => {
  const r = await run(['pub', '-h', '127.0.0.1', '-p', String(ours.tcpPort), '-u', 'alice', '-P', 'secret', '-t', 'd', '-m', 'x', '-d']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /sent CONNECT .*"username":"alice","password":"\*\*\*"/);
  assert.doesNotMatch(r.stderr, /secret/);
});

test('sub reconnects after Mosquitto restarts, says so on stderr, and subscribes again', { skip: noClients }, async () => {
  const sub = await subscribed(['sub', '-h', '127.0.0.1', '-p', String(mosquitto.tcpPort), '-t', 'rc/x', '-v']);
  await mosquitto.restart();
  await sub.waitFor(/reconnected/, 'the reconnect');
  assert.match(sub.stderr, new RegExp(`^mqtt-wasm: connection to mqtt://127\\.0\\.0\\.1:${mosquitto.tcpPort} lost.*; reconnecting$`, 'm'));
  // The SUBSCRIBE is made again (the session was clean): a message now arrives.
  await until(() => (sub.stderr.match(/received SUBACK/g) ?? []).length === 2, 'the second SUBACK');
  assert.equal((await start(MOSQUITTO_PUB, ['-h', '127.0.0.1', '-p', String(mosquitto.tcpPort), '-t', 'rc/x', '-m', 'back']).done).code, 0);
  await sub.waitFor(/rc\/x back\n/, 'the message after the reconnect');
  sub.kill('SIGINT');
  const end = await sub.done;
  assert.equal(end.code, 0, end.stderr);
});

const made = certificate();

test('TLS: mqtts:// and wss:// with --cafile; without it, one line that says so', { skip: made.missing ?? false }, async () => {
  const { pem } = made;
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, pem.cert);
  const broker = await createBroker({ sysInterval: 0 });
  try {
    const { tls, wss } = await broker.listen({ tls: 0, wss: 0, key: pem.key, cert: pem.cert });
    const sub = await subscribed(['sub', '--url', `wss://localhost:${wss.port}/mqtt`, '--cafile', ca, '-t', 'tls/x', '-C', '1']);
    const r = await run(['pub', '--url', `mqtts://localhost:${tls.port}`, '--cafile', ca, '-t', 'tls/x', '-m', 'secure', '-q', '1']);
    assert.equal(r.code, 0, r.stderr);
    const end = await sub.done;
    assert.equal(end.code, 0, end.stderr);
    assert.equal(end.stdout.toString(), 'secure\n');
    oneLine(await run(['pub', '--url', `mqtts://localhost:${tls.port}`, '-t', 'tls/x', '-m', 'x']), 1,
      new RegExp(`^mqtt-wasm: cannot connect to mqtts://localhost:${tls.port}: self-signed certificate \\(DEPTH_ZERO_SELF_SIGNED_CERT\\); trust its CA with --cafile FILE$`),
      'mqtts:// without --cafile');
  } finally {
    await broker.close();
  }
});
