// Loads the codec's wasm module (the codec alone, no client or broker) once per JS
// realm, for `mqtt-wasm/codec` (js/codec/index.js), and makes it the codec's unless a
// module with the codec was loaded first (boundary.js). Resolves to the module object
// (load-module.js).
import { loadModule } from './load-module.js';
import { boundary } from './boundary.js';

export const codecModule = await loadModule(new URL('./mqttw-codec.wasm', import.meta.url));
boundary.attach(codecModule);
