// Node: the package reads its own .wasm from next to this file.
import { readFile } from 'node:fs/promises';

export async function instantiate(wasmUrl, imports) {
  const { instance } = await WebAssembly.instantiate(await readFile(wasmUrl), imports);
  return instance;
}
