// js/node/cli.js and bin/mqtt-wasm.js: the flag -> option mapping, the defaults, one
// clear line and exit status 2 for every bad flag or value, and --help. The running
// broker is not started here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../../js/node/cli.js';
import { parseBrokerArgs, brokerHelp, BROKER_FLAGS } from '../../js/node/cli-broker.js';
import { UsageError } from '../../js/node/cli-flags.js';

const BIN = fileURLToPath(new URL('../../bin/mqtt-wasm.js', import.meta.url));
const cli = (...args) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 20_000 });

test('every flag lands on its option', () => {
  const parsed = parseBrokerArgs([
    '--tcp', '1884', '--ws', '8081', '--tls', '8884', '--wss', '8444', '--host', '0.0.0.0',
    '--key', 'k.pem', '--cert', 'c.pem', '--max-keepalive', '120', '--topic-alias-max', '16',
    '--max-packet-size', '65536', '--receive-max', '20', '--max-qos', '1', '--retain-available', 'false',
    '--max-inflight', '5', '--max-queued', '0', '--max-connections', '1000', '--max-subscriptions', '50',
    '--max-topic-levels', '12', '--sys-interval', '0', '--password-file', 'passwd', '--acl-file', 'acl',
  ]);
  assert.deepEqual(parsed, {
    options: {
      maxKeepalive: 120, topicAliasMaximum: 16, maxPacketSize: 65536, receiveMaximum: 20, maximumQos: 1,
      retainAvailable: false, maxInflight: 5, maxQueued: 0, maxConnections: 1000, maxSubscriptions: 50,
      maxTopicLevels: 12, sysInterval: 0,
    },
    listen: { tcp: [1884], ws: [8081], tls: [8884], wss: [8444], host: '0.0.0.0' },
    files: { key: 'k.pem', cert: 'c.pem', passwordFile: 'passwd', aclFile: 'acl' },
  });
  assert.deepEqual(parseBrokerArgs(['--retain-available=true', '--max-qos=0']).options, { retainAvailable: true, maximumQos: 0 });
  assert.deepEqual(parseBrokerArgs(['--tcp', '1', '--ws', '3', '--tcp', '2']).listen, { tcp: [1, 2], ws: [3] }, 'a listener flag repeated: each port');
  assert.equal(parseBrokerArgs(['--max-qos', '1', '--max-qos', '2']).options.maximumQos, 2, 'the last of another flag repeated');
});

test('defaults: TCP 1883 when no listener is given; port 0 is allowed', () => {
  assert.deepEqual(parseBrokerArgs([]), { options: {}, listen: { tcp: [1883] }, files: {} });
  assert.deepEqual(parseBrokerArgs(['--host', '::1']).listen, { host: '::1', tcp: [1883] });
  assert.deepEqual(parseBrokerArgs(['--ws', '8080']).listen, { ws: [8080] });
  assert.deepEqual(parseBrokerArgs(['--tcp', '0', '--ws', '0']).listen, { tcp: [0], ws: [0] });
  assert.deepEqual(parseBrokerArgs(['--tls', '8883', '--key', 'k', '--cert', 'c']).listen, { tls: [8883] });
});

test('bad values: one message naming the flag', () => {
  const cases = [
    [['--tcp', '65536'], /^--tcp must be an integer from 0 to 65535, got "65536"$/],
    [['--tcp', '-1'], /^--tcp needs a value$/], // "-1" reads as a flag, so --tcp has none
    [['--tcp=-1'], /^--tcp must be an integer from 0 to 65535, got "-1"$/],
    [['--ws', '80a'], /^--ws must be an integer from 0 to 65535, got "80a"$/],
    [['--ws', '0x50'], /--ws must be an integer/],
    [['--tls', '1e3', '--key', 'k', '--cert', 'c'], /--tls must be an integer/],
    [['--wss', ''], /--wss must be an integer/],
    [['--max-qos', '3'], /^--max-qos must be 0, 1 or 2, got "3"$/],
    [['--max-qos', '1.0'], /^--max-qos must be 0, 1 or 2, got "1.0"$/],
    [['--retain-available', 'yes'], /^--retain-available must be true or false, got "yes"$/],
    [['--receive-max', '0'], /^--receive-max must be an integer from 1 to 65535, got "0"$/],
    [['--max-inflight', '65536'], /^--max-inflight must be an integer from 1 to 65535/],
    [['--max-packet-size', '63'], /^--max-packet-size must be an integer from 64 to 268435460, got "63"$/],
    [['--max-packet-size', '268435461'], /^--max-packet-size must be an integer from 64 to 268435460/],
    [['--max-keepalive', '70000'], /^--max-keepalive must be an integer from 0 to 65535/],
    [['--topic-alias-max', '1.5'], /^--topic-alias-max must be an integer/],
    [['--max-queued', '4294967296'], /^--max-queued must be an integer from 0 to 4294967295/],
    [['--max-connections', ' 5'], /^--max-connections must be an integer/],
    [['--max-subscriptions', 'many'], /^--max-subscriptions must be an integer/],
    [['--max-topic-levels', '0'], /^--max-topic-levels must be an integer from 1 to 1000/],
    [['--max-topic-levels', '1001'], /^--max-topic-levels must be an integer from 1 to 1000/],
    [['--max-buffered-bytes', '100'], /^--max-buffered-bytes must be at least the largest packet \(--max-packet-size, 16777216\), got "100"$/],
    [['--max-packet-size', '2000', '--max-buffered-bytes', '1999'], /^--max-buffered-bytes must be at least the largest packet \(--max-packet-size, 2000\), got "1999"$/],
    [['--sys-interval', '86401'], /^--sys-interval must be an integer from 0 to 86400/],
    [['--host', ''], /^--host needs a value$/],
    [['--password-file', ''], /^--password-file needs a value$/],
    [['--tls', '8883'], /^--tls needs --key FILE and --cert FILE$/],
    [['--wss', '8443', '--key', 'k'], /^--wss needs --cert FILE$/],
    [['--tls', '1', '--wss', '2', '--cert', 'c'], /^--tls and --wss need --key FILE$/],
    [['--key', 'k', '--cert', 'c'], /^--key and --cert are for --tls and --wss listeners$/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => parseBrokerArgs(argv), (err) => err instanceof UsageError && err.exitCode === 2 && message.test(err.message), argv.join(' '));
  }
});

