// BrokerCore (js/broker/core.js) against sinks that call back into the core while a
// batch is being handed out: the batch in wasm memory is overwritten by the nested
// call, so what the sink is given must have been read out before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerCore } from '../../js/broker/core.js';
import { brokerOptions } from '../../js/broker/options.js';
import { encode, createDecoder } from '../../js/index.js';

const connect = (clientId) => encode({ cmd: 'connect', protocolVersion: 4, clientId, clean: true, keepalive: 0 });

function packets(bytesList) {
  const decoder = createDecoder({ protocolVersion: 4 });
  return bytesList.flatMap((b) => decoder.push(b)).map((p) => (p.cmd === 'publish' ? `${p.topic} ${new TextDecoder().decode(p.payload)}` : p.cmd));
}

test('a sink that calls the core from send() still gets every send of the outer batch', () => {
  const sent = new Map();
  let core;
  let nested = false;
  core = new BrokerCore(brokerOptions({ sysInterval: 0, connectTimeout: 0 }), {
    send(conn, bytes) {
      if (!sent.has(conn)) sent.set(conn, []);
      sent.get(conn).push(bytes);
      if (nested) {
        // A call from inside the outer batch, as an onError handler might make.
        nested = false;
        // Its batch (4 KiB to connection 3) takes the place of the outer one.
        core.onBytes(3, encode({ cmd: 'publish', topic: 'big', payload: 'x'.repeat(4096), qos: 0, retain: false }), 0);
      }
    },
    close() {},
    request() {},
    timer() {},
  });
  for (const conn of [1, 2, 3]) {
    core.onOpen(conn, 0);
    core.onBytes(conn, connect(`c${conn}`), 0);
  }
  core.onBytes(1, encode({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 't', qos: 0 }] }), 0);
  core.onBytes(2, encode({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 't', qos: 0 }] }), 0);
  core.onBytes(3, encode({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'big', qos: 0 }] }), 0);
  // A large batch first, so that the core's output buffer has room and the nested
  // batch is written over the outer one in place.
  core.onBytes(3, encode({ cmd: 'publish', topic: 'big', payload: 'y'.repeat(65536), qos: 0, retain: false }), 0);
  sent.clear();
  // One batch with a send to 1 and a send to 2; the first send calls the core again.
  nested = true;
  core.onBytes(3, encode({ cmd: 'publish', topic: 't', payload: 'hello', qos: 0, retain: false }), 0);
  assert.deepEqual(packets(sent.get(1)), ['t hello']);
  assert.deepEqual(packets(sent.get(2)), ['t hello']);
  assert.deepEqual(packets(sent.get(3)), [`big ${'x'.repeat(4096)}`]);
  core.free();
});

test('a timer asked for by a nested call is not replaced by the outer batch\'s later one', () => {
  let core;
  let timerAt = 0;
  let nested = false;
  core = new BrokerCore(brokerOptions({ sysInterval: 0, connectTimeout: 30000, authenticate: () => true }), {
    send() {},
    close() {},
    request() {
      // An application hook that runs synchronously and ends up calling the core.
      if (nested) return;
      nested = true;
      core.onOpen(2, 0);  // its CONNECT deadline, 30000, is the earliest now
    },
    timer(at) { timerAt = at; },
  });
  // No onOpen: this batch both asks for a tick at 31000 (the CONNECT deadline) and
  // carries the authenticate request whose sink makes the nested call.
  core.onBytes(1, connect('c1'), 1000);
  assert.ok(nested);
  assert.equal(timerAt, 30000, 'the earliest deadline is the timer in force');
  core.free();
});

