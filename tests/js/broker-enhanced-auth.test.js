// The 5.0 enhanced AUTH exchange through createBroker's enhancedAuth hook, and the
// hooks' result mapping, over broker.connectLocal() with the package's own codec as
// the client (MQTT.js cannot drive AUTH exchanges).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBroker, encode, createDecoder } from '../../js/index.js';

// A client of bytes on a local transport: send packets, await the next one back.
function localClient(broker) {
  const t = broker.connectLocal();
  const decoder = createDecoder({ protocolVersion: 5 });
  const inbox = [];
  const waiters = [];
  let closed = false;
  const wake = () => { while (waiters.length) waiters.shift()(); };
  t.onbytes = (bytes) => { inbox.push(...decoder.push(bytes)); wake(); };
  t.onclose = () => { closed = true; wake(); };
  return {
    send: (p) => t.send(encode(p, { protocolVersion: 5 })),
    get closed() { return closed; },
    async next() {
      while (!inbox.length && !closed) await new Promise((r) => waiters.push(r));
      return inbox.shift() ?? null;
    },
  };
}

const text = (b) => new TextDecoder().decode(b);

test('enhanced AUTH: a challenge, the client\'s answer, then CONNACK with the method; re-authentication later', async () => {
  const seen = [];
  const broker = await createBroker({
    sysInterval: 0,
    enhancedAuth: async (client, { method, data, reauthenticate }) => {
      seen.push([client.id, method, text(data), reauthenticate]);
      if (text(data) === 'hello') return { continue: 'challenge' };
      if (text(data) === 'response') return { success: 'welcome' };
      return false;
    },
  });
  try {
    const c = localClient(broker);
    c.send({ cmd: 'connect', protocolVersion: 5, clientId: 'eve', clean: true, keepalive: 0,
      properties: { authenticationMethod: 'SCRAM-ish', authenticationData: new TextEncoder().encode('hello') } });
    const challenge = await c.next();
    assert.equal(challenge.cmd, 'auth');
    assert.equal(challenge.reasonCode, 0x18);
    assert.equal(challenge.properties.authenticationMethod, 'SCRAM-ish');
    assert.equal(text(challenge.properties.authenticationData), 'challenge');
    c.send({ cmd: 'auth', reasonCode: 0x18,
      properties: { authenticationMethod: 'SCRAM-ish', authenticationData: new TextEncoder().encode('response') } });
    const connack = await c.next();
    assert.equal(connack.cmd, 'connack');
    assert.equal(connack.reasonCode, 0);
    assert.equal(connack.properties.authenticationMethod, 'SCRAM-ish');
    assert.equal(text(connack.properties.authenticationData), 'welcome');

    c.send({ cmd: 'auth', reasonCode: 0x19,
      properties: { authenticationMethod: 'SCRAM-ish', authenticationData: new TextEncoder().encode('response') } });
    const reauth = await c.next();
    assert.equal(reauth.cmd, 'auth');
    assert.equal(reauth.reasonCode, 0);
    assert.deepEqual(seen, [['eve', 'SCRAM-ish', 'hello', false], ['eve', 'SCRAM-ish', 'response', false],
      ['eve', 'SCRAM-ish', 'response', true]]);

    c.send({ cmd: 'auth', reasonCode: 0x19,
      properties: { authenticationMethod: 'SCRAM-ish', authenticationData: new TextEncoder().encode('wrong') } });
    const refused = await c.next();
    assert.equal(refused.cmd, 'disconnect');
    assert.equal(refused.reasonCode, 0x87);
    assert.equal(await c.next(), null);
    assert.ok(c.closed);
  } finally {
    await broker.close();
  }
});

test('enhanced AUTH: a refusal is a CONNACK with the code; no hook means 0x8C Bad authentication method', async () => {
  const withHook = await createBroker({ sysInterval: 0, enhancedAuth: async () => 0x8a });
  const without = await createBroker({ sysInterval: 0 });
  try {
    for (const [broker, code] of [[withHook, 0x8a], [without, 0x8c]]) {
      const c = localClient(broker);
      c.send({ cmd: 'connect', protocolVersion: 5, clientId: 'x', clean: true, keepalive: 0,
        properties: { authenticationMethod: 'TOKEN' } });
      const connack = await c.next();
      assert.equal(connack.cmd, 'connack');
      assert.equal(connack.reasonCode, code);
      assert.equal(await c.next(), null);
    }
  } finally {
    await withHook.close();
    await without.close();
  }
});

test('a hook that throws refuses with 0x80 and reports the error to onError', async () => {
  const errors = [];
  const broker = await createBroker({
    sysInterval: 0,
    onError: (err) => errors.push(err.message),
    authenticate: async () => { throw new Error('the user database is down'); },
  });
  try {
    const c = localClient(broker);
    c.send({ cmd: 'connect', protocolVersion: 5, clientId: 'x', clean: true, keepalive: 0 });
    const connack = await c.next();
    assert.equal(connack.reasonCode, 0x80);
    assert.deepEqual(errors, ['the user database is down']);
  } finally {
    await broker.close();
  }
});

test('createBroker refuses bad options with a clear error', async () => {
  await assert.rejects(createBroker({ maximumQos: 3 }), /maximumQos must be an integer from 0 to 2, not 3/);
  await assert.rejects(createBroker({ maxQeued: 5 }), /unknown option "maxQeued"/);
  await assert.rejects(createBroker({ authenticate: 'yes' }), /authenticate must be a function/);
});

test('a hook answering a code that is no refusal (0x10) is an error: 0x80 and onError, not a CONNACK 0x10', async () => {
  const errors = [];
  const broker = await createBroker({ sysInterval: 0, onError: (e) => errors.push(e.message), authenticate: async () => 0x10 });
  try {
    const c = localClient(broker);
    c.send({ cmd: 'connect', protocolVersion: 5, clientId: 'x', clean: true, keepalive: 0 });
    const connack = await c.next();
    assert.equal(connack.reasonCode, 0x80);
    assert.match(errors[0], /a hook returned 16: expected true, false or a reason code from 0x80/);
  } finally {
    await broker.close();
  }
});
