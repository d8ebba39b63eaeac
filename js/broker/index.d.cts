// Declarations of mqtt-wasm/broker for CommonJS (js/broker/index.cjs).
import type * as broker from './index.js' with { 'resolution-mode': 'import' };

export type * from './index.js' with { 'resolution-mode': 'import' };

/** Loads mqtt-wasm/broker (once) and resolves to its ES module API. */
export function load(): Promise<typeof broker>;
/** createBroker of 'mqtt-wasm/broker', after load(). */
export function createBroker(options?: broker.BrokerOptions): Promise<broker.Broker>;
