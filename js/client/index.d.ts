// mqtt-wasm/client: the declarations of 'mqtt-wasm', less createBroker (a type here
// only) and the codec's API (in 'mqtt-wasm/codec').
export type * from '../index.js';
export {
  connect, connectAsync, MqttClient, MemoryStore, MqttError,
  REASON_CODES, reasonCodeName, topicMatchesFilter,
} from '../index.js';
