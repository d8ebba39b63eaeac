// Loads the client's wasm module (the client alone, no codec or broker) once per JS
// realm, for `mqtt-wasm/client` (js/client/index.js), and makes it the client's
// unless a module with the client was loaded first (client-host.js). Resolves to the
// module object (load-module.js).
import { loadModule } from './load-module.js';
import { clientHost } from './client-host.js';

export const clientModule = await loadModule(new URL('./mqttw-client.wasm', import.meta.url));
clientHost.attach(clientModule);
