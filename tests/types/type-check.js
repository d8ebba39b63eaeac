// typeCheck(args, cwd): runs the checkout's tsc (TypeScript is a devDependency) with
// `args`, and resolves to its output when it failed, '' when it passed.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
export const TSC = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));

export async function typeCheck(args, cwd) {
  const result = await run(process.execPath, [TSC, '--pretty', 'false', ...args], { cwd, maxBuffer: 16 << 20 })
    .catch((err) => err);
  return result.code ? `${result.stdout}${result.stderr}` || `tsc exited with ${result.code}` : '';
}
