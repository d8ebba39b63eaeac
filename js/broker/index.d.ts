// mqtt-wasm/broker: the declarations of 'mqtt-wasm' for the broker (js/broker/index.js).
export type * from '../index.js';
export { createBroker, MqttError, REASON_CODES, reasonCodeName, topicMatchesFilter } from '../index.js';
