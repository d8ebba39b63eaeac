// The Node-hosted broker (createBroker) against Debian's mosquitto_pub and mosquitto_sub,
// as real child processes over TCP on 127.0.0.1, in 3.1.1 and in 5.0: plain pub/sub,
// retained messages (set, delivered to a late subscriber, cleared), QoS 1 and 2 with their
// handshakes, a will after SIGKILL (and none after a clean DISCONNECT), CONNECT refused by
// the authenticate hook (exit status and the text the client prints), and a persistent
// session that queues QoS 1 messages while its client is away.
//
// mosquitto_sub runs with -d (so that its SUBACK shows when it is ready) and -F, which
// prints every message as one line: MSG|retain|qos|topic|payload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createBroker } from '../../js/index.js';
import { spawnPeer, until } from './broker-peers.js';

const PUB = '/usr/bin/mosquitto_pub';
const SUB = '/usr/bin/mosquitto_sub';
// Their debug lines (SUBACK, PUBREC, ...) are printf'd into a pipe, which the C library
// buffers fully: stdbuf -oL (coreutils; it execs the client, so the PID stays the same)
// makes stdout line-buffered, so that a test sees each line when it is printed.
const STDBUF = '/usr/bin/stdbuf';
const noClients = existsSync(PUB) && existsSync(SUB)
  ? (existsSync(STDBUF) ? false : `${STDBUF} is missing (Debian package coreutils)`)
  : `${PUB} or ${SUB} is missing: install the Debian package mosquitto-clients`;

const VERSIONS = [
  { label: '3.1.1', flag: 'mqttv311' },
  { label: '5.0', flag: 'mqttv5' },
];
const FORMAT = 'MSG|%r|%q|%t|%p';

// One broker per test, listening on a free TCP port; every peer started through `ctx`
// is killed by PID and the broker closed when the test ends, pass or fail.
async function withBroker(t, options, body) {
  const broker = await createBroker(options);
  const peers = [];
  const cleanUp = async () => {
    const all = peers.splice(0);
    for (const p of all) p.kill('SIGKILL');
    await Promise.all(all.map((p) => p.exited));
    await broker.close();
  };
  t.after(cleanUp);  // also after a test timeout, when `finally` below never runs
  try {
    const { tcp } = await broker.listen({ tcp: 0, host: '127.0.0.1' });
    const at = ['-h', '127.0.0.1', '-p', String(tcp.port)];
    const ctx = {
      broker,
      // A mosquitto_sub that has its SUBACK, printing messages with FORMAT.
      async sub(version, args, { ready = true } = {}) {
        const p = spawnPeer(STDBUF, ['-oL', SUB, ...at, '-V', version.flag, '-d', '-F', FORMAT, ...args], { timeoutMs: 15000 });
        peers.push(p);
        if (ready) await p.waitFor(/received SUBACK/, 'mosquitto_sub to be subscribed');
        return p;
      },
      // A mosquitto_pub run to its end: { code, signal, stdout, stderr }.
      async pub(version, args) {
        const p = spawnPeer(STDBUF, ['-oL', PUB, ...at, '-V', version.flag, '-d', ...args], { timeoutMs: 10000 });
        peers.push(p);
        return p.result();
      },
    };
    await body(ctx);
  } finally {
    await cleanUp();
  }
}

// The messages a mosquitto_sub printed so far, parsed from its FORMAT lines.
function messages(peer) {
  return peer.stdout.split('\n').filter((line) => line.startsWith('MSG|')).map((line) => {
    const [, retain, qos, topic, ...payload] = line.split('|');
    return { retain: Number(retain), qos: Number(qos), topic, payload: payload.join('|') };
  });
}

async function messagesUntil(peer, count, what, ms) {
  await until(() => messages(peer).length >= count, what, ms);
  return messages(peer);
}

function assertPublished(run, what) {
  assert.equal(run.code, 0, `${what}: mosquitto_pub exited ${run.code} (${run.signal ?? 'no signal'}): ${run.stderr}`);
}

