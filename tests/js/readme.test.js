// The README's examples run as written: each ```js block is run as a module that
// imports the package by name, and its output must be the `// → ...` lines of the block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url);

const readme = await readFile(new URL('README.md', root), 'utf8');
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

test('the README has runnable examples', () => {
  assert.ok(blocks.length > 0);
});

blocks.forEach((code, index) => {
  test(`README example ${index + 1} prints what it says`, async () => {
    const expected = [...code.matchAll(/^\s*\/\/ → (.*)$/gm)].map((m) => m[1]);
    assert.ok(expected.length > 0, 'the example shows its output with // → lines');
    // Inside the package directory, so that `import 'mqtt-wasm'` resolves to this package.
    const dir = new URL('build/readme-examples/', root);
    await mkdir(dir, { recursive: true });
    const file = new URL(`example-${index + 1}.mjs`, dir);
    await writeFile(file, code);
    const { stdout } = await run(process.execPath, [fileURLToPath(file)]);
    assert.deepEqual(stdout.trimEnd().split('\n'), expected);
  });
});
