// Declarations of mqtt-wasm/client for CommonJS (js/client/index.cjs).
import type * as client from './index.js' with { 'resolution-mode': 'import' };

export type * from './index.js' with { 'resolution-mode': 'import' };

/** Loads mqtt-wasm/client (once) and resolves to its ES module API. */
export function load(): Promise<typeof client>;
/** connectAsync of 'mqtt-wasm/client', after load(). */
export function connectAsync(target: client.ConnectTarget | undefined, options?: client.ClientOptions): Promise<client.MqttClient>;
export function connectAsync(options?: client.ClientOptions): Promise<client.MqttClient>;
