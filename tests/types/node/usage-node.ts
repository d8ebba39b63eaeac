// A Node project's TypeScript (Node's types, no DOM), written with MQTT.js habits:
// payloads are Buffers, and a transport error's code is compared with a string.
// Compiled by tests/js/types.test.js.
import mqtt, { connect, type MqttClient } from 'mqtt-wasm';

const client = connect(new URL('mqtt://127.0.0.1:1883'), { manualConnect: true });
client.on('message', (topic, payload, packet) => {
  const text: string = payload.toString('utf8');
  const hex: string = packet.payload.toString('hex');
  void [topic, text, hex];
});
client.on('error', (err) => {
  if (err.code === 'ECONNREFUSED') console.log(err.message);
});
client.on('message', (topic, payload) => {
  // @ts-expect-error a payload is no string
  const text: string = payload;
  void [topic, text];
});
// @ts-expect-error an error's code is a number or a string
client.on('error', (err) => void (err.code satisfies boolean | undefined));

// MQTT.js's default import.
const viaDefault: MqttClient = mqtt.connect('mqtt://127.0.0.1:1883', { manualConnect: true });
void viaDefault;
// @ts-expect-error the default has no such member
void mqtt.nothingHere;