test('bad flags: unknown, missing values, positionals, values for --help', () => {
  const cases = [
    [['--tpc', '1883'], /^unknown flag --tpc$/],
    [['-p', '1883'], /^unknown flag -p$/],
    [['--tcp'], /^--tcp needs a value$/],
    [['--tcp', '--ws', '8080'], /^--tcp needs a value$/],
    [['1883'], /^unexpected argument "1883"$/],
    [['--help=yes'], /^--help takes no value$/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => parseBrokerArgs(argv), (err) => err instanceof UsageError && message.test(err.message), argv.join(' '));
  }
});

test('--help, and the flag table behind it', () => {
  assert.deepEqual(parseBrokerArgs(['--help']), { help: true });
  assert.deepEqual(parseBrokerArgs(['--tcp', 'x', '-h']), { help: true }, 'help wins over bad values');
  const help = brokerHelp();
  const flags = BROKER_FLAGS.map(([flag]) => flag);
  assert.equal(new Set(flags).size, flags.length, 'no flag twice');
  for (const [flag, target, key, read, text] of BROKER_FLAGS) {
    assert.ok(['options', 'listen', 'files'].includes(target), flag);
    assert.equal(typeof key, 'string');
    assert.equal(typeof read, 'function');
    assert.ok(help.includes(`--${flag} ${read.hint}`), `--${flag} is in the help`);
    assert.ok(help.includes(text), `--${flag}'s help text`);
  }
  // The options the CLI sets are createBroker's.
  const createBrokerOptions = ['maxConnections', 'maxPacketSize', 'receiveMaximum', 'maxInflight', 'maxQueued', 'topicAliasMaximum',
    'maxKeepalive', 'maximumQos', 'retainAvailable', 'maxTopicLevels', 'maxSubscriptions', 'sysInterval', 'maxMessageBytes', 'maxBufferedBytes'];
  const mapped = BROKER_FLAGS.filter(([, target]) => target === 'options').map(([, , key]) => key);
  assert.deepEqual([...mapped].sort(), [...createBrokerOptions].sort());
});

test('main: help and usage errors, in process', async () => {
  const sink = () => {
    const stream = { text: '', write(chunk) { stream.text += chunk; return true; } };
    return stream;
  };
  const run = async (...argv) => {
    const stdout = sink();
    const stderr = sink();
    const code = await main(argv, { stdout, stderr });
    return { code, stdout: stdout.text, stderr: stderr.text };
  };
  let r = await run('--help');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage: mqtt-wasm <command>/);
  assert.match(r.stdout, /broker/);
  r = await run('broker', '-h');
  assert.equal(r.code, 0);
  assert.equal(r.stdout, brokerHelp());
  r = await run();
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^Usage: mqtt-wasm <command>/);
  r = await run('brokr');
  assert.deepEqual(r, { code: 2, stdout: '', stderr: 'mqtt-wasm: unknown command "brokr" (see mqtt-wasm --help)\n' });
  r = await run('broker', '--max-qos', '3');
  assert.deepEqual(r, { code: 2, stdout: '', stderr: 'mqtt-wasm: --max-qos must be 0, 1 or 2, got "3" (see mqtt-wasm broker --help)\n' });
});

test('bin/mqtt-wasm.js: exit statuses, one line on stderr, no stack traces', () => {
  let r = cli('--help');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /mqtt-wasm broker --help/);
  r = cli('broker', '--help');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, brokerHelp());
  for (const argv of [['broker', '--tcp', 'x'], ['broker', '--nope'], ['broker', '--tls', '8883'], ['serve']]) {
    r = cli(...argv);
    assert.equal(r.status, 2, argv.join(' '));
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.split('\n').length, 2, `one line: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
  // An error while starting (here a missing password file) is one line and status 1.
  r = cli('broker', '--tcp', '0', '--password-file', '/nonexistent/passwd');
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr, 'mqtt-wasm: cannot read password file /nonexistent/passwd: no such file\n');
});
