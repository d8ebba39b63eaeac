// `mqtt-wasm pub`: publishes one message, a file, or a message per line of stdin, as
// mosquitto_pub does, then disconnects.
//
//   mqtt-wasm pub -t sensors/1 -m 21.5 -q 1 -r
//   tail -f log | mqtt-wasm pub -t logs -l --url ws://broker:8080/mqtt
import { createInterface } from 'node:readline';
import { checkTopicName } from '../client/requests.js';
import { CommandError, UsageError, flagSpelling, formatRows, nonEmpty, qos, readFileForCommand, text, valueOf } from './cli-flags.js';
import { EXIT_HELP, clientFlagRows, readClientCommandFlags, readClientFlags } from './cli-client-flags.js';
import { connectFromFlags, lossTracker, requestErrorLine } from './cli-client-connect.js';

// QoS 1 and 2 publishes of -l in flight at once, before reading more of stdin.
const LINES_IN_FLIGHT = 64;

export const PUB_FLAGS = [
  { name: 'topic', short: 't', read: text('TOPIC'), help: 'the topic to publish to (required)' },
  { name: 'message', short: 'm', read: text('MESSAGE'), help: 'the message' },
  { name: 'file', short: 'f', read: nonEmpty('FILE'), help: 'the file\'s bytes as the message' },
  { name: 'stdin-line', short: 'l', help: 'a message for each line of stdin (an empty line: an empty message)' },
  { name: 'stdin-file', short: 's', help: 'all of stdin as one message' },
  { name: 'null-message', short: 'n', help: 'an empty message (with -r: clears the topic\'s retained message)' },
  { name: 'qos', short: 'q', read: qos, help: 'the QoS (default 0)' },
  { name: 'retain', short: 'r', help: 'the broker keeps the message for later subscribers' },
];
const SOURCES = ['message', 'file', 'stdin-line', 'stdin-file', 'null-message'];

export function pubHelp() {
  return `Usage: mqtt-wasm pub -t TOPIC (-m MESSAGE | -f FILE | -l | -s | -n) [flags]

Publishes to an MQTT 3.1.1 / 5.0 broker and disconnects, as mosquitto_pub does.

Message:
${formatRows(PUB_FLAGS.map((f) => [flagSpelling(f), f.help]))}

Connection:
${formatRows([...clientFlagRows(), ['--help', 'this help']])}

A flag that takes a value takes the next argument, even one that starts with "-"
(-m -5 publishes "-5").

${EXIT_HELP}

Examples:
  mqtt-wasm pub -t sensors/1 -m 21.5 -q 1 -r
  mqtt-wasm pub --url ws://127.0.0.1:8080/mqtt -V 5 -t photos/1 -f photo.jpg
  printf 'a\\nb\\n' | mqtt-wasm pub -h broker -u alice -P secret -t lines -l
`;
}

/**
 * pub's flags, read: { help: true }, or { connection, topic, source, qos, retain } where
 * source is { kind: 'message', payload } | { kind: 'file', path } | { kind: 'lines' } |
 * { kind: 'stdin' }. Throws UsageError.
 */
export function parsePubArgs(argv) {
  const { help, values } = readClientCommandFlags(argv, PUB_FLAGS);
  if (help) return { help: true };
  const get = (name) => valueOf(values, PUB_FLAGS.find((f) => f.name === name));
  const connection = readClientFlags(values);

  const topic = get('topic');
  if (topic === undefined) throw new UsageError('give the topic with -t TOPIC');
  if (topic === '') throw new UsageError('the topic (-t) must not be empty');
  try {
    checkTopicName('invalid topic', topic);
  } catch (err) {
    throw new UsageError(err.message.replace(/^invalid topic: the topic ("[^"]*") /, 'invalid topic $1: it '));
  }
  const sources = SOURCES.filter((name) => values[name] !== undefined);
  if (sources.length === 0) throw new UsageError('give the message: -m MESSAGE, -f FILE, -l, -s or -n');
  if (sources.length > 1) {
    throw new UsageError(`give one message source, not ${sources.map((name) => values[name].as).join(' and ')}`);
  }
  let source;
  switch (sources[0]) {
    case 'message': source = { kind: 'message', payload: get('message') }; break;
    case 'file': source = { kind: 'file', path: get('file') }; break;
    case 'stdin-line': source = { kind: 'lines' }; break;
    case 'stdin-file': source = { kind: 'stdin' }; break;
    default: source = { kind: 'message', payload: '' };
  }
  return { connection, topic, source, qos: get('qos') ?? 0, retain: get('retain') === true };
}

async function readAll(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** Runs what parsePubArgs described. Resolves 0; rejects with a CommandError. */
export async function runPub(parsed, io) {
  const { connection, topic, source } = parsed;
  const options = { qos: parsed.qos, retain: parsed.retain };
  let payload;
  if (source.kind === 'message') payload = source.payload;
  else if (source.kind === 'file') payload = await readFileForCommand(source.path, 'message file');
  else if (source.kind === 'stdin') payload = await readAll(io.stdin);

  let ending = false;
  let loss = null;
  let lost;
  const failed = new Promise((resolve, reject) => { lost = reject; });
  failed.catch(() => {});
  const client = await connectFromFlags(connection, { stderr: io.stderr, onError: (err) => loss?.record(err) });
  loss = lossTracker(client, connection.url);
  client.on('close', () => { if (!ending) lost(new CommandError(loss.reason())); });

  const publish = (message) => client.publish(topic, message, options).catch((err) => {
    throw new CommandError(requestErrorLine(`publish to "${topic}" refused`, err));
  });
  const work = async () => {
    if (source.kind !== 'lines') {
      await publish(payload);
      return;
    }
    const inFlight = new Set();
    const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
    try {
      for await (const line of lines) {
        const p = publish(line);
        inFlight.add(p);
        p.then(() => inFlight.delete(p), () => {});
        if (inFlight.size >= LINES_IN_FLIGHT) await Promise.race(inFlight);
      }
    } finally {
      lines.close();
    }
    await Promise.all(inFlight);
  };
  try {
    await Promise.race([work(), failed]);
  } catch (err) {
    ending = true;
    client.end(true);
    throw err;
  }
  ending = true;
  await client.end();
  return 0;
}
