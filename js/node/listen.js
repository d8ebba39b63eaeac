// Node listeners for the broker: MQTT over TCP, TLS, WebSocket and secure WebSocket.
//
// The broker hands us one function, attach(transport), and we call it once per accepted
// connection. The transport is the whole of what the broker sees of a socket:
//   { send(bytes), close(), destroy(), pause(), resume(), remoteAddress, remotePort, kind,
//     bufferedAmount }
// (close() flushes what was sent first; destroy() drops it; pause() stops reading).
// and attach returns { receive(bytes), closed() }: receive is called with each chunk as it
// arrives (MQTT packets may span chunks or share one; bytes pass through untouched), closed
// exactly once when the socket is gone, whoever closed it.
//
// Only this file knows about node:net, node:tls, node:http(s) and `ws`.
import net from 'node:net';
import tls from 'node:tls';
import http from 'node:http';
import https from 'node:https';
import { WebSocketServer } from 'ws';

const KINDS = ['tcp', 'ws', 'tls', 'wss'];
const SECURE = new Set(['tls', 'wss']);
// MQTT over WebSocket names its subprotocol "mqtt" [MQTT-6.0.0-3]; "mqttv3.1" is what
// MQTT 3.1 clients offer, and mosquitto accepts it too.
const SUBPROTOCOLS = ['mqtt', 'mqttv3.1'];
const DEFAULT_HOST = '127.0.0.1';
// After transport.close(), a peer that never closes its side (or never reads what we
// flush) is cut off after this long.
const DEFAULT_CLOSE_TIMEOUT_MS = 5000;
const MAX_TIMER_MS = 2147483647;  // setTimeout's largest delay

/**
 * Opens the listeners asked for and attaches every accepted connection.
 * options: { tcp, ws, tls, wss: port numbers (0 picks a free port), host = '127.0.0.1',
 *            key, cert (PEM, for tls and wss), ca, passphrase, closeTimeout (ms),
 *            onError(err, transport?) for errors thrown by attach or receive }
 * Resolves { addresses: { [kind]: { host, port, family } }, close() }.
 */
export async function listen(options, attach) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('listen: options must be an object such as { tcp: 1883 }');
  }
  if (typeof attach !== 'function') throw new TypeError('listen: attach must be a function');
  const host = options.host ?? DEFAULT_HOST;
  if (typeof host !== 'string' || host === '') throw new TypeError('listen: options.host must be a non-empty string');
  const kinds = KINDS.filter((kind) => options[kind] !== undefined && options[kind] !== null);
  if (kinds.length === 0) throw new Error('listen: give at least one of options.tcp, ws, tls, wss (a port number)');
  for (const kind of kinds) checkPort(kind, options[kind]);
  const secure = kinds.filter((kind) => SECURE.has(kind));
  if (secure.length > 0 && (!isPem(options.key) || !isPem(options.cert))) {
    const which = secure.length === 1 ? `the ${secure[0]} listener needs` : 'the tls and wss listeners need';
    throw new Error(`listen: ${which} options.key and options.cert (PEM strings or Buffers)`);
  }
  const tlsOptions = secure.length > 0 ? secureContextOptions(options) : undefined;
  const closeTimeout = options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT_MS;
  if (!Number.isInteger(closeTimeout) || closeTimeout < 0 || closeTimeout > MAX_TIMER_MS) {
    throw new RangeError(`listen: options.closeTimeout must be an integer from 0 to ${MAX_TIMER_MS} (ms), not ${String(closeTimeout)}`);
  }

  const state = {
    attach,
    closing: false,
    closeTimeout,
    onError: typeof options.onError === 'function' ? options.onError : () => {},
    sockets: new Set(),      // every raw socket, including HTTP requests and TLS handshakes
    connections: new Set(),  // attached connections: { destroy(), done: Promise }
  };

  const made = kinds.map((kind) => ({ kind, server: createServer(kind, state, tlsOptions) }));
  const results = await Promise.allSettled(made.map(({ kind, server }) => bind(server, kind, options[kind], host)));
  const failed = results.findIndex((result) => result.status === 'rejected');
  if (failed !== -1) {
    // Leave nothing open behind a failed call.
    await Promise.all(made.filter((_, i) => results[i].status === 'fulfilled').map(({ server }) => closeServer(server)));
    throw results[failed].reason;
  }

  const addresses = {};
  made.forEach(({ kind }, i) => { addresses[kind] = results[i].value; });
  let closing;
  return {
    addresses,
    close() {
      closing ??= closeAll(state, made.map(({ server }) => server));
      return closing;
    },
  };
}

function checkPort(kind, port) {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`listen: options.${kind} must be a port number from 0 to 65535, got ${JSON.stringify(port) ?? String(port)}`);
  }
}

