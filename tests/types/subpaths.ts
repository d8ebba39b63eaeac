// A user's TypeScript over the subpath entries: mqtt-wasm/codec, mqtt-wasm/client,
// mqtt-wasm/broker, mqtt-wasm/node/password-file and mqtt-wasm/node/acl-file (compiled
// with usage.ts; see there).
import * as codec from 'mqtt-wasm/codec';
import * as clientEntry from 'mqtt-wasm/client';
import * as brokerEntry from 'mqtt-wasm/broker';
import { passwordFileAuthenticator, loadPasswordFile, parsePasswordFile, type PasswordFile } from 'mqtt-wasm/node/password-file';
import { aclAuthorizer, loadAclFile, parseAclFile, type AclFile, type AclHooks } from 'mqtt-wasm/node/acl-file';
import type { Packet as MainPacket } from 'mqtt-wasm';

// codec: the same functions and types as 'mqtt-wasm'.
const bytes: Uint8Array = codec.encode({ cmd: 'pingreq' });
const packets: codec.Packet[] = codec.createDecoder().push(bytes);
const same: MainPacket[] = packets;
void [same, codec.MAX_PACKET_SIZE, codec.reasonCodeName(0x80), codec.REASON_CODES, codec.topicMatchesFilter('#', 'a')];
void new codec.MqttError(0x81, 'bad');
// @ts-expect-error the codec entry has no client
codec.connect;
// @ts-expect-error nor a broker
codec.createBroker;

// client: the client alone, no codec API and no broker.
async function clientOnly(): Promise<void> {
  const client: clientEntry.MqttClient = await clientEntry.connectAsync('ws://127.0.0.1:8080', { protocolVersion: 5 });
  const again: clientEntry.MqttClient = clientEntry.connect({ manualConnect: true });
  void [again, new clientEntry.MemoryStore(), clientEntry.reasonCodeName(0x80)];
  await client.endAsync();
}
void clientOnly;
// @ts-expect-error the client entry has no broker (createBroker is a type there only)
clientEntry.createBroker;
// @ts-expect-error nor the codec's API (in mqtt-wasm/codec)
clientEntry.encode;

// broker: createBroker and the reason codes.
async function brokerOnly(): Promise<void> {
  const broker: brokerEntry.Broker = await brokerEntry.createBroker({ maxConnections: 10 });
  await broker.listen({ tcp: 0 });
  void [brokerEntry.reasonCodeName(0x87), brokerEntry.REASON_CODES, brokerEntry.topicMatchesFilter('a/#', 'a/b')];
  void new brokerEntry.MqttError(0x87, 'no');
  await broker.close();
}
void brokerOnly;
// @ts-expect-error the broker entry has no client
brokerEntry.connectAsync;

// The Node helpers for Mosquitto's password and ACL files, as createBroker hooks.
async function files(): Promise<void> {
  const authenticate = await passwordFileAuthenticator('/etc/mosquitto/passwd', { allowAnonymous: true });
  const acl: AclHooks = await aclAuthorizer('/etc/mosquitto/acl');
  const broker = await brokerEntry.createBroker({ authenticate, ...acl });
  const passwords: PasswordFile = await loadPasswordFile('/etc/mosquitto/passwd');
  const parsed: boolean = parsePasswordFile('alice:$6$x$y').verify('alice', 'secret') || passwords.verify('bob', new Uint8Array());
  const rules: AclFile = await loadAclFile('/etc/mosquitto/acl');
  const allowed: boolean = parseAclFile('topic read a/#').canSubscribe({ username: 'alice' }, 'a/#')
    && rules.canPublish({ id: 'c1' }, 'a/b') && rules.canRead({ id: 'c1', username: 'u' }, 'a/b');
  void [parsed, allowed, passwords.users];
  // @ts-expect-error allowAnonymous is a boolean
  await passwordFileAuthenticator('/etc/mosquitto/passwd', { allowAnonymous: 'yes' });
  // @ts-expect-error canPublish needs the client and the topic
  rules.canPublish('a/b');
  await broker.close();
}
void files;
