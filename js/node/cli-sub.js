// `mqtt-wasm sub`: subscribes and prints each message on stdout, as mosquitto_sub does,
// until SIGINT / SIGTERM, -C messages or -W seconds. A lost connection is said on
// stderr and retried every second or so (with backoff); the subscriptions are made
// again on the new connection.
//
//   mqtt-wasm sub -t 'sensors/#' -v
//   mqtt-wasm sub --url ws://broker:8080/mqtt -V 5 -t a -t b --json -C 10
import { checkTopicFilter } from '../client/requests.js';
import { CommandError, EXIT, UsageError, flagSpelling, formatRows, integer, qos, text, valueOf, withHint } from './cli-flags.js';
import { EXIT_HELP, clientFlagRows, readClientCommandFlags, readClientFlags } from './cli-client-flags.js';
import { connectFromFlags, lossTracker } from './cli-client-connect.js';
import { messagePrinter } from './cli-sub-output.js';
import { waitForSignal } from './cli-signal.js';

const MAX_SECONDS = 2_147_483;  // setTimeout's limit, in seconds

export const SUB_FLAGS = [
  { name: 'topic', short: 't', read: text('FILTER'), multiple: true, help: 'a topic filter to subscribe to (+ and # allowed; repeat -t for more; required)' },
  { name: 'qos', short: 'q', read: qos, help: 'the highest QoS to receive at (default 0)' },
  { name: 'verbose', short: 'v', help: 'print the topic, a space, then the payload' },
  { name: 'json', help: 'print one JSON object a line (below)' },
  { name: 'count', short: 'C', read: withHint(integer(1, Number.MAX_SAFE_INTEGER), 'N'), help: 'exit (status 0) after N messages' },
  { name: 'timeout', short: 'W', read: withHint(integer(1, MAX_SECONDS), 'S'), help: 'exit with status 27 S seconds after connecting (as mosquitto_sub; -C exits first with 0)' },
  { name: 'no-newline', short: 'N', help: 'no newline after each payload (not with --json)' },
];

export function subHelp() {
  return `Usage: mqtt-wasm sub -t FILTER [-t FILTER ...] [flags]

Subscribes on an MQTT 3.1.1 / 5.0 broker and prints every message on stdout, as
mosquitto_sub does: the payload's bytes and a newline, or with -v the topic first.
It runs until SIGINT or SIGTERM (exit status 0), -C messages or -W seconds. A lost
connection is one line on stderr; sub then reconnects and subscribes again.

Messages:
${formatRows(SUB_FLAGS.map((f) => [flagSpelling(f), f.help]))}

Connection:
${formatRows([...clientFlagRows(), ['--help', 'this help']])}

--json prints each message as one line:
  {"topic":"a/b","payload":"21.5","payloadEncoding":"utf8","qos":1,"retain":false,"properties":{}}
payloadEncoding is "utf8", or "base64" when the payload is not valid UTF-8 (payload
is then its base64); properties are the MQTT 5.0 ones, binary ones (correlationData)
as base64.

${EXIT_HELP}
After -W seconds the status is 27, as mosquitto_sub's, with "timed out" on stderr.

Examples:
  mqtt-wasm sub -t 'sensors/#' -v
  mqtt-wasm sub --url ws://127.0.0.1:8080/mqtt -V 5 -t a -t b --json -C 10
  mqtt-wasm sub -h broker -u alice -P secret -t status -C 1 -W 5
`;
}

/** sub's flags, read: { help: true }, or { connection, filters, qos, count, timeout, format }. */
export function parseSubArgs(argv) {
  const { help, values } = readClientCommandFlags(argv, SUB_FLAGS);
  if (help) return { help: true };
  const get = (name) => valueOf(values, SUB_FLAGS.find((f) => f.name === name));
  const connection = readClientFlags(values);

  const filters = get('topic') ?? [];
  if (filters.length === 0) throw new UsageError('give a topic filter with -t FILTER');
  for (const filter of filters) {
    if (filter === '') throw new UsageError('a topic filter (-t) must not be empty');
    try {
      checkTopicFilter('invalid', filter, connection.options.protocolVersion);
    } catch (err) {
      throw new UsageError(err.message.replace(/^invalid: the topic filter /, 'invalid topic filter '));
    }
  }
  const verbose = get('verbose') === true;
  const json = get('json') === true;
  const newline = get('no-newline') !== true;
  if (json && verbose) throw new UsageError('--json already has the topic: give --json or -v, not both');
  if (json && !newline) throw new UsageError('--json prints a line per message: -N does not go with it');
  return {
    connection,
    filters: [...new Set(filters)],
    qos: get('qos') ?? 0,
    count: get('count'),
    timeout: get('timeout'),
    format: { verbose, json, newline },
  };
}

/**
 * Runs what parseSubArgs described. Resolves 0 (SIGINT / SIGTERM, or -C messages);
 * rejects with a CommandError (exit status 1, or 27 after -W seconds).
 */
export async function runSub(parsed, io) {
  const { connection, filters, count, timeout } = parsed;
  const print = messagePrinter(parsed.format);
  let finish;
  const finished = new Promise((resolve) => { finish = resolve; });  // { code } or { error }
  let loss = null;
  let offline = false;
  const onError = (err) => {
    // A reconnect refused by CONNACK is final (the client does not retry it).
    if (err?.packet?.cmd === 'connack') finish({ error: new CommandError(err.message) });
    else loss?.record(err);
  };

  const client = await connectFromFlags(connection, { stderr: io.stderr, extra: { reconnectPeriod: 1000 }, onError });
  loss = lossTracker(client, connection.url);
  let received = 0;
  client.on('message', (topic, payload, packet) => {
    if (count !== undefined && received >= count) return;
    received += 1;
    io.stdout.write(print(topic, payload, packet));
    if (received === count) finish({ code: EXIT.ok });
  });
  client.on('offline', () => {
    offline = true;
    io.stderr.write(`mqtt-wasm: ${loss.reason()}; reconnecting\n`);
  });
  client.on('connect', () => {
    if (!offline) return;
    offline = false;
    io.stderr.write('mqtt-wasm: reconnected\n');
  });
  const onEnd = () => finish({ error: new CommandError(loss.reason()) });
  client.on('end', onEnd);
  const onStdoutError = (err) => finish(err?.code === 'EPIPE' ? { code: EXIT.ok } : { error: new CommandError(`cannot write to stdout: ${err.message}`) });
  io.stdout.on?.('error', onStdoutError);

  const timer = timeout === undefined ? null
    : setTimeout(() => finish({ error: new CommandError(`timed out after ${timeout} s (-W)`, EXIT.timeout) }), timeout * 1000);
  (io.signal ?? waitForSignal()).then(() => finish({ code: EXIT.ok }));

  client.subscribe(filters, { qos: parsed.qos }).catch((err) => {
    finish({ error: new CommandError(String(err?.message ?? err).split('\n')[0]) });
  });

  const outcome = await finished;
  if (timer !== null) clearTimeout(timer);
  io.stdout.off?.('error', onStdoutError);
  client.off('end', onEnd);
  await client.end(outcome.error !== undefined);
  if (outcome.error) throw outcome.error;
  return outcome.code;
}
