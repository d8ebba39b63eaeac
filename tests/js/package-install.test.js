// The package as a new user gets it: `npm pack` of this checkout (tests/js/package-tarball.js),
// then, in a temporary folder outside the repo, `npm init -y && npm install <tarball>`
// (the registry gives `ws`, through npm's cache), and there:
//   - the tarball holds what users need and nothing else, and every file the exports
//     map, the bin and the packed modules' imports name;
//   - an ES module script and a CommonJS script each start a broker, connect clients
//     and round-trip a QoS 1 message, with 'mqtt-wasm' resolved from node_modules;
//   - `npx mqtt-wasm --help` prints the usage;
//   - tests/types (a use of every public API, and misuses that must fail) compiles
//     strictly against the installed package, with moduleResolution node16 and bundler.
// One install is shared by the checks.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import { installTarball, packTarball, temporaryFolder, userEnv, NPM_TIMEOUT_MS, REPO } from './package-tarball.js';
import { spawnPeer } from './broker-peers.js';
import { typeCheck } from '../types/type-check.js';

const run = promisify(execFile);

let tarball;
let project;  // the user's folder, with mqtt-wasm installed

before(async () => {
  const started = Date.now();
  tarball = await packTarball();
  const packedAt = Date.now();
  project = realpathSync(temporaryFolder('mqtt-wasm-user-'));
  await installTarball(project);
  console.log(`# npm pack ${packedAt - started} ms, npm init + install ${Date.now() - packedAt} ms`);
}, { timeout: NPM_TIMEOUT_MS * 2 });

// What users need: the built JS, the wasm modules, the declarations, the CLI, the docs.
const ALLOWED = [
  /^package\.json$/, /^README\.md$/, /^LICENSE$/, /^CHANGELOG\.md$/,
  /^bin\/mqtt-wasm\.js$/,
  /^js\/(?:[\w-]+\/)*[\w-]+\.(?:js|cjs|d\.ts|d\.cts)$/,
  /^js\/wasm\/mqttw(?:-client|-codec)?\.wasm$/,
];
const REQUIRED = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'bin/mqtt-wasm.js',
  'js/wasm/mqttw.wasm', 'js/wasm/mqttw-client.wasm', 'js/wasm/mqttw-codec.wasm'];

