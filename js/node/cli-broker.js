// `mqtt-wasm broker [flags]`: runs a broker until SIGINT or SIGTERM.
// Flags map to createBroker options and listen options through one table, BROKER_FLAGS.
// Bad flags and values print one line on stderr and exit with 2; errors while starting
// (a port in use, a bad password file) print one line and exit with 1.
import { NUMBER_OPTIONS } from '../broker/options.js';
import { UsageError, boolean, formatRows, integer, nonEmpty, port, qos, readFileForCommand, readFlags, valueOf, withHint } from './cli-flags.js';
import { waitForSignal } from './cli-signal.js';
import { hostForUrl } from './url-host.js';

// A createBroker option's own range (js/broker/options.js), with a hint for --help.
const ranged = (option, hint = 'N') => {
  const [, min, max] = NUMBER_OPTIONS[option];
  return withHint(integer(min, max), hint);
};

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
  ['max-message-bytes', 'options', 'maxMessageBytes', ranged('maxMessageBytes', 'BYTES'),
    'bytes of messages held at once, queued, in flight and retained; past it publishes are refused (0: no limit; default 1 GiB)'],
  ['max-buffered-bytes', 'options', 'maxBufferedBytes', withHint(integer(1, Number.MAX_SAFE_INTEGER), 'BYTES'),
    'bytes waiting to be written to one client before it is disconnected as too slow (at least --max-packet-size; default 64 MiB, or twice --max-packet-size when that is more)'],
  ['password-file', 'files', 'passwordFile', nonEmpty('FILE'), 'a mosquitto_passwd file; clients must log in with a user in it'],
  ['acl-file', 'files', 'aclFile', nonEmpty('FILE'), 'a Mosquitto ACL file; what it does not grant is refused'],
];

const LISTENERS = ['tcp', 'ws', 'tls', 'wss'];
const SCHEMES = { tcp: 'mqtt', ws: 'ws', tls: 'mqtts', wss: 'wss' };

export function brokerHelp() {
  const rows = BROKER_FLAGS.map(([flag, , , read, help]) => [`--${flag} ${read.hint}`, help]);
  rows.push(['-h, --help', 'this help']);
  return `Usage: mqtt-wasm broker [flags]

Runs a broker until SIGINT or SIGTERM, and prints the address of each listener. A
listener flag may be repeated, for more ports of that kind.

Flags:
${formatRows(rows)}

Exit status: 0 after SIGINT or SIGTERM; 1 when it cannot start (a port in use, a file
it cannot read); 2 for a mistake in the flags.

Example:
  mqtt-wasm broker --tcp 1883 --ws 8080 --password-file passwd --acl-file acl
`;
}

/**
 * The broker command's flags, read: { help: true }, or { options, listen, files } where
 * options is for createBroker, listen for broker.listen (without key and cert; each
 * kind's ports as a list, in the order given), and files holds the paths given by --key,
 * --cert, --password-file and --acl-file. Throws UsageError for bad flags and values.
 */
export function parseBrokerArgs(argv) {
  const flags = BROKER_FLAGS.map(([name, , , read]) => ({ name, read, multiple: LISTENERS.includes(name) }));
  const { help, values } = readFlags(argv, flags, { helpShort: 'h' });
  if (help) return { help: true };

  const result = { options: {}, listen: {}, files: {} };
  BROKER_FLAGS.forEach(([, target, key], i) => {
    const value = valueOf(values, flags[i]);
    if (value !== undefined) result[target][key] = value;
  });
  const { options, listen, files } = result;
  const packetSize = options.maxPacketSize ?? NUMBER_OPTIONS.maxPacketSize[0];
  if (options.maxBufferedBytes !== undefined && options.maxBufferedBytes < packetSize) {
    throw new UsageError(`--max-buffered-bytes must be at least the largest packet (--max-packet-size, ${packetSize}), got "${options.maxBufferedBytes}"`);
  }
  if (!LISTENERS.some((kind) => listen[kind] !== undefined)) listen.tcp = [1883];
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

/** Runs the broker that parseBrokerArgs described; resolves 0 after SIGINT / SIGTERM (or io.signal). */
export async function runBroker(parsed, io) {
  const { options, listen, files } = parsed;
  const { createBroker } = await import('../index.js');
  if (files.key !== undefined) listen.key = await readFileForCommand(files.key, 'TLS key');
  if (files.cert !== undefined) listen.cert = await readFileForCommand(files.cert, 'TLS certificate');
  if (files.passwordFile !== undefined) {
    const { passwordFileAuthenticator } = await import('./password-file.js');
    options.authenticate = await passwordFileAuthenticator(files.passwordFile);
  }
  if (files.aclFile !== undefined) {
    const { aclAuthorizer } = await import('./acl-file.js');
    Object.assign(options, await aclAuthorizer(files.aclFile));
  }
  const broker = await createBroker(options);
  const shared = Object.fromEntries(Object.entries(listen).filter(([key]) => !LISTENERS.includes(key)));
  try {
    // One broker.listen() per port, so that a kind may have several.
    for (const kind of LISTENERS) {
      for (const port of listen[kind] ?? []) {
        const address = (await broker.listen({ ...shared, [kind]: port }))[kind];
        io.stdout.write(`mqtt-wasm broker listening on ${SCHEMES[kind]}://${hostForUrl(address.host)}:${address.port}\n`);
      }
    }
  } catch (err) {
    await broker.close().catch(() => {});
    throw err;
  }
  await (io.signal ?? waitForSignal());
  await broker.close();
  return 0;
}

