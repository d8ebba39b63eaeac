// Kill and restart Mosquitto while QoS 1 publishes are in flight: nothing is lost.
//
// A publisher fires N QoS 1 publishes without waiting; once a quarter of them are
// acknowledged, Mosquitto is killed (SIGKILL, by PID) and started again on the same port.
// The publisher reconnects and sends again what was not acknowledged. A subscriber with a
// persistent session (clean false) reconnects too, and its session survives the restart
// because this Mosquitto keeps its database in a file saved after every change.
// Checked: every publish promise resolves; every message the publisher had not seen
// acknowledged when its connection was lost (those are the client's to send again) reaches the
// subscriber at least once; the subscriber's session was resumed. Messages Mosquitto had
// acknowledged and then lost in the kill (it saves its file after answering PUBACK) are
// counted in the diagnostics: about one run in four loses one, with MQTT.js as with ours.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMosquitto, noMosquitto } from './client-peers.js';
import { until } from './broker-peers.js';
import { contractClients, watch, within, notBuilt } from './client-contract-kit.js';

const N = 2000;
const m = noMosquitto ? null : await startMosquitto({ persistence: true, config: ['max_queued_messages 0'] });
after(() => m?.stop());

for (const client of contractClients()) {
  for (const version of [4, 5]) {
    const skip = noMosquitto || notBuilt(client);
    test(`${client.name}, MQTT ${version === 5 ? '5.0' : '3.1.1'}: Mosquitto killed and restarted under ${N} QoS 1 publishes in flight`, { skip, timeout: 45000 }, async (t) => {
      const topic = `restart/${process.pid}/${version}`;
      const session = version === 5 ? { properties: { sessionExpiryInterval: 600 } } : {};
      const common = { protocolVersion: version, keepalive: 30, reconnectPeriod: 50, connectTimeout: 5000 };
      const sub = await client.connectAsync(m.tcpUrl, { ...common, ...session, clientId: `restart-sub-${version}`, clean: false });
      const subEvents = watch(sub);
      const seen = new Array(N).fill(0);
      sub.on('message', (t, payload) => { if (t === topic) seen[Number(payload.toString())] += 1; });
      const pub = await client.connectAsync(m.tcpUrl, { ...common, clientId: `restart-pub-${version}`, clean: true });
      const pubEvents = watch(pub);
      try {
        await sub.subscribeAsync(topic, { qos: 1 });

        const acked = new Array(N).fill(false);
        let ackedCount = 0;
        let killed = null;
        // What the killed Mosquitto acknowledged: the publishes resolved by the time the
        // publisher saw its connection close. (Not those resolved when the kill was sent:
        // PUBACKs already on their way still come in, on the old connection.) A promise's
        // handlers run in microtasks after the chunk that resolved it, before the socket's
        // close event, which comes in a later task.
        let ackedByTheKilled = null;
        pub.once('close', () => { ackedByTheKilled = acked.slice(); });
        const failures = [];
        const all = Array.from({ length: N }, (_, i) => Promise.resolve(pub.publishAsync(topic, String(i), { qos: 1 })).then(() => {
          acked[i] = true;
          ackedCount += 1;
          if (ackedCount === N / 4) killed = m.kill('SIGKILL');  // signalled now, by PID; resolves once it is gone
        }, (err) => failures.push([i, err])));
        await until(() => killed !== null || failures.length > 0, `${N / 4} acknowledgements`, 15000);
        assert.deepEqual(failures, [], 'no publish failed before the kill');
        await killed;
        await until(() => ackedByTheKilled !== null, "the publisher's 'close'");
        const inFlight = ackedByTheKilled.filter((a) => !a).length;
        await m.start();

        await within(Promise.all(all), 30000, `every publish promise (${ackedCount} of ${N} resolved so far)`);
        assert.deepEqual(failures.map(([i, err]) => `${i}: ${err?.message}`), [], 'every publish promise resolved');
        // watch() came after connectAsync: each 'connect' seen is a reconnection.
        assert.ok(pubEvents.count('connect') >= 1, 'the publisher reconnected');
        // What the publisher had not seen acknowledged was its to send again.
        const unacked = [];
        ackedByTheKilled.forEach((a, i) => { if (!a) unacked.push(i); });
        await until(() => unacked.every((i) => seen[i] > 0), `the ${inFlight} messages unacknowledged when the connection was lost`, 20000)
          .catch((err) => {
            throw new Error(`${err.message}: missing ${JSON.stringify(unacked.filter((i) => !seen[i]).slice(0, 10))}; ${seen.filter((n) => n > 0).length} of ${N} seen`);
          });
        // The subscriber's session came back from the file (else it would have lost the
        // messages resent before it subscribed again).
        const [again] = await subEvents.wait('connect', 1);
        assert.equal(again.sessionPresent, true, "the subscriber's session survived the restart");
        // What Mosquitto had acknowledged before it died it may have lost: it answers
        // PUBACK before its database is saved, so a SIGKILL can take the last few. Those
        // are the broker's, not the client's: counted, not asserted.
        let lostByBroker = [];
        await until(() => seen.every((n) => n > 0), 'the rest', 1000).catch(() => {
          lostByBroker = seen.map((n, i) => (n ? -1 : i)).filter((i) => i >= 0);
        });
        const dups = seen.filter((n) => n > 1).length;
        t.diagnostic(`acknowledged by the killed Mosquitto: ${N - inFlight} of ${N}; delivered twice or more: ${dups}; ` +
          `acknowledged by Mosquitto but lost in the kill: ${lostByBroker.length} ${JSON.stringify(lostByBroker.slice(0, 10))}; ` +
          `reconnects: pub ${pubEvents.count('reconnect')}, sub ${subEvents.count('reconnect')}`);
      } finally {
        await Promise.all([sub, pub].map((c) => within(Promise.resolve(c.endAsync(true)), 5000, 'endAsync').catch(() => {})));
      }
    });
  }
}
