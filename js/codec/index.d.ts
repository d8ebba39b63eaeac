// mqtt-wasm/codec: the declarations of 'mqtt-wasm' for the codec (js/codec/index.js).
export type * from '../index.js';
export {
  createDecoder, encode, MAX_PACKET_SIZE, MqttError, REASON_CODES, reasonCodeName, topicMatchesFilter,
} from '../index.js';
