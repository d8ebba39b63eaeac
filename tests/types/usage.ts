// Compiled by tests/js/types.test.js with `tsc --noEmit --strict`: the declarations
// must describe the README's uses.
import { createDecoder, encode, MqttError, reasonCodeName, topicMatchesFilter, type Packet, type PublishPacket } from 'mqtt-wasm';

const bytes: Uint8Array = encode({ cmd: 'publish', topic: 'a/b', payload: 'hi', qos: 1, messageId: 1 }, { protocolVersion: 5 });
const decoder = createDecoder({ protocolVersion: 5, maxPacketSize: 1 << 20 });
const packets: Packet[] = decoder.push(bytes);
for (const packet of packets) {
  if (packet.cmd === 'publish') {
    const pub: PublishPacket = packet;
    const text: string = new TextDecoder().decode(pub.payload);
    const alias: number | undefined = pub.properties?.topicAlias;
    void text;
    void alias;
  }
}
try {
  decoder.push(new Uint8Array([0x30, 0x03, 0x00, 0x01, 0x23]));
} catch (err) {
  if (err instanceof MqttError) {
    const code: number = err.reasonCode;
    const name: string = reasonCodeName(code);
    const before: Packet[] | undefined = err.packets;
    void name;
    void before;
  }
}
decoder.dispose();
const matched: boolean = topicMatchesFilter('rooms/+/temperature', 'rooms/kitchen/temperature');
void matched;

// The broker, as the README uses it.
import { createBroker, type Broker, type BrokerStats, type ListenAddresses } from 'mqtt-wasm';

async function brokerUse(): Promise<void> {
  const broker: Broker = await createBroker({
    maxPacketSize: 1 << 20,
    maximumQos: 1,
    authenticate: async (client) => client.username === 'alice' || 0x86,
    authorizePublish: (client, message) => !message.topic.startsWith('private/') || client.id === 'owner',
    authorizeSubscribe: async (_client, subscription) => Math.min(subscription.qos, 1),
    enhancedAuth: async (_client, request) => (request.method === 'TOKEN' ? { success: 'ok' } : false),
  });
  const addresses: ListenAddresses = await broker.listen({ tcp: 0, ws: 0 });
  const port: number | undefined = addresses.tcp?.port;
  const local = broker.connectLocal();
  local.onbytes = (bytes: Uint8Array) => void bytes;
  local.send(new Uint8Array([0xc0, 0x00]));
  const stats: BrokerStats = broker.stats();
  void port;
  void stats.clientsConnected;
  // @ts-expect-error maximumQos is 0, 1 or 2
  await createBroker({ maximumQos: 3 });
  await broker.close();
}
void brokerUse;

// The client, as the README uses it.
import {
  connect, connectAsync, MqttClient, MemoryStore, type SubscriptionGrant, type AckPacket, type ConnackPacket,
} from 'mqtt-wasm';

async function clientUse(broker: Broker): Promise<void> {
  const store = new MemoryStore();
  const client: MqttClient = await connectAsync(broker.connectLocal(), {
    protocolVersion: 5,
    clientId: 'typed',
    clean: false,
    keepalive: 30,
    reconnectPeriod: 500,
    maxReconnectPeriod: 10_000,
    will: { topic: 'status/typed', payload: 'gone', qos: 1, retain: true },
    properties: { sessionExpiryInterval: 3600 },
    store,
  });
  client.on('connect', (connack: ConnackPacket) => void connack.sessionPresent);
  client.on('message', (topic: string, payload: Uint8Array, packet) => {
    void topic;
    void new TextDecoder().decode(payload);
    if (packet.qos > 0) client.ack(packet, 0);
  });
  client.on('error', (err) => void err.message);
  client.on('packetsend', (packet) => void packet.cmd);
  const granted: SubscriptionGrant[] = await client.subscribe({ 'a/+': { qos: 1, nl: true }, 'b/#': 2 });
  const refused: boolean = granted.some((g) => g.qos >= 0x80);
  void refused;
  const ack: AckPacket | undefined = await client.publishAsync('a/b', new Uint8Array([1, 2]), { qos: 1, retain: false });
  void ack?.reasonCode;
  client.publish('a/b', 'text', { qos: 0 }, (err) => void err);
  await client.unsubscribe(['a/+', 'b/#']);
  const connected: boolean = client.connected;
  void connected;
  void store.size;
  // @ts-expect-error QoS 3 does not exist
  await client.publish('a/b', 'x', { qos: 3 });
  await client.end(false, { reasonCode: 0 });

  const other = connect('ws://127.0.0.1:8080/mqtt', { manualConnect: true, wsOptions: { headers: { 'x-a': 'b' } } });
  other.connect();
  await other.endAsync(true);
  const reconnecting = connect(() => broker.connectLocal(), { reconnectPeriod: 0 });
  void reconnecting.reconnecting;
}
void clientUse;
