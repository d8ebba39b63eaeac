// mqtt-wasm/client: the client alone, without the codec's API and the broker. It loads
// the client's wasm module (js/wasm/mqttw-client.wasm), which reads and writes the
// client's packets as bytes (cpp/include/mqttw/wire) and has neither the codec nor the
// broker, so a browser app that only connects to a broker downloads that one
// (docs/BENCHMARKS.md has the figures). The names are those of 'mqtt-wasm', less
// createBroker and the codec's (encode, createDecoder and MAX_PACKET_SIZE: import
// those from 'mqtt-wasm/codec').
import '../wasm/client-module.js';

export { MqttError } from '../errors.js';
export { REASON_CODES, reasonCodeName } from '../reason-codes.js';
export { topicMatchesFilter } from '../topic-match.js';
export { connect, connectAsync } from './connect.js';
export { MqttClient } from './client.js';
export { MemoryStore } from './store.js';
