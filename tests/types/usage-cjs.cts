// A user's TypeScript in a CommonJS module (.cts): `import ... = require()` and named
// imports resolve through the package's `require` condition to js/index.d.cts (and the
// subpaths' .d.cts). Compiled with usage.ts; see there.
import mqtt = require('mqtt-wasm');
import { connectAsync, createBroker, load, type Broker, type MqttClient, type Packet } from 'mqtt-wasm';
import clientEntry = require('mqtt-wasm/client');
import brokerEntry = require('mqtt-wasm/broker');
import codecEntry = require('mqtt-wasm/codec');
import passwordEntry = require('mqtt-wasm/node/password-file');
import aclEntry = require('mqtt-wasm/node/acl-file');

async function main(): Promise<void> {
  const broker: Broker = await createBroker({ maxConnections: 10 });
  const client: MqttClient = await connectAsync(broker.connectLocal(), { protocolVersion: 5 });
  await client.publishAsync('a/b', 'hi', { qos: 1 });
  await client.end();

  // load(): the whole ES module API, with its synchronous functions.
  const api = await load();
  const bytes: Uint8Array = api.encode({ cmd: 'pingreq' });
  const packets: Packet[] = api.createDecoder().push(bytes);
  const other: MqttClient = api.connect(broker.connectLocal());
  await other.endAsync(true);
  void [packets, api.REASON_CODES, api.MqttError, (await mqtt.load()).MAX_PACKET_SIZE];

  const fromClient: MqttClient = await clientEntry.connectAsync(broker.connectLocal());
  await fromClient.end();
  const fromBroker: Broker = await brokerEntry.createBroker();
  await fromBroker.close();
  const codec = await codecEntry.load();
  codec.createDecoder().push(codec.encode({ cmd: 'pingresp' }));
  await broker.close();

  // Mosquitto's files: Promises here, the ES module's own functions after load().
  const users: number = (await passwordEntry.parsePasswordFile('')).users;
  const authenticate = await passwordEntry.passwordFileAuthenticator('passwd', { allowAnonymous: true });
  const readable: boolean = (await aclEntry.parseAclFile('topic read a/#')).canRead({ username: 'u', id: 'c' }, 'a/b');
  const hooks = await aclEntry.aclAuthorizer('acl');
  const acl = (await aclEntry.load()).parseAclFile('');
  void [users, authenticate, readable, hooks.authorizePublish, acl, (await passwordEntry.load()).parsePasswordFile('').users];

  // @ts-expect-error parsePasswordFile returns a Promise through the CommonJS entry
  passwordEntry.parsePasswordFile('').users;
  // @ts-expect-error the CommonJS entry has no synchronous encode: call load() first
  mqtt.encode({ cmd: 'pingreq' });
  // @ts-expect-error createBroker returns a Promise
  createBroker().connectLocal();
  // @ts-expect-error the CommonJS client entry has no broker
  clientEntry.createBroker;
  // @ts-expect-error mqtt-wasm/codec in CommonJS only has load()
  codecEntry.encode;
}
void main;