// Every file path the exports map names (nested conditions included).
function exportTargets(exportsMap) {
  const targets = [];
  const walk = (value) => {
    if (typeof value === 'string') targets.push(value.replace(/^\.\//, ''));
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(exportsMap);
  return targets;
}

// The relative specifiers a module imports statically or with import('...') / require('...').
function relativeImports(text) {
  const found = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"](\.\.?\/[^'"]+)['"]/g)) found.push(m[1]);
  return found;
}

test('the tarball holds the package and nothing else', (t) => {
  const { files, size } = tarball;
  t.diagnostic(`tarball ${tarball.path}: ${size} bytes (${(size / 1024).toFixed(1)} KiB), ${files.length} files`);
  const stray = files.filter((f) => !ALLOWED.some((re) => re.test(f)));
  assert.deepEqual(stray, [], 'files that are not for users');
  for (const f of REQUIRED) assert.ok(files.includes(f), `${f} is in the tarball`);

  const manifest = JSON.parse(readFileSync(join(project, 'node_modules/mqtt-wasm/package.json'), 'utf8'));
  assert.equal(manifest.version, '0.1.0');
  assert.equal(manifest.license, 'MIT');
  assert.match(readFileSync(join(project, 'node_modules/mqtt-wasm/LICENSE'), 'utf8'), /^MIT License/);
  assert.match(readFileSync(join(project, 'node_modules/mqtt-wasm/CHANGELOG.md'), 'utf8'), /^## 0\.1\.0$/m);
  for (const target of [...exportTargets(manifest.exports), ...Object.values(manifest.bin).map((p) => p.replace(/^\.\//, ''))]) {
    assert.ok(files.includes(target), `${target} (named by package.json) is in the tarball`);
  }
  for (const from of files.filter((f) => /\.(?:c?js|mjs|d\.c?ts)$/.test(f))) {
    const text = readFileSync(join(project, 'node_modules/mqtt-wasm', from), 'utf8');
    for (const specifier of relativeImports(text)) {
      const target = posix.normalize(posix.join(posix.dirname(from), specifier));
      const candidates = from.endsWith('.ts') || from.endsWith('.cts')
        ? [target, target.replace(/\.js$/, '.d.ts'), target.replace(/\.cjs$/, '.d.cts')] : [target];
      assert.ok(candidates.some((c) => files.includes(c)), `${from} imports ${specifier}, which is in the tarball`);
    }
  }
});

// Runs a script file of the user's folder with node; resolves to its JSON line.
async function runScript(file, text) {
  writeFileSync(join(project, file), text);
  const peer = spawnPeer(process.execPath, [join(project, file)], { timeoutMs: 30000 });
  const { code, signal, stdout, stderr } = await peer.result();
  assert.equal(code, 0, `node ${file} exited with ${code ?? signal}:\n${stdout}${stderr}`);
  assert.equal(stderr, '', `node ${file} printed on stderr`);
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

// The round trip both scripts make, with `createBroker` and `connectAsync` in scope.
const ROUND_TRIP = `
  const broker = await createBroker();
  const { tcp } = await broker.listen({ tcp: 0 });
  const url = 'mqtt://127.0.0.1:' + tcp.port;
  const sub = await connectAsync(url, { protocolVersion: 5, clientId: 'user-sub' });
  await sub.subscribe('user/topic', { qos: 1 });
  const received = new Promise((resolve) => sub.on('message', (topic, payload, packet) =>
    resolve({ topic, payload: payload.toString(), qos: packet.qos })));
  const pub = await connectAsync(url, { clientId: 'user-pub' });
  const ack = await pub.publish('user/topic', 'hello from a user', { qos: 1 });
  const message = await received;
  await Promise.all([sub.end(), pub.end()]);
  await broker.close();
`;

const expectedMessage = { topic: 'user/topic', payload: 'hello from a user', qos: 1 };

test('an ES module script imports mqtt-wasm from node_modules and round-trips a QoS 1 message', async () => {
  const out = await runScript('round-trip.mjs', `
import { createBroker, connectAsync } from 'mqtt-wasm';
import { encode, createDecoder } from 'mqtt-wasm/codec';
import * as client from 'mqtt-wasm/client';
import * as brokerOnly from 'mqtt-wasm/broker';
import { parsePasswordFile } from 'mqtt-wasm/node/password-file';
import { parseAclFile } from 'mqtt-wasm/node/acl-file';
import { createRequire } from 'node:module';
${ROUND_TRIP}
const [decoded] = createDecoder().push(encode({ cmd: 'pingreq' }));
console.log(JSON.stringify({
  resolved: import.meta.resolve('mqtt-wasm'),
  version: createRequire(import.meta.url)('mqtt-wasm/package.json').version,
  ack: ack.cmd, message, decoded: decoded.cmd,
  subpaths: [typeof client.connectAsync, typeof brokerOnly.createBroker, parsePasswordFile('').users, parseAclFile('').canRead({}, 'a')],
}));
`);
  assert.equal(out.resolved, `file://${project}/node_modules/mqtt-wasm/js/index.js`);
  assert.equal(out.version, '0.1.0');
  assert.equal(out.ack, 'puback');
  assert.deepEqual(out.message, expectedMessage);
  assert.equal(out.decoded, 'pingreq');
  assert.deepEqual(out.subpaths, ['function', 'function', 0, false]);
});

test('a CommonJS script requires mqtt-wasm and round-trips a QoS 1 message', async () => {
  const out = await runScript('round-trip.cjs', `
const { createBroker, connectAsync, load } = require('mqtt-wasm');
const codec = require('mqtt-wasm/codec');
const client = require('mqtt-wasm/client');
const brokerOnly = require('mqtt-wasm/broker');
const passwordFile = require('mqtt-wasm/node/password-file');
const aclFile = require('mqtt-wasm/node/acl-file');
(async () => {
${ROUND_TRIP}
  const mqtt = await load();
  const [decoded] = mqtt.createDecoder().push(mqtt.encode({ cmd: 'pingreq' }));
  const { encode } = await codec.load();
  console.log(JSON.stringify({
    resolved: require.resolve('mqtt-wasm'),
    sameModule: mqtt === await import('mqtt-wasm') && mqtt === await load(),
    ack: ack.cmd, message, decoded: decoded.cmd,
    codec: Array.from(encode({ cmd: 'pingresp' })),
    subpaths: [typeof client.connectAsync, typeof brokerOnly.createBroker, typeof (await brokerOnly.load()).createBroker,
      (await passwordFile.parsePasswordFile('')).users, (await aclFile.parseAclFile('')).canRead({}, 'a')],
  }));
})().catch((err) => { console.error(err); process.exitCode = 1; });
`);
  assert.equal(out.resolved, `${project}/node_modules/mqtt-wasm/js/index.cjs`);
  assert.equal(out.sameModule, true, 'load() resolves to the ES module itself');
  assert.equal(out.ack, 'puback');
  assert.deepEqual(out.message, expectedMessage);
  assert.equal(out.decoded, 'pingreq');
  assert.deepEqual(out.codec, [0xd0, 0x00]);
  assert.deepEqual(out.subpaths, ['function', 'function', 'function', 0, false]);
});

test('npx mqtt-wasm --help prints the usage', async () => {
  // Offline: npx must find the installed bin, never fetch a package of that name.
  const env = { ...userEnv(), npm_config_offline: 'true' };
  const { stdout, stderr } = await run('npx', ['mqtt-wasm', '--help'], { cwd: project, env, timeout: 60000 });
  assert.match(stdout, /^Usage: mqtt-wasm /m);
  assert.match(stdout, /\bbroker\b/);
  assert.equal(stderr, '');
});

test('tests/types compiles strictly against the installed package (node16 and bundler resolution)', async () => {
  for (const file of ['usage.ts', 'subpaths.ts', 'usage-cjs.cts']) {
    copyFileSync(join(REPO, 'tests/types', file), join(project, file));
  }
  const compilerOptions = { strict: true, noEmit: true, target: 'ES2022', lib: ['ES2022', 'DOM'], types: [] };
  const configs = {
    'tsconfig.node16.json': { compilerOptions: { ...compilerOptions, module: 'node16', moduleResolution: 'node16' }, files: ['usage.ts', 'subpaths.ts', 'usage-cjs.cts'] },
    'tsconfig.nodenext.json': { compilerOptions: { ...compilerOptions, module: 'nodenext', moduleResolution: 'nodenext' }, files: ['usage.ts', 'subpaths.ts', 'usage-cjs.cts'] },
    'tsconfig.bundler.json': { compilerOptions: { ...compilerOptions, module: 'preserve', moduleResolution: 'bundler' }, files: ['usage.ts', 'subpaths.ts'] },
  };
  // The user's package.json says "type": "module" (usage.ts is an ES module under node16).
  const manifestPath = join(project, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  writeFileSync(manifestPath, JSON.stringify({ ...manifest, type: 'module' }, null, 2));
  try {
    for (const [name, config] of Object.entries(configs)) {
      writeFileSync(join(project, name), JSON.stringify(config, null, 2));
      assert.equal(await typeCheck(['-p', join(project, name)], project), '', `tsc -p ${name}`);
    }
    // The declarations tsc used are the installed package's, not this checkout's.
    const trace = await run(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(project, 'tsconfig.node16.json'), '--traceResolution'], { cwd: project, maxBuffer: 64 << 20 });
    assert.match(trace.stdout, new RegExp(`'mqtt-wasm' was successfully resolved to '${project}/node_modules/mqtt-wasm/js/index\\.d\\.ts'`));
    assert.match(trace.stdout, new RegExp(`'mqtt-wasm' was successfully resolved to '${project}/node_modules/mqtt-wasm/js/index\\.d\\.cts'`));
    assert.doesNotMatch(trace.stdout, new RegExp(`resolved to '${REPO.replace(/\/$/, '')}/js/`));
  } finally {
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  }
});
