// A user's TypeScript over every public API of 'mqtt-wasm' (the ES module entry),
// compiled with `tsc --noEmit --strict` by tests/js/types.test.js (from the source tree)
// and by tests/js/package-install.test.js (from the installed tarball). Each
// `@ts-expect-error` marks a misuse that must not compile: tsc fails if it does.
import {
  connect, connectAsync, createBroker, createDecoder, encode, MAX_PACKET_SIZE, MemoryStore, MqttClient, MqttError,
  REASON_CODES, reasonCodeName, topicMatchesFilter,
  type AckPacket, type AuthPacket, type Broker, type BrokerClient, type BrokerOptions, type BrokerStats,
  type ClientError, type ClientOptions, type ClientTransport, type ConnackPacket, type ConnectPacket, type Decoder,
  type DisconnectPacket, type ListenAddresses, type LocalTransport, type MessagePayload, type Packet,
  type PacketInput, type Properties, type PublishPacket, type QoS, type ResolvedClientOptions, type Store,
  type StoredPacket, type SubackPacket, type SubscribeError, type SubscriptionGrant, type UnsubackPacket,
} from 'mqtt-wasm';

// ---------------------------------------------------------------- codec

const publishBytes: Uint8Array = encode(
  { cmd: 'publish', topic: 'a/b', payload: 'hi', qos: 1, messageId: 1, properties: { contentType: 'text/plain', correlationData: 'id-1', userProperties: { a: ['1', '2'] } } },
  { protocolVersion: 5 },
);
const connectInput: PacketInput = { cmd: 'connect', protocolVersion: 5, clientId: 'c', keepalive: 10, properties: { sessionExpiryInterval: 60 } };
encode(connectInput);
encode({ cmd: 'pingreq' });
const decoder: Decoder = createDecoder({ protocolVersion: 5, maxPacketSize: 1 << 20, zeroCopy: false });
const packets: Packet[] = decoder.push(publishBytes);
decoder.push(new ArrayBuffer(0));
decoder.push(new DataView(publishBytes.buffer));
for (const packet of packets) {
  switch (packet.cmd) {
    case 'publish': {
      const pub: PublishPacket = packet;
      const text: string = new TextDecoder().decode(pub.payload);
      const alias: number | undefined = pub.properties?.topicAlias;
      const ids: number | number[] | undefined = pub.properties?.subscriptionIdentifier;
      const user: string | string[] | undefined = pub.properties?.userProperties?.a;
      void [text, alias, ids, user, pub.messageId, pub.dup, pub.retain];
      break;
    }
    case 'connect': {
      const c: ConnectPacket = packet;
      void [c.clientId, c.protocolVersion, c.will?.payload, c.password, c.bridgeMode];
      break;
    }
    case 'connack': void [packet.sessionPresent, packet.reasonCode, packet.returnCode]; break;
    case 'puback': case 'pubrec': case 'pubrel': case 'pubcomp': void packet.messageId; break;
    case 'subscribe': void packet.subscriptions.map((s) => [s.topic, s.qos, s.nl, s.rap, s.rh]); break;
    case 'suback': void (packet.granted satisfies number[]); break;
    case 'unsubscribe': void (packet.unsubscriptions satisfies string[]); break;
    case 'unsuback': void packet.granted; break;
    case 'disconnect': void packet.reasonCode; break;
    case 'auth': void (packet.reasonCode satisfies number); break;
    case 'pingreq': case 'pingresp': break;
    default: {
      const none: never = packet;
      void none;
    }
  }
}
const held: number = decoder.buffered;
const version: 3 | 4 | 5 = decoder.protocolVersion;
void [held, version];
try {
  decoder.push(new Uint8Array([0x30, 0x03, 0x00, 0x01, 0x23]));
} catch (err) {
  if (err instanceof MqttError) {
    const code: number = err.reasonCode;
    const name: string = reasonCodeName(code) + err.reasonName + REASON_CODES[0x81];
    const before: Packet[] | undefined = err.packets;
    void [name, before, err.message];
  }
}
decoder.reset();
decoder.dispose();
const largest: number = MAX_PACKET_SIZE;
const matched: boolean = topicMatchesFilter('rooms/+/temperature', 'rooms/kitchen/temperature');
void [largest, matched];
// @ts-expect-error encode needs a packet object with a cmd
encode('publish');
// @ts-expect-error there is no 'ping' packet
encode({ cmd: 'ping' });
// @ts-expect-error protocolVersion is 3, 4 or 5
createDecoder({ protocolVersion: 6 });
// @ts-expect-error push takes bytes, not a string
decoder.push('30 00');
// @ts-expect-error nor a SharedArrayBuffer (push() throws a TypeError for one)
decoder.push(new SharedArrayBuffer(2));
// @ts-expect-error protocolVersion is read-only
decoder.protocolVersion = 5;
// @ts-expect-error REASON_CODES is read-only
REASON_CODES[0x81] = 'x';

// ---------------------------------------------------------------- broker

