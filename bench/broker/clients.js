// Raw MQTT connections for the load processes: a node:net socket, a Framer, and a
// packet handler that each role swaps in once CONNACK (and SUBACK) have arrived.
// Sockets read with `onread` into one buffer per process: no Buffer and no stream
// event per read. That is safe because each read is framed before the next one.
import net from 'node:net';
import { CONNACK, SUBACK, Framer, connect, disconnect, subscribe } from './packets.js';

const HOST = '127.0.0.1';
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);
let serial = 0;

function unexpected(client) {
  return (first) => { client.error ??= `unexpected packet type ${first >> 4}`; };
}

// Resolves once the broker has accepted the connection (CONNACK, return code 0).
export function openClient(port, role) {
  const clientId = `${role}${process.pid}x${serial++}`;
  return new Promise((resolve, reject) => {
    const framer = new Framer((first, buf, start, end) => client.onPacket(first, buf, start, end));
    const onread = {
      buffer: READ_BUFFER,
      callback(length, buf) {
        framer.push(buf.subarray(0, length));
        if (client.afterChunk) client.afterChunk();
      },
    };
    const socket = net.connect({ port, host: HOST, noDelay: true, onread });
    const client = { socket, clientId, closed: false, error: null, onPacket: null, afterChunk: null };
    socket.on('error', (err) => {
      client.error ??= err.message;
      reject(err);
    });
    socket.on('close', () => {
      client.closed = true;
      reject(new Error(`${clientId}: closed by the broker before CONNACK`));
      if (client.onClose) client.onClose();
    });
    socket.on('connect', () => socket.write(connect(clientId)));
    client.onPacket = (first, buf, start) => {
      if (first >> 4 !== CONNACK) return reject(new Error(`${clientId}: expected CONNACK, got type ${first >> 4}`));
      if (buf[start + 1] !== 0) return reject(new Error(`${clientId}: CONNACK return code ${buf[start + 1]}`));
      client.onPacket = unexpected(client);
      resolve(client);
    };
  });
}

// Resolves on SUBACK, and fails if the broker refused the filter.
export function subscribeClient(client, filter, qos) {
  return new Promise((resolve, reject) => {
    client.onPacket = (first, buf, start) => {
      if (first >> 4 !== SUBACK) return reject(new Error(`${client.clientId}: expected SUBACK, got type ${first >> 4}`));
      if (buf[start + 2] !== qos) return reject(new Error(`${client.clientId}: SUBACK granted ${buf[start + 2]}, asked for QoS ${qos}`));
      client.onPacket = unexpected(client);
      resolve(client);
    };
    client.socket.write(subscribe(filter, qos));
  });
}

// Opens `count` connections, at most `parallel` handshakes at a time, so that the
// broker's listen backlog never overflows (an overflow costs a 1 s SYN retry).
export async function openMany(port, count, role, parallel = 100) {
  const clients = [];
  let next = 0;
  async function lane() {
    while (next < count) {
      next++;
      clients.push(await openClient(port, role));
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, lane));
  return clients;
}

// DISCONNECT, then wait until the broker has closed each socket (at most 2 s).
export async function closeAll(clients) {
  const bye = disconnect();
  await Promise.all(clients.map((client) => new Promise((resolve) => {
    if (client.closed) return resolve();
    client.onClose = resolve;
    client.onPacket = () => {};
    client.afterChunk = null;
    client.socket.end(bye);
    setTimeout(() => { client.socket.destroy(); resolve(); }, 2000).unref();
  })));
  clients.length = 0;
}

export function cpuSince(start) {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6; // seconds
}
