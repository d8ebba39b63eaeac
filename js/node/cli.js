// The mqtt-wasm command (bin/mqtt-wasm.js). One command for now:
//   mqtt-wasm broker [flags]   runs a broker until SIGINT or SIGTERM
// Flags map to createBroker options and listen options through one table, BROKER_FLAGS.
// Bad flags and values print one line on stderr and exit with 2; errors while starting
// (a port in use, a bad password file) print one line and exit with 1.
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { NUMBER_OPTIONS } from '../broker/options.js';

/** A mistake on the command line: exit status 2, one line, no stack. */
export class UsageError extends Error {
  constructor(message) {
    super(message);
    this.name = 'UsageError';
    this.exitCode = 2;
  }
}

// Value readers: each takes the flag's text and returns the value or throws UsageError.
const integer = (min, max) => {
  const read = (text, flag) => {
    const value = /^[0-9]+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, got "${text}"`);
    }
    return value;
  };
  read.hint = 'N';
  return read;
};
const port = Object.assign((text, flag) => integer(0, 65_535)(text, flag), { hint: 'PORT' });
// A createBroker option's own range (js/broker/options.js), with a hint for --help.
const ranged = (option, hint = 'N') => {
  const [, min, max] = NUMBER_OPTIONS[option];
  return Object.assign((text, flag) => integer(min, max)(text, flag), { hint });
};
const qos = Object.assign((text, flag) => {
  if (!/^[012]$/.test(text)) throw new UsageError(`--${flag} must be 0, 1 or 2, got "${text}"`);
  return Number(text);
}, { hint: '0|1|2' });
const boolean = Object.assign((text, flag) => {
  if (text !== 'true' && text !== 'false') throw new UsageError(`--${flag} must be true or false, got "${text}"`);
  return text === 'true';
}, { hint: 'true|false' });
const nonEmpty = (hint) => Object.assign((text, flag) => {
  if (text === '') throw new UsageError(`--${flag} needs a value`);
  return text;
}, { hint });

/**
 * The broker command's flags: [flag, goes to, as, value reader, help].
 * "options" go to createBroker(options), "listen" to broker.listen(listen), "files" are
 * paths that the command reads before starting (key and cert into listen, the password
 * file into options.authenticate, the ACL file into options.authorize*).
 */
export const BROKER_FLAGS = [
  ['tcp', 'listen', 'tcp', port, 'MQTT over TCP on this port (0: any free port); the default is 1883 when no listener is given'],
  ['ws', 'listen', 'ws', port, 'MQTT over WebSocket on this port'],
  ['tls', 'listen', 'tls', port, 'MQTT over TLS on this port (needs --key and --cert)'],
  ['wss', 'listen', 'wss', port, 'MQTT over secure WebSocket on this port (needs --key and --cert)'],
  ['host', 'listen', 'host', nonEmpty('HOST'), 'the address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)'],
  ['key', 'files', 'key', nonEmpty('FILE'), 'the TLS private key, PEM'],
  ['cert', 'files', 'cert', nonEmpty('FILE'), 'the TLS certificate (chain), PEM'],
  ['max-keepalive', 'options', 'maxKeepalive', ranged('maxKeepalive', 'S'), 'the longest keep alive a client may ask for, in seconds (0: no limit)'],
  ['topic-alias-max', 'options', 'topicAliasMaximum', ranged('topicAliasMaximum'), 'topic aliases a 5.0 client may use (0: none)'],
  ['max-packet-size', 'options', 'maxPacketSize', ranged('maxPacketSize', 'BYTES'), 'the largest packet accepted, in bytes'],
  ['receive-max', 'options', 'receiveMaximum', ranged('receiveMaximum'), 'QoS 1 and 2 publishes a client may have in flight to the broker'],
  ['max-qos', 'options', 'maximumQos', qos, 'the highest QoS the broker supports'],
  ['retain-available', 'options', 'retainAvailable', boolean, 'whether retained messages are supported'],
  ['max-inflight', 'options', 'maxInflight', ranged('maxInflight'), 'QoS 1 and 2 messages in flight to each client'],
  ['max-queued', 'options', 'maxQueued', ranged('maxQueued'), 'messages queued for each client beyond those in flight'],
  ['max-connections', 'options', 'maxConnections', ranged('maxConnections'), 'clients connected at once (0: no limit)'],
  ['max-subscriptions', 'options', 'maxSubscriptions', ranged('maxSubscriptions'), 'subscriptions per client (0: no limit)'],
  ['max-topic-levels', 'options', 'maxTopicLevels', ranged('maxTopicLevels'), 'levels in a topic name or filter'],
  ['sys-interval', 'options', 'sysInterval', ranged('sysInterval', 'S'), 'seconds between $SYS updates (0: none)'],
  ['max-buffered-bytes', 'options', 'maxBufferedBytes', Object.assign(integer(1, Number.MAX_SAFE_INTEGER), { hint: 'BYTES' }),
    'bytes waiting to be written to one client before it is disconnected as too slow (default 64 MiB, at least --max-packet-size)'],
  ['password-file', 'files', 'passwordFile', nonEmpty('FILE'), 'a mosquitto_passwd file; clients must log in with a user in it'],
  ['acl-file', 'files', 'aclFile', nonEmpty('FILE'), 'a Mosquitto ACL file; what it does not grant is refused'],
];

const LISTENERS = ['tcp', 'ws', 'tls', 'wss'];
const SCHEMES = { tcp: 'mqtt', ws: 'ws', tls: 'mqtts', wss: 'wss' };

const TOP_HELP = `Usage: mqtt-wasm <command> [flags]

Commands:
  broker    run an MQTT 3.1.1 / 5.0 broker (mqtt-wasm broker --help for its flags)

Flags:
  -h, --help    this help
`;

export function brokerHelp() {
  const rows = BROKER_FLAGS.map(([flag, , , read, help]) => [`--${flag} ${read.hint}`, help]);
  rows.push(['-h, --help', 'this help']);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return `Usage: mqtt-wasm broker [flags]

Runs a broker until SIGINT or SIGTERM, and prints the address of each listener.

Flags:
${rows.map(([left, help]) => `  ${left.padEnd(width)}${help}`).join('\n')}

Example:
  mqtt-wasm broker --tcp 1883 --ws 8080 --password-file passwd --acl-file acl
`;
}

// node:util's parseArgs errors are long; say the same in a line.
function usageFromParseError(err) {
  // "Option '-h, --help' does not take an argument", "Option '--tcp <value>' argument missing"
  const option = /'(-[^']+)'/.exec(err.message)?.[1];
  const flag = option?.split(',').pop().trim().split(' ')[0];
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new UsageError(`unknown flag ${flag ?? err.message}`);
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return new UsageError(`unexpected argument "${/'([^']*)'/.exec(err.message)?.[1] ?? ''}"`);
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(err.message)) return new UsageError(`${flag} takes no value`);
    return new UsageError(`${flag ?? 'a flag'} needs a value`);
  }
  return new UsageError(err.message.split('\n')[0]);
}

/**
 * The broker command's flags, read: { help: true }, or { options, listen, files } where
 * options is for createBroker, listen for broker.listen (without key and cert), and
 * files holds the paths given by --key, --cert, --password-file and --acl-file.
 * Throws UsageError for bad flags and values.
 */
export function parseBrokerArgs(argv) {
  const config = { help: { type: 'boolean', short: 'h' } };
  for (const [flag] of BROKER_FLAGS) config[flag] = { type: 'string' };
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: config, strict: true, allowPositionals: false }));
  } catch (err) {
    throw usageFromParseError(err);
  }
  if (values.help) return { help: true };

  const result = { options: {}, listen: {}, files: {} };
  for (const [flag, target, key, read] of BROKER_FLAGS) {
    if (values[flag] !== undefined) result[target][key] = read(values[flag], flag);
  }
  const { listen, files } = result;
  if (!LISTENERS.some((kind) => listen[kind] !== undefined)) listen.tcp = 1883;
  const secure = ['tls', 'wss'].filter((kind) => listen[kind] !== undefined);
  if (secure.length > 0) {
    const missing = ['key', 'cert'].filter((name) => files[name] === undefined);
    if (missing.length > 0) {
      throw new UsageError(`--${secure.join(' and --')} need${secure.length === 1 ? 's' : ''} ${missing.map((name) => `--${name} FILE`).join(' and ')}`);
    }
  } else if (files.key !== undefined || files.cert !== undefined) {
    throw new UsageError('--key and --cert are for --tls and --wss listeners');
  }
  return result;
}

function formatHost(host) {
  return host.includes(':') ? `[${host}]` : host;
}

async function readPem(path, what) {
  try {
    return await readFile(path);
  } catch (err) {
    throw new Error(`cannot read the TLS ${what} ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`, { cause: err });
  }
}

function waitForSignal() {
  return new Promise((resolve) => {
    const signals = ['SIGINT', 'SIGTERM'];
    const handler = (signal) => {
      // A second signal while closing gets the default behaviour: the process ends.
      for (const name of signals) process.off(name, handler);
      resolve(signal);
    };
    for (const name of signals) process.on(name, handler);
  });
}

async function runBroker(parsed, io) {
  const { options, listen, files } = parsed;
  const { createBroker } = await import('../index.js');
  if (typeof createBroker !== 'function') {
    throw new Error('this build of mqtt-wasm has no broker yet (js/index.js does not export createBroker)');
  }
  if (files.key !== undefined) listen.key = await readPem(files.key, 'key');
  if (files.cert !== undefined) listen.cert = await readPem(files.cert, 'certificate');
  if (files.passwordFile !== undefined) {
    const { passwordFileAuthenticator } = await import('./password-file.js');
    options.authenticate = await passwordFileAuthenticator(files.passwordFile);
  }
  if (files.aclFile !== undefined) {
    const { aclAuthorizer } = await import('./acl-file.js');
    Object.assign(options, await aclAuthorizer(files.aclFile));
  }
  const broker = await createBroker(options);
  let addresses;
  try {
    addresses = await broker.listen(listen);
  } catch (err) {
    await broker.close().catch(() => {});
    throw err;
  }
  for (const kind of LISTENERS) {
    const address = addresses?.[kind];
    if (address) io.stdout.write(`mqtt-wasm broker listening on ${SCHEMES[kind]}://${formatHost(address.host)}:${address.port}\n`);
  }
  await (io.signal ?? waitForSignal());
  await broker.close();
  return 0;
}

/**
 * Runs the command line `argv` (without node and the script). Resolves the exit status.
 * io: { stdout, stderr } streams (default the process's), and for tests `signal`, a
 * promise that stands for SIGINT / SIGTERM.
 */
export async function main(argv, io = {}) {
  const out = { stdout: io.stdout ?? process.stdout, stderr: io.stderr ?? process.stderr, signal: io.signal };
  const fail = (message, code) => {
    out.stderr.write(`mqtt-wasm: ${message}\n`);
    return code;
  };
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    out.stdout.write(TOP_HELP);
    return 0;
  }
  if (command === undefined) {
    out.stderr.write(TOP_HELP);
    return 2;
  }
  if (command !== 'broker') {
    return fail(`unknown command "${command}" (see mqtt-wasm --help)`, 2);
  }
  let parsed;
  try {
    parsed = parseBrokerArgs(rest);
  } catch (err) {
    if (err instanceof UsageError) return fail(`${err.message} (see mqtt-wasm broker --help)`, 2);
    throw err;
  }
  if (parsed.help) {
    out.stdout.write(brokerHelp());
    return 0;
  }
  try {
    return await runBroker(parsed, out);
  } catch (err) {
    return fail(String(err?.message ?? err).split('\n')[0], 1);
  }
}
