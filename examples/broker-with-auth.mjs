// A broker that checks who connects and what they may do, with the authenticate,
// authorizePublish and authorizeSubscribe hooks. Each hook may be async (look the user
// up in a database, call a service); a connection waits for its answers, in order.
//
//   node examples/broker-with-auth.mjs
//
// It prints (tests/js/examples.test.js checks these lines):
// → alice connected
// → mallory refused: code 134, connection refused: Bad User Name or Password (CONNACK reason code 0x86)
// → granted users/alice/# at QoS 1 (asked for 2)
// → subscribe to admin/# refused: code 135
// → publish to users/bob/inbox refused: code 135
// → alice got users/alice/notes: hello
// → the broker said no 3 times
import { createBroker, connectAsync } from 'mqtt-wasm';

const users = new Map([['alice', 'wonderland']]);
const ownTopic = (client, topic) => topic === `users/${client.username}` || topic.startsWith(`users/${client.username}/`);
let refusals = 0;

const broker = await createBroker({
  // client: { id, username, password (Uint8Array), address }.
  // true accepts; false refuses with 0x86 Bad User Name or Password (3.1.1: return code 4).
  authenticate: async ({ username, password }) => {
    const ok = users.has(username) && users.get(username) === new TextDecoder().decode(password);
    if (!ok) refusals++;
    return ok;
  },
  // Every PUBLISH, and the will at CONNECT. false refuses with 0x87 Not authorized: a 5.0
  // client gets it in its PUBACK; a 3.1.1 client's message is dropped, as 3.1.1 says.
  authorizePublish: async (client, { topic }) => {
    if (ownTopic(client, topic)) return true;
    refusals++;
    return false;
  },
  // Per filter. A number grants that QoS (never more than was asked); false refuses (0x87).
  authorizeSubscribe: async (client, { topic, qos }) => {
    if (topic.startsWith('admin/')) {
      refusals++;
      return false;
    }
    return Math.min(qos, 1);
  },
});
const { tcp } = await broker.listen({ tcp: 0 });
const url = `mqtt://127.0.0.1:${tcp.port}`;

const alice = await connectAsync(url, { protocolVersion: 5, username: 'alice', password: 'wonderland' });
console.log('alice connected');

// A refused CONNECT rejects connectAsync with the CONNACK's reason code.
await connectAsync(url, { protocolVersion: 5, username: 'mallory', password: 'guess' })
  .catch((err) => console.log(`mallory refused: code ${err.code}, ${err.message}`));

const [grant] = await alice.subscribe('users/alice/#', { qos: 2 });
console.log(`granted ${grant.topic} at QoS ${grant.qos} (asked for 2)`);
// A refused filter rejects subscribe, as in MQTT.js; err.granted has every filter's answer.
await alice.subscribe('admin/#').catch((err) => console.log(`subscribe to admin/# refused: code ${err.code}`));

await alice.publish('users/bob/inbox', 'hi bob', { qos: 1 })
  .catch((err) => console.log(`publish to users/bob/inbox refused: code ${err.code}`));
const got = new Promise((resolve) => alice.once('message', (topic, payload) => resolve(`${topic}: ${payload}`)));
await alice.publish('users/alice/notes', 'hello', { qos: 1 });
console.log(`alice got ${await got}`);
console.log(`the broker said no ${refusals} times`);

await alice.end();
await broker.close();