function isPem(value) {
  return (typeof value === 'string' && value.length > 0) || (value instanceof Uint8Array && value.length > 0);
}

function secureContextOptions(options) {
  const result = { key: options.key, cert: options.cert };
  if (options.ca !== undefined) result.ca = options.ca;
  if (options.passphrase !== undefined) result.passphrase = options.passphrase;
  try {
    tls.createSecureContext(result);
  } catch (err) {
    throw new Error(`listen: options.key / options.cert are not a usable PEM key and certificate: ${err.message}`, { cause: err });
  }
  return result;
}

function createServer(kind, state, tlsOptions) {
  let server;
  if (kind === 'tcp') {
    server = net.createServer({ noDelay: true }, (socket) => attachSocket(socket, kind, state));
  } else if (kind === 'tls') {
    server = tls.createServer({ ...tlsOptions, noDelay: true }, (socket) => attachSocket(socket, kind, state));
    // A failed handshake only concerns that client; the raw socket is destroyed by tls.
    server.on('tlsClientError', () => {});
  } else {
    server = kind === 'ws' ? http.createServer({ noDelay: true }) : https.createServer({ ...tlsOptions, noDelay: true });
    server.on('tlsClientError', () => {});
    server.on('request', refusePlainHttp);
    const wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: (offered) => SUBPROTOCOLS.find((name) => offered.has(name)) ?? false,
    });
    server.on('upgrade', (req, socket, head) => upgrade(wss, req, socket, head, kind, state));
    server.on('close', () => wss.close());
  }
  // Every socket is tracked so that close() can destroy what is still open: raw TCP
  // sockets (HTTP requests and TLS handshakes included) and the TLS sockets over them.
  const track = (socket) => {
    if (state.closing) {
      socket.destroy();
      return;
    }
    state.sockets.add(socket);
    socket.once('close', () => state.sockets.delete(socket));
  };
  server.on('connection', track);
  if (SECURE.has(kind)) server.on('secureConnection', track);
  return server;
}

function bind(server, kind, port, host) {
  return new Promise((resolve, reject) => {
    const onError = (err) => {
      server.off('listening', onListening);
      reject(listenError(err, kind, port, host));
    };
    const onListening = () => {
      server.off('error', onError);
      // Errors after this point (EMFILE on accept, ...) must not take the process down.
      server.on('error', () => {});
      const address = server.address();
      resolve({ host: address.address, port: address.port, family: address.family });
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host });
  });
}

// A failed listen's common causes in words; the ones in HOST_ERRORS are the host's fault
// (another host fixes them, not another port).
const LISTEN_ERRORS = {
  EADDRINUSE: (port, host) => `port ${port} on ${host} is already in use`,
  EACCES: (port, host) => `no permission to listen on port ${port} on ${host}`,
  EADDRNOTAVAIL: (port, host) => `address ${host} is not available on this machine`,
  ENOTFOUND: (port, host) => `host ${host} could not be resolved`,
  EAI_AGAIN: (port, host) => `host ${host} could not be resolved`,
};
export const HOST_ERRORS = new Set(['EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * A failed server.listen({ port, host }) in words, for any server (web-demo's HTTP one
 * too): "port 1883 on 127.0.0.1 is already in use". `where`, if given, goes in
 * parentheses, with the port when the words do not name it:
 *   describeListenError(err, 1883, '::2', 'tcp listener')
 *     -> "address ::2 is not available on this machine (tcp listener, port 1883)"
 * A cause not in the table: "cannot listen on port 1883 on ::2 (tcp listener): <err.message>".
 */
export function describeListenError(err, port, host, where) {
  const known = LISTEN_ERRORS[err.code];
  const context = where === undefined ? '' : ` (${where}${HOST_ERRORS.has(err.code) ? `, port ${port}` : ''})`;
  return known ? `${known(port, host)}${context}` : `cannot listen on port ${port} on ${host}${context}: ${err.message}`;
}

function listenError(err, kind, port, host) {
  const error = new Error(describeListenError(err, port, host, `${kind} listener`), { cause: err });
  error.code = err.code;
  error.kind = kind;
  error.port = port;
  error.host = host;
  return error;
}

// A plain HTTP request to a WebSocket port gets 426 and nothing else.
function refusePlainHttp(req, res) {
  const body = 'This port speaks MQTT over WebSocket (subprotocol "mqtt").\n';
  res.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), Upgrade: 'websocket', Connection: 'close' });
  res.end(body);
}

