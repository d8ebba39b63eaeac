// mqtt-wasm/client: the client (and the codec it is built on) without the broker. It
// loads the client's wasm module (js/wasm/mqttw-client.wasm), about 60% of the whole
// package's gzipped (docs/BENCHMARKS.md has the figures), so a browser app that only
// connects to a broker downloads that one. The names are those of 'mqtt-wasm', less
// createBroker.
import '../wasm/client-module.js';

export { createDecoder, encode, MAX_PACKET_SIZE } from '../codec.js';
export { MqttError } from '../errors.js';
export { REASON_CODES, reasonCodeName } from '../reason-codes.js';
export { topicMatchesFilter } from '../topic-match.js';
export { connect, connectAsync } from './connect.js';
export { MqttClient } from './client.js';
export { MemoryStore } from './store.js';
