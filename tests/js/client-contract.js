// The client contract: one suite, run by the client-contract-*.test.js files against
// every target (Mosquitto over TCP and WebSocket; our broker over TCP, WebSocket and the
// local transport) at protocol 4 and 5, written against the public API of the brief
// (connect / connectAsync, publishAsync, subscribeAsync, unsubscribeAsync, endAsync,
// MQTT.js's events). It runs with MQTT.js too, which checks that it asks only for what
// MQTT.js does (see the client objects in client-contract-kit.js).
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { watch, inbox, sameBytes, within, notBuilt } from './client-contract-kit.js';
import { until, sleep } from './broker-peers.js';

const TEST_TIMEOUT = 20000;
let runs = 0;

/**
 * Registers the suite for one client, target and protocol version.
 * client: ourClient or mqttjsClient (client-contract-kit.js); target: one of
 * mosquittoTargets() / ourTargets(), whose peer is started by the caller in before().
 */
export function contractSuite({ client, target, version }) {
  const v5 = version === 5;
  const tag = `${client.name} -> ${target.name}, MQTT ${v5 ? '5.0' : '3.1.1'}`;
  const skip = target.kind === 'local' && !client.local ? `${client.name} cannot take a transport as its target`
    : notBuilt(client);
  const root = `contract/${process.pid}-${++runs}-${target.kind}-${version}`;
  const open = [];   // every client made by a test, ended after it
  const links = [];  // every link made by a test, closed after it
  let n = 0;

  const id = (what) => `c${version}${target.kind}-${what}-${++n}-${randomBytes(3).toString('hex')}`;
  const base = (extra) => ({ protocolVersion: version, keepalive: 30, reconnectPeriod: 0, connectTimeout: 5000, ...extra });
  // Every client gets an 'error' listener: a lost connection is an 'error' (ECONNRESET)
  // in MQTT.js and in ours, and an 'error' nobody listens to throws.
  const track = (c) => { open.push(c); c.on('error', () => {}); return c; };
  async function connected(extra = {}, where = target.url) {
    return track(await within(client.connectAsync(where, base({ clientId: id('x'), ...extra })), 8000, `connectAsync to ${target.name}`));
  }
  function connecting(extra = {}, where = target.url) {
    return track(client.connect(where, base({ clientId: id('x'), ...extra })));
  }
  async function link() {
    const l = await target.link();
    links.push(l);
    return l;
  }

  describe(tag, { skip }, () => {
    afterEach(async () => {
      const clients = open.splice(0);
      await Promise.all(clients.map((c) => within(Promise.resolve(c.endAsync(true)), 5000, 'endAsync(true)').catch(() => {})));
      await Promise.all(links.splice(0).map((l) => l.close()));
      if (!target.running()) await target.start();
    });

    test('connect: CONNACK accepted, connected; endAsync closes it cleanly', { timeout: TEST_TIMEOUT }, async () => {
      const c = connecting({ clientId: id('conn') });
      const w = watch(c);
      const [connack] = await w.wait('connect');
      assert.equal(connack.cmd, 'connack');
      assert.equal(connack.sessionPresent, false);
      if (v5) {
        assert.equal(connack.reasonCode, 0);
        assert.equal(connack.properties?.topicAliasMaximum, target.topicAliasMaximum, 'CONNACK topicAliasMaximum');
      } else {
        assert.equal(connack.returnCode, 0);
      }
      assert.equal(c.connected, true);
      await within(Promise.resolve(c.endAsync()), 5000, 'endAsync()');
      assert.equal(c.connected, false);
      await w.wait('close');
      await w.wait('end');
      assert.equal(w.count('error'), 0, `errors: ${w.events.filter((e) => e.name === 'error').map((e) => e.args[0]?.message)}`);
      assert.equal(w.count('reconnect'), 0);
    });

    if (v5) {
      // An authentication method the server does not support: CONNACK 0x8C.
      test('connect: refused (an unknown authentication method) rejects with the reason code', { timeout: TEST_TIMEOUT }, async () => {
        const extra = { clientId: id('refused'), properties: { authenticationMethod: 'NO-SUCH-METHOD' } };
        let made;
        await assert.rejects(async () => { made = await client.connectAsync(target.url, base(extra)); }, (err) => {
          assert.equal(err.code, 0x8c, `the reason code (${err.message})`);
          return true;
        });
        if (made) track(made);
      });
    } else {
      // An empty client id needs clean session 1 [MQTT-3.1.3-7] (a client may refuse it
      // before sending; a server answers 0x02, identifier rejected).
      test('connect: refused (empty client id with clean false) rejects', { timeout: TEST_TIMEOUT }, async () => {
        let made;
        await assert.rejects(async () => { made = await client.connectAsync(target.url, base({ clientId: '', clean: false })); }, (err) => {
          assert.ok(err instanceof Error);
          if (err.code !== undefined && typeof err.code === 'number') assert.equal(err.code, 2, err.message);
          return true;
        });
        if (made) track(made);
      });
    }

    if (v5) {
      test('connect: an empty client id gets the server-assigned one (5.0)', { timeout: TEST_TIMEOUT }, async () => {
        const c = connecting({ clientId: '' });
        const [connack] = await watch(c).wait('connect');
        assert.equal(typeof connack.properties?.assignedClientIdentifier, 'string');
        assert.ok(connack.properties.assignedClientIdentifier.length > 0);
      });
    }

    test('publish and subscribe at QoS 0/1/2: granted QoS, delivered QoS, payload bytes and packet fields', { timeout: TEST_TIMEOUT }, async () => {
      const t = `${root}/qos`;
      const sub = await connected({ clientId: id('sub') });
      const box = inbox(sub);
      const granted = await sub.subscribeAsync({ [`${t}/s0`]: { qos: 0 }, [`${t}/s1`]: { qos: 1 }, [`${t}/s2`]: { qos: 2 } });
      assert.deepEqual(granted.map((g) => [g.topic, g.qos]), [[`${t}/s0`, 0], [`${t}/s1`, 1], [`${t}/s2`, 2]]);
      const pub = await connected({ clientId: id('pub') });
      const every = Uint8Array.from({ length: 256 }, (_, i) => i);
      const cases = [];
      for (let p = 0; p <= 2; p++) {
        for (let s = 0; s <= 2; s++) {
          const payload = Buffer.concat([Buffer.from([p, s]), every]);
          cases.push({ topic: `${t}/s${s}`, payload, qos: p, want: Math.min(p, s) });
        }
      }
      cases.push({ topic: `${t}/s1`, payload: Buffer.alloc(0), qos: 1, want: 1 });
      cases.push({ topic: `${t}/s2`, payload: randomBytes(64 * 1024), qos: 2, want: 2 });
      cases.push({ topic: `${t}/s1`, payload: randomBytes(target.bigPayload), qos: 1, want: 1 });  // many chunks
      cases.push({ topic: `${t}/s0`, payload: 'héllo ✓ wörld', qos: 0, want: 0 });
      cases.push({ topic: `${t}/s2`, payload: new Uint8Array([9, 8, 7]), qos: 1, want: 1 });  // not a Buffer
      for (const c of cases) await within(Promise.resolve(pub.publishAsync(c.topic, c.payload, { qos: c.qos })), 5000, `publish QoS ${c.qos}`);
      await box.count(cases.length);
      await pub.publishAsync(`${t}/s2`, 'sentinel', { qos: 2 });
      await box.wait(`${t}/s2`, cases.filter((c) => c.topic === `${t}/s2`).length + 1);
      assert.equal(box.got.length, cases.length + 1, 'each message exactly once');
      const bytes = (p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p));
      for (const c of cases) {
        const matches = box.got.filter((m) => m.topic === c.topic && Buffer.from(m.payload).equals(bytes(c.payload)));
        const what = `QoS ${c.qos} publish to ${c.topic} (${bytes(c.payload).length} bytes)`;
        assert.equal(matches.length, 1, `${what}: delivered once`);
        const [{ payload, packet }] = matches;
        assert.ok(Buffer.isBuffer(payload), `${what}: a Buffer in Node`);
        sameBytes(payload, bytes(c.payload), what);
        sameBytes(packet.payload, bytes(c.payload), `${what} (packet.payload)`);
        assert.equal(packet.cmd, 'publish');
        assert.equal(packet.topic, c.topic);
        assert.equal(packet.qos, c.want, `${what}: delivered at QoS ${c.want}`);
        assert.equal(packet.retain, false, `${what}: retain`);
        assert.equal(packet.dup, false, `${what}: dup`);
        if (c.want > 0) assert.ok(Number.isInteger(packet.messageId) && packet.messageId > 0, `${what}: messageId`);
        else assert.equal(packet.messageId, undefined, `${what}: no messageId at QoS 0`);
      }
    });

    test('end() waits for the publishes in flight; subscribes in flight together each get their result', { timeout: TEST_TIMEOUT }, async () => {
      const t = `${root}/end`;
      const sub = await connected({ clientId: id('sub') });
      const box = inbox(sub);
      await sub.subscribeAsync({ [`${t}/1`]: { qos: 1 }, [`${t}/2`]: { qos: 2 } });
      const pub = await connected({ clientId: id('pub') });
      // (few enough for Mosquitto 2.0, which takes about 20 at a time in flight even from
      // a 3.1.1 client, where no Receive Maximum can say so)
      const sent = [];
      for (let i = 0; i < 10; i++) sent.push(Promise.resolve(pub.publishAsync(`${t}/1`, String(i), { qos: 1 })));
      for (let i = 0; i < 5; i++) sent.push(Promise.resolve(pub.publishAsync(`${t}/2`, String(i), { qos: 2 })));
      const outcomes = Promise.allSettled(sent);
      await within(Promise.resolve(pub.endAsync()), 10000, 'endAsync() with publishes in flight');
      const settled = await within(outcomes, 1000, 'the publishes end() waited for');
      assert.deepEqual(settled.map((r) => (r.status === 'fulfilled' ? 'done' : r.reason?.message)), new Array(15).fill('done'), 'every publish made before end() completed');
      await box.wait(`${t}/1`, 10);
      await box.wait(`${t}/2`, 5);

      const results = await within(Promise.all(Array.from({ length: 20 }, (_, i) => sub.subscribeAsync(`${t}/many/${i}`, { qos: i % 3 }))), 5000, '20 subscribes');
      assert.deepEqual(results.map((r) => r.map((g) => [g.topic, g.qos])), Array.from({ length: 20 }, (_, i) => [[`${t}/many/${i}`, i % 3]]));
    });

    if (v5) {
      test('a burst of QoS 1 and 2 publishes, more than the server\'s Receive Maximum, all complete and arrive in order (5.0)', { timeout: TEST_TIMEOUT, skip: client.gaps?.receiveMaximum ?? false }, async () => {
        const t = `${root}/burst`;
        const sub = await connected({ clientId: id('sub') });
        const box = inbox(sub);
        await sub.subscribeAsync({ [`${t}/1`]: { qos: 1 }, [`${t}/2`]: { qos: 2 } });
        const pub = connecting({ clientId: id('pub') });
        const w = watch(pub);
        const [connack] = await w.wait('connect');
        const count = 300;
        assert.ok(connack.properties?.receiveMaximum < 2 * count, `the server's Receive Maximum (${connack.properties?.receiveMaximum}) is exceeded`);
        const sent = [];
        for (let i = 0; i < count; i++) for (const qos of [1, 2]) sent.push(Promise.resolve(pub.publishAsync(`${t}/${qos}`, String(i), { qos })));
        await within(Promise.all(sent), 15000, `${2 * count} publishes`);
        await box.wait(`${t}/1`, count, 10000);
        await box.wait(`${t}/2`, count, 10000);
        const order = (topic) => box.on(topic).map((m) => Number(m.payload.toString()));
        const upTo = Array.from({ length: count }, (_, i) => i);
        assert.deepEqual(order(`${t}/1`), upTo, 'QoS 1 in order, once each');
        assert.deepEqual(order(`${t}/2`), upTo, 'QoS 2 in order, once each');
        assert.equal(w.count('disconnect'), 0, 'the server had no reason to disconnect');
        assert.equal(w.count('error'), 0);
        assert.equal(pub.connected, true);
      });
    }

    test('retained: set, delivered on subscribe with the retain flag, live ones without it, cleared', { timeout: TEST_TIMEOUT }, async () => {
      const t = `${root}/ret`;
      const pub = await connected({ clientId: id('pub') });
      await pub.publishAsync(`${t}/a`, 'A', { qos: 1, retain: true });
      await pub.publishAsync(`${t}/b`, Buffer.from([0, 255]), { qos: 0, retain: true });
      await pub.publishAsync(`${t}/gone`, 'X', { qos: 1, retain: true });
      await pub.publishAsync(`${t}/gone`, '', { qos: 1, retain: true });  // clears it
      // A QoS 0 publish is only written: a QoS 1 one after it is acknowledged after it was handled.
      await pub.publishAsync(`${t}/none`, 'flush', { qos: 1 });

      const sub = await connected({ clientId: id('sub') });
      const box = inbox(sub);
      await sub.subscribeAsync(`${t}/#`, { qos: 1 });
      const a = await box.wait(`${t}/a`);
      const b = await box.wait(`${t}/b`);
      assert.equal(a.packet.retain, true, 'retained a: retain flag');
      assert.equal(a.packet.qos, 1);
      assert.equal(a.payload.toString(), 'A');
      assert.equal(b.packet.retain, true, 'retained b: retain flag');
      assert.equal(b.packet.qos, 0);
      sameBytes(b.payload, Buffer.from([0, 255]), 'retained b');

      await pub.publishAsync(`${t}/a`, 'A2', { qos: 1, retain: true });  // live: retain 0 [MQTT-3.3.1-9]
      const live = await box.wait(`${t}/a`, 2);
      assert.equal(live.payload.toString(), 'A2');
      assert.equal(live.packet.retain, false, 'a live retained publish reaches an existing subscription without the flag');
      await pub.publishAsync(`${t}/a`, '', { qos: 1, retain: true });  // clear a too
      await pub.publishAsync(`${t}/end`, 'sentinel', { qos: 1 });
      await box.wait(`${t}/end`);
      assert.equal(box.on(`${t}/gone`).length, 0, 'a cleared retained message is not delivered');

      const late = await connected({ clientId: id('late') });
      const lateBox = inbox(late);
      await late.subscribeAsync(`${t}/#`, { qos: 1 });
      await pub.publishAsync(`${t}/end`, 'sentinel', { qos: 1 });
      await lateBox.wait(`${t}/end`);
      assert.deepEqual(lateBox.got.map((m) => m.topic), [`${t}/b`, `${t}/end`], 'only b is still retained');

      if (v5) {
        // Retain handling 2: no retained messages at subscribe; retain as published keeps the flag.
        const rh = await connected({ clientId: id('rh') });
        const rhBox = inbox(rh);
        await rh.subscribeAsync(`${t}/#`, { qos: 1, rh: 2, rap: true });
        await pub.publishAsync(`${t}/c`, 'C', { qos: 1, retain: true });
        const c = await rhBox.wait(`${t}/c`);
        assert.equal(c.packet.retain, true, 'rap: a live retained message keeps its flag');
        assert.equal(rhBox.on(`${t}/b`).length, 0, 'rh 2: no retained messages at subscribe');
        await pub.publishAsync(`${t}/c`, '', { qos: 1, retain: true });
      }
      await pub.publishAsync(`${t}/b`, '', { qos: 1, retain: true });
    });

    test('will: published when the connection is lost, not on a clean end', { timeout: TEST_TIMEOUT }, async () => {
      const t = `${root}/will`;
      const watcher = await connected({ clientId: id('watch') });
      const box = inbox(watcher);
      await watcher.subscribeAsync(`${t}/#`, { qos: 1 });
      const will = (name, extra = {}) => ({ will: { topic: `${t}/${name}`, payload: `will of ${name}`, qos: 1, retain: false, ...extra } });

      const clean = await connected({ clientId: id('clean'), ...will('clean') });
      await within(Promise.resolve(clean.endAsync()), 5000, 'endAsync()');
      if (v5) {
        // DISCONNECT 0x04, "disconnect with will message" [MQTT-3.14.2-?]: the will goes.
        const asked = await connected({ clientId: id('asked'), ...will('asked') });
        await within(Promise.resolve(asked.endAsync(false, { reasonCode: 0x04 })), 5000, 'endAsync(false, { reasonCode: 4 })');
        await box.wait(`${t}/asked`);
      }
      const l = await link();
      const bytes = Buffer.from([0, 1, 2, 0xfe, 0xff]);
      const props = v5 ? { properties: { contentType: 'application/x-test', userProperties: { k: 'v' } } } : {};
      await connected({ clientId: id('lost'), ...will('lost', { payload: bytes, ...props }) }, l.target);
      l.cut();
      const got = await box.wait(`${t}/lost`);
      sameBytes(got.payload, bytes, 'will payload');
      assert.equal(got.packet.qos, 1);
      assert.equal(got.packet.retain, false);
      if (v5) {
        assert.equal(got.packet.properties?.contentType, 'application/x-test');
        assert.deepEqual({ ...got.packet.properties?.userProperties }, { k: 'v' });
      }
      const pub = await connected({ clientId: id('pub') });
      await pub.publishAsync(`${t}/end`, 'sentinel', { qos: 1 });
      await box.wait(`${t}/end`);
      assert.equal(box.on(`${t}/clean`).length, 0, 'no will after a clean end');
    });

    if (v5) {
      test('5.0 properties round trip: user properties, content type, response topic, correlation data, expiry, payload format, subscription id', { timeout: TEST_TIMEOUT }, async () => {
        const t = `${root}/props`;
        const sub = await connected({ clientId: id('sub') });
        const box = inbox(sub);
        await sub.subscribeAsync(`${t}/#`, { qos: 2, properties: { subscriptionIdentifier: 42 } });
        const pub = await connected({ clientId: id('pub') });
        const correlation = Buffer.from([1, 2, 3, 0, 255]);
        const sent = {
          payloadFormatIndicator: true,
          messageExpiryInterval: 3600,
          contentType: 'text/plain; charset=utf-8',
          responseTopic: `${t}/reply`,
          correlationData: correlation,
          userProperties: { a: '1', b: ['x', 'y'], 'ключ': 'значение' },
        };
        for (const qos of [0, 1, 2]) await pub.publishAsync(`${t}/q${qos}`, `qos ${qos}`, { qos, properties: sent });
        for (const qos of [0, 1, 2]) {
          const { packet } = await box.wait(`${t}/q${qos}`);
          const p = packet.properties ?? {};
          const what = `QoS ${qos}`;
          assert.equal(p.payloadFormatIndicator, true, `${what}: payloadFormatIndicator`);
          assert.ok(p.messageExpiryInterval <= 3600 && p.messageExpiryInterval >= 3590, `${what}: messageExpiryInterval ${p.messageExpiryInterval}`);
          assert.equal(p.contentType, sent.contentType, `${what}: contentType`);
          assert.equal(p.responseTopic, sent.responseTopic, `${what}: responseTopic`);
          sameBytes(p.correlationData, correlation, `${what}: correlationData`);
          assert.ok(Buffer.isBuffer(p.correlationData), `${what}: correlationData is a Buffer, as MQTT.js gives it`);
          assert.deepEqual({ ...p.userProperties }, sent.userProperties, `${what}: userProperties (repeated names keep their order)`);
          assert.deepEqual([p.subscriptionIdentifier].flat(), [42], `${what}: subscriptionIdentifier`);
        }
        // A message without properties arrives without them (none carried over).
        await pub.publishAsync(`${t}/bare`, 'bare', { qos: 1 });
        const bare = (await box.wait(`${t}/bare`)).packet.properties ?? {};
        assert.equal(bare.contentType, undefined);
        assert.equal(bare.userProperties, undefined);
        assert.deepEqual([bare.subscriptionIdentifier].flat(), [42]);
      });

      test('topic alias: many publishes over a few topics arrive on the right topics, in fewer bytes', { timeout: TEST_TIMEOUT }, async () => {
        const t = `${root}/alias`;
        const sub = await connected({ clientId: id('sub') });
        const box = inbox(sub);
        await sub.subscribeAsync(`${t}/#`, { qos: 1 });
        const long = 'x'.repeat(80);
        const topics = (count, where) => Array.from({ length: count }, (_, i) => `${t}/${where}/${long}/${i}`);
        let seed = 7;
        const pick = (count) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % count; };
        const run = async (c, list, count, where) => {
          const order = Array.from({ length: count }, () => list[pick(list.length)]);
          await within(Promise.all(order.map((topic, i) => c.publishAsync(topic, `${where} ${i}`, { qos: 1 }))), 8000, `${count} publishes`);
          return order;
        };
        const check = async (order, where) => {
          await until(() => box.got.filter((m) => m.payload.toString().startsWith(`${where} `)).length >= order.length, `${order.length} ${where} messages`);
          const got = box.got.filter((m) => m.payload.toString().startsWith(`${where} `));
          assert.equal(got.length, order.length);
          for (const m of got) {
            const i = Number(m.payload.toString().slice(where.length + 1));
            assert.equal(m.topic, order[i], `${where} message ${i}: topic`);
            assert.equal(m.packet.topic, order[i]);
          }
        };

        const aliased = await link();
        const pub = await connected({ clientId: id('alias'), autoTopicAlias: true }, aliased.target);
        const before = aliased.bytesUp;
        const few = await run(pub, topics(4, 'few'), 200, 'few');
        await check(few, 'few');
        const fewBytes = aliased.bytesUp - before;
        // 15 topics over a maximum of 10 aliases: the aliases are reassigned as they go.
        await check(await run(pub, topics(15, 'many'), 300, 'many'), 'many');
        assert.equal(pub.connected, true, 'the server accepted every alias');

        const plain = await link();
        const control = await connected({ clientId: id('plain'), autoTopicAlias: false }, plain.target);
        const start = plain.bytesUp;
        const same = await run(control, topics(4, 'plain'), 200, 'plain');
        await check(same, 'plain');
        const plainBytes = plain.bytesUp - start;
        assert.ok(plainBytes > 200 * long.length, `without aliases every PUBLISH carries its topic (${plainBytes} bytes)`);
        // The saving is counted in bytes (framing, which differs between clients and
        // transports, is the same on both sides): all but the first use of each topic.
        assert.ok(plainBytes - fewBytes > 190 * long.length, `with aliases: ${fewBytes} bytes, without: ${plainBytes}`);
      });
    }

    test('subscribe: the result per filter (granted QoS), wildcards, bad filters refused locally', { timeout: TEST_TIMEOUT }, async () => {
      const t = `${root}/subs`;
      const sub = await connected({ clientId: id('sub') });
      const w = watch(sub);
      const box = inbox(sub);
      const granted = await sub.subscribeAsync({ [`${t}/a`]: { qos: 2 }, [`${t}/b/+`]: { qos: 0 }, [`${t}/c/#`]: { qos: 1 } });
      assert.deepEqual(granted.map((g) => [g.topic, g.qos]), [[`${t}/a`, 2], [`${t}/b/+`, 0], [`${t}/c/#`, 1]]);
      const list = await sub.subscribeAsync([`${t}/d`, `${t}/e`], { qos: 1 });
      assert.deepEqual(list.map((g) => [g.topic, g.qos]), [[`${t}/d`, 1], [`${t}/e`, 1]]);
      const one = await sub.subscribeAsync(`${t}/f`);
      assert.deepEqual(one.map((g) => [g.topic, g.qos]), [[`${t}/f`, 0]]);

      const subscribesSent = w.events.filter((e) => e.name === 'packetsend' && e.args[0]?.cmd === 'subscribe').length;
      await assert.rejects(async () => sub.subscribeAsync(`${t}/x/#/y`, { qos: 1 }), Error);
      await assert.rejects(async () => sub.subscribeAsync(`${t}/x+`, { qos: 1 }), Error);
      await sleep(20);
      assert.equal(w.events.filter((e) => e.name === 'packetsend' && e.args[0]?.cmd === 'subscribe').length, subscribesSent, 'nothing sent for a bad filter');
      assert.equal(sub.connected, true);

      const pub = await connected({ clientId: id('pub') });
      for (const topic of [`${t}/b/1`, `${t}/b/1/2`, `${t}/c`, `${t}/c/1/2`, `${t}/a`, `${t}/e`]) await pub.publishAsync(topic, topic, { qos: 1 });
      await pub.publishAsync(`${t}/f`, 'sentinel', { qos: 1 });
      await box.wait(`${t}/f`);
      // c/# matches c itself [MQTT-4.7.1-2]; b/+ does not match b/1/2.
      assert.deepEqual(box.got.map((m) => m.topic).sort(), [`${t}/a`, `${t}/b/1`, `${t}/c`, `${t}/c/1/2`, `${t}/e`, `${t}/f`].sort());
      if (v5) {
        // No local: a client's own publishes do not come back on that subscription.
        await sub.subscribeAsync(`${t}/nl`, { qos: 1, nl: true });
        await sub.publishAsync(`${t}/nl`, 'mine', { qos: 1 });
        await sub.publishAsync(`${t}/f`, 'sentinel 2', { qos: 1 });
        await box.wait(`${t}/f`, 2);
        assert.equal(box.on(`${t}/nl`).length, 0, 'nl: own message not delivered');
      }
    });

    test('unsubscribe stops delivery', { timeout: TEST_TIMEOUT }, async () => {
      const t = `${root}/unsub`;
      const sub = await connected({ clientId: id('sub') });
      const box = inbox(sub);
      await sub.subscribeAsync([`${t}/u`, `${t}/v`, `${t}/keep`], { qos: 1 });
      const pub = await connected({ clientId: id('pub') });
      await pub.publishAsync(`${t}/u`, 'before', { qos: 1 });
      await pub.publishAsync(`${t}/v`, 'before', { qos: 1 });
      await box.wait(`${t}/u`);
      await box.wait(`${t}/v`);
      await sub.unsubscribeAsync(`${t}/u`);
      await sub.unsubscribeAsync([`${t}/v`]);
      await pub.publishAsync(`${t}/u`, 'after', { qos: 1 });
      await pub.publishAsync(`${t}/v`, 'after', { qos: 0 });
      await pub.publishAsync(`${t}/keep`, 'sentinel', { qos: 1 });
      await box.wait(`${t}/keep`);
      assert.deepEqual(box.got.map((m) => `${m.topic} ${m.payload}`), [`${t}/u before`, `${t}/v before`, `${t}/keep sentinel`]);
    });

    test('reconnect: the server goes away and comes back; the client reconnects, resubscribes, sends what it queued', { timeout: TEST_TIMEOUT }, async () => {
      const t = `${root}/reconnect`;
      const c = connecting({ clientId: id('re'), reconnectPeriod: 100 });
      const w = watch(c);
      await w.wait('connect');
      const box = inbox(c);
      await c.subscribeAsync(`${t}/#`, { qos: 1 });
      await target.kill();
      await w.wait('close');
      if (v5 && target.goodbye !== undefined) {
        const [packet] = await w.wait('disconnect');
        assert.equal(packet.reasonCode, target.goodbye, 'the server said why');
      }
      assert.equal(c.connected, false);
      const queued = Promise.resolve(c.publishAsync(`${t}/queued`, 'sent while offline', { qos: 1 }));
      queued.catch(() => {});
      await sleep(150);  // a reconnect attempt or two fails while the server is away
      await target.start();
      const [connack] = await w.wait('connect', 2, 8000);
      assert.equal(connack.sessionPresent, false);
      assert.ok(w.count('reconnect') >= 1, "'reconnect' emitted");
      assert.ok(w.count('offline') >= 1, "'offline' emitted");
      await within(queued, 5000, 'the QoS 1 publish queued while offline');
      // Resubscribed: a message from another client arrives (published until it does,
      // as the SUBSCRIBE may still be on its way when 'connect' is emitted).
      const pub = await connected({ clientId: id('pub') });
      for (let i = 0; !box.on(`${t}/after`).length; i++) {
        if (i === 50) assert.fail('no message after the reconnect: not resubscribed');
        await pub.publishAsync(`${t}/after`, 'after', { qos: 1 });
        await sleep(40);
      }
      assert.equal(c.connected, true);
    });

    test('session resume (clean false): messages sent while offline arrive on reconnect', { timeout: TEST_TIMEOUT }, async () => {
      const t = `${root}/session`;
      const session = (clientId, extra = {}) => ({ clientId, clean: false, ...(v5 ? { properties: { sessionExpiryInterval: 300 } } : {}), ...extra });
      const pub = await connected({ clientId: id('pub') });

      // A new client object with the same id.
      const idA = id('a');
      const a = await connected(session(idA));
      await a.subscribeAsync(`${t}/a`, { qos: 1 });
      await a.endAsync();
      for (let i = 0; i < 3; i++) await pub.publishAsync(`${t}/a`, `a ${i}`, { qos: 1 });
      const again = connecting(session(idA));
      const box = inbox(again);
      const [connack] = await watch(again).wait('connect');
      assert.equal(connack.sessionPresent, true, 'the session was resumed');
      await box.wait(`${t}/a`, 3);
      assert.deepEqual(box.got.map((m) => m.payload.toString()), ['a 0', 'a 1', 'a 2']);
      assert.ok(box.got.every((m) => m.packet.qos === 1));

      // The same client object across a lost connection, held back while messages come.
      const l = await link();
      const b = connecting(session(id('b'), { reconnectPeriod: 100 }), l.target);
      const w = watch(b);
      const bBox = inbox(b);
      await w.wait('connect');
      await b.subscribeAsync(`${t}/b`, { qos: 1 });
      l.cut({ hold: true });
      await w.wait('close');
      for (let i = 0; i < 3; i++) await pub.publishAsync(`${t}/b`, `b ${i}`, { qos: 1 });
      const own = Promise.resolve(b.publishAsync(`${t}/b`, 'own', { qos: 1 }));
      own.catch(() => {});
      await sleep(150);
      l.release();
      const [resumed] = await w.wait('connect', 2, 8000);
      assert.equal(resumed.sessionPresent, true, 'the session was resumed after the lost connection');
      await within(own, 5000, 'the QoS 1 publish made while offline');
      await bBox.wait(`${t}/b`, 4);
      assert.deepEqual(bBox.got.map((m) => m.payload.toString()).sort(), ['b 0', 'b 1', 'b 2', 'own']);
    });
  });
}