for (const v of VERSIONS) {
  test(`mosquitto ${v.label}: a message reaches a subscriber, and only a matching one`, { skip: noClients, timeout: 30000 }, async (t) => {
    await withBroker(t, {}, async ({ sub, pub }) => {
      const all = await sub(v, ['-t', 'plain/#', '-q', '0']);
      const other = await sub(v, ['-t', 'elsewhere/+', '-q', '0']);
      assertPublished(await pub(v, ['-t', 'plain/a/b', '-m', 'hello mosquitto']), 'plain publish');
      assertPublished(await pub(v, ['-t', 'plain', '-m', 'parent level']), 'publish to the parent');
      const got = await messagesUntil(all, 2, 'two messages on plain/#');
      assert.deepEqual(got, [
        { retain: 0, qos: 0, topic: 'plain/a/b', payload: 'hello mosquitto' },
        // '#' also matches the parent level (section 4.7.1.2)
        { retain: 0, qos: 0, topic: 'plain', payload: 'parent level' },
      ]);
      assert.deepEqual(messages(other), [], 'a subscriber to elsewhere/+ gets nothing');
    });
  });

  test(`mosquitto ${v.label}: retained messages reach late subscribers, and an empty retained one clears`, { skip: noClients, timeout: 30000 }, async (t) => {
    await withBroker(t, {}, async ({ broker, sub, pub }) => {
      const base = broker.stats().retained;  // the broker's own $SYS messages are retained too
      assertPublished(await pub(v, ['-t', 'ret/keep', '-m', 'kept', '-r', '-q', '1']), 'retain ret/keep');
      assertPublished(await pub(v, ['-t', 'ret/clear', '-m', 'to be cleared', '-r']), 'retain ret/clear');
      assertPublished(await pub(v, ['-t', 'ret/plain', '-m', 'not retained']), 'plain ret/plain');
      assert.equal(broker.stats().retained - base, 2);

      const late = await sub(v, ['-t', 'ret/#', '-q', '1']);
      const first = await messagesUntil(late, 2, 'the two retained messages');
      assert.deepEqual(first.sort((a, b) => a.topic.localeCompare(b.topic)), [
        { retain: 1, qos: 0, topic: 'ret/clear', payload: 'to be cleared' },
        { retain: 1, qos: 1, topic: 'ret/keep', payload: 'kept' },
      ]);
      // Once subscribed, a retained publish is forwarded with retain 0 ([MQTT-3.3.1-9] in
      // 3.1.1; in 5.0 [MQTT-3.3.1-12], as Retain As Published is off).
      assertPublished(await pub(v, ['-t', 'ret/live', '-m', 'live', '-r']), 'retain ret/live');
      assert.deepEqual((await messagesUntil(late, 3, 'the live retained message'))[2],
        { retain: 0, qos: 0, topic: 'ret/live', payload: 'live' });

      // -n -r: a zero-length retained message removes the retained one and is itself not
      // stored ([MQTT-3.3.1-10] [MQTT-3.3.1-11] in 3.1.1, [MQTT-3.3.1-6] [MQTT-3.3.1-7] in 5.0).
      assertPublished(await pub(v, ['-t', 'ret/clear', '-n', '-r']), 'clear ret/clear');
      assert.equal(broker.stats().retained - base, 2, 'ret/keep and ret/live remain');

      // A second late subscriber; the marker is published after its SUBACK, so every
      // retained message it will get has arrived before the marker.
      const later = await sub(v, ['-t', 'ret/#']);
      assertPublished(await pub(v, ['-t', 'ret/end', '-m', 'marker']), 'marker');
      const second = await messagesUntil(later, 3, 'the retained messages and the marker');
      assert.deepEqual(second.slice(0, 2).map((m) => m.topic).sort(), ['ret/keep', 'ret/live']);
      assert.ok(second.slice(0, 2).every((m) => m.retain === 1));
      assert.deepEqual(second[2], { retain: 0, qos: 0, topic: 'ret/end', payload: 'marker' });
      assert.equal(second.length, 3, 'nothing for the cleared topic');
    });
  });

  test(`mosquitto ${v.label}: QoS 1 and QoS 2, with their acknowledgements, downgraded to the subscription`, { skip: noClients, timeout: 30000 }, async (t) => {
    await withBroker(t, {}, async ({ sub, pub }) => {
      const q2 = await sub(v, ['-t', 'qos/#', '-q', '2']);
      const q1 = await sub(v, ['-t', 'qos/#', '-q', '1']);
      const run1 = await pub(v, ['-t', 'qos/one', '-m', 'at least once', '-q', '1']);
      assertPublished(run1, 'QoS 1 publish');
      assert.match(run1.stdout, /received PUBACK/);
      const run2 = await pub(v, ['-t', 'qos/two', '-m', 'exactly once', '-q', '2']);
      assertPublished(run2, 'QoS 2 publish');
      assert.match(run2.stdout, /received PUBREC[^]*sending PUBREL[^]*received PUBCOMP/);

      assert.deepEqual(await messagesUntil(q2, 2, 'both on the QoS 2 subscription'), [
        { retain: 0, qos: 1, topic: 'qos/one', payload: 'at least once' },
        { retain: 0, qos: 2, topic: 'qos/two', payload: 'exactly once' },
      ]);
      assert.deepEqual(await messagesUntil(q1, 2, 'both on the QoS 1 subscription'), [
        { retain: 0, qos: 1, topic: 'qos/one', payload: 'at least once' },
        { retain: 0, qos: 1, topic: 'qos/two', payload: 'exactly once' },  // min(2, 1) (section 3.8.4)
      ]);
      // The QoS 2 delivery went through the subscriber's half of the handshake.
      await q2.waitFor(/sending PUBREC[^]*received PUBREL[^]*sending PUBCOMP/, 'the QoS 2 handshake towards the subscriber');
      await q1.waitFor(/sending PUBACK/, 'the QoS 1 acknowledgement of the subscriber');
    });
  });

  test(`mosquitto ${v.label}: a will is published when its client is killed, not when it disconnects`, { skip: noClients, timeout: 30000 }, async (t) => {
    await withBroker(t, {}, async ({ broker, sub, pub }) => {
      const watcher = await sub(v, ['-t', 'will/#', '-q', '1']);
      const will = ['--will-topic', 'will/lost', '--will-payload', 'gone', '--will-qos', '1'];

      // A clean end first: -C 1 makes it exit, with DISCONNECT, after one message.
      const polite = await sub(v, ['-i', `polite-${v.flag}`, '-t', 'trigger', '-C', '1', ...will]);
      assertPublished(await pub(v, ['-t', 'trigger', '-m', 'go']), 'trigger');
      const politeEnd = await polite.exited;
      assert.equal(politeEnd.code, 0, `mosquitto_sub -C 1 ends by itself: ${polite.stderr}`);
      await until(() => broker.stats().clientsConnected === 1, 'the broker to see it gone');
      assertPublished(await pub(v, ['-t', 'will/marker', '-m', 'after the clean end']), 'marker');
      assert.deepEqual(await messagesUntil(watcher, 1, 'the marker'),
        [{ retain: 0, qos: 0, topic: 'will/marker', payload: 'after the clean end' }],
        'no will after a normal DISCONNECT [MQTT-3.1.2-8]');

      const doomed = await sub(v, ['-i', `doomed-${v.flag}`, '-t', 'nothing', ...will]);
      doomed.kill('SIGKILL');
      assert.equal((await doomed.exited).signal, 'SIGKILL');
      const got = await messagesUntil(watcher, 2, 'the will of the killed client');
      assert.deepEqual(got[1], { retain: 0, qos: 1, topic: 'will/lost', payload: 'gone' });
    });
  });

  // SIGSTOP freezes the client, so its PINGREQs stop: the broker must close it after one
  // and a half keepalives ([MQTT-3.1.2-22] in 5.0) and publish its will. In 5.0 the broker's
  // maxKeepalive: 1 comes back as Server Keep Alive, which libmosquitto adopts (its own -k
  // is at least 5 s); 3.1.1 has no such property, so there the 5 s of -k 5 are waited out.
  test(`mosquitto ${v.label}: a client that stops talking is dropped after 1.5 keepalives, and its will is sent`, { skip: noClients, timeout: 30000 }, async (t) => {
    const keepalive = v.flag === 'mqttv5' ? 1 : 5;
    await withBroker(t, v.flag === 'mqttv5' ? { maxKeepalive: 1 } : {}, async ({ sub }) => {
      const watcher = await sub(v, ['-t', 'ka/will', '-q', '1']);
      const frozen = await sub(v, ['-k', '5', '-t', 'ka/none', '--will-topic', 'ka/will', '--will-payload', 'silent']);
      if (v.flag === 'mqttv5') {
        // libmosquitto pings at the Server Keep Alive of 1 s (not at its own 5 s).
        await frozen.waitFor(/sending PINGREQ[^]*sending PINGREQ/, 'two PINGREQ a second apart', 3500);
      }
      const stoppedAt = Date.now();
      frozen.kill('SIGSTOP');
      try {
        await messagesUntil(watcher, 1, 'the will of the silent client', keepalive * 1500 + 2000);
      } finally {
        frozen.kill('SIGCONT');
      }
      const waited = Date.now() - stoppedAt;
      assert.ok(waited >= keepalive * 500 - 100 && waited <= keepalive * 1500 + 1000,
        `the broker gave up after ${waited} ms; keepalive ${keepalive} s`);
      assert.deepEqual(messages(watcher), [{ retain: 0, qos: 0, topic: 'ka/will', payload: 'silent' }]);
    });
  });

  test(`mosquitto ${v.label}: the authenticate hook refuses a user, and mosquitto_pub says why`, { skip: noClients, timeout: 30000 }, async (t) => {
    const seen = [];
    const authenticate = (client) => {
      seen.push({ id: client.id, username: client.username, password: new TextDecoder().decode(client.password) });
      if (client.username === 'mallory') return false;  // 0x86 Bad User Name or Password
      if (client.username === 'eve') return 0x87;        // Not Authorized
      return client.username === 'alice' && new TextDecoder().decode(client.password) === 'secret';
    };
    await withBroker(t, { authenticate }, async ({ broker, pub }) => {
      const refused = await pub(v, ['-i', 'm1', '-u', 'mallory', '-P', 'secret', '-t', 'a', '-m', 'x']);
      const unauthorized = await pub(v, ['-i', 'e1', '-u', 'eve', '-P', 'secret', '-t', 'a', '-m', 'x']);
      const wrongPassword = await pub(v, ['-i', 'a0', '-u', 'alice', '-P', 'guess', '-t', 'a', '-m', 'x']);
      const accepted = await pub(v, ['-i', 'a1', '-u', 'alice', '-P', 'secret', '-t', 'a', '-m', 'x']);
      if (v.flag === 'mqttv311') {
        // CONNACK return codes 4 and 5 (3.1.1 section 3.2.2.3); the client exits with the code.
        assert.equal(refused.code, 4, refused.stderr);
        assert.match(refused.stderr, /Connection Refused: bad user name or password/);
        assert.equal(unauthorized.code, 5, unauthorized.stderr);
        assert.match(unauthorized.stderr, /Connection Refused: not authori[sz]ed/);
        assert.equal(wrongPassword.code, 4, wrongPassword.stderr);
      } else {
        assert.equal(refused.code, 0x86, refused.stderr);
        assert.match(refused.stderr, /Connection error: Bad User Name or Password/);
        assert.equal(unauthorized.code, 0x87, unauthorized.stderr);
        assert.match(unauthorized.stderr, /Connection error: Not authori[sz]ed/);
        assert.equal(wrongPassword.code, 0x86, wrongPassword.stderr);
      }
      assert.match(refused.stdout, /sending CONNECT/);
      assert.doesNotMatch(refused.stdout, /sending PUBLISH/, 'nothing published after the refusal');
      assertPublished(accepted, 'the right password');
      assert.match(accepted.stdout, /sending PUBLISH/);
      assert.deepEqual(seen, [
        { id: 'm1', username: 'mallory', password: 'secret' },
        { id: 'e1', username: 'eve', password: 'secret' },
        { id: 'a0', username: 'alice', password: 'guess' },
        { id: 'a1', username: 'alice', password: 'secret' },
      ]);
      assert.equal(broker.stats().messagesReceived, 1, 'only the accepted client published');
    });
  });

  test(`mosquitto ${v.label}: a persistent session queues QoS 1 messages while its client is away`, { skip: noClients, timeout: 30000 }, async (t) => {
    await withBroker(t, {}, async ({ broker, sub, pub }) => {
      const id = `persistent-${v.flag}`;
      const args = ['-c', '-i', id, '-q', '1', '-t', 'queue/#'];
      const first = await sub(v, args);
      assertPublished(await pub(v, ['-t', 'queue/online', '-m', 'while here', '-q', '1']), 'online publish');
      await messagesUntil(first, 1, 'the online message');
      first.kill('SIGTERM');
      await first.exited;
      await until(() => broker.stats().clientsConnected === 0, 'the broker to see the subscriber gone');
      assert.equal(broker.stats().sessions, 1, 'its session stays');

      for (const n of [1, 2, 3]) {
        assertPublished(await pub(v, ['-t', `queue/${n}`, '-m', `queued ${n}`, '-q', '1']), `offline publish ${n}`);
      }
      // Back with the same client id and -c; -C 3 ends it after three messages.
      const again = await sub(v, [...args, '-C', '3'], { ready: false });
      const end = await again.exited;
      assert.equal(end.code, 0, `the restarted subscriber got its three messages: ${again.stderr}\n${again.stdout}`);
      assert.deepEqual(messages(again), [1, 2, 3].map((n) => ({ retain: 0, qos: 1, topic: `queue/${n}`, payload: `queued ${n}` })));
    });
  });
}
