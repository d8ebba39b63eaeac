// MQTT over TCP (mqtt://, tcp://) and TLS (mqtts://, tls://) in Node.
import net from 'node:net';
import tls from 'node:tls';
import { byteTransport } from './byte-transport.js';

const DEFAULT_PORT = { 'mqtt:': 1883, 'tcp:': 1883, 'mqtts:': 8883, 'tls:': 8883 };
const SECURE = new Set(['mqtts:', 'tls:']);
// TLS options passed through to tls.connect.
const TLS_OPTIONS = ['ca', 'cert', 'key', 'passphrase', 'rejectUnauthorized', 'servername', 'ALPNProtocols'];

export function openSocket(url, options) {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost';
  const port = url.port ? Number(url.port) : DEFAULT_PORT[url.protocol];
  const secure = SECURE.has(url.protocol);
  const where = `${url.protocol}//${url.host || host}`;
  return new Promise((resolve, reject) => {
    const settings = { host, port };
    if (secure) {
      for (const name of TLS_OPTIONS) if (options[name] !== undefined) settings[name] = options[name];
      if (settings.servername === undefined && net.isIP(host) === 0) settings.servername = host;
    }
    const socket = secure ? tls.connect(settings) : net.connect(settings);
    socket.setNoDelay(true);
    let failure;
    const t = byteTransport(where, {
      write: (bytes) => socket.write(bytes),
      end: () => socket.end(),
      buffered: () => socket.writableLength,
    });
    socket.on('data', (chunk) => t.received(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
    socket.on('error', (err) => {
      failure = err;
      if (!t.opened) reject(new Error(`cannot connect to ${where}: ${err.code ?? err.message}`, { cause: err }));
    });
    socket.on('close', () => t.ended(failure));
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      t.open();
      resolve(t.transport);
    });
  });
}
