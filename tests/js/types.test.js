// The hand-written declarations (js/**/*.d.ts, js/**/*.d.cts) against a user's
// TypeScript and against the runtime, from the source tree ('mqtt-wasm' resolves to
// this checkout through its own exports map). tests/js/package-install.test.js runs the
// same consumer files against the installed tarball.
//   1. tests/types/*.ts and *.cts, a use of every public API, compile with
//      `tsc --noEmit --strict`, and every misuse marked `// @ts-expect-error` fails.
//   2. Every name the entries export and every member of the objects they hand out is
//      declared, and nothing more (tsc over a file built from what the runtime has).
//   3. The option names ClientOptions and BrokerOptions declare are the ones
//      connect() and createBroker() accept.
//   4. docs/API.md names each of those exports, members and options, the client's
//      events, and every flag
//      the CLI's --help lists, so the reference cannot fall behind the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { typeCheckOfNames, memberNames, explainErrors } from '../types/declared-names.js';
import { typeCheck } from '../types/type-check.js';
import { declaredFields, refusalOfName } from './option-names.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const typesDir = join(repo, 'tests/types');
const require = createRequire(import.meta.url);

test('tests/types (every public API, strict) compiles, and each @ts-expect-error misuse fails', async () => {
  const files = readdirSync(typesDir).filter((f) => /\.c?ts$/.test(f));
  assert.deepEqual(files.sort(), ['subpaths.ts', 'usage-cjs.cts', 'usage.ts']);
  for (const file of files) {
    const misuses = readFileSync(join(typesDir, file), 'utf8').match(/@ts-expect-error/g)?.length ?? 0;
    assert.ok(misuses >= 4, `${file} checks ${misuses} misuses`);
  }
  assert.equal(await typeCheck(['-p', join(typesDir, 'tsconfig.json')], repo), '');
});

test('the declarations serve a Node project (Node\'s types, no DOM) and a program with neither', async () => {
  for (const dir of ['node', 'bare']) {
    const source = readdirSync(join(typesDir, dir)).filter((f) => /\.c?ts$/.test(f))
      .map((f) => readFileSync(join(typesDir, dir, f), 'utf8')).join('');
    assert.ok((source.match(/@ts-expect-error/g)?.length ?? 0) >= 1, `${dir} checks a misuse`);
    assert.equal(await typeCheck(['-p', join(typesDir, dir, 'tsconfig.json')], repo), '', dir);
  }
});

// The names of the runtime: each entry's exports, and the members of what it hands out.
async function runtimeNames() {
  const entries = ['mqtt-wasm', 'mqtt-wasm/codec', 'mqtt-wasm/client', 'mqtt-wasm/broker',
    'mqtt-wasm/node/password-file', 'mqtt-wasm/node/acl-file'];
  const esm = {};
  for (const entry of entries) esm[entry] = Object.keys(await import(entry));
  const cjs = {};
  for (const entry of entries) cjs[entry] = Object.keys(require(entry));

  const mqtt = await import('mqtt-wasm');
  const broker = await mqtt.createBroker();
  const local = broker.connectLocal();
  const client = mqtt.connect(broker.connectLocal(), { manualConnect: true });
  const decoder = mqtt.createDecoder();
  const members = {
    MqttClient: memberNames(client),
    Broker: memberNames(broker),
    BrokerStats: Object.keys(broker.stats()),
    LocalTransport: memberNames(local),
    Decoder: memberNames(decoder),
    MemoryStore: memberNames(new mqtt.MemoryStore()),
    // Less what every Error has (name, message, stack).
    MqttError: memberNames(new mqtt.MqttError(0x81, 'x', { packets: [] }), Error.prototype)
      .filter((name) => !memberNames(new Error('x')).includes(name)),
  };
  decoder.dispose();
  local.close();
  await client.end(true);
  await broker.close();

  const { parsePasswordFile } = await import('mqtt-wasm/node/password-file');
  const { parseAclFile, aclAuthorizer } = await import('mqtt-wasm/node/acl-file');
  const aclPath = join(tmpdir(), `mqtt-wasm-types-${process.pid}.acl`);
  writeFileSync(aclPath, 'topic read a/#\n');
  const hooks = await aclAuthorizer(aclPath).finally(() => rmSync(aclPath, { force: true }));
  const nodeMembers = {
    PasswordFile: memberNames(parsePasswordFile('')),
    AclFile: memberNames(parseAclFile('')),
    AclHooks: memberNames(hooks),
  };
  return { esm, cjs, members, nodeMembers };
}

