// mqtt-wasm/client for CommonJS: `const { connectAsync, load } = require('mqtt-wasm/client')`.
// The client without the broker, as js/client/index.js, loaded with import() on first
// use (see js/index.cjs):
//   const client = await connectAsync(target, options);
//   const mqtt = await load();   // the ES module: connect, MqttClient, MqttError, ...
'use strict';
const { loader, forward } = require('../cjs-forward.cjs');

const load = loader(() => import('./index.js'));

exports.load = load;
exports.connectAsync = forward(load, 'connectAsync');
