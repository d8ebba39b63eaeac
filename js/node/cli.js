// The mqtt-wasm command (bin/mqtt-wasm.js):
//   mqtt-wasm broker [flags]   runs a broker until SIGINT or SIGTERM   (cli-broker.js)
//   mqtt-wasm pub [flags]      publishes, as mosquitto_pub             (cli-pub.js)
//   mqtt-wasm sub [flags]      subscribes and prints, as mosquitto_sub (cli-sub.js)
// Every error is one line on stderr, "mqtt-wasm: ...", never a stack trace. Exit
// statuses (cli-flags.js EXIT): 0 done, 1 a failure while running, 2 a mistake on the
// command line, 27 sub -W's time ran out.
import { CommandError, EXIT, UsageError } from './cli-flags.js';
import { brokerHelp, parseBrokerArgs, runBroker } from './cli-broker.js';
import { parsePubArgs, pubHelp, runPub } from './cli-pub.js';
import { parseSubArgs, runSub, subHelp } from './cli-sub.js';

const COMMANDS = {
  broker: { parse: parseBrokerArgs, help: brokerHelp, run: runBroker },
  pub: { parse: parsePubArgs, help: pubHelp, run: runPub },
  sub: { parse: parseSubArgs, help: subHelp, run: runSub },
};

const TOP_HELP = `Usage: mqtt-wasm <command> [flags]

Commands:
  broker    run an MQTT 3.1.1 / 5.0 broker (mqtt-wasm broker --help for its flags)
  pub       publish a message, a file or stdin's lines, as mosquitto_pub (mqtt-wasm pub --help)
  sub       subscribe and print the messages, as mosquitto_sub (mqtt-wasm sub --help)

Flags:
  -h, --help    this help

Exit status: 0 done; 1 a failure while running (one line on stderr says why); 2 a
mistake on the command line; 27 when sub -W's time ran out.
`;

/**
 * Runs the command line `argv` (without node and the script). Resolves the exit status.
 * io: { stdout, stderr, stdin } streams (default the process's), and for tests
 * `signal`, a promise that stands for SIGINT / SIGTERM.
 */
export async function main(argv, io = {}) {
  const out = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    stdin: io.stdin ?? process.stdin,
    signal: io.signal,
  };
  const fail = (message, code) => {
    out.stderr.write(`mqtt-wasm: ${message}\n`);
    return code;
  };
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    out.stdout.write(TOP_HELP);
    return EXIT.ok;
  }
  if (name === undefined) {
    out.stderr.write(TOP_HELP);
    return EXIT.usage;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) return fail(`unknown command "${name}" (see mqtt-wasm --help)`, EXIT.usage);
  let parsed;
  try {
    parsed = command.parse(rest);
  } catch (err) {
    if (err instanceof UsageError) return fail(`${err.message} (see mqtt-wasm ${name} --help)`, EXIT.usage);
    throw err;
  }
  if (parsed.help) {
    out.stdout.write(command.help());
    return EXIT.ok;
  }
  try {
    return await command.run(parsed, out);
  } catch (err) {
    if (err instanceof UsageError) return fail(`${err.message} (see mqtt-wasm ${name} --help)`, EXIT.usage);
    return fail(String(err?.message ?? err).split('\n')[0], err instanceof CommandError ? err.exitCode : EXIT.failed);
  }
}
