// The client against any MQTT broker, Mosquitto for one: request and response with MQTT
// 5.0 properties (Response Topic, Correlation Data, User Properties). One client answers
// requests, the other asks.
//
//   node examples/client-to-mosquitto.mjs mqtt://127.0.0.1:1883
//   MQTT_URL=ws://127.0.0.1:9001 node examples/client-to-mosquitto.mjs
//   node examples/client-to-mosquitto.mjs     (no URL: it starts a broker of its own)
//
// The URL may be mqtt://, mqtts://, ws:// or wss://. Its topics are under
// mqtt-wasm-example/<random>/, so that it can run on a shared broker.
//
// It prints (tests/js/examples.test.js checks these lines, against our broker and
// against Mosquitto over TCP and WebSocket):
// → both clients connected over MQTT 5.0
// → responder got "temperature?" from kitchen-display (correlation 7, unit C)
// → reply: 21.5 (correlation 7)
// → done
import { randomBytes } from 'node:crypto';
import { connectAsync, createBroker } from 'mqtt-wasm';

let url = process.argv[2] ?? process.env.MQTT_URL;
let broker = null;
if (!url) {
  // No broker given: run one here, so that the example works offline.
  broker = await createBroker();
  const { tcp } = await broker.listen({ tcp: 0 });
  url = `mqtt://127.0.0.1:${tcp.port}`;
}

const base = `mqtt-wasm-example/${randomBytes(4).toString('hex')}`;
const options = { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5000 };
const responder = await connectAsync(url, options);
const requester = await connectAsync(url, { ...options, clientId: `kitchen-display-${randomBytes(4).toString('hex')}` });
console.log('both clients connected over MQTT 5.0');

// The responder answers on the topic each request names, with its correlation data.
await responder.subscribe(`${base}/requests`, { qos: 1 });
responder.on('message', (topic, payload, packet) => {
  const { responseTopic, correlationData, userProperties } = packet.properties ?? {};
  const from = userProperties?.from;
  console.log(`responder got "${payload}" from ${from} (correlation ${correlationData?.[0]}, unit ${userProperties?.unit})`);
  responder.publish(responseTopic, '21.5', { qos: 1, properties: { correlationData } });
});

const replyTopic = `${base}/replies/${requester.options.clientId}`;
await requester.subscribe(replyTopic, { qos: 1 });
const reply = new Promise((resolve) => requester.once('message', (topic, payload, packet) =>
  resolve(`reply: ${payload} (correlation ${packet.properties.correlationData[0]})`)));
await requester.publish(`${base}/requests`, 'temperature?', {
  qos: 1,
  properties: {
    responseTopic: replyTopic,
    correlationData: new Uint8Array([7]),
    userProperties: { from: 'kitchen-display', unit: 'C' },
  },
});
console.log(await reply);

await Promise.all([responder.end(), requester.end()]);
await broker?.close();
console.log('done');
