// mqtt-wasm/codec: the MQTT 3.1.1 / 5.0 packet codec alone (encode, createDecoder), for
// an app that reads and writes packets itself. It loads the codec's wasm module
// (js/wasm/mqttw-codec.wasm, without the client and the broker). The names and
// behaviour are those of 'mqtt-wasm'; the wasm is ready when the import resolves.
//
//   import { encode, createDecoder } from 'mqtt-wasm/codec';
import '../wasm/codec-module.js';

export { createDecoder, encode, MAX_PACKET_SIZE } from '../codec.js';
export { MqttError } from '../errors.js';
export { REASON_CODES, reasonCodeName } from '../reason-codes.js';
export { topicMatchesFilter } from '../topic-match.js';
