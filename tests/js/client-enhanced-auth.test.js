// The 5.0 enhanced AUTH exchange through the client's API: handleAuth answering the
// server's challenge, client.auth() re-authenticating, and the mistakes client.auth()
// refuses at once, against our own broker's enhancedAuth hook over connectLocal().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBroker, connect, connectAsync, MqttError } from '../../js/index.js';

const text = (b) => new TextDecoder().decode(b);
const bytes = (s) => new TextEncoder().encode(s);

// A broker whose hook challenges 'hello', accepts 'response' and refuses the rest.
async function challengingBroker(t) {
  const seen = [];
  const broker = await createBroker({
    sysInterval: 0,
    enhancedAuth: async (client, { method, data, reauthenticate }) => {
      seen.push([method, text(data), reauthenticate]);
      if (text(data) === 'hello') return { continue: 'challenge' };
      if (text(data) === 'response') return { success: 'welcome' };
      return false;
    },
  });
  t.after(() => broker.close());
  return { broker, seen };
}

// Waits for an event, failing after `ms`.
function next(client, event, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" within ${ms} ms`)), ms);
    client.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

test('handleAuth answers the challenge before CONNACK; client.auth(0x19) re-authenticates with the method filled in', async (t) => {
  const { broker, seen } = await challengingBroker(t);
  const client = connect(broker.connectLocal(), {
    protocolVersion: 5, clientId: 'eve', reconnectPeriod: 0,
    properties: { authenticationMethod: 'SCRAM-ish', authenticationData: bytes('hello') },
  });
  t.after(() => client.end(true));
  const challenges = [];
  client.handleAuth = (packet, callback) => {
    challenges.push([packet.reasonCode, packet.properties.authenticationMethod, text(packet.properties.authenticationData)]);
    callback(null, { reasonCode: 0x18, properties: { authenticationData: bytes('response') } });
  };
  const sent = [];
  client.on('packetsend', (p) => sent.push(p));
  const [connack] = await next(client, 'connect');
  assert.equal(connack.reasonCode, 0);
  assert.equal(text(connack.properties.authenticationData), 'welcome');
  assert.ok(Buffer.isBuffer(connack.properties.authenticationData), 'a Buffer in Node, as MQTT.js gives');
  assert.deepEqual(challenges, [[0x18, 'SCRAM-ish', 'challenge']]);

  const received = next(client, 'packetreceive');
  client.auth({ reasonCode: 0x19, properties: { authenticationData: bytes('response') } });
  const [success] = await received;
  assert.equal(success.cmd, 'auth');
  assert.equal(success.reasonCode, 0);
  // handleAuth sees the AUTH 0x00 too; its answer goes nowhere, as 0x00 ends the exchange.
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(challenges.at(-1), [0x00, 'SCRAM-ish', 'welcome']);
  assert.deepEqual(seen, [['SCRAM-ish', 'hello', false], ['SCRAM-ish', 'response', false], ['SCRAM-ish', 'response', true]]);
  const auths = sent.filter((p) => p.cmd === 'auth');
  assert.deepEqual(auths.map((p) => [p.reasonCode, p.properties.authenticationMethod]), [[0x18, 'SCRAM-ish'], [0x19, 'SCRAM-ish']],
    'the method of CONNECT in every AUTH [MQTT-4.12.0-5]');
  assert.equal(client.connected, true);
});

test('client.auth() throws at once for what AUTH cannot carry, and sends nothing', async (t) => {
  const { broker } = await challengingBroker(t);
  const client = connect(broker.connectLocal(), {
    protocolVersion: 5, clientId: 'mallory', reconnectPeriod: 0,
    properties: { authenticationMethod: 'SCRAM-ish', authenticationData: bytes('hello') },
  });
  t.after(() => client.end(true));
  client.handleAuth = (packet, callback) => callback(null, { properties: { authenticationData: bytes('response') } });
  await next(client, 'connect');
  const sent = [];
  client.on('packetsend', (p) => sent.push(p));
  const bad = [
    [{ reasonCode: 0x00 }, MqttError, /^auth: AUTH: reason code is one only a server sends \(section 3\.15\.2\.1\)/],
    [{ reasonCode: 0x05 }, MqttError, /^auth: AUTH: reason code is not one defined for this packet/],
    [{ reasonCode: 300 }, RangeError, /reasonCode/],
    [{ reasonCode: 0x18 }, MqttError, /0x18 answers the server's AUTH 0x18, and none awaits an answer \[MQTT-4\.12\.0-3\]/],
    [{ properties: { topicAlias: 1 } }, MqttError, /Topic Alias \(0x23\): is not allowed in this packet/],
    [{ properties: { authenticationMethod: 'OTHER' } }, MqttError, /Authentication Method \(0x15\): is not CONNECT's \[MQTT-4\.12\.0-5\]/],
    [{ properties: { authenticationData: 42 } }, MqttError, /authenticationData/],
    ['0x19', TypeError, /options must be an object/],
  ];
  for (const [opts, type, message] of bad) {
    assert.throws(() => client.auth(opts), (err) => err instanceof type && message.test(err.message), JSON.stringify(opts));
  }

  // An answer from handleAuth that AUTH cannot carry is an error event, not a throw.
  client.handleAuth = (packet, callback) => callback(null, { reasonCode: 0x00 });
  const error = next(client, 'error');
  // The broker challenges a re-authentication with 'hello', as it did the CONNECT.
  client.auth({ reasonCode: 0x19, properties: { authenticationData: bytes('hello') } });
  const [err] = await error;
  assert.ok(err instanceof MqttError && /reason code is one only a server sends/.test(err.message), err.message);
  assert.deepEqual(sent.map((p) => [p.cmd, p.reasonCode]), [['auth', 0x19]], 'only the valid re-authentication went out');
});

test('client.auth() without an authenticationMethod in connect(), or in 3.1.1, throws', async (t) => {
  const broker = await createBroker({ sysInterval: 0 });
  t.after(() => broker.close());
  const v5 = await connectAsync(broker.connectLocal(), { protocolVersion: 5, reconnectPeriod: 0 });
  const v4 = await connectAsync(broker.connectLocal(), { protocolVersion: 4, reconnectPeriod: 0 });
  t.after(() => { v5.end(true); v4.end(true); });
  const sent = [];
  for (const c of [v5, v4]) c.on('packetsend', (p) => sent.push(p));
  assert.throws(() => v5.auth({ reasonCode: 0x19 }), (err) => err instanceof MqttError && err.reasonCode === 0x82 &&
    /CONNECT has no Authentication Method \[MQTT-4\.12\.0-7\]/.test(err.message));
  assert.throws(() => v4.auth(), (err) => err instanceof TypeError && /needs protocolVersion 5/.test(err.message));
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(sent, []);
  assert.ok(v5.connected && v4.connected);
});

test('handleAuth that answers a challenge with nothing is an error event, and nothing is sent', async (t) => {
  const { broker } = await challengingBroker(t);
  const client = connect(broker.connectLocal(), {
    protocolVersion: 5, clientId: 'trent', reconnectPeriod: 0,
    properties: { authenticationMethod: 'SCRAM-ish', authenticationData: bytes('hello') },
  });
  t.after(() => client.end(true));
  client.handleAuth = (packet, callback) => callback(null);
  const sent = [];
  client.on('packetsend', (p) => sent.push(p.cmd));
  const [err] = await next(client, 'error');
  client.on('error', () => {});  // the close before CONNACK, when the test ends, is one too
  assert.ok(err instanceof MqttError && /handleAuth gave no AUTH to answer the server's AUTH 0x18/.test(err.message), err.message);
  assert.deepEqual(sent, ['connect']);
});

test('the default handleAuth lets a re-authentication\'s AUTH 0x00 pass: no error event', async (t) => {
  const broker = await createBroker({ sysInterval: 0, enhancedAuth: async () => ({ success: 'ok' }) });
  t.after(() => broker.close());
  const client = await connectAsync(broker.connectLocal(), {
    protocolVersion: 5, reconnectPeriod: 0, properties: { authenticationMethod: 'token', authenticationData: bytes('t1') },
  });
  t.after(() => client.end(true));
  const errors = [];
  client.on('error', (err) => errors.push(err.message));
  const received = next(client, 'packetreceive');
  client.auth({ reasonCode: 0x19, properties: { authenticationData: bytes('t2') } });
  const [success] = await received;
  assert.equal(success.reasonCode, 0);
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(errors, []);
  assert.equal(client.connected, true);
});
