// The dashboard's checks of what the user gives it, in Node:
//   - `npm start`'s flags (web-demo/server/args.js): --load-topics takes what the
//     simulated devices accept, a negative --load says what the value must be, and two
//     listeners on one port name the two flags; start.js says each in one line, exit 2;
//   - a connection profile's URL (web-demo/connection/profiles.js): a bad port or a
//     space is named, and the URLs the client opens pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStartArgs } from '../../web-demo/server/args.js';
import { checkProfile } from '../../web-demo/connection/profiles.js';
import { runStart } from './web-demo-server-process.js';

test('npm start flags: --load-topics from 1, negative numbers, ports shared by two listeners', () => {
  const cases = [
    [['--load-topics', '0'], {}, /^--load-topics must be an integer from 1 to 1000000, got "0"$/],
    [['--load', '-5'], {}, /^--load must be an integer from 0 to 1000000, got "-5"$/],
    [['--load-topics', '-1'], {}, /^--load-topics must be an integer from 1 to 1000000, got "-1"$/],
    [['--ws-port', '-1'], {}, /^--ws-port must be an integer from 0 to 65535, got "-1"$/],
    [['--port', '19400', '--ws-port', '19400'], {}, /^--port and --ws-port are both port 19400: give each its own port$/],
    [['--ws-port', '19401', '--mqtt-port', '19401'], {}, /^--ws-port and --mqtt-port are both port 19401: give each its own port$/],
    [['--mqtt-port', '19402'], { PORT: '19402' }, /^PORT and --mqtt-port are both port 19402/],
    [['--mqtt-port', '9001'], {}, /^--ws-port \(default 9001\) and --mqtt-port are both port 9001/],
  ];
  for (const [args, env, message] of cases) {
    assert.throws(() => parseStartArgs(args, env), (err) => err.name === 'UsageError' && message.test(err.message), args.join(' '));
  }
  // 0 is any free port, for each of them.
  assert.deepEqual(parseStartArgs(['--port', '0', '--ws-port', '0', '--mqtt-port', '0', '--load-topics', '1']),
    { port: 0, wsPort: 0, mqttPort: 0, host: '127.0.0.1', load: 0, loadTopics: 1, devices: true });
  // A flag still needs a value of its own.
  assert.throws(() => parseStartArgs(['--load', '--no-devices']), /^UsageError: --load needs a value$/);
});

test('npm start: --load-topics 0 and a shared port exit 2 with one line naming the flags', async () => {
  const [topics, shared] = await Promise.all([
    runStart(['--port', '0', '--ws-port', '0', '--mqtt-port', '0', '--load-topics', '0']),
    runStart(['--port', '19403', '--ws-port', '19403', '--mqtt-port', '0']),
  ]);
  assert.equal(topics.code, 2, topics.stderr);
  assert.equal(topics.stderr, 'mqtt-wasm dashboard: --load-topics must be an integer from 1 to 1000000, got "0" (see --help)\n');
  assert.equal(shared.code, 2, shared.stderr);
  assert.equal(shared.stderr, 'mqtt-wasm dashboard: --port and --ws-port are both port 19403: give each its own port (see --help)\n');
});

test('profile URLs: a bad port or a space is named; the URLs the client opens pass', () => {
  assert.throws(() => checkProfile({ url: 'ws://127.0.0.1:99999' }), /^Error: the port must be from 1 to 65535, got 99999 in "ws:\/\/127\.0\.0\.1:99999"$/);
  assert.throws(() => checkProfile({ url: 'ws://127.0.0.1:abc' }), /^Error: the port "abc" in "ws:\/\/127\.0\.0\.1:abc" is not a number$/);
  assert.throws(() => checkProfile({ url: 'wss://[::1]:0/mqtt' }), /port must be from 1 to 65535, got 0/);
  assert.throws(() => checkProfile({ url: 'ws://exa mple.com' }), /^Error: the URL must not contain spaces, got "ws:\/\/exa mple\.com"$/);
  assert.throws(() => checkProfile({ url: 'ws://:9001' }), /name a host/);
  assert.throws(() => checkProfile({ url: 'ws://a%zz' }), /is not a valid URL/);
  for (const url of ['ws://127.0.0.1:9001', 'wss://broker.example.com/mqtt', 'ws://[::1]:9001', 'ws://user:pass@host:65535', 'ws://host']) {
    assert.equal(checkProfile({ url }).url, url);
    assert.doesNotThrow(() => new URL(url), url);
  }
});
