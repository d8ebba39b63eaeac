// A broker and two clients in one Node process: the broker listens on TCP and on
// WebSocket, an MQTT 5.0 client subscribes over TCP, and an MQTT 3.1.1 client publishes
// over WebSocket, a retained message among them.
//
//   node examples/broker-and-client.mjs
//
// It prints (tests/js/examples.test.js checks these lines):
// → broker on mqtt://127.0.0.1 and ws://127.0.0.1
// → subscribed to home/+/temperature at QoS 1
// → home/kitchen/temperature 21.5 (QoS 1, retained false)
// → home/hall/temperature 19 (QoS 1, retained false)
// → a late subscriber gets the retained message: home/hall/temperature 19 (retained true)
// → broker stats: 3 messages received, 0 dropped
import { createBroker, connectAsync } from 'mqtt-wasm';

const broker = await createBroker();
// Port 0: any free port. The bound addresses come back.
const { tcp, ws } = await broker.listen({ tcp: 0, ws: 0 });
console.log(`broker on mqtt://${tcp.host} and ws://${ws.host}`);

const subscriber = await connectAsync(`mqtt://127.0.0.1:${tcp.port}`, { protocolVersion: 5 });
const [grant] = await subscriber.subscribe('home/+/temperature', { qos: 1 });
console.log(`subscribed to ${grant.topic} at QoS ${grant.qos}`);

// Two messages to wait for; the payload is a Buffer in Node.
const received = new Promise((resolve) => {
  const lines = [];
  subscriber.on('message', (topic, payload, packet) => {
    lines.push(`${topic} ${payload} (QoS ${packet.qos}, retained ${packet.retain})`);
    if (lines.length === 2) resolve(lines);
  });
});

const publisher = await connectAsync(`ws://127.0.0.1:${ws.port}`, { protocolVersion: 4 });
await publisher.publish('home/kitchen/temperature', '21.5', { qos: 1 });  // resolves with the PUBACK
await publisher.publish('home/hall/temperature', '19', { qos: 1, retain: true });
for (const line of await received) console.log(line);

// The broker keeps the last retained message of a topic for subscribers to come.
const late = await connectAsync(`mqtt://127.0.0.1:${tcp.port}`);
const retained = new Promise((resolve) => late.once('message', (topic, payload, packet) =>
  resolve(`${topic} ${payload} (retained ${packet.retain})`)));
await late.subscribe('home/hall/temperature');
console.log(`a late subscriber gets the retained message: ${await retained}`);

await publisher.publish('home/hall/temperature', '', { qos: 1, retain: true });  // an empty retained message clears it
const { messagesReceived, messagesDropped } = broker.stats();
console.log(`broker stats: ${messagesReceived} messages received, ${messagesDropped} dropped`);

await Promise.all([subscriber.end(), publisher.end(), late.end()]);
await broker.close();
