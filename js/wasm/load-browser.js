// Browsers and workers: the module fetches mqttw.wasm from next to mqttw.mjs.
export async function wasmOptions() {
  return {};
}
