// Simulated IoT devices for the dashboard: each one its own MQTT 5.0 client, publishing
// realistic data. The same file runs in Node (npm start's process) and in a browser page
// (the embedded broker): it imports nothing from the package and uses strings and
// Uint8Array only.
//
//   import { createBroker, connectAsync } from 'mqtt-wasm';
//   import { startDevices, localConnector } from './devices/simulated-devices.js';
//   const broker = await createBroker();
//   const devices = await startDevices({ connect: localConnector(broker, connectAsync) });
//   ...
//   await devices.stop();   // each device says 'offline' and disconnects
//
// What they publish (prefix 'demo' by default):
//   <prefix>/sensors/<room>/climate   JSON {"temperature":21.4,"humidity":43.1,"battery":97},
//                                     every 2 s, QoS 1; some with 5.0 properties (content
//                                     type, user properties, message expiry, response topic
//                                     and correlation data), some retained
//   <prefix>/power/<meter>/watts      a plain number, 5 times a second, QoS 0
//                                     (meters: main, solar, ev-charger)
//   <prefix>/devices/<id>/status      'online', retained, at every connection; the will,
//                                     'offline' retained, when the connection is lost
//   <prefix>/burst/channel-<n>        every 20 s, 500 messages at once over 10 topics
//   <prefix>/load/<n>                 with load > 0: that many msgs/s more, over 100 topics
// Now and then (every 40 s) one sensor or meter loses its network without a DISCONNECT,
// so the broker publishes its will; 5 s later it reconnects and says 'online' again.
//
// startDevices(options) resolves once every device is connected, to
// { devices: [ids], stop() }. Options (times in ms):
//   connect(clientId, options, link)  required: makes one client and resolves it once
//                      connected. `link` is a NetworkLink (network-link.js): a connector
//                      that takes each transport through link.open(make) lets the devices
//                      cut their network; one that ignores it gets no drops.
//   rate = 1           speeds the sensors and meters up (2: twice as often)
//   burst = true       whether the burst source runs
//   load = 0           extra msgs/s on <prefix>/load/<n> (the performance run); 0: none
//   prefix = 'demo'    the first topic level, and the start of every client id
//   sensorInterval = 2000, meterInterval = 200   between two readings, at rate 1
//   dropEvery = 40000  between two network losses (0: never); dropFor = 5000 offline
//   burstEvery = 20000, burstSize = 500
//   loadTopics = 100   topics the load is spread over; loadTick = 20: its timer's period
//   onError(error, deviceId)  a device's client error (default: console.warn)
import { NetworkLink } from './network-link.js';
import { climateModel, powerModel } from './readings.js';

export { NetworkLink };

const ROOMS = [
  // properties: the 5.0 PUBLISH properties this room's sensor sends (none: like a 3.1.1 device)
  { room: 'kitchen', temperature: 21.5, humidity: 48, retain: true,
    properties: { contentType: 'application/json', payloadFormatIndicator: true,
      userProperties: { unit: 'celsius', firmware: '2.4.1', vendor: 'acme' } } },
  { room: 'living-room', temperature: 22, humidity: 42, retain: false,
    properties: { contentType: 'application/json', messageExpiryInterval: 60 } },
  { room: 'bedroom', temperature: 19.5, humidity: 51, retain: true },
  { room: 'office', temperature: 21, humidity: 40, retain: false,
    properties: { contentType: 'application/json', userProperties: { unit: 'celsius' } }, replies: true },
  { room: 'garage', temperature: 11.5, humidity: 68, retain: false },
];
const METERS = ['main', 'solar', 'ev-charger'];
const BURST_TOPICS = 10;

const DEFAULTS = {
  rate: 1, burst: true, load: 0, prefix: 'demo',
  sensorInterval: 2000, meterInterval: 200,
  dropEvery: 40000, dropFor: 5000,
  burstEvery: 20000, burstSize: 500,
  loadTopics: 100, loadTick: 20,
};

/**
 * A connect() for startDevices that reaches `broker` in-process (broker.connectLocal()).
 * connectAsync is the package's own, passed in so that this file imports nothing.
 */
