// The files under examples/, found rather than listed, for the tests that run them
// (tests/js/examples.test.js runs the scripts, tests/browser/examples.test.js the pages).
//   EXAMPLES        the folder's URL
//   exampleFiles()  every file under it, sorted, as file: URLs
import { readdir } from 'node:fs/promises';

export const EXAMPLES = new URL('../../examples/', import.meta.url);

export async function exampleFiles(dir = EXAMPLES) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const url = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
    if (entry.isDirectory()) found.push(...await exampleFiles(url));
    else found.push(url);
  }
  return found.sort((a, b) => a.href.localeCompare(b.href));
}
