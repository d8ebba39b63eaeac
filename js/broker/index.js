// mqtt-wasm/broker: the in-memory broker (createBroker), for a program that runs a
// broker and no client of its own, such as a Node server. It loads the whole package's
// wasm module (js/wasm/mqttw.wasm): the broker needs it. A program that runs the
// broker and a client together imports both from 'mqtt-wasm', which loads that one
// module; importing 'mqtt-wasm/broker' and 'mqtt-wasm/client' side by side would
// download both modules.
//
//   import { createBroker } from 'mqtt-wasm/broker';
//   const broker = await createBroker();
//   await broker.listen({ tcp: 1883, ws: 8080 });
import '../wasm/module.js';

export { createBroker } from './broker.js';
export { MqttError } from '../errors.js';
export { REASON_CODES, reasonCodeName } from '../reason-codes.js';
export { topicMatchesFilter } from '../topic-match.js';
