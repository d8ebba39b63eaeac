// mqtt-wasm: MQTT 3.1.1 and 5.0 in WebAssembly, for Node.js and browsers.
// The wasm module loads when this module is imported (top-level await), so every
// function below is ready to call at once. `mqtt-wasm/client` (js/client/index.js)
// has the same names less createBroker, over a smaller module without the broker.
import './wasm/module.js';

export { createDecoder, encode, MAX_PACKET_SIZE } from './codec.js';
export { MqttError } from './errors.js';
export { REASON_CODES, reasonCodeName } from './reason-codes.js';
export { topicMatchesFilter } from './topic-match.js';
export { createBroker } from './broker/broker.js';
export { connect, connectAsync } from './client/connect.js';
export { MqttClient } from './client/client.js';
export { MemoryStore } from './client/store.js';

// MQTT.js's default import works too: `import mqtt from 'mqtt-wasm'; mqtt.connect(url)`.
import * as api from './index.js';
export default api;
