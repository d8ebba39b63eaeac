// For the CommonJS entries (index.cjs and the *.cjs next to the subpath entries):
// the package is ES modules that load their wasm with top-level await, which
// require() cannot wait for, so each CommonJS entry loads its ES module with import()
// and offers Promise-returning functions that call through to it.
//
//   const load = loader(() => import('./index.js'));  // load() resolves the ES module, once
//   exports.createBroker = forward(load, 'createBroker');
'use strict';

exports.loader = function loader(importModule) {
  let loading = null;
  return function load() {
    loading ??= importModule().catch((err) => {
      loading = null;  // a later call tries again
      throw err;
    });
    return loading;
  };
};

exports.forward = function forward(load, name) {
  const call = async (...args) => (await load())[name](...args);
  Object.defineProperty(call, 'name', { value: name });
  return call;
};