export function localConnector(broker, connectAsync) {
  return (clientId, options, link) => {
    const local = () => broker.connectLocal();
    return connectAsync(link ? () => link.open(local) : local, { ...options, clientId });
  };
}

export async function startDevices(given = {}) {
  const o = checkOptions(given);
  const timers = new Set();
  let stopped = false;
  const report = (err, id) => { if (!stopped) o.onError(err, id); };

  // Timers that stop() clears: `every` fires first after a random part of the period,
  // so that devices of one kind do not all publish in the same turn.
  const every = (ms, fn) => {
    const first = setTimeout(() => {
      timers.delete(first);
      const t = setInterval(fn, ms);
      timers.add(t);
      fn();
    }, Math.random() * ms);
    timers.add(first);
  };
  const clearAll = () => {
    for (const t of timers) { clearTimeout(t); clearInterval(t); }
    timers.clear();
  };

  const specs = [
    ...ROOMS.map((room) => ({ id: `sensor-${room.room}`, status: true, start: (d) => runSensor(d, room) })),
    ...METERS.map((meter) => ({ id: `meter-${meter}`, status: true, start: (d) => runMeter(d, meter) })),
  ];
  if (o.burst) specs.push({ id: 'burst-source', status: true, start: runBurst });
  if (o.load > 0) specs.push({ id: 'load-generator', status: false, start: runLoad });

  const settled = await Promise.allSettled(specs.map((spec) => connectDevice(o, spec, report)));
  const devices = settled.filter((s) => s.status === 'fulfilled').map((s) => s.value);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) {
    stopped = true;
    await Promise.all(devices.map((d) => d.client.end(true).catch(() => {})));
    throw failed.reason;
  }

  function publish(device, topic, payload, opts) {
    if (!device.client.connected) return;  // a device off the network does not queue readings
    device.client.publish(topic, payload, opts).catch((err) => { if (!device.link.down) report(err, device.id); });
  }

  function runSensor(device, { room, temperature, humidity, retain, properties, replies }) {
    const model = climateModel({ temperature, humidity });
    const topic = `${o.prefix}/sensors/${room}/climate`;
    let seq = 0;
    every(o.sensorInterval / o.rate, () => {
      let props = properties;
      if (replies) {
        seq = (seq + 1) >>> 0;
        const correlationData = new Uint8Array([seq >>> 24, (seq >>> 16) & 0xff, (seq >>> 8) & 0xff, seq & 0xff]);
        props = { ...properties, responseTopic: `${o.prefix}/sensors/${room}/ack`, correlationData };
      }
      publish(device, topic, JSON.stringify(model.next(Date.now())), { qos: 1, retain, properties: props });
    });
  }

  function runMeter(device, meter) {
    const model = powerModel(meter);
    const topic = `${o.prefix}/power/${meter}/watts`;
    every(o.meterInterval / o.rate, () => publish(device, topic, String(model.next(Date.now())), { qos: 0 }));
  }

  function runBurst(device) {
    let burst = 0;
    every(o.burstEvery, () => {
      burst++;
      for (let i = 0; i < o.burstSize; i++) {
        publish(device, `${o.prefix}/burst/channel-${i % BURST_TOPICS}`,
          `{"burst":${burst},"seq":${i},"of":${o.burstSize}}`, { qos: 0 });
      }
    });
  }

  // `load` msgs/s in small batches: each tick sends what is due since the start. A backlog
  // of more than a quarter of a second (a stalled event loop) is skipped, not sent at once.
  function runLoad(device) {
    const topics = Array.from({ length: o.loadTopics }, (_, n) => `${o.prefix}/load/${n}`);
    const start = Date.now();
    const cap = Math.max(1, Math.ceil(o.load / 4));
    let sent = 0;
    let seq = 0;
    const t = setInterval(() => {
      const due = Math.floor(((Date.now() - start) * o.load) / 1000);
      let n = due - sent;
      if (n > cap) {
        sent += n - cap;
        n = cap;
      }
      sent += n;
      if (!device.client.connected) return;
      for (let i = 0; i < n; i++, seq++) {
        device.client.publish(topics[seq % topics.length], String(seq % 1000), { qos: 0 });
      }
    }, o.loadTick);
    timers.add(t);
  }

  for (const d of devices) specs.find((s) => s.id === d.id).start(d);

  if (o.dropEvery > 0) {
    const t = setInterval(() => {
      const candidates = devices.filter((d) => d.status && d.client.connected && !d.link.down);
      const victim = candidates[Math.floor(Math.random() * candidates.length)];
      victim?.link.cut(o.dropFor);
    }, o.dropEvery);
    timers.add(t);
  }

  return {
    devices: devices.map((d) => d.id),
    async stop() {
      if (stopped) return;
      stopped = true;
      clearAll();
      await Promise.all(devices.map((d) => stopDevice(d)));
    },
  };
}

