// What every mqtt-wasm command shares (broker, pub, sub): the exit statuses and the two
// errors that carry them, one flag parser over node:util's parseArgs, the value
// readers, the help layout, and the reading of a file a flag names.
//
//   const values = readFlags(argv, [{ name: 'port', short: 'p', read: port }, ...]);
//   values.port  // { value: '1883', as: '-p' }   (as: the spelling the user typed)
//
// A mistake throws UsageError: one line, exit status 2.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

/** The exit statuses of every command. */
export const EXIT = Object.freeze({
  ok: 0,
  failed: 1,    // the connection, the broker or a file said no: one line on stderr says why
  usage: 2,     // a mistake on the command line
  timeout: 27,  // sub -W: the time ran out (mosquitto_sub's status for it)
});

/** A mistake on the command line: exit status 2, one line, no stack. */
export class UsageError extends Error {
  constructor(message) {
    super(message);
    this.name = 'UsageError';
    this.exitCode = EXIT.usage;
  }
}

/** A failure while running (the broker said no, a file is missing): one line, status 1 or exitCode; options as Error's ({ cause }). */
export class CommandError extends Error {
  constructor(message, exitCode = EXIT.failed, options) {
    super(message, options);
    this.name = 'CommandError';
    this.exitCode = exitCode;
  }
}

// A flag as the messages name it: the spelling given ('-p', '--port'), or a long name.
const shown = (flag) => (flag.startsWith('-') ? flag : `--${flag}`);

// Value readers: read(text, flag) returns the value or throws UsageError naming the flag.
// `hint` is what --help shows after the flag.
export const integer = (min, max) => {
  const read = (text, flag) => {
    const value = /^[0-9]+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new UsageError(`${shown(flag)} must be an integer from ${min} to ${max}, got "${text}"`);
    }
    return value;
  };
  read.hint = 'N';
  return read;
};
export const withHint = (read, hint) => Object.assign((text, flag) => read(text, flag), { hint });
export const port = withHint(integer(0, 65_535), 'PORT');
export const qos = Object.assign((text, flag) => {
  if (!/^[012]$/.test(text)) throw new UsageError(`${shown(flag)} must be 0, 1 or 2, got "${text}"`);
  return Number(text);
}, { hint: '0|1|2' });
export const boolean = Object.assign((text, flag) => {
  if (text !== 'true' && text !== 'false') throw new UsageError(`${shown(flag)} must be true or false, got "${text}"`);
  return text === 'true';
}, { hint: 'true|false' });
export const nonEmpty = (hint) => Object.assign((text, flag) => {
  if (text === '') throw new UsageError(`${shown(flag)} needs a value`);
  return text;
}, { hint });
/** Any text, the empty one too (a message, a password). */
export const text = (hint) => Object.assign((value) => value, { hint });

// node:util's parseArgs errors are long; say the same in a line.
export function usageFromParseError(err) {
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

// mosquitto_pub's way: a flag that takes a value takes the next argument, even one that
// starts with "-" (so `-m -5` publishes "-5"). Rewritten into the forms parseArgs reads
// as a value: --name=next, or -xnext.
function nextArgumentIsValue(argv, flags) {
  const valued = new Map();
  for (const f of flags) {
    if (!f.read) continue;
    valued.set(`--${f.name}`, f);
    if (f.short) valued.set(`-${f.short}`, f);
  }
  const out = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const flag = valued.get(arg);
    if (flag && i + 1 < argv.length) {
      const next = argv[++i];
      out.push(arg.startsWith('--') || next === '' ? `--${flag.name}=${next}` : `${arg}${next}`);
    } else {
      out.push(arg);
    }
  }
  return out;
}

/**
 * Reads argv against flags: [{ name, short?, read? (absent: a switch), multiple? }].
 * Returns { help, values } where values[name] is { value, as } (as: the spelling typed),
 * a list of them for `multiple`, or { value: true, as } for a switch. `helpShort` is the
 * short form of --help ('h' for the broker; pub and sub use -h for the host).
 * `nextIsValue`: a value flag takes the next argument whatever it is, as mosquitto's.
 */
export function readFlags(argv, flags, { helpShort, nextIsValue = false } = {}) {
  const config = { help: { type: 'boolean', ...(helpShort ? { short: helpShort } : {}) } };
  for (const f of flags) {
    config[f.name] = { type: f.read ? 'string' : 'boolean', ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) };
  }
  let tokens;
  try {
    ({ tokens } = parseArgs({
      args: nextIsValue ? nextArgumentIsValue(argv, flags) : argv,
      options: config, strict: true, allowPositionals: false, tokens: true,
    }));
  } catch (err) {
    throw usageFromParseError(err);
  }
  const values = {};
  let help = false;
  const byName = new Map(flags.map((f) => [f.name, f]));
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    if (token.name === 'help') {
      help = true;
      continue;
    }
    const entry = { value: byName.get(token.name).read ? token.value : true, as: token.rawName };
    if (byName.get(token.name).multiple) (values[token.name] ??= []).push(entry);
    else values[token.name] = entry;  // the last of a repeated flag
  }
  return { help, values };
}

/** Reads a flag's value with its reader, or undefined when it was not given. */
export function valueOf(values, flag) {
  const given = values[flag.name];
  if (given === undefined) return undefined;
  if (!flag.read) return true;
  if (Array.isArray(given)) return given.map(({ value, as }) => flag.read(value, as));
  return flag.read(given.value, given.as);
}

/** Help rows [left, text] as aligned lines. */
export function formatRows(rows) {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, help]) => `  ${left.padEnd(width)}${help}`).join('\n');
}

/** The left column of a flag: "-p, --port PORT". */
export function flagSpelling({ name, short, read }) {
  return `${short ? `-${short}, ` : ''}--${name}${read ? ` ${read.hint}` : ''}`;
}

// Why a file cannot be read, in words; the system's message for the rarer cases.
const UNREADABLE = { ENOENT: 'no such file', EISDIR: 'it is a folder', EACCES: 'permission denied' };

/**
 * The bytes of a file a flag names (a key, a certificate, a message). A file that cannot
 * be read throws a CommandError: "cannot read the <what> <path>: no such file".
 */
export async function readFileForCommand(path, what) {
  try {
    return await readFile(path);
  } catch (err) {
    throw new CommandError(`cannot read the ${what} ${path}: ${UNREADABLE[err.code] ?? err.message}`, EXIT.failed, { cause: err });
  }
}
