// The connection flags that `mqtt-wasm pub` and `mqtt-wasm sub` share, spelled as
// mosquitto_pub and mosquitto_sub spell them (-h is the host there, so help is --help
// only), and what they become: the broker's URL and connectAsync's options.
//
//   -h HOST -p PORT            mqtt://HOST:PORT (mqtts:// with --cafile, --cert or --key)
//   --url URL                  mqtt://, mqtts://, ws://, wss:// (also tcp://, tls://)
//   -V 5|311 -u -P -i -k       protocolVersion, username, password, clientId, keepalive
import { UsageError, flagSpelling, integer, nonEmpty, port, readFlags, text, valueOf, withHint } from './cli-flags.js';
import { hostForUrl } from './url-host.js';

const SCHEMES = ['mqtt:', 'tcp:', 'mqtts:', 'tls:', 'ws:', 'wss:'];
const SECURE = new Set(['mqtts:', 'tls:', 'wss:']);

// -V: mosquitto's spellings. 3.1 (mqttv31) is older than this client speaks.
const protocolVersion = Object.assign((value, flag) => {
  if (value === '5' || value === 'mqttv5') return 5;
  if (value === '311' || value === 'mqttv311') return 4;
  if (value === '31' || value === 'mqttv31') throw new UsageError(`${flag}: MQTT 3.1 is not supported; use 311 or 5`);
  throw new UsageError(`${flag} must be 5 or 311 (or mqttv5, mqttv311), got "${value}"`);
}, { hint: '5|311' });

const brokerUrl = Object.assign((value, flag) => {
  let url;
  try {
    if (!value.includes('://')) throw new TypeError('no scheme');
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag} must be a URL such as mqtt://host:1883 or ws://host:8080/mqtt, got "${value}"`);
  }
  if (!SCHEMES.includes(url.protocol)) {
    throw new UsageError(`${flag}: unsupported scheme "${url.protocol}" (use mqtt://, mqtts://, ws:// or wss://)`);
  }
  return url;
}, { hint: 'URL' });

/** The connection flags: { name, short?, read? (absent: a switch), help }. */
export const CLIENT_FLAGS = [
  { name: 'host', short: 'h', read: nonEmpty('HOST'), help: 'the broker\'s host (default localhost)' },
  { name: 'port', short: 'p', read: port, help: 'the broker\'s port (default 1883; 8883 with --cafile, --cert or --key)' },
  { name: 'url', read: brokerUrl, help: 'the broker as a URL instead of -h and -p: mqtt://, mqtts://, ws://host:8080/mqtt, wss://' },
  { name: 'protocol-version', short: 'V', read: protocolVersion, help: 'the MQTT version: 5 (or mqttv5), 311 (or mqttv311; the default)' },
  { name: 'username', short: 'u', read: text('USER'), help: 'the user name to log in with' },
  { name: 'pw', short: 'P', read: text('PASSWORD'), help: 'the password to log in with' },
  { name: 'id', short: 'i', read: nonEmpty('ID'), help: 'the client id (default mqttw_ and 8 random hex digits)' },
  { name: 'keepalive', short: 'k', read: withHint(integer(0, 65_535), 'S'), help: 'seconds between PINGREQs when idle (default 60; 0: none)' },
  { name: 'cafile', read: nonEmpty('FILE'), help: 'trust the CA certificates in this PEM file (mqtts://, wss://)' },
  { name: 'cert', read: nonEmpty('FILE'), help: 'a client certificate, PEM (with --key)' },
  { name: 'key', read: nonEmpty('FILE'), help: 'the client certificate\'s private key, PEM' },
  { name: 'debug', short: 'd', help: 'print every packet sent and received on stderr' },
];

/**
 * readFlags for pub and sub: their own flags and the connection flags, a value flag
 * taking the next argument whatever it is (as mosquitto's tools), and a hint when -h
 * comes without a host (someone asking for help).
 */
export function readClientCommandFlags(argv, ownFlags) {
  try {
    return readFlags(argv, [...ownFlags, ...CLIENT_FLAGS], { nextIsValue: true });
  } catch (err) {
    if (err instanceof UsageError && err.message === '--host needs a value') {
      throw new UsageError('-h needs a host (as in mosquitto_pub and mosquitto_sub; --help is the help)');
    }
    throw err;
  }
}

/**
 * The connection flags read: { url, options, files: { cafile, cert, key }, debug }.
 * url is a URL without credentials (-u and -P, or the URL's own, are in options).
 */
export function readClientFlags(values) {
  const get = (name) => valueOf(values, CLIENT_FLAGS.find((f) => f.name === name));
  const given = {};
  for (const f of CLIENT_FLAGS) given[f.name] = get(f.name);
  const files = { cafile: given.cafile, cert: given.cert, key: given.key };
  if ((files.cert === undefined) !== (files.key === undefined)) throw new UsageError('--cert and --key go together');
  const tls = Object.values(files).some((v) => v !== undefined);

  let url;
  const options = { protocolVersion: given['protocol-version'] ?? 4, reconnectPeriod: 0 };
  if (given.url !== undefined) {
    if (given.host !== undefined || given.port !== undefined) throw new UsageError('give either --url or -h / -p, not both');
    url = given.url;
    if (url.username) options.username = decodeURIComponent(url.username);
    if (url.password) options.password = decodeURIComponent(url.password);
    url.username = '';
    url.password = '';
    if (tls && !SECURE.has(url.protocol)) throw new UsageError(`--cafile, --cert and --key are for mqtts:// and wss://, not ${url.protocol}//`);
  } else {
    const host = given.host ?? 'localhost';
    url = new URL(`${tls ? 'mqtts' : 'mqtt'}://${hostForUrl(host)}:${given.port ?? (tls ? 8883 : 1883)}`);
  }
  if (given.username !== undefined) options.username = given.username;
  if (given.pw !== undefined) {
    if (options.username === undefined) throw new UsageError('-P needs -u: MQTT sends no password without a user name');
    options.password = given.pw;
  }
  if (given.id !== undefined) options.clientId = given.id;
  if (given.keepalive !== undefined) options.keepalive = given.keepalive;
  return { url, options, files, debug: given.debug === true };
}

/** The help rows of the connection flags. */
export function clientFlagRows() {
  return CLIENT_FLAGS.map((f) => [flagSpelling(f), f.help]);
}

/** What pub and sub say about exit statuses and errors in their --help. */
export const EXIT_HELP = `Exit status: 0 when done; 1 when the broker cannot be reached or says no (a refused
CONNACK, SUBACK or PUBACK; the line on stderr gives its reason code), or a file cannot
be read; 2 for a mistake on the command line (an unknown flag, a bad value, an invalid
topic). mosquitto_pub and mosquitto_sub exit with a refused CONNACK's code instead of 1;
mqtt-wasm keeps 2 for usage and puts the code in the message.`;
