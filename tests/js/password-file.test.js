// js/node/password-file.js: files written by the real mosquitto_passwd (both hash kinds,
// non-ASCII names and passwords, an empty password), comments and blank lines, refusals
// with the line number, and the authenticate hook's answers.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPasswordFile, parsePasswordFile, passwordFileAuthenticator } from '../../js/node/password-file.js';

const dir = mkdtempSync(join(tmpdir(), 'mqttw-passwd-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const utf8 = (value) => new TextEncoder().encode(value);

function findMosquittoPasswd() {
  try {
    execFileSync('mosquitto_passwd', ['-h'], { stdio: 'pipe' });
  } catch (err) {
    // It prints its usage and exits 1 for -h; only a missing binary is a reason to skip.
    if (err.code === 'ENOENT') return 'mosquitto_passwd is not installed (Debian package mosquitto)';
  }
  return false;
}
const noTool = findMosquittoPasswd();

// The users, made with `mosquitto_passwd [-H kind] -b file user password`.
const USERS = [
  { user: 'alice', password: 'wonderland', kind: 'sha512-pbkdf2' },
  { user: 'bob', password: 'p:a$s w=rd', kind: 'sha512' },
  { user: 'ünïcode', password: 'pässwörd ✓', kind: 'sha512-pbkdf2' },
  { user: 'old', password: 'from 1.6', kind: 'sha512' },
  { user: 'empty', password: '', kind: 'sha512-pbkdf2' },
];

function makeRealFile() {
  const path = join(dir, 'real.passwd');
  USERS.forEach(({ user, password, kind }, i) => {
    execFileSync('mosquitto_passwd', ['-H', kind, ...(i === 0 ? ['-c'] : []), '-b', path, user, password], { stdio: 'pipe' });
  });
  return path;
}

test('files from mosquitto_passwd: $6$ and $7$ hashes verify, wrong passwords do not', { skip: noTool }, async () => {
  const path = makeRealFile();
  const file = await loadPasswordFile(path);
  assert.equal(file.users, USERS.length);
  for (const { user, password } of USERS) {
    assert.equal(file.verify(user, utf8(password)), true, `${user} with the right password`);
    assert.equal(file.verify(user, password), true, `${user}: a string password works too`);
    assert.equal(file.verify(user, utf8(`${password}x`)), false, `${user} with a longer password`);
    if (password !== '') assert.equal(file.verify(user, utf8(password.slice(1))), false, `${user} with a shorter password`);
  }
  assert.equal(file.verify('alice', utf8('Wonderland')), false);
  assert.equal(file.verify('bob', utf8('wonderland')), false, "another user's password");
  assert.equal(file.verify('nobody', utf8('wonderland')), false);
  assert.equal(file.verify('alice', undefined), false);
  assert.equal(file.verify(undefined, utf8('wonderland')), false);
});

test('the hook: true for a match, 0x86 otherwise, 0x87 for anonymous unless allowed', { skip: noTool }, async () => {
  const path = makeRealFile();
  const authenticate = await passwordFileAuthenticator(path);
  const client = (username, password) => ({ id: 'c1', username, password: password === undefined ? undefined : utf8(password), address: '127.0.0.1' });
  assert.equal(await authenticate(client('alice', 'wonderland')), true);
  assert.equal(await authenticate(client('alice', 'nope')), 0x86);
  assert.equal(await authenticate(client('alice')), 0x86, 'user name without password');
  assert.equal(await authenticate(client('empty')), true, 'the empty password, given as none');
  assert.equal(await authenticate(client('empty', '')), true);
  assert.equal(await authenticate(client('mallory', 'wonderland')), 0x86);
  assert.equal(await authenticate(client(undefined)), 0x87);
  const open = await passwordFileAuthenticator(path, { allowAnonymous: true });
  assert.equal(await open(client(undefined)), true);
  assert.equal(await open(client('mallory', 'x')), 0x86, 'a wrong user name is still refused');
});

// A $7$ and a $6$ entry as Debian's mosquitto_passwd 2.0.11 wrote them (passwords
// "wonderland" and "old pw"), so that these tests run without the tool.
const PBKDF2_LINE = 'alice:$7$101$0Z3RUqExUsy5aCyC$RDcPH/s4K7BMkJ5SM5Sn923/PnbD+fdTLUvhgN1A4O2hk7pK+4PnevUvZjJfkrxt8Au7wE2ofcxqvD2P578qwQ==';
const SHA512_LINE = 'old:$6$OnJD+1mVToIYX4/R$DCu2n1Sj0jfUbHLk0ongKMxVw74l/4v9vUytN06EHQuVO/mnYAnB771/oe/hbHsLMNc/bEr9NuXIa031IloMOw==';

test('comments, blank lines, CRLF line ends, trailing spaces', () => {
  const file = parsePasswordFile(`# made by hand\r\n\r\n${PBKDF2_LINE}\r\n   \n#old:$6$x$y\n${SHA512_LINE}  \n`);
  assert.equal(file.users, 2);
  assert.equal(file.verify('alice', utf8('wonderland')), true);
  assert.equal(file.verify('old', utf8('old pw')), true);
  assert.equal(file.verify('#old', utf8('x')), false);
});

test('refusals name the line', () => {
  const cases = [
    ['alice:$5$abc$def', /line 2 \(user "alice"\): unknown hash format "\$5\$\.\.\."/],
    ['alice:secret', /line 2 \(user "alice"\): the password is not hashed; run mosquitto_passwd -U/],
    ['alice:$argon2id$v=19$m=47104,t=1,p=1$c2FsdA$aGFzaA', /line 2 \(user "alice"\): argon2 hashes .* are not supported/],
    ['alice:$7$0$H8PNKNGVqEMVcvoF$abcd', /line 2 \(user "alice"\): the iteration count "0" is not a positive integer/],
    ['alice:$7$101$H8PNKNGVqEMVcvoF', /line 2 \(user "alice"\): a \$7\$ hash has the form/],
    ['alice:$6$H8PNKNGVqEMVcvoF$a$b', /line 2 \(user "alice"\): a \$6\$ hash has the form/],
    ['alice:$6$H8PN*NGVqEMVcvoF$abcd', /line 2 \(user "alice"\): the salt is not valid base64/],
    ['alice:$6$H8PNKNGVqEMVcvoF$abcd', /line 2 \(user "alice"\): the hash is 3 bytes; SHA-512 gives 64/],
    ['alice:$6$abcd$' + 'A'.repeat(86) + '==', /line 2 \(user "alice"\): the salt is 3 bytes; mosquitto writes 12 or 64/],
    ['alice', /line 2: expected user:hash/],
    [':$6$x$y', /line 2: the user name is empty/],
    ['alice:', /line 2: user "alice" has no password hash/],
    [PBKDF2_LINE, /line 2: user "alice" is already on line 1/],
  ];
  for (const [line, message] of cases) {
    const text = line === PBKDF2_LINE ? `${PBKDF2_LINE}\n${line}\n` : `# first\n${line}\n`;
    assert.throws(() => parsePasswordFile(text, 'test.passwd'), message, line);
  }
  // The secret of an unhashed line is not repeated in the error.
  assert.throws(() => parsePasswordFile('alice:hunter2'), (err) => !err.message.includes('hunter2'));
});

test('loadPasswordFile: a missing file is a clear error', async () => {
  await assert.rejects(loadPasswordFile(join(dir, 'missing')), /cannot read password file .*missing: no such file/);
  const path = join(dir, 'bad.passwd');
  writeFileSync(path, `${SHA512_LINE}\nbroken line\n`);
  await assert.rejects(loadPasswordFile(path), new RegExp(`password file ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, line 2: expected user:hash`));
  await assert.rejects(passwordFileAuthenticator(path), /line 2: expected user:hash/);
});
