// Browsers and workers: the .wasm is fetched from its URL, which bundlers rewrite
// (module.js and client-module.js name it as `new URL('./x.wasm', import.meta.url)`).
export async function instantiate(wasmUrl, imports) {
  const response = await fetchWasm(wasmUrl);
  try {
    return (await WebAssembly.instantiateStreaming(response, imports)).instance;
  } catch (err) {
    // A server that does not answer .wasm as application/wasm: compile from bytes.
    if (!(err instanceof TypeError)) throw err;
    const bytes = await (await fetchWasm(wasmUrl)).arrayBuffer();
    return (await WebAssembly.instantiate(bytes, imports)).instance;
  }
}

async function fetchWasm(wasmUrl) {
  const response = await fetch(wasmUrl);
  if (!response.ok) {
    throw new Error(`mqtt-wasm: could not load its wasm module from ${wasmUrl}: HTTP ${response.status}`);
  }
  return response;
}
