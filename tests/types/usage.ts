// Compiled by tests/js/types.test.js with `tsc --noEmit --strict`: the declarations
// must describe the README's uses.
import { createDecoder, encode, MqttError, reasonCodeName, type Packet, type PublishPacket } from 'mqtt-wasm';

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
