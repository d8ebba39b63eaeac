// A real Mosquitto bridged to our broker, with Mosquitto's bridge defaults: notifications
// on (the bridge's state, and its will, on $SYS/broker/connection/{name}/state) and
// try_private on (a 3.1.1 bridge marks its CONNECT, and is then given No Local and
// Retain As Published). Both MQTT versions of the bridge; our client on both sides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectAsync } from '../../js/index.js';
import { noMosquitto, startMosquitto, startOurBroker } from './client-peers.js';
import { sleep, until } from './broker-peers.js';

const BRIDGES = [['3.1.1', 'mqttv311'], ['5.0', 'mqttv50']];

for (const [label, version] of BRIDGES) {
  test(`a ${label} Mosquitto bridge with its defaults: it connects, nothing loops back, retained messages stay retained`, { skip: noMosquitto, timeout: 60_000 }, async (t) => {
    const ours = await startOurBroker();
    t.after(() => ours.stop());
    const states = [];
    const watcher = await connectAsync(ours.tcpUrl, { reconnectPeriod: 0 });
    t.after(() => watcher.endAsync(true));
    watcher.on('message', (topic, payload, packet) => {
      if (topic.startsWith('$SYS/broker/connection/')) states.push(`${topic} ${payload} retain=${packet.retain}`);
    });
    await watcher.subscribeAsync('$SYS/broker/connection/+/state');

    const mosquitto = await startMosquitto({
      config: [
        'connection edge',
        `address 127.0.0.1:${ours.tcpPort}`,
        `bridge_protocol_version ${version}`,
        'topic site/both/# both 1',
        'topic site/in/# in 1',
        'restart_timeout 1',
      ],
    });
    t.after(() => mosquitto.stop());
    // The bridge's notification: it is connected ("1"), retained.
    await until(() => states.length > 0, 'the bridge\'s state notification', 10_000);
    assert.match(states[0], /^\$SYS\/broker\/connection\/[^/]+\/state 1 retain=/);

    // One message on Mosquitto to a "both" topic reaches each side once: the bridge's
    // subscription does not bring it back.
    const local = [];
    const far = [];
    const mine = await connectAsync(mosquitto.tcpUrl, { reconnectPeriod: 0 });
    t.after(() => mine.endAsync(true));
    mine.on('message', (topic, payload) => local.push(`${topic} ${payload}`));
    await mine.subscribeAsync('site/#', { qos: 1 });
    watcher.on('message', (topic, payload) => { if (topic.startsWith('site/')) far.push(`${topic} ${payload}`); });
    await watcher.subscribeAsync('site/#', { qos: 1 });
    await sleep(300);  // the bridge's own SUBSCRIBE to our broker went out at its CONNECT
    await mine.publishAsync('site/both/x', 'once', { qos: 1 });
    await until(() => far.length === 1 && local.length === 1, 'the message on both sides');
    await sleep(500);
    assert.deepEqual(local, ['site/both/x once'], 'no copy came back over the bridge');
    assert.deepEqual(far, ['site/both/x once']);

    // A retained message published on our broker is kept as retained by Mosquitto too.
    await watcher.publishAsync('site/in/state', 'kept', { qos: 1, retain: true });
    await until(() => local.length === 2, 'the retained message through the bridge');
    const late = await connectAsync(mosquitto.tcpUrl, { reconnectPeriod: 0 });
    t.after(() => late.endAsync(true));
    const kept = new Promise((resolve) => late.once('message', (topic, payload, packet) => resolve(`${topic} ${payload} retain=${packet.retain}`)));
    await late.subscribeAsync('site/in/state');
    assert.equal(await kept, 'site/in/state kept retain=true');
  });
}
