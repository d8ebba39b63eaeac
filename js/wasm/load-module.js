// Loads one of the package's wasm modules, given its Emscripten factory and the name
// of its .wasm (next to the factory's .mjs), and attaches it to the boundary
// (boundary.js says which one the codec and the client then use).
import { isNode } from '../environment.js';
import { boundary } from './boundary.js';

export async function loadModule(createModule, wasmFile) {
  const { wasmOptions } = isNode ? await import('./load-node.js') : await import('./load-browser.js');
  const M = await createModule(await wasmOptions(wasmFile));
  boundary.attach(M);
  return M;
}
