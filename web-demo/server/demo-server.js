// What `npm start` runs, as a function: the mqtt-wasm broker on TCP and WebSocket, the
// web server for the dashboard, and the simulated devices inside this process (through
// the broker's local transport).
//
//   const demo = await startDemo({ port: 8080, wsPort: 9001, mqttPort: 1883, host: '127.0.0.1',
//                                  load: 0, loadTopics: 100, devices: true, deviceOptions: {} });
//   (deviceOptions: more startDevices options, such as shorter timings for tests)
//   demo.http, demo.mqtt, demo.ws     { host, port } as bound (port 0 asks for any free one)
//   demo.deviceIds                    the simulated devices' ids ([] without devices)
//   await demo.close()                the devices, then the web server, then the broker
//
// The web server answers /web-demo/demo-config.json for the page (which then connects to this
// broker instead of starting its own):
//   { "ws": "ws://<host the page was loaded from>:<ws port>", "tcp": <port>, "host": "<listen host>",
//     "version": "<package version>" }
// A port that cannot be taken rejects with a StartError naming the port, what it was for
// and the flag that changes it.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBroker, connectAsync } from '../../js/index.js';
import { HOST_ERRORS, describeListenError } from '../../js/node/listen.js';
import { hostForUrl } from '../../js/node/url-host.js';
import { startDevices, localConnector } from '../devices/simulated-devices.js';
import { staticFiles } from './static-files.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SERVED = ['/web-demo/', '/js/', '/node_modules/uplot/'];
// The $SYS period: the dashboard's health panel moves every second, as in embedded mode.
const SYS_INTERVAL_S = 1;

/** A failure to start that needs one line, no stack. */
export class StartError extends Error {
  name = 'StartError';
}

export async function startDemo({ port, wsPort, mqttPort, host, load = 0, loadTopics, devices = true, deviceOptions = {} }) {
  const version = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).version;
  const opened = [];  // close functions, last first
  // Closes everything, even past a failure; resolves the errors (none: []).
  const closeOpened = async () => {
    const errors = [];
    for (const close of opened.reverse()) await close().catch((err) => errors.push(err));
    opened.length = 0;
    return errors;
  };
  try {
    const broker = await createBroker({ sysInterval: SYS_INTERVAL_S });
    opened.push(() => broker.close());
    let addresses;
    try {
      addresses = await broker.listen({ tcp: mqttPort, ws: wsPort, host });
    } catch (err) {
      const [what, flag] = err.kind === 'ws' ? ['for MQTT over WebSocket', '--ws-port N'] : ['for MQTT over TCP', '--mqtt-port N'];
      throw listenError(err, err.port ?? (err.kind === 'ws' ? wsPort : mqttPort), host, what, flag);
    }
    const { tcp: mqtt, ws } = addresses;

    const handle = staticFiles({
      root: ROOT,
      allow: SERVED,
      routes: {
        // Over web-demo/demo-config.json, the file a plain static server gives (no broker).
        '/web-demo/demo-config.json': (req) => ({
          json: { ws: `ws://${pageHost(req, host)}:${ws.port}`, tcp: mqtt.port, host, version },
        }),
        // The browser asks for it by itself; no icon, and no error in the page's console.
        '/favicon.ico': () => ({ status: 204 }),
      },
    });
    const http = await listenHttp(handle, port, host);
    opened.push(http.close);

    let running = null;
    if (devices) {
      running = await startDevices({ connect: localConnector(broker, connectAsync), load, loadTopics, ...deviceOptions });
      opened.push(() => running.stop());
    }
    return {
      http: http.address,
      mqtt,
      ws,
      version,
      deviceIds: running?.devices ?? [],
      // Resolves once all is closed; rejects with an AggregateError of what failed to.
      async close() {
        const errors = await closeOpened();
        if (errors.length) throw new AggregateError(errors, errors.map((e) => e.message).join('; '));
      },
    };
  } catch (err) {
    const alsoFailed = await closeOpened();
    if (alsoFailed.length) err.message += ` (and closing what had started failed: ${alsoFailed.map((e) => e.message).join('; ')})`;
    throw err;
  }
}

// The host name the browser used, so that the WebSocket URL works from another machine
// when listening on 0.0.0.0; the listen address when the request does not say.
function pageHost(req, host) {
  const given = req.headers.host;
  if (given) {
    try {
      return new URL(`http://${given}`).hostname;
    } catch { /* fall through */ }
  }
  return hostForUrl(host);
}

function listenHttp(handle, port, host) {
  const server = createServer(handle);
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(listenError(err, port, host, 'for the web page, HTTP', '--port N or PORT=N')));
    server.listen({ port, host }, () => {
      const { address, port: bound } = server.address();
      resolve({
        address: { host: address, port: bound },
        close: () => new Promise((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
      });
    });
  });
}

// The listen error's words (js/node/listen.js's, as the broker command says them), what
// the port was for, and the flag that changes it.
function listenError(err, port, host, what, flag) {
  const hint = HOST_ERRORS.has(err.code) ? 'choose another with --host' : `choose another with ${flag} (0: any free port)`;
  return new StartError(`${describeListenError(err.cause ?? err, port, host)} (${what}); ${hint}`, { cause: err });
}
