// `mqtt-wasm/client` (js/client/index.js): the client over its own wasm module, without
// the codec and the broker. Each case runs in a child Node process of its own, because
// which module the client runs on is decided once per process (js/wasm/client-host.js),
// and this process loads the whole package for the Mosquitto helpers.
//   - alone: the module has no broker and no codec, and a client round-trips QoS 0/1/2
//     with Mosquitto over TCP;
//   - with 'mqtt-wasm' in the same process, in either order: a client of one entry
//     talks to the broker of the other over connectLocal().
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { startMosquitto, noMosquitto } from './client-peers.js';

const ROOT = new URL('../../', import.meta.url);

// Runs `body` (an ES module's text) in a child Node process in the repository and
// resolves to the JSON it prints last.
function runChild(body) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', body], { cwd: ROOT, timeout: 30000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`the child failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1)));
    });
  });
}

let mosquitto = null;
before(async () => {
  if (!noMosquitto) mosquitto = await startMosquitto();
});
after(async () => {
  await mosquitto?.stop();
});

test('mqtt-wasm/client alone: no broker in its module, and QoS 0/1/2 round-trip with Mosquitto', { skip: noMosquitto, timeout: 60000 }, async () => {
  const result = await runChild(`
    const lib = await import('mqtt-wasm/client');
    const { clientHost } = await import('./js/wasm/client-host.js');
    const options = (id) => ({ clientId: id, reconnectPeriod: 0, protocolVersion: 5 });
    const sub = await lib.connectAsync(${JSON.stringify(mosquitto?.tcpUrl)}, options('entry-sub'));
    const got = [];
    sub.on('message', (topic, payload, packet) => got.push([topic, packet.qos, [...payload]]));
    await sub.subscribeAsync('entry/#', { qos: 2 });
    const pub = await lib.connectAsync(${JSON.stringify(mosquitto?.tcpUrl)}, options('entry-pub'));
    for (const qos of [0, 1, 2]) await pub.publishAsync('entry/' + qos, new Uint8Array([qos, 255]), { qos });
    const end = Date.now() + 5000;
    while (got.length < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    await pub.endAsync();
    await sub.endAsync();
    console.log(JSON.stringify({
      exports: Object.keys(lib).sort(),
      broker: typeof clientHost.module._mqttw_broker_new,
      codec: typeof clientHost.module._mqttw_decoder_new,
      client: typeof clientHost.module._mqttw_client_new,
      got: got.sort(),
    }));
  `);
  assert.deepEqual(result.exports, ['MemoryStore', 'MqttClient', 'MqttError', 'REASON_CODES',
    'connect', 'connectAsync', 'reasonCodeName', 'topicMatchesFilter']);
  assert.equal(result.broker, 'undefined', 'the client module has no broker');
  assert.equal(result.codec, 'undefined', 'the client module has no codec');
  assert.equal(result.client, 'function');
  assert.deepEqual(result.got, [['entry/0', 0, [0, 255]], ['entry/1', 1, [1, 255]], ['entry/2', 2, [2, 255]]]);
});

for (const [first, second] of [['mqtt-wasm/client', 'mqtt-wasm'], ['mqtt-wasm', 'mqtt-wasm/client']]) {
  test(`'${first}' then '${second}' in one process: a client of mqtt-wasm/client talks to the broker of mqtt-wasm`, { timeout: 60000 }, async () => {
    const result = await runChild(`
      const a = await import('${first}');
      const b = await import('${second}');
      const client = '${first}' === 'mqtt-wasm/client' ? a : b;
      const whole = '${first}' === 'mqtt-wasm' ? a : b;
      const broker = await whole.createBroker({ sysInterval: 0 });
      const sub = await client.connectAsync(broker.connectLocal(), { clientId: 'sub', protocolVersion: 5 });
      const got = [];
      sub.on('message', (topic, payload) => got.push([topic, new TextDecoder().decode(payload)]));
      await sub.subscribeAsync('room/+', { qos: 1 });
      const pub = await whole.connectAsync(broker.connectLocal(), { clientId: 'pub' });
      await pub.publishAsync('room/1', 'across modules', { qos: 1 });
      const end = Date.now() + 5000;
      while (got.length < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      await Promise.all([sub.endAsync(), pub.endAsync()]);
      await broker.close();
      console.log(JSON.stringify({ got }));
    `);
    assert.deepEqual(result.got, [['room/1', 'across modules']]);
  });
}
