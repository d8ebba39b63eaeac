// A session that outlives its connection: a device subscribes with clean: false (and, in
// MQTT 5.0, a Session Expiry Interval), goes away, and on its return gets the QoS 1
// messages published while it was gone. The client runs in-process here, on
// broker.connectLocal(); over mqtt:// or ws:// it is the same.
//
//   node examples/persistent-session.mjs
//
// It prints (tests/js/examples.test.js checks these lines):
// → first connection: session present false
// → offline; 3 commands published meanwhile
// → second connection: session present true
// → got while away: valve/7/set open, valve/7/set close, valve/7/set open
import { createBroker, connect, connectAsync } from 'mqtt-wasm';

const broker = await createBroker();
const device = {
  protocolVersion: 5,
  clientId: 'valve-7',
  clean: false,                                // resume the session if the broker has it
  properties: { sessionExpiryInterval: 3600 }, // 5.0: keep it an hour after a disconnect
};
// A function as the target: called on every connection attempt, reconnects too.
const target = () => broker.connectLocal();
// connect() returns the client at once; 'connect' comes with the CONNACK.
const connected = (client) => new Promise((resolve) => client.once('connect', resolve));

const first = connect(target, device);
console.log(`first connection: session present ${(await connected(first)).sessionPresent}`);
await first.subscribe('valve/7/set', { qos: 1 });
await first.end();

const control = await connectAsync(target);
for (const command of ['open', 'close', 'open']) await control.publish('valve/7/set', command, { qos: 1 });
console.log('offline; 3 commands published meanwhile');

// The queued messages come right after the CONNACK: listen before it comes.
const again = connect(target, device);
const got = [];
const allThree = new Promise((resolve) => again.on('message', (topic, payload) => {
  got.push(`${topic} ${payload}`);
  if (got.length === 3) resolve();
}));
console.log(`second connection: session present ${(await connected(again)).sessionPresent}`);
await allThree;
console.log(`got while away: ${got.join(', ')}`);

await Promise.all([again.end(), control.end()]);
await broker.close();
