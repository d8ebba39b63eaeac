// Loads the whole package's wasm module (codec, broker and client) once per JS realm.
// Resolves to the Emscripten module object.
import createMqttwModule from './mqttw.mjs';
import { loadModule } from './load-module.js';

export const wasmModule = await loadModule(createMqttwModule, 'mqttw.wasm');
