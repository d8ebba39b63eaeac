// Declarations of mqtt-wasm for CommonJS (js/index.cjs): `require('mqtt-wasm')`.
// The types are those of the ES module (js/index.d.ts); the functions return Promises
// because the ES module, and its wasm, load on first use.
import type * as mqtt from './index.js' with { 'resolution-mode': 'import' };

export type * from './index.js' with { 'resolution-mode': 'import' };

/** Loads the package (once) and resolves to the whole ES module API, as `await import('mqtt-wasm')`. */
export function load(): Promise<typeof mqtt>;
/** connectAsync of 'mqtt-wasm', after load(). */
export function connectAsync(target: mqtt.ConnectTarget | undefined, options?: mqtt.ClientOptions): Promise<mqtt.MqttClient>;
export function connectAsync(options?: mqtt.ClientOptions): Promise<mqtt.MqttClient>;
/** createBroker of 'mqtt-wasm', after load(). */
export function createBroker(options?: mqtt.BrokerOptions): Promise<mqtt.Broker>;
