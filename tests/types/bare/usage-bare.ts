// A program with neither the DOM's types nor Node's (a worker or an edge runtime typed
// by ES2022 alone): the declarations need no global of theirs. Compiled by
// tests/js/types.test.js.
import { connect, createBroker } from 'mqtt-wasm';

const broker = await createBroker();
const client = connect(broker.connectLocal(), { protocolVersion: 5 });
client.on('message', (topic, payload) => void [topic, payload.byteLength]);
// @ts-expect-error a target is no number
connect(1883);