function upgrade(wss, req, socket, head, kind, state) {
  if (state.closing) {
    socket.destroy();
    return;
  }
  socket.setNoDelay(true);
  const offered = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',').map((name) => name.trim()).filter((name) => name !== '');
  // A client that offers subprotocols but none of MQTT's would fail the handshake on its
  // side anyway [RFC 6455 4.1]: say why instead. A client that offers none is accepted.
  if (offered.length > 0 && !offered.some((name) => SUBPROTOCOLS.includes(name))) {
    const body = `Unsupported WebSocket subprotocol ${offered.join(', ')}: this server speaks ${SUBPROTOCOLS.join(', ')}.\n`;
    socket.end(`HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => attachWebSocket(ws, req.socket, kind, state));
}

// Common to both kinds of connection: guards receive and closed, and registers the
// connection so that close() can destroy it and wait for its closed(). start(transport)
// calls attach; the transport may already use `stopped` while attach runs.
function createConnection(state, destroy) {
  let link = null;
  let ended = false;
  let resolveDone;
  const record = { destroy, done: new Promise((resolve) => { resolveDone = resolve; }) };
  state.connections.add(record);
  let transport;
  const conn = {
    stopped: false, // set by transport.close(): the broker wants no more bytes
    start(t) {
      transport = t;
      try {
        const result = state.attach(transport);
        if (result === null || typeof result !== 'object' || typeof result.receive !== 'function' || typeof result.closed !== 'function') {
          throw new TypeError('attach(transport) must return { receive(bytes), closed() }');
        }
        link = result;
      } catch (err) {
        state.onError(err, transport);
        destroy();
      }
    },
    receive(bytes) {
      if (ended || conn.stopped || link === null) return;
      try {
        link.receive(bytes);
      } catch (err) {
        // A fault in one connection's handling closes that connection only.
        state.onError(err, transport);
        destroy();
      }
    },
    closed() {
      if (ended) return;
      ended = true;
      state.connections.delete(record);
      try {
        link?.closed();
      } catch (err) {
        state.onError(err, transport);
      }
      resolveDone();
    },
  };
  return conn;
}

function asBytes(buffer) {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function attachSocket(socket, kind, state) {
  socket.setNoDelay(true);
  socket.on('error', () => {}); // 'close' follows; the broker learns of it there
  let closeTimer = null;
  const conn = createConnection(state, () => socket.destroy());
  socket.on('data', (chunk) => conn.receive(asBytes(chunk)));
  socket.once('close', () => {
    if (closeTimer !== null) clearTimeout(closeTimer);
    conn.closed();
  });
  conn.start({
    kind,
    remoteAddress: socket.remoteAddress ?? '',
    remotePort: socket.remotePort ?? 0,
    get bufferedAmount() { return socket.writableLength; },
    send(bytes) {
      if (socket.destroyed || socket.writableEnded) return;
      socket.write(bytes);
    },
    // At once, dropping what is not written yet.
    destroy() {
      conn.stopped = true;
      socket.destroy();
    },
    pause() { socket.pause(); },
    resume() { socket.resume(); },
    close() {
      conn.stopped = true;
      if (socket.destroyed) return;
      // end() flushes what was written, then sends FIN (TLS: close_notify, then FIN).
      if (!socket.writableEnded) socket.end();
      if (closeTimer === null) {
        closeTimer = setTimeout(() => socket.destroy(), state.closeTimeout);
        closeTimer.unref();
      }
    },
  });
}

function attachWebSocket(ws, rawSocket, kind, state) {
  ws.on('error', () => {}); // protocol errors close the WebSocket; 'close' follows
  const conn = createConnection(state, () => ws.terminate());
  ws.on('message', (data, isBinary) => {
    if (!isBinary) {
      // MQTT over WebSocket is binary frames only [MQTT-6.0.0-1].
      conn.stopped = true;
      if (ws.readyState === ws.OPEN) ws.close(1003, 'MQTT needs binary frames');
      return;
    }
    conn.receive(asBytes(data));
  });
  ws.once('close', () => conn.closed());
  conn.start({
    kind,
    remoteAddress: rawSocket.remoteAddress ?? '',
    remotePort: rawSocket.remotePort ?? 0,
    get bufferedAmount() { return ws.bufferedAmount; },
    send(bytes) {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(bytes, { binary: true });
    },
    close() {
      conn.stopped = true;
      // The close frame goes out after what was sent; ws destroys the socket if the
      // peer does not answer it in time.
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000);
    },
    destroy() {
      conn.stopped = true;
      ws.terminate();
    },
    pause() { ws.pause(); },
    resume() { ws.resume(); },
  });
}

function closeServer(server) {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
  });
}

async function closeAll(state, servers) {
  state.closing = true;
  // Stop accepting first, then destroy what is open; each connection's closed() runs
  // as its socket goes, and we wait for all of them as well as for the servers.
  const serversClosed = servers.map(closeServer);
  const records = [...state.connections];
  for (const record of records) record.destroy();
  for (const socket of [...state.sockets]) socket.destroy();
  await Promise.all([...serversClosed, ...records.map((record) => record.done)]);
}
