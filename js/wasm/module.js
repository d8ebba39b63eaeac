// Loads the whole package's wasm module (codec, broker and client) once per JS realm.
// Resolves to the module object (load-module.js).
import { loadModule } from './load-module.js';

export const wasmModule = await loadModule(new URL('./mqttw.wasm', import.meta.url));
