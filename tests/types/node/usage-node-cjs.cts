// `require('mqtt-wasm')` in a Node project: connectAsync with no target, as MQTT.js's
// connectAsync(undefined, { host, port }). Compiled by tests/js/types.test.js.
import mqtt = require('mqtt-wasm');

void mqtt.connectAsync(undefined, { host: '127.0.0.1', port: 1883 }).then((client) => client.endAsync());
// @ts-expect-error the target is no number
void mqtt.connectAsync(1883);
