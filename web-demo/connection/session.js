// One live connection of the dashboard: to the embedded broker (started in this page,
// with the simulated devices), to the npm start broker, or to any broker by URL.
//
//   const session = openSession(profile, { onMessage, onEvent, clientId })
//   onMessage(record)   each message: { topic, payload, qos, retain, properties, time }
//   onEvent({ state, text, error? })   state: 'connecting' | 'connected' | 'reconnecting' |
//                       'offline' | 'error' | 'closed'; text says it in words
//   session.client      the mqtt-wasm client (publish from the panel goes through it)
//   session.protocolVersion, session.profile
//   await session.close()   ends the client and, for the embedded broker, the devices and
//                           the broker
//
// The dashboard subscribes to '#' and '$SYS/#' (a '#' filter does not match '$' topics
// [MQTT-4.7.2-1]) at QoS 2, so each message shows the QoS it was published with; in 5.0
// with Retain As Published, so a live retained message keeps its retain flag.
import { connect, createBroker, connectAsync } from 'mqtt-wasm';
// The package's own wording of a reason code (not a public export; the same module
// the import map's 'mqtt-wasm' loads).
import { describeReasonCode } from '../../js/reason-codes.js';
import { startDevices, localConnector } from '../devices/simulated-devices.js';

const FILTERS = ['#', '$SYS/#'];

export function openSession(profile, { onMessage, onEvent, clientId, devices = {} }) {
  const say = (state, text, error) => onEvent({ state, text, error });
  const protocolVersion = profile.protocolVersion ?? 5;
  let embedded = null;   // { broker, devices } in embedded mode
  let client = null;
  let closed = false;

  const options = {
    protocolVersion,
    clientId: clientId ?? `dashboard-${Math.random().toString(16).slice(2, 10)}`,
    clean: true,
    // The 'connect' handler subscribes on every connection; the client's own resubscribe
    // would send the same SUBSCRIBE a second time.
    resubscribe: false,
    keepalive: 30,
    reconnectPeriod: 1000,
    maxReconnectPeriod: 10000,
    connectTimeout: 10000,
    username: profile.username || undefined,
    password: profile.password || undefined,
  };

  const ready = (async () => {
    let target = profile.url;
    if (profile.kind === 'embedded') {
      say('connecting', 'starting the embedded broker in this page');
      const broker = await createBroker({ sysInterval: 1 });
      embedded = { broker, devices: null };
      target = () => broker.connectLocal();
    }
    if (closed) return;
    say('connecting', `connecting to ${describe(profile)}`);
    client = connect(target, options);
    wire(client);
    if (embedded) {
      embedded.devices = await startDevices({ connect: localConnector(embedded.broker, connectAsync), ...devices });
    }
  })().catch((error) => {
    // Not half started: without its devices the page would say "connected" to an empty
    // broker, and hide why.
    closed = true;
    client?.end(true);
    say('error', `could not start: ${error.message}`, error);
  });

  function wire(c) {
    c.on('connect', async (connack) => {
      say('connected', `connected to ${describe(profile)} (MQTT ${protocolVersion === 5 ? '5.0' : '3.1.1'}` +
        `${connack.sessionPresent ? ', session resumed' : ''})`);
      try {
        await c.subscribe(FILTERS, protocolVersion === 5 ? { qos: 2, rap: true } : { qos: 2 });
      } catch (error) {
        // A refusal rejects with every filter's result in error.granted.
        const refused = (error.granted ?? []).filter((g) => g.qos >= 0x80);
        const text = refused.length
          ? `the broker refused the subscription to ${refused.map((g) => `${g.topic}: ${describeReasonCode(g.qos)}`).join('; ')}`
          : `subscribe failed: ${error.message}`;
        say('error', text, error);
      }
    });
    c.on('message', (topic, payload, packet) => {
      onMessage({ topic, payload, qos: packet.qos, retain: packet.retain, properties: packet.properties, time: Date.now() });
    });
    c.on('reconnect', () => say('reconnecting', `reconnecting to ${describe(profile)}`));
    c.on('offline', () => say('offline', `offline: the connection to ${describe(profile)} is lost; retrying`));
    c.on('disconnect', (packet) => {
      const code = packet.reasonCode ?? 0;
      say('error', `the broker disconnected us: ${describeReasonCode(code)}` +
        `${packet.properties?.reasonString ? `: ${packet.properties.reasonString}` : ''}`);
    });
    c.on('error', (error) => say('error', errorText(error), error));
    c.on('end', () => { if (!closed) say('closed', 'the connection has ended'); });
  }

  return {
    profile,
    protocolVersion,
    get client() { return client; },
    get broker() { return embedded?.broker ?? null; },
    ready,
    async close() {
      closed = true;
      await ready;
      const steps = [['the client', () => client?.end(true)], ['the devices', () => embedded?.devices?.stop()],
        ['the embedded broker', () => embedded?.broker.close()]];
      for (const [what, step] of steps) {
        try {
          await step();
        } catch (error) {
          say('error', `closing ${what} failed: ${error.message}`, error);
        }
      }
      say('closed', `disconnected from ${describe(profile)}`);
    },
  };
}

export function describe(profile) {
  if (profile.kind === 'embedded') return 'the embedded broker';
  if (profile.kind === 'server') return `the npm start broker at ${profile.url}`;
  return profile.url;
}

// The client's errors already say what happened with the reason code (js/client/failures.js).
function errorText(error) {
  return error?.message || String(error);
}
