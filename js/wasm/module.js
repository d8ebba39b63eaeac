// Loads the wasm module once per JS realm. Resolves to the Emscripten module object.
import createMqttwModule from './mqttw.mjs';

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';

async function load() {
  const { wasmOptions } = isNode ? await import('./load-node.js') : await import('./load-browser.js');
  return createMqttwModule(await wasmOptions());
}

export const wasmModule = await load();
