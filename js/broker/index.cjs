// mqtt-wasm/broker for CommonJS: `const { createBroker, load } = require('mqtt-wasm/broker')`.
// The broker, as js/broker/index.js, loaded with import() on first use (see js/index.cjs):
//   const broker = await createBroker(options);
//   const mqtt = await load();   // the ES module: createBroker, MqttError, REASON_CODES, ...
'use strict';
const { loader, forward } = require('../cjs-forward.cjs');

const load = loader(() => import('./index.js'));

exports.load = load;
exports.createBroker = forward(load, 'createBroker');
