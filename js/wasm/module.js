// Loads the whole package's wasm module (codec, broker and client) once per JS realm,
// and makes it the codec's and the client's unless modules with them were loaded
// first (boundary.js, client-host.js). Resolves to the module object (load-module.js).
import { loadModule } from './load-module.js';
import { boundary } from './boundary.js';
import { clientHost } from './client-host.js';

export const wasmModule = await loadModule(new URL('./mqttw.wasm', import.meta.url));
boundary.attach(wasmModule);
clientHost.attach(wasmModule);