async function brokerUse(): Promise<Broker> {
  const options: BrokerOptions = {
    maxConnections: 100, maxPacketSize: 1 << 20, receiveMaximum: 10, maxInflight: 10, maxQueued: 100,
    topicAliasMaximum: 5, maxKeepalive: 120, maximumQos: 1, retainAvailable: true, maxTopicLevels: 20,
    maxSubscriptions: 50, connectTimeout: 5000, sysInterval: 0, maxBufferedBytes: 1 << 24, versionText: 'typed',
    authenticate: async (client: BrokerClient) => client.username === 'alice' || 0x86,
    authorizePublish: (client, message) => !message.topic.startsWith('private/') || client.id === 'owner' || message.isWill,
    authorizeSubscribe: async (_client, subscription) => Math.min(subscription.qos, 1),
    enhancedAuth: async (client, request) => {
      if (request.reauthenticate) return true;
      if (request.method !== 'TOKEN') return 0x8c;
      return request.data.length > 0 ? { success: 'ok' } : { continue: new Uint8Array([1]) };
    },
    onError: (err: unknown) => void err,
  };
  const broker: Broker = await createBroker(options);
  const addresses: ListenAddresses = await broker.listen({ tcp: 0, ws: 0, host: '127.0.0.1', closeTimeout: 1000 });
  await broker.listen({ tls: 0, wss: 0, key: '-----BEGIN PRIVATE KEY-----', cert: new Uint8Array(), ca: 'pem', passphrase: 'p' });
  const port: number | undefined = addresses.tcp?.port;
  const host: string | undefined = addresses.ws?.host;
  const local: LocalTransport = broker.connectLocal();
  local.onbytes = (bytes: Uint8Array) => void bytes;
  local.onclose = () => {};
  local.send(new Uint8Array([0xc0, 0x00]));
  const next: LocalTransport = local.reopen();
  const open: boolean = next.open;
  next.close();
  const stats: BrokerStats = broker.stats();
  void [port, host, open, stats.clientsConnected, stats.sessions, stats.messagesReceived, stats.messagesSent,
    stats.messagesDropped, stats.bytesReceived, stats.bytesSent, stats.retained, stats.subscriptions, stats.startedAt];
  // @ts-expect-error maximumQos is 0, 1 or 2
  await createBroker({ maximumQos: 3 });
  // @ts-expect-error an authenticate hook answers true, false or a reason code
  await createBroker({ authenticate: () => 'yes' });
  // @ts-expect-error listen() takes port numbers
  await broker.listen({ tcp: '1883' });
  // @ts-expect-error createBroker resolves to the broker: it is not one
  createBroker().connectLocal();
  // @ts-expect-error a local transport's open is read-only
  local.open = false;
  return broker;
}
void brokerUse;

// ---------------------------------------------------------------- client