// One device's client, connected, with its status kept: 'online' retained at each
// connection, and the will 'offline' retained for when the connection is lost.
async function connectDevice(o, { id, status }, report) {
  const link = new NetworkLink();
  const clientId = `${o.prefix}-${id}`;
  const statusTopic = `${o.prefix}/devices/${id}/status`;
  const options = {
    protocolVersion: 5,
    clientId,
    clean: true,
    keepalive: 30,
    reconnectPeriod: 500,
    maxReconnectPeriod: 5000,
    will: status
      ? { topic: statusTopic, payload: 'offline', qos: 1, retain: true, properties: { contentType: 'text/plain' } }
      : undefined,
  };
  const client = await o.connect(clientId, options, link);
  client.on('error', (err) => { if (!link.down) report(err, id); });
  const device = { id, client, link, status, statusTopic };
  if (status) {
    const online = () => {
      client.publish(statusTopic, 'online', { qos: 1, retain: true, properties: { contentType: 'text/plain' } })
        .catch((err) => { if (!link.down) report(err, id); });
    };
    online();
    client.on('connect', online);  // after each reconnect
  }
  return device;
}

// Says 'offline' (a clean DISCONNECT sends no will), then disconnects; at most ~1.5 s.
async function stopDevice({ client, link, status, statusTopic }) {
  const clean = (async () => {
    if (status && client.connected) {
      await client.publish(statusTopic, 'offline', { qos: 1, retain: true, properties: { contentType: 'text/plain' } })
        .catch(() => {});
    }
    await client.end();
  })();
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(resolve, 1500, 'late'); });
  if (await Promise.race([clean, late]) === 'late') await client.end(true).catch(() => {});
  clearTimeout(timer);
  link.stop();
}

function checkOptions(given) {
  const o = { ...DEFAULTS, onError: warn };
  for (const [key, value] of Object.entries(given)) if (value !== undefined) o[key] = value;
  if (typeof o.connect !== 'function') {
    throw new TypeError('startDevices: `connect(clientId, options)` is required (for example localConnector(broker, connectAsync))');
  }
  for (const key of ['rate', 'sensorInterval', 'meterInterval', 'burstEvery', 'loadTick']) {
    if (!(typeof o[key] === 'number' && o[key] > 0 && Number.isFinite(o[key]))) {
      throw new RangeError(`startDevices: ${key} must be a number above 0, not ${String(o[key])}`);
    }
  }
  for (const key of ['load', 'dropEvery', 'dropFor', 'burstSize']) {
    if (!(typeof o[key] === 'number' && o[key] >= 0 && Number.isFinite(o[key]))) {
      throw new RangeError(`startDevices: ${key} must be a number, 0 or more, not ${String(o[key])}`);
    }
  }
  if (!Number.isInteger(o.loadTopics) || o.loadTopics < 1) {
    throw new RangeError(`startDevices: loadTopics must be a whole number above 0, not ${String(o.loadTopics)}`);
  }
  if (typeof o.prefix !== 'string' || o.prefix === '' || /[+#/]/.test(o.prefix)) {
    throw new TypeError(`startDevices: prefix must be one topic level without + # or /, not ${JSON.stringify(o.prefix)}`);
  }
  return o;
}

function warn(err, id) {
  console.warn(`simulated device ${id}: ${err?.message ?? err}`);
}
