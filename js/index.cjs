// mqtt-wasm for CommonJS: what `require('mqtt-wasm')` gives.
//
// The package is ES modules whose wasm loads with top-level await, so this entry
// imports them on first use and every function here returns a Promise:
//
//   const { connectAsync, createBroker, load } = require('mqtt-wasm');
//   const broker = await createBroker(options);           // as in 'mqtt-wasm'
//   const client = await connectAsync(target, options);   // as in 'mqtt-wasm'
//   const mqtt = await load();   // the whole ES module API: encode, createDecoder,
//                                // connect, MqttClient, MqttError, REASON_CODES, ...
//
// load() loads the wasm once and resolves to the same module object as
// `await import('mqtt-wasm')`; after it, the synchronous functions (mqtt.encode,
// mqtt.connect, ...) can be called as usual. The other entries have CommonJS forms
// too: mqtt-wasm/client (connectAsync, load), mqtt-wasm/broker (createBroker, load),
// mqtt-wasm/codec (load).
'use strict';
const { loader, forward } = require('./cjs-forward.cjs');

const load = loader(() => import('./index.js'));

exports.load = load;
exports.connectAsync = forward(load, 'connectAsync');
exports.createBroker = forward(load, 'createBroker');
