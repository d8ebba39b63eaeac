// js/node/acl-file.js: the parser (mosquitto's line rules, errors with line numbers), and
// a table of (client, topic, read / write) cases with the answers mosquitto 2.0 gives.
// The table is checked against our matcher always, and against a real mosquitto
// (Debian's /usr/sbin/mosquitto, driven with mosquitto_pub and mosquitto_sub) when it is
// installed: reads are the retained messages a `#` + `$SYS/#` subscriber receives,
// writes are what an observer that may read everything sees of each client's publishes.
// Subscriptions: mosquitto grants every SUBSCRIBE and thins deliveries out; we decide at
// SUBSCRIBE, so the check is that a filter we grant never lets through a message that
// mosquitto withholds.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn, execFileSync } from 'node:child_process';
import { spawnPeer } from './broker-peers.js';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { parseAclFile, loadAclFile, aclAuthorizer } from '../../js/node/acl-file.js';
import { topicMatchesFilter, isValidFilter } from '../../js/topic-match.js';
import { loadPasswordFile } from '../../js/node/password-file.js';

const dir = mkdtempSync(join(tmpdir(), 'mqttw-acl-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// --- the parser -------------------------------------------------------------------------

test('parser: the errors mosquitto 2.0.11 refuses to start with, with our line numbers', () => {
  // Each of these makes mosquitto 2.0.11 exit with "Error: ..." (checked by hand with
  // mosquitto -c); the comment says which.
  const cases = [
    ['topic read a/#/b', /line 3: invalid topic filter "a\/#\/b"/],        // Invalid ACL topic
    ['topic read a+/b', /line 3: invalid topic filter "a\+\/b"/],          // Invalid ACL topic
    ['foo bar', /line 3: unknown keyword "foo" \(expected topic, pattern or user\)/], // Invalid line
    ['TOPIC read a', /line 3: unknown keyword "TOPIC"/],                   // Invalid line
    ['  # indented comment', /line 3: unknown keyword "#" \(a comment must start with # as the first character/],
    ['topic\tread\ta', /line 3: unknown keyword "topic\tread\ta"/],        // words are split on spaces only
    ['\ttopic read a', /line 3: unknown keyword "\ttopic"/],
    ['topic bogus a/b', /line 3: unknown access "bogus"/],                 // Invalid topic access type
    ['pattern readonly a/%c', /line 3: unknown access "readonly"/],
    ['user', /line 3: "user" needs a user name/],                          // Missing username
    ['user   ', /line 3: "user" needs a user name/],
    ['topic', /line 3: "topic" needs a topic/],                           // Empty topic
    ['pattern', /line 3: "pattern" needs a topic/],
  ];
  for (const [line, message] of cases) {
    assert.throws(() => parseAclFile(`# a comment\ntopic read ok/#\n${line}\ntopic read later\n`, 'test.acl'), message, JSON.stringify(line));
  }
  assert.throws(() => parseAclFile('topic read a/#/b'), /^Error: ACL file, line 1: invalid/);
});

test('parser: what mosquitto accepts', () => {
  // "topic read" alone grants readwrite on the topic "read"; several spaces separate
  // words; the topic is the rest of the line, spaces and all; CRLF and trailing blanks;
  // blank lines and comments; an empty file.
  const acl = parseAclFile([
    '# comment', '', '   ', 'topic read', 'topic   write    a b  ', 'topic read x/y\r', 'topic c/d\t',
    'user  two words ', 'topic two/+', 'user alice', 'topic deny q', 'user alice', 'topic read q/#',
  ].join('\n'));
  const anon = { id: 'c' };
  assert.equal(acl.canRead(anon, 'read'), true);
  assert.equal(acl.canPublish(anon, 'read'), true);
  assert.equal(acl.canPublish(anon, 'a b'), true);
  assert.equal(acl.canRead(anon, 'a b'), false);
  assert.equal(acl.canRead(anon, 'x/y'), true);
  assert.equal(acl.canPublish(anon, 'c/d'), true);
  assert.equal(acl.canRead({ id: 'c', username: 'two words' }, 'two/x'), true);
  // Two "user alice" sections are one.
  const alice = { id: 'c', username: 'alice' };
  assert.equal(acl.canRead(alice, 'q/x'), true);
  assert.equal(acl.canRead(alice, 'q'), false);
  const empty = parseAclFile('');
  assert.equal(empty.canRead({ id: 'c' }, 'a'), false, 'an empty ACL file refuses everything');
  assert.equal(empty.canSubscribe({ id: 'c', username: 'u' }, '#'), false);
});

test('topic matching and filter checks', () => {
  const yes = [['a/#', 'a'], ['a/#', 'a/b/c'], ['+/+', '/'], ['+', 'a'], ['#', 'a/b'], ['a/+/c', 'a//c'], ['$SYS/#', '$SYS/x'], ['$SYS/+', '$SYS/x']];
  const no = [['#', '$SYS/x'], ['+/x', '$SYS/x'], ['a/+', 'a'], ['a/+', 'a/b/c'], ['a', 'a/b'], ['a/b', 'a'], ['a/#', 'b'], ['a/#', 'a/+']];
  for (const [filter, topic] of yes) assert.equal(topicMatchesFilter(filter, topic), true, `${filter} ~ ${topic}`);
  for (const [filter, topic] of no) assert.equal(topicMatchesFilter(filter, topic), false, `${filter} !~ ${topic}`);
  for (const filter of ['a', '#', '+', 'a/+/#', '/', '+/+', '$share/g/a']) assert.equal(isValidFilter(filter), true, filter);
  for (const filter of ['', 'a/#/b', 'a#', '+a', 'a/b+', '##']) assert.equal(isValidFilter(filter), false, filter);
});

// --- the table --------------------------------------------------------------------------

const ACL = `# clients without a user name
topic read public/#
topic deny public/secret
topic write anon/in
pattern readwrite clients/%c/#
pattern deny clients/%c/private

user alice
topic read foo/#
topic deny foo/secret
topic write foo/out
topic readwrite shared/+/data
topic read $SYS/broker/version

user bob
topic foo/bob
topic read +/news

user carol
topic readwrite clients/#
topic readwrite $SYS/#

user admin
topic readwrite #
topic readwrite $SYS/#

pattern read users/%u/#
pattern write users/%u/out
pattern read ids/%c
`;

// The clients: user name (null: none) and client id.
const CLIENTS = {
  anon: { username: null, id: 'anon1' },
  anonSlash: { username: null, id: 'x/y' },   // '/' is allowed in a client id substituted for %c
  alice: { username: 'alice', id: 'alice-c' },
  aliceHash: { username: 'alice', id: 'a#b' }, // '#' in the id: patterns give this client nothing
  bob: { username: 'bob', id: 'bob-c' },
  carol: { username: 'carol', id: 'carol-c' },
  dave: { username: 'dave', id: 'dave-c' },    // has a password but no section: patterns only
  admin: { username: 'admin', id: 'admin-c' },
};

const SYS_TOPICS = ['$SYS/broker/version', '$SYS/broker/uptime']; // retained by mosquitto itself
const TOPICS = [
  'public/a', 'public/secret', 'anon/in', 'foo/a', 'foo/secret', 'foo/out', 'foo/bob', 'shared/x/data',
  'shared/x/y/data', 'x/news', 'news', 'users/alice/1', 'users/bob/1', 'users/dave/out', 'clients/anon1/a',
  'clients/anon1/private', 'clients/alice-c/a', 'clients/carol-c/private', 'clients/x/y/z', 'ids/alice-c',
  'ids/dave-c', 'bar/x',
];

// What each client may read, of TOPICS and SYS_TOPICS.
const READS = {
  anon: ['public/a', 'clients/anon1/a'],
  anonSlash: ['public/a', 'clients/x/y/z'],
  alice: ['foo/a', 'foo/out', 'foo/bob', 'shared/x/data', 'users/alice/1', 'clients/alice-c/a', 'ids/alice-c', '$SYS/broker/version'],
  aliceHash: ['foo/a', 'foo/out', 'foo/bob', 'shared/x/data', '$SYS/broker/version'],
  bob: ['foo/bob', 'x/news', 'users/bob/1'],
  carol: ['clients/anon1/a', 'clients/anon1/private', 'clients/alice-c/a', 'clients/carol-c/private', 'clients/x/y/z', ...SYS_TOPICS],
  dave: ['users/dave/out', 'ids/dave-c'],
  admin: [...TOPICS, ...SYS_TOPICS],
};

// [client, topic, may publish]
const WRITES = [
  ['anon', 'anon/in', true], ['anon', 'public/a', false], ['anon', 'clients/anon1/a', true],
  ['anon', 'clients/anon1/private', false], ['anon', 'foo/a', false],
  ['anonSlash', 'clients/x/y/z', true],
  ['alice', 'foo/out', true], ['alice', 'foo/a', false], ['alice', 'foo/secret', false],
  ['alice', 'shared/x/data', true], ['alice', 'users/alice/out', true], ['alice', 'users/alice/1', false],
  ['alice', '$SYS/broker/version', false], ['alice', 'clients/alice-c/private', false], ['alice', 'clients/alice-c/a', true],
  ['aliceHash', 'foo/out', true], ['aliceHash', 'users/alice/out', false],
  ['bob', 'foo/bob', true], ['bob', 'x/news', false], ['bob', 'users/bob/out', true],
  // carol's own grant wins over the pattern deny; $SYS is write-protected but for bridge states.
  ['carol', 'clients/carol-c/private', true], ['carol', 'clients/anon1/a', true], ['carol', '$SYS/foo', false],
  ['carol', '$SYS/broker/connection/c1/state', true],
  ['dave', 'users/dave/out', true], ['dave', 'foo/a', false], ['dave', 'ids/dave-c', false],
  ['admin', '$SYS/x', false], ['admin', 'any/thing', true],
];

// [client, filter, granted]: decided at SUBSCRIBE, never more than mosquitto delivers.
const SUBSCRIBES = [
  ['alice', 'foo/a', true], ['alice', 'foo/#', false], ['alice', 'foo/+', false], ['alice', '#', false],
  ['alice', 'shared/+/data', true], ['alice', 'shared/x/data', true], ['alice', 'shared/#', false],
  ['alice', '$SYS/broker/version', true], ['alice', '$SYS/#', false], ['alice', '$share/g/foo/a', true],
  ['alice', 'users/alice/#', true], ['alice', 'users/+/1', false], ['alice', 'ids/alice-c', true],
  ['aliceHash', 'users/alice/#', false], ['aliceHash', 'foo/a', true],
  ['bob', 'x/news', true], ['bob', '+/news', true], ['bob', 'news', false], ['bob', '#', false],
  ['carol', 'clients/#', true], ['carol', '$SYS/#', true], ['carol', '#', false],
  ['anon', 'public/a', true], ['anon', 'public/#', false], ['anon', 'clients/anon1/#', false],
  ['anon', 'clients/anon1/a', true], ['anon', 'clients/anon1/+', false], ['anonSlash', 'clients/x/y/#', false],
  ['dave', 'users/dave/#', true], ['dave', 'users/#', false], ['dave', 'ids/+', false],
  ['admin', '#', true], ['admin', '$SYS/#', true], ['admin', '+/+', true], ['admin', '$share/g/#', true],
  ['alice', '$share//foo/a', false], ['alice', 'foo/#/x', false],
];

const table = parseAclFile(ACL, 'table.acl');

test('table: reads, as mosquitto 2.0 answers them', () => {
  for (const [name, client] of Object.entries(CLIENTS)) {
    const readable = [...TOPICS, ...SYS_TOPICS].filter((topic) => table.canRead(client, topic));
    assert.deepEqual(readable.sort(), [...READS[name]].sort(), name);
  }
});

test('table: writes, as mosquitto 2.0 answers them', () => {
  for (const [name, topic, allowed] of WRITES) {
    assert.equal(table.canPublish(CLIENTS[name], topic), allowed, `${name} publishes ${topic}`);
  }
  assert.equal(table.canPublish(CLIENTS.admin, '$share/g/x'), false);
  assert.equal(table.canPublish(CLIENTS.admin, 'a/+'), false, 'not a topic name');
  assert.equal(table.canPublish({ id: 'c', username: 'nobody' }, 'foo/a'), false);
  assert.equal(table.canPublish({ username: 'alice' }, 'users/alice/out'), false, 'no client id: no patterns');
});

test('table: subscriptions grant only what every delivery through them would be readable', () => {
  for (const [name, filter, granted] of SUBSCRIBES) {
    assert.equal(table.canSubscribe(CLIENTS[name], filter), granted, `${name} subscribes ${filter}`);
  }
  // Soundness against the read table: a granted filter matches only readable topics.
  for (const [name, filter, granted] of SUBSCRIBES) {
    if (!granted) continue;
    const plain = filter.startsWith('$share/') ? filter.split('/').slice(2).join('/') : filter;
    for (const topic of [...TOPICS, ...SYS_TOPICS]) {
      if (topicMatchesFilter(plain, topic)) assert.ok(READS[name].includes(topic), `${name}: ${filter} would deliver ${topic}`);
    }
  }
});

test('aclAuthorizer and loadAclFile', async () => {
  const path = join(dir, 'hooks.acl');
  writeFileSync(path, ACL);
  const { authorizePublish, authorizeSubscribe } = await aclAuthorizer(path);
  const alice = { ...CLIENTS.alice, password: undefined, address: '127.0.0.1' };
  assert.equal(await authorizePublish(alice, { topic: 'foo/out', qos: 1, retain: false, payload: new Uint8Array(0) }), true);
  assert.equal(await authorizePublish(alice, { topic: 'foo/a', qos: 0, retain: false, payload: new Uint8Array(0) }), false);
  // The broker passes the filter as `topic`; `filter` is read too.
  assert.equal(await authorizeSubscribe(alice, { topic: 'foo/a', qos: 1 }), true);
  assert.equal(await authorizeSubscribe(alice, { topic: 'foo/#', qos: 1 }), false);
  assert.equal(await authorizeSubscribe(alice, { filter: 'foo/a', qos: 1 }), true);
  assert.equal(await authorizeSubscribe(alice, { filter: 'foo/#', qos: 1 }), false);
  await assert.rejects(loadAclFile(join(dir, 'missing.acl')), /cannot read ACL file .*missing\.acl: no such file/);
  const bad = join(dir, 'bad.acl');
  writeFileSync(bad, 'user alice\ntopic sometimes a/b\n');
  await assert.rejects(aclAuthorizer(bad), new RegExp(`ACL file ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, line 2: unknown access "sometimes"`));
});

// --- against a real mosquitto -----------------------------------------------------------

const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto'].find((path) => existsSync(path)) ?? which('mosquitto');
const noMosquitto = !MOSQUITTO ? 'mosquitto is not installed (Debian package mosquitto)'
  : !which('mosquitto_pub') || !which('mosquitto_sub') ? 'mosquitto_pub / mosquitto_sub are not installed (Debian package mosquitto-clients)'
    : !which('mosquitto_passwd') ? 'mosquitto_passwd is not installed (Debian package mosquitto)' : false;

function which(name) {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, child, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}`);
    const ok = await new Promise((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' }, () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`mosquitto did not listen on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const password = (name) => `${name}-pw`;

function credentials(name, port) {
  const { username, id } = CLIENTS[name];
  return ['-h', '127.0.0.1', '-p', String(port), '-i', id, ...(username ? ['-u', username, '-P', password(username)] : [])];
}

// Runs a mosquitto client to its end: { code, stdout, stderr }.
const run = (command, args) => spawnPeer(command, args).result();

test('against mosquitto 2.0: the table agrees with what the broker delivers', { skip: noMosquitto, timeout: 60_000 }, async () => {
  const port = await freePort();
  const pwPath = join(dir, 'mosquitto.passwd');
  const users = [...new Set(Object.values(CLIENTS).map((client) => client.username).filter(Boolean))];
  users.forEach((user, i) => execFileSync('mosquitto_passwd', [...(i === 0 ? ['-c'] : []), '-b', pwPath, user, password(user)], { stdio: 'pipe' }));
  writeFileSync(join(dir, 'mosquitto.acl'), ACL);
  writeFileSync(join(dir, 'mosquitto.conf'), [
    `listener ${port} 127.0.0.1`, 'allow_anonymous true', `password_file ${pwPath}`,
    `acl_file ${join(dir, 'mosquitto.acl')}`, 'persistence false',
    // As root, mosquitto would switch to the user "mosquitto", who cannot read our files.
    `user ${userInfo().username}`, '',
  ].join('\n'));
  // The file mosquitto authenticates with is one we read the same way.
  const passwords = await loadPasswordFile(pwPath);
  for (const user of users) assert.equal(passwords.verify(user, password(user)), true, user);

  const broker = spawn(MOSQUITTO, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let brokerLog = '';
  broker.stderr.on('data', (chunk) => { brokerLog += chunk; });
  try {
    await waitForPort(port, broker);

    // Reads: admin leaves a retained message on every topic; each client subscribes to
    // everything and reports the retained messages mosquitto lets it read.
    await Promise.all(TOPICS.map(async (topic, i) => {
      const result = await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-i', `seed${i}`, '-u', 'admin', '-P', password('admin'), '-q', '1', '-r', '-t', topic, '-m', 'retained']);
      assert.equal(result.code, 0, `seeding ${topic}: ${result.stderr}`);
    }));
    const reads = await Promise.all(Object.keys(CLIENTS).map(async (name) => {
      const result = await run('mosquitto_sub', [...credentials(name, port), '-t', '#', '-t', '$SYS/#', '-v', '-W', '2']);
      assert.doesNotMatch(result.stderr, /Connection error|refused|not authori/i, `${name}: ${result.stderr}`);
      const seen = new Set(result.stdout.split('\n').map((line) => line.split(' ')[0]));
      return [name, [...TOPICS, ...SYS_TOPICS].filter((topic) => seen.has(topic))];
    }));
    for (const [name, readable] of reads) {
      assert.deepEqual(readable.sort(), [...READS[name]].sort(), `mosquitto: what ${name} reads`);
    }

    // Writes: an observer that may read everything; each client publishes its cases (one
    // client at a time per id, or mosquitto would take the session over).
    const observer = spawnPeer('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(port), '-i', 'observer', '-u', 'admin', '-P', password('admin'), '-t', '#', '-t', '$SYS/#', '-v', '-d'], { timeoutMs: 60_000 });
    const observerSeen = (pattern) => observer.waitFor(pattern, `the observer to see ${pattern}`, 10_000);
    try {
      await observerSeen(/Subscribed \(mid/);
      const byClient = {};
      WRITES.forEach((entry, i) => { (byClient[entry[0]] ??= []).push({ entry, i }); });
      await Promise.all(Object.entries(byClient).map(async ([name, cases]) => {
        for (const { entry: [, topic], i } of cases) {
          const result = await run('mosquitto_pub', [...credentials(name, port), '-q', '1', '-t', topic, '-m', `w${i}`]);
          assert.equal(result.code, 0, `${name} publishing ${topic}: ${result.stderr}`);
        }
      }));
      const done = await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-u', 'admin', '-P', password('admin'), '-q', '1', '-t', 'zz/done', '-m', 'wdone']);
      assert.equal(done.code, 0);
      await observerSeen(/^zz\/done wdone$/m);
    } finally {
      observer.kill();
    }
    const delivered = new Set([...observer.stdout.matchAll(/^(\S+) w(\d+)$/gm)].map((match) => Number(match[2])));
    WRITES.forEach(([name, topic, allowed], i) => {
      assert.equal(delivered.has(i), allowed, `mosquitto: ${name} publishing ${topic}`);
    });
  } catch (err) {
    err.message += `\nmosquitto's log:\n${brokerLog}`;
    throw err;
  } finally {
    broker.kill();
    if (broker.exitCode === null) await new Promise((resolve) => broker.once('exit', resolve));
  }
});
