// mqtt-wasm from CommonJS. The package is ES modules whose wasm loads asynchronously,
// so require('mqtt-wasm') gives Promise-returning functions: connectAsync and
// createBroker as in the ES module, and load(), which resolves to the whole ES module
// API (encode, createDecoder, connect, MqttError, REASON_CODES, ...).
//
//   node examples/commonjs.cjs
//
// It prints (tests/js/examples.test.js checks these lines):
// → broker listening
// → got sensors/hall/temp: 19.5 (QoS 1)
// → encode gives 12 bytes
// → done
'use strict';
const { createBroker, connectAsync, load } = require('mqtt-wasm');

async function main() {
  const broker = await createBroker();
  const { tcp } = await broker.listen({ tcp: 0 });
  console.log('broker listening');

  const client = await connectAsync(`mqtt://127.0.0.1:${tcp.port}`, { protocolVersion: 5 });
  const got = new Promise((resolve) => client.once('message', (topic, payload, packet) =>
    resolve(`${topic}: ${payload} (QoS ${packet.qos})`)));
  await client.subscribe('sensors/#', { qos: 1 });
  await client.publish('sensors/hall/temp', '19.5', { qos: 1 });
  console.log(`got ${await got}`);

  // After load(), the synchronous functions of the ES module are there too.
  const mqtt = await load();
  const bytes = mqtt.encode({ cmd: 'publish', topic: 'a/b', payload: 'hello' });
  console.log(`encode gives ${bytes.length} bytes`);

  await client.end();
  await broker.close();
  console.log('done');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
