// The package as a user gets it: `npm pack` of this checkout, made once per test process.
//
//   const { path, size, files } = await packTarball();
//     path   the .tgz, in a temporary folder outside the repo (removed when the process exits)
//     size   its size in bytes
//     files  the paths inside the package, sorted ('package.json', 'js/index.js', ...)
//   await installTarball(folder)  in that folder (outside the repo), as a user would:
//              `npm init -y && npm install <tarball>` (the registry gives `ws`, through
//              npm's cache)
//   userEnv()  process.env less npm's npm_* variables and the node_modules/.bin folders
//              npm puts on PATH, for running npm or a user's script as from a shell:
//              under `npm test`, npm_config_local_prefix and friends would point a
//              nested npm at this checkout.
//
// `npm pack` runs the package's prepack script, which rebuilds the wasm when it is stale
// (scripts/bootstrap modules), so the tarball never holds an old build. Test processes that
// pack at the same time take turns (a lock folder in os.tmpdir()), so that two builds
// never write the same files at once.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, rmdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sleep } from './broker-peers.js';

const run = promisify(execFile);
export const REPO = fileURLToPath(new URL('../..', import.meta.url));
const LOCK = join(tmpdir(), 'mqtt-wasm-npm-pack.lock');
const PACK_TIMEOUT_MS = 10 * 60 * 1000;  // a fresh clone builds the wasm first

let packed = null;
const dirs = new Set();
process.once('exit', () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

// A temporary folder outside the repo, removed when the process exits.
export function temporaryFolder(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(dir);
  return dir;
}

export function userEnv() {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  env.PATH = (env.PATH ?? '').split(delimiter).filter((dir) => !/node_modules[\\/]\.bin|node-gyp-bin/.test(dir)).join(delimiter);
  return env;
}

export const NPM_TIMEOUT_MS = 5 * 60 * 1000;

export async function installTarball(folder) {
  const tarball = await packTarball();
  const npm = (args) => run('npm', args, { cwd: folder, env: userEnv(), timeout: NPM_TIMEOUT_MS, maxBuffer: 16 << 20 });
  await npm(['init', '-y']);
  await npm(['install', tarball.path, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error']);
}

export function packTarball() {
  packed ??= pack().catch((err) => {
    packed = null;
    throw err;
  });
  return packed;
}

async function pack() {
  const dest = temporaryFolder('mqtt-wasm-pack-');
  await takeLock();
  let stdout;
  try {
    ({ stdout } = await run('npm', ['pack', '--json', '--pack-destination', dest], {
      cwd: REPO,
      env: userEnv(),
      maxBuffer: 64 << 20,
      timeout: PACK_TIMEOUT_MS,
    }));
  } finally {
    releaseLock();
  }
  const [info] = JSON.parse(jsonPart(stdout));
  const path = join(dest, info.filename);
  return {
    path,
    size: statSync(path).size,
    files: info.files.map((f) => f.path).sort(),
  };
}

// npm prints the JSON last; anything a script wrote to stdout comes before it.
function jsonPart(stdout) {
  const start = stdout.search(/^\[\s*$/m);
  if (start < 0) throw new Error(`npm pack --json printed no JSON:\n${stdout}`);
  return stdout.slice(start);
}

// mkdir is atomic: whoever creates the folder holds the lock. A lock whose owner has
// died (its pid file names a process that is gone) is taken over.
async function takeLock() {
  const end = Date.now() + PACK_TIMEOUT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    if (ownerIsGone()) rmSync(LOCK, { recursive: true, force: true });
    else if (Date.now() > end) throw new Error(`${LOCK} was held for more than ${PACK_TIMEOUT_MS} ms`);
    else await sleep(200);
  }
}

function ownerIsGone() {
  let pid;
  try {
    pid = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
  } catch {
    // Created but its pid not yet written: give it time, unless the folder is old.
    try {
      return Date.now() - statSync(LOCK).mtimeMs > 10000;
    } catch {
      return false;  // gone already: the next mkdir takes it
    }
  }
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return err.code === 'ESRCH';
  }
}

function releaseLock() {
  rmSync(join(LOCK, 'pid'), { force: true });
  try {
    rmdirSync(LOCK);
  } catch {
    // already taken over
  }
}
