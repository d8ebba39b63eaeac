// Loads one of the package's wasm modules, given its Emscripten factory and the name
// of its .wasm (next to the factory's .mjs), and attaches it to the boundary
// (boundary.js says which one the codec and the client then use).
import { isNode } from '../environment.js';
import { boundary } from './boundary.js';
import * as browser from './load-browser.js';

export async function loadModule(createModule, wasmFile) {
  const { wasmOptions } = isNode ? await import('./load-node.js') : browser;
  const M = await createModule(await wasmOptions(wasmFile));
  boundary.attach(M);
  return M;
}
