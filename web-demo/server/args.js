// The flags of `npm start` (web-demo/server/start.js), read into a config:
//   { help } or { port, wsPort, mqttPort, host, load, loadTopics, devices }
// A mistake throws UsageError (js/node/cli.js's: exit status 2, one line). The port and
// host readers are the broker command's own (BROKER_FLAGS), so both say it the same way.
import { parseArgs } from 'node:util';
import { BROKER_FLAGS, UsageError } from '../../js/node/cli.js';

export { UsageError };

const reader = (name) => BROKER_FLAGS.find(([flag]) => flag === name)[3];
const port = reader('tcp');
const host = reader('host');
const count = (text, flag) => {
  const value = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value > 1_000_000) {
    throw new UsageError(`--${flag} must be an integer from 0 to 1000000, got "${text}"`);
  }
  return value;
};

// [flag, config key, reader (none: a switch), value hint, help]
const FLAGS = [
  ['port', 'port', port, 'PORT', 'the web page (HTTP) on this port; default $PORT, else 8080 (0: any free port)'],
  ['ws-port', 'wsPort', port, 'PORT', 'MQTT over WebSocket on this port (default 9001)'],
  ['mqtt-port', 'mqttPort', port, 'PORT', 'MQTT over TCP on this port (default 1883)'],
  ['host', 'host', host, 'HOST', 'the address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)'],
  ['load', 'load', count, 'N', 'the simulated devices add N msgs/s on demo/load/<n> (default 0)'],
  ['load-topics', 'loadTopics', count, 'N', 'spread that load over N topics (default 100; 10000 to try the tree at its size)'],
  ['no-devices', 'noDevices', null, '', 'run no simulated devices'],
];

export function help() {
  const rows = FLAGS.map(([flag, , , hint, text]) => [`--${flag}${hint ? ` ${hint}` : ''}`, text]);
  rows.push(['-h, --help', 'this help']);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return `Usage: npm start -- [flags]      (or: node web-demo/server/start.js [flags])

Runs the dashboard: the mqtt-wasm broker on TCP and WebSocket, the web page, and
simulated devices publishing on demo/#, until Ctrl-C.

Flags:
${rows.map(([left, text]) => `  ${left.padEnd(width)}${text}`).join('\n')}

Example:
  npm start -- --port 8088 --load 5000
`;
}

/** argv without node and the script; env for PORT. */
export function parseStartArgs(argv, env = {}) {
  const options = { help: { type: 'boolean', short: 'h' } };
  for (const [flag, , read] of FLAGS) options[flag] = { type: read ? 'string' : 'boolean' };
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (err) {
    throw usage(err);
  }
  if (values.help) return { help: true };
  const config = { port: 8080, wsPort: 9001, mqttPort: 1883, host: '127.0.0.1', load: 0, loadTopics: 100, devices: true };
  if (env.PORT !== undefined && env.PORT !== '') {
    try {
      config.port = port(env.PORT, 'port');
    } catch {
      throw new UsageError(`PORT must be an integer from 0 to 65535, got "${env.PORT}"`);
    }
  }
  for (const [flag, key, read] of FLAGS) {
    if (read && values[flag] !== undefined) config[key] = read(values[flag], flag);
  }
  if (values['no-devices']) config.devices = false;
  if (!config.devices && config.load > 0) throw new UsageError('--load needs the simulated devices: drop --no-devices');
  return config;
}

// node:util's parseArgs errors, said in one line.
function usage(err) {
  const option = /'(-[^']+)'/.exec(err.message)?.[1]?.split(',').pop().trim().split(' ')[0];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': return new UsageError(`unknown flag ${option ?? ''}`.trim());
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`unexpected argument "${/'([^']*)'/.exec(err.message)?.[1] ?? ''}"`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return new UsageError(/does not take an argument/.test(err.message) ? `${option} takes no value` : `${option ?? 'a flag'} needs a value`);
    default: return new UsageError(err.message.split('\n')[0]);
  }
}