// A trap in the core: a topic far deeper than createBroker() allows (its maxTopicLevels
// is at most 1,000, which the tree's recursion takes with room to spare) overflows the
// JS stack inside the C++ match. The options are brokerOptions()'s, bypassed for that
// one limit, on the real Broker class.
test('a core that traps stops its broker, tells onError once, and leaves the module usable', async () => {
  const { Broker } = await import('../../js/broker/broker.js');
  const { wasmModule: M } = await import('../../js/wasm/module.js');
  const { connectAsync } = await import('../../js/index.js');
  const errors = [];
  const broker = new Broker({ ...brokerOptions({ sysInterval: 0, onError: (e) => errors.push(e) }), maxTopicLevels: 100_000 });
  const deep = '/'.repeat(60_000);  // 60,001 empty levels, within a topic's 65,535 bytes
  const local = broker.connectLocal();
  const received = [];
  let closed = false;
  local.onbytes = (b) => received.push(b);
  local.onclose = () => { closed = true; };
  const stack = M._stackSave();
  local.send(encode({ cmd: 'connect', protocolVersion: 4, clientId: 'deep', clean: true, keepalive: 0 }));
  local.send(encode({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: deep, qos: 0 }] }));
  local.send(encode({ cmd: 'publish', topic: deep, payload: 'x', qos: 0, retain: false }));
  const until = Date.now() + 5000;
  while (!closed && Date.now() < until) await new Promise((r) => setTimeout(r, 10));

  assert.equal(errors.length, 1, errors.map(String).join('\n'));
  assert.match(errors[0].message, /its core failed and the broker has stopped \(.+\)/);
  assert.ok(errors[0].cause instanceof Error);
  assert.ok(closed, 'the connection was cut');
  assert.equal(M._stackSave(), stack, 'the wasm stack pointer was put back');
  assert.throws(() => broker.stats(), /the broker has stopped: /);
  assert.throws(() => broker.connectLocal(), /the broker has stopped: /);
  await broker.close();  // resolves; nothing left to close

  // The module's other users go on: a codec, and a new broker with a client.
  assert.equal(packets([connect('after')])[0], 'connect');
  const fresh = new Broker(brokerOptions({ sysInterval: 0 }));
  const client = await connectAsync(() => fresh.connectLocal(), { reconnectPeriod: 0 });
  await client.subscribeAsync('ok/#');
  const got = new Promise((r) => client.once('message', (topic) => r(topic)));
  await client.publishAsync('ok/1', 'x');
  assert.equal(await got, 'ok/1');
  await client.endAsync();
  await fresh.close();
  assert.equal(M._stackSave(), stack);
});

test('maxTopicLevels goes up to 1,000: topics and filters that deep work, wildcards and retained messages too', async () => {
  const { createBroker, connectAsync } = await import('../../js/index.js');
  await assert.rejects(createBroker({ maxTopicLevels: 1001 }), { name: 'RangeError', message: /maxTopicLevels must be an integer from 1 to 1000/ });
  const errors = [];
  const broker = await createBroker({ maxTopicLevels: 1000, sysInterval: 0, onError: (e) => errors.push(e) });
  const topic = Array(1000).fill('a').join('/');
  const filters = [topic, Array(1000).fill('+').join('/'), `${Array(999).fill('+').join('/')}/#`, 'a/#'];
  const clients = await Promise.all(filters.map(() => connectAsync(() => broker.connectLocal(), { reconnectPeriod: 0 })));
  await Promise.all(clients.map((c, i) => c.subscribeAsync(filters[i])));
  const got = clients.map((c) => new Promise((r) => c.once('message', (t, payload, packet) => r([t.length, packet.retain]))));
  await clients[0].publishAsync(topic, 'deep', { retain: true, qos: 1 });
  assert.deepEqual(await Promise.all(got), filters.map(() => [topic.length, false]));
  // The retained message is found through the same wildcards by a new subscriber.
  const late = await connectAsync(() => broker.connectLocal(), { reconnectPeriod: 0 });
  const retained = new Promise((r) => late.once('message', (t, payload, packet) => r([t.length, packet.retain])));
  await late.subscribeAsync(filters[1]);
  assert.deepEqual(await retained, [topic.length, true]);
  await Promise.all(clients.map((c, i) => c.unsubscribeAsync(filters[i])));
  await Promise.all([...clients, late].map((c) => c.endAsync()));
  await broker.close();
  assert.deepEqual(errors, []);
});
