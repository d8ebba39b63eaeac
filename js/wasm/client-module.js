// Loads the client's wasm module (codec and client, no broker: about half the bytes
// of the whole one) once per JS realm, for `mqtt-wasm/client` (js/client/index.js).
// Resolves to the module object (load-module.js).
import { loadModule } from './load-module.js';

export const clientModule = await loadModule(new URL('./mqttw-client.wasm', import.meta.url));
