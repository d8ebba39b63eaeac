// Instantiates one of the package's wasm modules, given the URL of its .wasm (the
// module.js, client-module.js and codec-module.js that load them attach them to what
// runs on them). The modules are standalone wasm (CMakeLists.txt, `mqttw_wasm_module`):
// no Emscripten JS runtime, two imports, and their C functions exported by name.
// Resolves to the module object: each exported function as `_name` (`_malloc`,
// `_mqttw_client_new`, ...) and views of the memory as HEAPU8 and HEAP32, made anew
// whenever the memory grows.
import { isNode } from '../environment.js';
import { instantiate as browserInstantiate } from './load-browser.js';

export async function loadModule(wasmUrl) {
  const instantiate = isNode ? (await import('./load-node.js')).instantiate : browserInstantiate;
  const M = {};
  let memory = null;
  const views = () => {
    M.HEAPU8 = new Uint8Array(memory.buffer);
    M.HEAP32 = new Int32Array(memory.buffer);
  };
  const imports = {
    env: { emscripten_notify_memory_growth: views },
    // Called by abort() and exit() in the C++ code, which never calls them on purpose.
    wasi_snapshot_preview1: {
      proc_exit(code) {
        throw new WebAssembly.RuntimeError(`mqtt-wasm: the wasm module stopped (exit code ${code})`);
      },
    },
  };
  const { exports } = await instantiate(wasmUrl, imports);
  memory = exports.memory;
  for (const [name, value] of Object.entries(exports)) {
    if (typeof value === 'function') M[`_${name}`] = value;
  }
  views();
  exports._initialize();  // the C++ static constructors
  return M;
}
