// Mosquitto password files (password_file, written by mosquitto_passwd), for the broker's
// authenticate hook.
//
// One `user:hash` a line; lines whose first character is '#' are comments; blank lines
// are skipped. The hashes mosquitto_passwd writes (checked against mosquitto's
// password_mosq.c and against files made by Debian's mosquitto_passwd 2.0.11):
//   $6$<base64 salt>$<base64 SHA-512(password || salt)>                   (-H sha512)
//   $7$<iterations>$<base64 salt>$<base64 PBKDF2-HMAC-SHA512(password, salt, iterations, 64)>
//                                                      (-H sha512-pbkdf2, the default)
// Salts are 12 bytes (mosquitto 2.0) or 64 (2.1); hashes are 64 bytes. Mosquitto 2.1 can
// also write $argon2id$ hashes, which node:crypto in Node 20 cannot check: such a file is
// refused with the line number, as is any other format.
import { readFile } from 'node:fs/promises';
import { createHash, pbkdf2Sync, timingSafeEqual, randomBytes } from 'node:crypto';

const HASH_LEN = 64;
const SALT_LENS = new Set([12, 64]);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// The reason codes an authenticate hook returns [MQTT 5.0, 3.2.2.2]; for a 3.1.1 client
// the broker maps them to CONNACK return codes 4 and 5.
const BAD_USER_NAME_OR_PASSWORD = 0x86;
const NOT_AUTHORIZED = 0x87;

const encoder = new TextEncoder();

function decodeBase64(text, what, where) {
  if (text === '' || !BASE64.test(text)) throw new Error(`${where}: the ${what} is not valid base64`);
  return Buffer.from(text, 'base64');
}

function parseHash(hash, where) {
  const fields = hash.split('$');
  // '$6$salt$hash' splits as ['', '6', salt, hash]
  if (fields[0] === '' && fields[1] === '6') {
    if (fields.length !== 4) throw new Error(`${where}: a $6$ hash has the form $6$<salt>$<hash>`);
    const salt = decodeBase64(fields[2], 'salt', where);
    const digest = decodeBase64(fields[3], 'hash', where);
    checkLengths(salt, digest, where);
    return { kind: 'sha512', salt, digest };
  }
  if (fields[0] === '' && fields[1] === '7') {
    if (fields.length !== 5) throw new Error(`${where}: a $7$ hash has the form $7$<iterations>$<salt>$<hash>`);
    if (!/^[1-9][0-9]{0,8}$/.test(fields[2])) throw new Error(`${where}: the iteration count "${fields[2]}" is not a positive integer`);
    const iterations = Number(fields[2]);
    const salt = decodeBase64(fields[3], 'salt', where);
    const digest = decodeBase64(fields[4], 'hash', where);
    checkLengths(salt, digest, where);
    return { kind: 'pbkdf2', iterations, salt, digest };
  }
  if (hash.startsWith('$argon2')) {
    throw new Error(`${where}: argon2 hashes (mosquitto 2.1's -H argon2id) are not supported; make the entry with mosquitto_passwd -H sha512-pbkdf2`);
  }
  if (!hash.startsWith('$')) {
    throw new Error(`${where}: the password is not hashed; run mosquitto_passwd -U on the file to hash it`);
  }
  throw new Error(`${where}: unknown hash format "${hash.split('$', 2).join('$')}$..." (expected $6$ or $7$ from mosquitto_passwd)`);
}

function checkLengths(salt, digest, where) {
  if (!SALT_LENS.has(salt.length)) throw new Error(`${where}: the salt is ${salt.length} bytes; mosquitto writes 12 or 64`);
  if (digest.length !== HASH_LEN) throw new Error(`${where}: the hash is ${digest.length} bytes; SHA-512 gives 64`);
}

function compute(entry, password) {
  if (entry.kind === 'sha512') return createHash('sha512').update(password).update(entry.salt).digest();
  return pbkdf2Sync(password, entry.salt, entry.iterations, HASH_LEN, 'sha512');
}

/**
 * Parses the text of a password file. `source` names it in errors.
 * Returns { verify(username, passwordBytes) -> boolean, users }.
 */
export function parsePasswordFile(text, source = 'password file') {
  const entries = new Map();
  const lineOf = new Map();
  const lines = String(text).split('\n');
  lines.forEach((raw, index) => {
    const line = raw.replace(/[\r\n\s]+$/, '');
    const where = `${source}, line ${index + 1}`;
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    if (colon === -1) throw new Error(`${where}: expected user:hash`);
    const username = line.slice(0, colon);
    if (username === '') throw new Error(`${where}: the user name is empty`);
    const hash = line.slice(colon + 1);
    if (hash === '') throw new Error(`${where}: user "${username}" has no password hash`);
    if (entries.has(username)) {
      throw new Error(`${where}: user "${username}" is already on line ${lineOf.get(username)}`);
    }
    entries.set(username, parseHash(hash, `${where} (user "${username}")`));
    lineOf.set(username, index + 1);
  });

  // Unknown users cost the same as known ones, so that timing does not tell which
  // names exist: they are checked against an entry no password matches.
  const decoy = { kind: 'pbkdf2', iterations: 101, salt: randomBytes(12), digest: randomBytes(HASH_LEN) };
  for (const entry of entries.values()) {
    if (entry.kind === 'pbkdf2') decoy.iterations = Math.max(decoy.iterations, entry.iterations);
  }

  return {
    users: entries.size,
    verify(username, password) {
      if (typeof username !== 'string') return false;
      let bytes;
      if (password instanceof Uint8Array) bytes = password;
      else if (typeof password === 'string') bytes = encoder.encode(password);
      else return false;
      const entry = entries.get(username);
      const expected = entry ?? decoy;
      const actual = compute(expected, bytes);
      return timingSafeEqual(actual, expected.digest) && entry !== undefined;
    },
  };
}

/** Reads and parses a Mosquitto password file. */
export async function loadPasswordFile(path) {
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read password file ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`, { cause: err });
  }
  return parsePasswordFile(text, `password file ${path}`);
}

/**
 * An authenticate(client) hook for createBroker backed by a password file. It resolves
 * true for a user whose password matches and 0x86 (Bad User Name or Password) otherwise.
 * A client without a user name gets 0x87 (Not authorized), as mosquitto answers one
 * when allow_anonymous is false, unless { allowAnonymous: true }.
 * Loads the file now, so a bad file fails here rather than at the first CONNECT.
 */
export async function passwordFileAuthenticator(path, { allowAnonymous = false } = {}) {
  const file = await loadPasswordFile(path);
  return async function authenticate(client) {
    if (client?.username === undefined || client.username === null) {
      return allowAnonymous ? true : NOT_AUTHORIZED;
    }
    return file.verify(client.username, client.password ?? new Uint8Array(0)) ? true : BAD_USER_NAME_OR_PASSWORD;
  };
}
