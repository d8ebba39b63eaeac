// Node: the package reads its own .wasm, so the module never fetches a file path
// (see TOOLCHAIN.md: an ES module build for the web cannot find files by itself in Node).
import { readFile } from 'node:fs/promises';

export async function wasmOptions(wasmFile) {
  const wasmBinary = await readFile(new URL(`./${wasmFile}`, import.meta.url));
  return { wasmBinary };
}
