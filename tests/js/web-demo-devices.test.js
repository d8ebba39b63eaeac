// The dashboard's simulated devices (web-demo/devices/simulated-devices.js) against a
// real mqtt-wasm broker in this process, reached through localConnector, with the
// timings shortened so that bursts and network losses happen within seconds:
//   - the sensors publish JSON that parses, some with 5.0 properties;
//   - the power meters publish plain numbers several times a second;
//   - each device's status is retained 'online';
//   - a burst of burstSize messages arrives; the load rate holds;
//   - a network loss sends the will 'offline' (retained), then the device is back 'online';
//   - stop() leaves no device connected, with every status 'offline'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBroker, connectAsync } from '../../js/index.js';
import { startDevices, localConnector } from '../../web-demo/devices/simulated-devices.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const text = (payload) => new TextDecoder().decode(payload);

async function until(what, check, ms = 5000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

// A subscriber that keeps every message it gets, with its retain flag as published.
async function listen(broker, filter) {
  const client = await connectAsync(() => broker.connectLocal(), { protocolVersion: 5 });
  const messages = [];
  client.on('message', (topic, payload, packet) => {
    messages.push({ topic, text: text(payload), retain: packet.retain, properties: packet.properties, time: Date.now() });
  });
  await client.subscribe(filter, { qos: 1, rap: true });
  return { client, messages };
}

test('devices: sensors, meters, retained status, a burst and the load, then stop() disconnects them all', { timeout: 20000 }, async () => {
  const broker = await createBroker({ sysInterval: 0 });
  const sub = await listen(broker, 'demo/#');
  const devices = await startDevices({
    connect: localConnector(broker, connectAsync),
    dropEvery: 0, sensorInterval: 300, burstEvery: 1000, burstSize: 300, load: 1000,
  });
  const started = Date.now();
  assert.deepEqual(devices.devices.slice(0, 3), ['sensor-kitchen', 'sensor-living-room', 'sensor-bedroom']);
  assert.equal(broker.stats().clientsConnected, devices.devices.length + 1);

  await sleep(2500);
  const window = (Date.now() - started) / 1000;
  const on = (prefix) => sub.messages.filter((m) => m.topic.startsWith(prefix));

  const climate = on('demo/sensors/');
  assert.ok(climate.length >= 5 * 4, `sensor readings: ${climate.length}`);
  for (const m of climate) {
    assert.match(m.topic, /^demo\/sensors\/[a-z-]+\/climate$/);
    const reading = JSON.parse(m.text);
    assert.deepEqual(Object.keys(reading), ['temperature', 'humidity', 'battery']);
    assert.ok(reading.temperature > 0 && reading.temperature < 40, m.text);
    assert.ok(reading.humidity >= 0 && reading.humidity <= 100, m.text);
  }
  const kitchen = climate.find((m) => m.topic === 'demo/sensors/kitchen/climate');
  assert.equal(kitchen.properties.contentType, 'application/json');
  assert.equal(kitchen.properties.userProperties.unit, 'celsius');
  const office = climate.find((m) => m.topic === 'demo/sensors/office/climate');
  assert.equal(office.properties.responseTopic, 'demo/sensors/office/ack');
  assert.equal(office.properties.correlationData.length, 4);

  for (const meter of ['main', 'solar', 'ev-charger']) {
    const readings = on(`demo/power/${meter}/watts`);
    assert.ok(readings.length / window >= 3, `${meter}: ${readings.length} readings in ${window} s`);
    for (const m of readings) assert.ok(Number.isFinite(Number(m.text)) && m.text.trim() !== '', m.text);
  }

  const bursts = on('demo/burst/');
  assert.ok(bursts.length >= 300, `burst messages: ${bursts.length}`);
  const first = bursts.filter((m) => JSON.parse(m.text).burst === 1);
  assert.equal(first.length, 300);
  assert.ok(first.at(-1).time - first[0].time < 500, 'one burst arrives at once');

  const load = on('demo/load/');
  const rate = load.length / window;
  assert.ok(rate > 700 && rate < 1100, `load: ${rate.toFixed(0)} msgs/s for 1000`);
  assert.equal(new Set(load.map((m) => m.topic)).size, 100);

  // A new subscriber gets every device's status, retained and 'online'.
  const late = await listen(broker, 'demo/devices/+/status');
  await until('the retained statuses', () => late.messages.length >= 9);
  assert.deepEqual(late.messages.map((m) => [m.topic, m.text, m.retain]).sort(),
    devices.devices.filter((id) => id !== 'load-generator')
      .map((id) => [`demo/devices/${id}/status`, 'online', true]).sort());

  const t0 = Date.now();
  await devices.stop();
  assert.ok(Date.now() - t0 < 2000, `stop() took ${Date.now() - t0} ms`);
  await until('the devices to disconnect', () => broker.stats().clientsConnected === 2);
  const before = sub.messages.length;
  await sleep(300);
  assert.equal(sub.messages.filter((m, i) => i >= before && !m.topic.includes('/status')).length, 0, 'silent after stop()');

  const after = await listen(broker, 'demo/devices/+/status');
  await until('the statuses after stop()', () => after.messages.length >= 9);
  assert.deepEqual([...new Set(after.messages.map((m) => m.text))], ['offline']);

  await Promise.all([sub.client.end(), late.client.end(), after.client.end()]);
  await broker.close();
});

test('devices: a network loss sends the will "offline", then the device is back "online"', { timeout: 20000 }, async () => {
  const broker = await createBroker({ sysInterval: 0 });
  const sub = await listen(broker, 'demo/devices/+/status');
  const devices = await startDevices({
    connect: localConnector(broker, connectAsync), burst: false, dropEvery: 400, dropFor: 300,
  });
  // A device whose status went online, offline (the will, retained), online again.
  let device;
  await until('a device to drop off and come back', () => {
    const seen = new Map();
    for (const m of sub.messages) {
      const states = seen.get(m.topic) ?? [];
      states.push(m.text);
      seen.set(m.topic, states);
      if (states.join(',').includes('online,offline,online')) device = m.topic;
    }
    return device !== undefined;
  }, 8000);
  const will = sub.messages.find((m) => m.topic === device && m.text === 'offline');
  assert.equal(will.retain, true);
  assert.equal(will.properties?.contentType, 'text/plain');
  // The drop was no DISCONNECT: the device kept running and reconnected by itself.
  assert.equal(broker.stats().clientsConnected >= 8, true);
  await devices.stop();
  await until('the devices to disconnect', () => broker.stats().clientsConnected === 1);
  await sub.client.end();
  await broker.close();
});

test('devices: bad options are refused at once', async () => {
  await assert.rejects(startDevices({}), /connect\(clientId, options\)` is required/);
  await assert.rejects(startDevices({ connect: () => {}, rate: 0 }), /rate must be a number above 0/);
  await assert.rejects(startDevices({ connect: () => {}, prefix: 'a/b' }), /prefix must be one topic level/);
});
