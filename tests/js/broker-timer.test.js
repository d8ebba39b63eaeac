// The broker's one timer (js/broker/broker.js): deadlines further away than setTimeout
// can wait (2^31 - 1 ms, about 24.8 days) must not turn into a timer that fires at once,
// again and again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBroker, encode } from '../../js/index.js';

test('a session expiry 30 days away asks for no overflowing timer (no tick loop)', async () => {
  const warnings = [];
  const onWarning = (w) => warnings.push(w.name);
  process.on('warning', onWarning);
  const broker = await createBroker({ sysInterval: 0, connectTimeout: 0 });
  try {
    const t = broker.connectLocal();
    const got = [];
    t.onbytes = (b) => got.push(b);
    t.send(encode({ cmd: 'connect', protocolVersion: 5, clientId: 'far', clean: false, keepalive: 0,
      properties: { sessionExpiryInterval: 30 * 24 * 3600 } }));
    while (!got.length) await new Promise((r) => setTimeout(r, 5));
    const closed = new Promise((r) => { t.onclose = r; });
    t.send(encode({ cmd: 'disconnect', reasonCode: 0 }));
    await closed;
    // The core now asks for a tick at the session's expiry, 30 days from now.
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(broker.stats().sessions, 1);
    assert.deepEqual(warnings.filter((n) => n === 'TimeoutOverflowWarning'), []);
  } finally {
    process.off('warning', onWarning);
    await broker.close();
  }
});
