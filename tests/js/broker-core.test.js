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