// The value names the declarations give, in any entry (`export function|class|const`).
function declaredValueNames() {
  const names = new Set();
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.d\.c?ts$/.test(entry.name)) {
        for (const m of readFileSync(path, 'utf8').matchAll(/^export (?:declare )?(?:function|class|const) (\w+)/gm)) names.add(m[1]);
      }
    }
  };
  walk(join(repo, 'js'));
  return names;
}

test('the declarations have every runtime export and member, and nothing the runtime lacks', async () => {
  const { esm, cjs, members, nodeMembers } = await runtimeNames();
  const candidates = new Set([...declaredValueNames(), ...Object.values(esm).flat(), ...Object.values(cjs).flat()]);
  const lacking = (has) => [...candidates].filter((name) => !has.includes(name));
  const entries = Object.keys(esm);
  const esmSource = typeCheckOfNames({
    imports: [
      ...entries.map((entry, i) => `import * as entry${i} from '${entry}';`),
      "import type * as T from 'mqtt-wasm';",
      "import type * as P from 'mqtt-wasm/node/password-file';",
      "import type * as A from 'mqtt-wasm/node/acl-file';",
    ],
    exports: entries.map((entry, i) => ({
      label: `import from '${entry}'`, namespace: `entry${i}`, has: esm[entry], lacks: lacking(esm[entry]),
    })),
    members: [
      ...Object.entries(members).map(([type, names]) => ({
        label: `members of ${type}`,
        declared: type === 'MqttError' ? 'Exclude<keyof T.MqttError, keyof Error>' : `keyof T.${type}`,
        names,
      })),
      { label: 'members of PasswordFile', declared: 'keyof P.PasswordFile', names: nodeMembers.PasswordFile },
      { label: 'members of AclFile', declared: 'keyof A.AclFile', names: nodeMembers.AclFile },
      { label: 'members of AclHooks', declared: 'keyof A.AclHooks', names: nodeMembers.AclHooks },
    ],
  });
  const cjsEntries = Object.keys(cjs);
  const cjsSource = typeCheckOfNames({
    imports: cjsEntries.map((entry, i) => `import entry${i} = require('${entry}');`),
    exports: cjsEntries.map((entry, i) => ({
      label: `require('${entry}')`, namespace: `entry${i}`, has: cjs[entry], lacks: lacking(cjs[entry]),
    })),
  });

  // Inside the checkout, so that 'mqtt-wasm' resolves to it.
  const dir = join(repo, 'build/test-output/types-names');
  mkdirSync(dir, { recursive: true });
  const sources = { 'names.ts': esmSource, 'names-cjs.cts': cjsSource };
  for (const [file, text] of Object.entries(sources)) writeFileSync(join(dir, file), text);
  const config = JSON.parse(readFileSync(join(typesDir, 'tsconfig.json'), 'utf8'));
  config.files = Object.keys(sources);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config, null, 2));
  const output = await typeCheck(['-p', join(dir, 'tsconfig.json')], repo);
  assert.equal(explainErrors(output, sources), '', `see ${dir}`);
});

