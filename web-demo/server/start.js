#!/usr/bin/env node
// `npm start`: the dashboard with its broker, web server and simulated devices, until
// Ctrl-C (SIGINT) or SIGTERM. `node web-demo/server/start.js --help` lists the flags.
//
//   npm start                         http://127.0.0.1:8080/web-demo/, MQTT on 1883 and ws 9001
//   npm start -- --port 0 --ws-port 0 --mqtt-port 0     any free ports (printed)
//   PORT=8088 npm start -- --load 5000
//
// Exit status: 0 after a signal (everything closed), 1 when it cannot start (a port in
// use: one line on stderr naming the port, what it is for and the flag to change it),
// 2 for a bad flag (two of --port, --ws-port and --mqtt-port on one port too).
import { parseStartArgs, help, UsageError } from './args.js';
import { waitForSignal } from '../../js/node/cli-signal.js';
import { hostForUrl } from '../../js/node/url-host.js';

const NAME = 'mqtt-wasm dashboard';
// After a signal, give up waiting for a clean close after this long.
const CLOSE_DEADLINE_MS = 1500;

async function main(argv) {
  let config;
  try {
    config = parseStartArgs(argv, process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${NAME}: ${err.message} (see --help)\n`);
    return 2;
  }
  if (config.help) {
    process.stdout.write(help());
    return 0;
  }

  // Imported here so that --help and bad flags answer without loading the wasm module.
  const { startDemo } = await import('./demo-server.js');
  // A second Ctrl-C while closing ends the process at once.
  const signal = waitForSignal({ exitOnSecond: 130 });
  let demo;
  try {
    demo = await startDemo(config);
  } catch (err) {
    process.stderr.write(`${NAME}: ${String(err?.message ?? err).split('\n')[0]}\n`);
    return 1;
  }
  process.stdout.write(banner(demo, config));

  const name = await signal;
  process.stdout.write(`${NAME}: ${name}, stopping\n`);
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(resolve, CLOSE_DEADLINE_MS, 'late'); });
  const closing = demo.close().then(() => 'closed', (err) => err);
  const how = await Promise.race([closing, late]);
  clearTimeout(timer);
  if (how instanceof Error) {
    process.stderr.write(`${NAME}: stopped, but closing failed: ${how.message}\n`);
    return 1;
  }
  process.stdout.write(how === 'closed' ? `${NAME}: stopped\n` : `${NAME}: stopped (some connections did not close in time)\n`);
  return 0;
}

function banner(demo, { host, load }) {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const lines = [
    '',
    `${NAME} ${demo.version}`,
    `  open this page   http://${hostForUrl(shown)}:${demo.http.port}/web-demo/`,
    `  MQTT over TCP    mqtt://${hostForUrl(shown)}:${demo.mqtt.port}`,
    `  MQTT over WS     ws://${hostForUrl(shown)}:${demo.ws.port}`,
    demo.deviceIds.length > 0
      ? `  devices          ${demo.deviceIds.length} simulated clients publishing on demo/#${load > 0 ? ` (+${load} msgs/s on demo/load/#)` : ''}`
      : '  devices          none (--no-devices)',
  ];
  if (shown !== host) lines.push(`  listening on every interface (${host})`);
  lines.push('Ctrl-C stops it.', '');
  return `${lines.join('\n')}\n`;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${NAME}: ${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
