// Declarations of mqtt-wasm/codec for CommonJS (js/codec/index.cjs).
import type * as codec from './index.js' with { 'resolution-mode': 'import' };

export type * from './index.js' with { 'resolution-mode': 'import' };

/** Loads mqtt-wasm/codec (once) and resolves to its ES module API (encode, createDecoder, ...). */
export function load(): Promise<typeof codec>;
