// mqtt-wasm/codec for CommonJS: `const { load } = require('mqtt-wasm/codec')`.
// The codec's functions are synchronous and need the wasm loaded, so load() (see
// js/index.cjs) resolves the ES module js/codec/index.js, whose functions are then
// called as usual:
//   const { encode, createDecoder } = await load();
'use strict';
const { loader } = require('../cjs-forward.cjs');

exports.load = loader(() => import('./index.js'));
