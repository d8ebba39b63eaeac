// pub and sub connect through here: the client from the connection flags
// (cli-client-flags.js), every failure said in one line (a CommandError, exit status 1),
// and -d's log of the packets on stderr.
import { CommandError, readFileForCommand } from './cli-flags.js';
import { describeReasonCode } from '../reason-codes.js';

// The socket's own words for the common failures.
const SOCKET_ERRORS = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (DNS lookup failed)',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

// The URL as messages show it (the credentials are never in it: see readClientFlags).
const shownUrl = (url) => url.href.replace(/\/$/, '');

/**
 * One line for an error of connectAsync, or of the connection later:
 *   "connection refused: Bad User Name or Password (CONNACK reason code 0x86)"
 *   "cannot connect to mqtt://localhost:1883: connection refused (ECONNREFUSED)"
 */
export function connectionErrorLine(err, url) {
  if (err?.packet?.cmd === 'connack') return err.message;  // the client's words, with the code
  const root = err?.cause?.cause ?? err?.cause ?? err;
  const code = typeof root?.code === 'string' ? root.code : typeof err?.code === 'string' ? err.code : undefined;
  let reason;
  if (code && SOCKET_ERRORS[code]) reason = `${SOCKET_ERRORS[code]} (${code})`;
  else if (code && /CERT|SSL|TLS/i.test(code)) reason = `${root.message} (${code}); trust its CA with --cafile FILE`;
  else if (code && root?.message && !root.message.includes(code)) reason = `${root.message} (${code})`;
  else reason = String(root?.message ?? err?.message ?? err).split('\n')[0];
  return `cannot connect to ${shownUrl(url)}: ${reason}`;
}

/**
 * A refused request (a 5.0 PUBACK or PUBREC with a reason code from 0x80) in one line:
 * "publish to "a" refused: Not authorized (reason code 0x87)", and the broker's reason
 * string when it sent one.
 */
export function requestErrorLine(what, err) {
  if (typeof err?.reasonCode !== 'number') return `${what}: ${String(err?.message ?? err).split('\n')[0]}`;
  // A refusal by the server carries its PUBACK / PUBREC, and so the server's own words.
  const said = err.packet?.properties?.reasonString;
  return `${what}: ${describeReasonCode(err.reasonCode, 'reason code')}${said ? `: ${said}` : ''}`;
}

// -d: a packet in a line, its payload as a byte count and its password hidden.
function describePacket(packet) {
  const fields = {};
  for (const [key, value] of Object.entries(packet)) {
    if (key === 'cmd' || value === undefined) continue;
    // The fixed header's flags mean something on PUBLISH only.
    if (packet.cmd !== 'publish' && (key === 'retain' || key === 'qos' || key === 'dup')) continue;
    if (key === 'password') fields[key] = '***';
    else fields[key] = value;
  }
  const json = JSON.stringify(fields, (key, value) => {
    if (value instanceof Uint8Array) return `<${value.length} bytes>`;
    if (value?.type === 'Buffer' && Array.isArray(value.data)) return `<${value.data.length} bytes>`;
    return value;
  });
  return `${packet.cmd.toUpperCase()} ${json}`;
}

/**
 * Connects as the flags say. `extra`: more connect options (reconnectPeriod ...).
 * `onError(err)` gets every 'error' after the connection was accepted (the client's
 * errors never go unheard). Resolves the connected client; rejects with a CommandError
 * of one line.
 */
export async function connectFromFlags(connection, { stderr, extra = {}, onError = () => {} }) {
  const { url, options, files, debug } = connection;
  const o = { ...options, ...extra };
  if (files.cafile !== undefined) o.ca = await readFileForCommand(files.cafile, 'CA file');
  if (files.cert !== undefined) o.cert = await readFileForCommand(files.cert, 'certificate');
  if (files.key !== undefined) o.key = await readFileForCommand(files.key, 'key');
  const { connect } = await import('../index.js');
  let client;
  try {
    client = connect(url.href, { ...o, manualConnect: true });
  } catch (err) {
    throw new CommandError(String(err?.message ?? err).replace(/^connect: /, ''));
  }
  if (debug) {
    client.on('packetsend', (p) => stderr.write(`mqtt-wasm: sent ${describePacket(p)}\n`));
    client.on('packetreceive', (p) => stderr.write(`mqtt-wasm: received ${describePacket(p)}\n`));
  }
  let connecting = null;  // { resolve, reject } until the first CONNACK accepts
  client.on('error', (err) => {
    if (connecting === null) {
      onError(err);
      return;
    }
    const { reject } = connecting;
    connecting = null;
    client.end(true);
    reject(new CommandError(connectionErrorLine(err, url)));
  });
  await new Promise((resolve, reject) => {
    connecting = { resolve, reject };
    client.once('connect', () => {
      if (connecting === null) return;
      connecting = null;
      resolve();
    });
    client.connect();
  });
  return client;
}

/**
 * Follows why the connection ends: call reason() at its 'close' for one line such as
 * "the broker sent DISCONNECT: Session taken over (reason code 0x8e)" or the last error's words.
 * `record(err)` takes the errors the caller's onError gets.
 */
export function lossTracker(client, url) {
  let last = null;
  client.on('disconnect', (packet) => {
    const code = packet?.reasonCode ?? 0;
    const said = packet?.properties?.reasonString;
    // 0x00 is "Success" in the table; a DISCONNECT's spec name for it is this.
    const how = code === 0 ? 'Normal disconnection (reason code 0x00)' : describeReasonCode(code, 'reason code');
    last = `the broker sent DISCONNECT: ${how}${said ? `: ${said}` : ''}`;
  });
  client.on('connect', () => { last = null; });
  return {
    record(err) { last = connectionErrorLine(err, url).replace(/^cannot connect to \S+: /, ''); },
    reason() { return `connection to ${shownUrl(url)} lost${last ? `: ${last}` : ''}`; },
  };
}
