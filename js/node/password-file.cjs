// mqtt-wasm/node/password-file for CommonJS:
//   const { passwordFileAuthenticator, load } = require('mqtt-wasm/node/password-file');
// js/node/password-file.js, loaded with import() on first use (see js/cjs-forward.cjs),
// so every function here returns a Promise; load() resolves to the ES module, whose
// parsePasswordFile is synchronous.
'use strict';
const { loader, forward } = require('../cjs-forward.cjs');

const load = loader(() => import('./password-file.js'));

exports.load = load;
exports.parsePasswordFile = forward(load, 'parsePasswordFile');
exports.loadPasswordFile = forward(load, 'loadPasswordFile');
exports.passwordFileAuthenticator = forward(load, 'passwordFileAuthenticator');
