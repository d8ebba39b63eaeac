// Loads the wasm module once per JS realm. Resolves to the Emscripten module object.
import createMqttwModule from './mqttw.mjs';
import { isNode } from '../environment.js';

async function load() {
  const { wasmOptions } = isNode ? await import('./load-node.js') : await import('./load-browser.js');
  return createMqttwModule(await wasmOptions());
}

export const wasmModule = await load();