class FileLikeStore implements Store {
  #held = new Map<number, StoredPacket>();
  async put(packet: StoredPacket): Promise<void> { this.#held.set(packet.messageId, packet); }
  async del(messageId: number): Promise<void> { this.#held.delete(messageId); }
  async list(): Promise<StoredPacket[]> { return [...this.#held.values()]; }
}

async function clientUse(broker: Broker): Promise<void> {
  const store = new MemoryStore();
  const options: ClientOptions = {
    protocolVersion: 5, clientId: 'typed', clean: false, keepalive: 30, username: 'alice', password: new Uint8Array([1]),
    will: { topic: 'status/typed', payload: 'gone', qos: 1, retain: true, properties: { willDelayInterval: 5 } },
    properties: { sessionExpiryInterval: 3600, receiveMaximum: 10 },
    reconnectPeriod: 500, maxReconnectPeriod: 10_000, reconnectOnConnackError: false, connectTimeout: 5000,
    resubscribe: true, queueQoSZero: false, maxQueued: 100, manualAck: true, autoTopicAlias: true, pingTimeout: 0,
    store, timerVariant: 'native',
  };
  const client: MqttClient = await connectAsync(broker.connectLocal(), options);
  const resolved: ResolvedClientOptions = client.options;
  const keepalive: number = resolved.keepalive;
  void [keepalive, client.connected, client.reconnecting, client.disconnecting, client.disconnected, client.reconnectDelay];
  const server: Properties | undefined = client.serverProperties;
  void server?.topicAliasMaximum;

  client.on('connect', (connack: ConnackPacket) => void connack.sessionPresent);
  client.on('message', (topic: string, payload: MessagePayload, packet: PublishPacket) => {
    void [topic, new TextDecoder().decode(payload)];
    if (packet.qos > 0) client.ack(packet, 0);
  });
  client.once('reconnect', () => {}).on('offline', () => {}).on('close', () => {}).on('end', () => {});
  client.on('disconnect', (packet: DisconnectPacket) => void packet.reasonCode);
  client.on('error', (err) => void ('code' in err ? (err as ClientError).code : err.message));
  client.publish('t', 'x', { qos: 1 }).catch((err: ClientError) => void (err.packet?.cmd === 'puback' || err.packet?.cmd === 'pubrec'));
  client.on('packetsend', (packet: Packet) => void packet.cmd);
  client.prependListener('packetreceive', (packet) => void packet.cmd);
  const onEnd = () => {};
  client.addListener('end', onEnd).prependOnceListener('end', onEnd).off('end', onEnd).removeListener('end', onEnd);
  const count: number = client.listenerCount('message') + client.listeners('message').length + client.eventNames().length;
  client.setMaxListeners(50).removeAllListeners('close').removeAllListeners();
  void [count, client.getMaxListeners(), client.emit('offline')];

  const granted: SubscriptionGrant[] = await client.subscribe({ 'a/+': { qos: 1, nl: true, rap: true, rh: 1 }, 'b/#': 2 });
  await client.subscribe('c', { qos: 1, properties: { subscriptionIdentifier: 7 } });
  await client.subscribeAsync(['d', 'e']);
  client.subscribe('f', (err, grants) => void [err, grants?.[0]?.qos]);
  client.subscribe('g', { qos: 0 }, (err) => void err);
  try {
    await client.subscribe('$SYS/#');
  } catch (err) {
    const refusal = err as SubscribeError;
    const suback: SubackPacket = refusal.packet;
    void [refusal.code, refusal.granted.map((g) => g.qos), suback.granted];
  }
  void granted.some((g) => g.qos >= 0x80);

  const ack: AckPacket | undefined = await client.publishAsync('a/b', new Uint8Array([1, 2]), { qos: 1, retain: false });
  void ack?.reasonCode;
  await client.publish('a/b', 'text', { qos: 2, dup: false, properties: { messageExpiryInterval: 60, responseTopic: 'r' } });
  await client.publish('a/b', new ArrayBuffer(4));
  client.publish('a/b', 'text', (err) => void err).publish('a/b', 'x', { qos: 0 }, (err, result) => void [err, result]);

  const unsuback: UnsubackPacket | undefined = await client.unsubscribe(['a/+', 'b/#'], { properties: { userProperties: { why: 'done' } } });
  void unsuback?.granted;
  await client.unsubscribeAsync('c');
  client.unsubscribe('d', (err) => void err);

  client.handleAuth = (packet: AuthPacket, callback) => callback(null, { reasonCode: 0x18, properties: { authenticationMethod: 'TOKEN', authenticationData: packet.properties?.authenticationData } });
  client.auth({ reasonCode: 0x19 });
  client.auth();
  client.reconnect();

  // @ts-expect-error QoS 3 does not exist
  await client.publish('a/b', 'x', { qos: 3 });
  // @ts-expect-error a payload is text or bytes
  await client.publish('a/b', 42);
  // @ts-expect-error there is no 'messages' event
  client.on('messages', () => {});
  // @ts-expect-error a 'message' listener gets a string topic first
  client.on('message', (topic: number) => void topic);
  // @ts-expect-error connected is read-only
  client.connected = true;
  // @ts-expect-error protocolVersion is 4 or 5
  await connectAsync(broker.connectLocal(), { protocolVersion: 3 });
  // @ts-expect-error rh is 0, 1 or 2
  await client.subscribe('x', { rh: 3 });

  await client.end(false, { reasonCode: 0, properties: { sessionExpiryInterval: 0 } });
  await client.end({ reasonCode: 0x04 });
  await client.end();
  client.end((err) => void err).end(true, (err) => void err).end(true, {}, () => {}).end({ reasonCode: 0 }, () => {});
  await client.endAsync(true);

  const other: MqttClient = connect('ws://127.0.0.1:8080/mqtt', { manualConnect: true, wsOptions: { headers: { 'x-a': 'b' } } });
  other.connect();
  await other.endAsync(true);
  connect(new URL('mqtts://127.0.0.1:8883'), { ca: ['pem'], rejectUnauthorized: false, servername: 'broker', ALPNProtocols: ['mqtt'] }).end(true);
  connect({ protocol: 'mqtt', host: '127.0.0.1', port: 1883, manualConnect: true });
  connect(undefined, { manualConnect: true, forceNativeWebSocket: true, writeCache: false, browserBufferSize: 512 });
  connect(() => broker.connectLocal(), { reconnectPeriod: 0, store: new FileLikeStore() }).end(true);
  connect(async () => 'ws://127.0.0.1:8080', { manualConnect: true });
  const ownTransport: ClientTransport = { onbytes: null, onclose: null, send: (bytes) => void bytes, close: () => {} };
  new MqttClient(ownTransport, { manualConnect: true });
  await connectAsync({ host: '127.0.0.1', port: 1883 });
  const queued: number = store.size;
  const listed: StoredPacket[] = store.list();
  store.put({ cmd: 'pubrel', messageId: 1 });
  store.del(1);
  void [queued, listed];
  // @ts-expect-error a target is a URL, a transport or a function returning one
  connect(1883);
  // @ts-expect-error a stored packet is a publish or a pubrel
  store.put({ cmd: 'puback', messageId: 1 });
  const qos: QoS = 2;
  void qos;
}
void clientUse;
