// mqtt-wasm/node/acl-file for CommonJS:
//   const { aclAuthorizer, load } = require('mqtt-wasm/node/acl-file');
// js/node/acl-file.js, loaded with import() on first use (see js/cjs-forward.cjs), so
// every function here returns a Promise; load() resolves to the ES module, whose
// parseAclFile is synchronous.
'use strict';
const { loader, forward } = require('../cjs-forward.cjs');

const load = loader(() => import('./acl-file.js'));

exports.load = load;
exports.parseAclFile = forward(load, 'parseAclFile');
exports.loadAclFile = forward(load, 'loadAclFile');
exports.aclAuthorizer = forward(load, 'aclAuthorizer');
