// mqtt-wasm/client: the declarations of 'mqtt-wasm', less createBroker (a type here only).
export type * from '../index.js';
export {
  connect, connectAsync, MqttClient, MemoryStore, MqttError,
  createDecoder, encode, MAX_PACKET_SIZE, REASON_CODES, reasonCodeName, topicMatchesFilter,
} from '../index.js';