test('ClientOptions and BrokerOptions declare the options connect() and createBroker() accept', async () => {
  const dts = readFileSync(join(repo, 'js/index.d.ts'), 'utf8');
  const clientOptions = declaredFields(dts, 'ClientOptions');
  const brokerOptions = declaredFields(dts, 'BrokerOptions');
  assert.ok(clientOptions.length > 30 && brokerOptions.length > 15);

  // The lists read from the file are the interfaces' keys, exactly.
  const dir = join(repo, 'build/test-output/types-names');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'options.ts'), typeCheckOfNames({
    imports: ["import type * as T from 'mqtt-wasm';"],
    checks: [
      { label: 'ClientOptions', declared: 'keyof T.ClientOptions', names: clientOptions },
      { label: 'BrokerOptions', declared: 'keyof T.BrokerOptions', names: brokerOptions },
    ],
  }));
  const config = JSON.parse(readFileSync(join(typesDir, 'tsconfig.json'), 'utf8'));
  config.files = ['options.ts'];
  writeFileSync(join(dir, 'tsconfig-options.json'), JSON.stringify(config, null, 2));
  assert.equal(await typeCheck(['-p', join(dir, 'tsconfig-options.json')], repo), '');

  // An unknown option throws "unknown option"; a declared one does not (a Symbol is no
  // option's value, so it may be refused for its value, never for its name).
  const unknown = /unknown option|MQTT\.js's/;
  const mqtt = await import('mqtt-wasm');
  assert.throws(() => mqtt.connect({ manualConnect: true, notAnOption: 1 }), /unknown option "notAnOption"/);
  for (const name of clientOptions) {
    const err = await refusalOfName(mqtt.connect, name);
    if (err) assert.doesNotMatch(String(err), unknown, `connect() refuses the declared option ${name}`);
  }
  await assert.rejects(mqtt.createBroker({ notAnOption: 1 }), /unknown option "notAnOption"/);
  for (const name of brokerOptions) {
    const broker = await mqtt.createBroker({ [name]: Symbol(name) }).catch((err) => {
      assert.doesNotMatch(String(err), unknown, `createBroker() refuses the declared option ${name}`);
      return null;
    });
    await broker?.close();
  }
});

// Does docs/API.md name it, in code (`name`, `client.name(...)`, `--name`)?
function documented(doc, name) {
  const escaped = name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  return new RegExp(`\`[^\`\\n]*(?<![\\w-])${escaped}(?![\\w-])[^\`\\n]*\``).test(doc);
}

test('docs/API.md names every export, member, option and command-line flag', async () => {
  const doc = readFileSync(join(repo, 'docs/API.md'), 'utf8');
  const { esm, cjs, members, nodeMembers } = await runtimeNames();
  const dts = readFileSync(join(repo, 'js/index.d.ts'), 'utf8');
  const wanted = [];
  for (const [entry, names] of [...Object.entries(esm), ...Object.entries(cjs)]) {
    for (const name of names) if (name !== 'default') wanted.push([`${entry} exports`, name]);
  }
  for (const [object, names] of [...Object.entries(members), ...Object.entries(nodeMembers)]) {
    for (const name of names) wanted.push([`${object} has`, name]);
  }
  for (const name of declaredFields(dts, 'ClientOptions')) wanted.push(['connect() takes', name]);
  for (const name of declaredFields(dts, 'BrokerOptions')) wanted.push(['createBroker() takes', name]);
  const client = readFileSync(join(repo, 'js/client/client.js'), 'utf8');
  for (const [, event] of client.matchAll(/#emit\('(\w+)'/g)) wanted.push(['the client emits', event]);
  for (const command of ['broker', 'pub', 'sub']) {
    const help = execFileSync(process.execPath, [join(repo, 'bin/mqtt-wasm.js'), command, '--help'], { encoding: 'utf8' });
    for (const [flag] of help.matchAll(/(?<![\w-])--?[a-zA-Z][\w-]*/g)) wanted.push([`mqtt-wasm ${command} --help lists`, flag]);
  }
  const missing = [...new Set(wanted.filter(([, name]) => !documented(doc, name)).map(([what, name]) => `${what} ${name}`))];
  assert.deepEqual(missing, [], 'each of these has no mention in docs/API.md');
});
