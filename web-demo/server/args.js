// The flags of `npm start` (web-demo/server/start.js), read into a config:
//   { help } or { port, wsPort, mqttPort, host, load, loadTopics, devices }
// A mistake throws UsageError (exit status 2, one line). The flags are read as the
// mqtt-wasm commands read theirs (js/node/cli-flags.js: the same parser, value readers
// and help layout), so both say a mistake the same way.
import { UsageError, flagSpelling, formatRows, integer, nonEmpty, port, readFlags } from '../../js/node/cli-flags.js';

export { UsageError };

const count = integer(0, 1_000_000);
// startDevices spreads the load over at least one topic.
const topicCount = integer(1, 1_000_000);

// { name, key (in the config), read (none: a switch), help }
const FLAGS = [
  { name: 'port', key: 'port', read: port, help: 'the web page (HTTP) on this port; default $PORT, else 8080 (0: any free port)' },
  { name: 'ws-port', key: 'wsPort', read: port, help: 'MQTT over WebSocket on this port (default 9001)' },
  { name: 'mqtt-port', key: 'mqttPort', read: port, help: 'MQTT over TCP on this port (default 1883)' },
  { name: 'host', key: 'host', read: nonEmpty('HOST'), help: 'the address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)' },
  { name: 'load', key: 'load', read: count, help: 'the simulated devices add N msgs/s on demo/load/<n> (default 0)' },
  { name: 'load-topics', key: 'loadTopics', read: topicCount, help: 'spread that load over N topics (default 100; 10000 to try the tree at its size)' },
  { name: 'no-devices', key: 'noDevices', help: 'run no simulated devices' },
];

export function help() {
  return `Usage: npm start -- [flags]      (or: node web-demo/server/start.js [flags])

Runs the dashboard: the mqtt-wasm broker on TCP and WebSocket, the web page, and
simulated devices publishing on demo/#, until Ctrl-C.

Flags:
${formatRows([...FLAGS.map((f) => [flagSpelling(f), f.help]), ['-h, --help', 'this help']])}

Example:
  npm start -- --port 8088 --load 5000
`;
}

// The flags whose value is a number.
const NUMERIC = new Set(FLAGS.filter((f) => [port, count, topicCount].includes(f.read)).map((f) => `--${f.name}`));

// "--load -5": a negative number is read as the value, so that the message says what
// the value must be rather than that there is none.
function negativeAsValue(argv) {
  const out = [];
  for (let i = 0; i < argv.length; i++) {
    if (NUMERIC.has(argv[i]) && /^-[0-9]/.test(argv[i + 1] ?? '')) out.push(`${argv[i]}=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

// [flag, config key] of each listener. Two on one port would fail as "already in use";
// say which two share it instead (0, any free port, can be given to each).
const LISTENERS = [['port', 'port'], ['ws-port', 'wsPort'], ['mqtt-port', 'mqttPort']];

function checkDistinctPorts(config, values, env) {
  const from = ([name, key]) => {
    if (values[name]) return values[name].as;
    if (key === 'port' && env.PORT !== undefined && env.PORT !== '') return 'PORT';
    return `--${name} (default ${config[key]})`;
  };
  LISTENERS.forEach((listener, i) => {
    const value = config[listener[1]];
    const other = LISTENERS.slice(i + 1).find(([, key]) => config[key] === value);
    if (value !== 0 && other) throw new UsageError(`${from(listener)} and ${from(other)} are both port ${value}: give each its own port`);
  });
}

/** argv without node and the script; env for PORT. */
export function parseStartArgs(argv, env = {}) {
  const { help: wantsHelp, values } = readFlags(negativeAsValue(argv), FLAGS, { helpShort: 'h' });
  if (wantsHelp) return { help: true };
  const config = { port: 8080, wsPort: 9001, mqttPort: 1883, host: '127.0.0.1', load: 0, loadTopics: 100, devices: true };
  if (env.PORT !== undefined && env.PORT !== '') {
    try {
      config.port = port(env.PORT, 'port');
    } catch {
      throw new UsageError(`PORT must be an integer from 0 to 65535, got "${env.PORT}"`);
    }
  }
  for (const { name, key, read } of FLAGS) {
    if (read && values[name] !== undefined) config[key] = read(values[name].value, values[name].as);
  }
  if (values['no-devices']) config.devices = false;
  if (!config.devices && config.load > 0) throw new UsageError('--load needs the simulated devices: drop --no-devices');
  checkDistinctPorts(config, values, env);
  return config;
}
