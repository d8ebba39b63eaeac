// Browsers and workers: the module fetches its .wasm from next to its .mjs.
export async function wasmOptions() {
  return {};
}
