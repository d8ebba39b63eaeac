// Type declarations for mqtt-wasm, written by hand (Emscripten 3.1.6 has no
// --emit-tsd). Packet objects have the shape of mqtt-packet's, with Uint8Array
// where mqtt-packet uses Buffer.

export type ProtocolVersion = 3 | 4 | 5;
export type QoS = 0 | 1 | 2;

/** The bytes a field accepts when encoding; decoded fields are always Uint8Array. */
export type BytesInput = Uint8Array | ArrayBufferView | ArrayBuffer | string;

export interface UserProperties {
  [name: string]: string | string[];
}

export interface Properties {
  payloadFormatIndicator?: boolean;
  messageExpiryInterval?: number;
  contentType?: string;
  responseTopic?: string;
  correlationData?: Uint8Array;
  /** A PUBLISH sent to a subscriber may carry several: then an array. */
  subscriptionIdentifier?: number | number[];
  sessionExpiryInterval?: number;
  assignedClientIdentifier?: string;
  serverKeepAlive?: number;
  authenticationMethod?: string;
  authenticationData?: Uint8Array;
  requestProblemInformation?: boolean;
  willDelayInterval?: number;
  requestResponseInformation?: boolean;
  responseInformation?: string;
  serverReference?: string;
  reasonString?: string;
  receiveMaximum?: number;
  topicAliasMaximum?: number;
  topicAlias?: number;
  maximumQoS?: number;
  retainAvailable?: boolean;
  /** A null-prototype object: names from the wire can never reach Object.prototype. */
  userProperties?: UserProperties;
  maximumPacketSize?: number;
  wildcardSubscriptionAvailable?: boolean;
  subscriptionIdentifiersAvailable?: boolean;
  sharedSubscriptionAvailable?: boolean;
}

/** What `encode` accepts for properties: byte-like fields may also be strings. */
export type PropertiesInput = Omit<Properties, 'correlationData' | 'authenticationData' | 'payloadFormatIndicator' |
  'requestProblemInformation' | 'requestResponseInformation' | 'retainAvailable' | 'wildcardSubscriptionAvailable' |
  'subscriptionIdentifiersAvailable' | 'sharedSubscriptionAvailable'> & {
  correlationData?: BytesInput;
  authenticationData?: BytesInput;
  payloadFormatIndicator?: boolean | 0 | 1;
  requestProblemInformation?: boolean | 0 | 1;
  requestResponseInformation?: boolean | 0 | 1;
  retainAvailable?: boolean | 0 | 1;
  wildcardSubscriptionAvailable?: boolean | 0 | 1;
  subscriptionIdentifiersAvailable?: boolean | 0 | 1;
  sharedSubscriptionAvailable?: boolean | 0 | 1;
};

/** Fields every decoded packet has, as mqtt-packet reports them. */
interface FixedHeader {
  retain: boolean;
  /** PUBLISH: its QoS. PUBREL, SUBSCRIBE, UNSUBSCRIBE: 1 (their fixed header bits). Others: 0. */
  qos: number;
  dup: boolean;
}

export interface Will {
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  properties?: Properties;
}

export interface ConnectPacket extends FixedHeader {
  cmd: 'connect';
  protocolId: 'MQTT' | 'MQIsdp';
  protocolVersion: ProtocolVersion;
  /** Protocol level with bit 7 set, as Mosquitto bridges send. */
  bridgeMode?: true;
  clean: boolean;
  keepalive: number;
  clientId: string;
  username?: string;
  password?: Uint8Array;
  will?: Will;
  properties?: Properties;
}

export interface ConnackPacket extends FixedHeader {
  cmd: 'connack';
  sessionPresent: boolean;
  /** 3.1 and 3.1.1 */
  returnCode?: number;
  /** 5.0 */
  reasonCode?: number;
  properties?: Properties;
}

export interface PublishPacket extends FixedHeader {
  cmd: 'publish';
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  /** Present when qos > 0. */
  messageId?: number;
  properties?: Properties;
}

export interface AckPacket extends FixedHeader {
  cmd: 'puback' | 'pubrec' | 'pubrel' | 'pubcomp';
  messageId: number;
  /** 5.0 */
  reasonCode?: number;
  properties?: Properties;
}

export interface Subscription {
  topic: string;
  qos: QoS;
  /** No Local (5.0, and 3.1.1 bridges) */
  nl?: boolean;
  /** Retain As Published (5.0, and 3.1.1 bridges) */
  rap?: boolean;
  /** Retain Handling 0, 1 or 2 (5.0) */
  rh?: number;
}

export interface SubscribePacket extends FixedHeader {
  cmd: 'subscribe';
  messageId: number;
  subscriptions: Subscription[];
  properties?: Properties;
}

export interface SubackPacket extends FixedHeader {
  cmd: 'suback';
  messageId: number;
  granted: number[];
  properties?: Properties;
}

export interface UnsubscribePacket extends FixedHeader {
  cmd: 'unsubscribe';
  messageId: number;
  unsubscriptions: string[];
  properties?: Properties;
}

export interface UnsubackPacket extends FixedHeader {
  cmd: 'unsuback';
  messageId: number;
  /** 5.0 reason codes, one per topic filter (mqtt-packet's name). */
  granted?: number[];
  properties?: Properties;
}

export interface PingreqPacket extends FixedHeader {
  cmd: 'pingreq';
}

export interface PingrespPacket extends FixedHeader {
  cmd: 'pingresp';
}

export interface DisconnectPacket extends FixedHeader {
  cmd: 'disconnect';
  /** 5.0 */
  reasonCode?: number;
  properties?: Properties;
}

export interface AuthPacket extends FixedHeader {
  cmd: 'auth';
  reasonCode: number;
  properties?: Properties;
}

export type Packet =
  | ConnectPacket | ConnackPacket | PublishPacket | AckPacket | SubscribePacket | SubackPacket
  | UnsubscribePacket | UnsubackPacket | PingreqPacket | PingrespPacket | DisconnectPacket | AuthPacket;

/**
 * What `encode` accepts: a packet object as mqtt-packet's generate() takes it. The
 * fixed-header fields may be left out, and fields with a default may be left out
 * (clean: true, keepalive: 0, clientId: '', protocolVersion: 4, qos: 0, ...).
 */
export type PacketInput = { cmd: Packet['cmd']; [field: string]: unknown };

export interface DecoderOptions {
  /** The stream's protocol. Without it the decoder reads 3.1.1 until a CONNECT names its level. */
  protocolVersion?: ProtocolVersion;
  /** The largest whole packet accepted, in bytes (default: the protocol's limit, 268,435,460). */
  maxPacketSize?: number;
  /**
   * Let payloads that are at least a sixteenth of the input chunk's buffer be views
   * of that chunk instead of copies, as mqtt-packet does (default true). A payload
   * gathered from several chunks is always a copy. Set it to false if you reuse your
   * input buffers.
   */
  zeroCopy?: boolean;
}

export interface Decoder {
  /**
   * Decodes the packets that `chunk` completes; bytes of an incomplete packet are
   * kept for the next call. Throws MqttError on bad input, with the packets completed
   * before it in `err.packets`; the decoder then stays failed until `reset()`.
   */
  push(chunk: Uint8Array | ArrayBufferView | ArrayBuffer): Packet[];
  /** Forgets buffered bytes and any error. */
  reset(): void;
  /** The protocol packets are decoded with now. */
  readonly protocolVersion: ProtocolVersion;
  /** Bytes held for a packet that is not complete yet. */
  readonly buffered: number;
  /**
   * Frees the wasm memory now instead of when the decoder is garbage collected.
   * Afterwards push() and the getters throw; reset() and dispose() do nothing.
   */
  dispose(): void;
}

export function createDecoder(options?: DecoderOptions): Decoder;

export interface EncodeOptions {
  /** Default 4 (3.1.1). A CONNECT's own protocolVersion always decides for it. */
  protocolVersion?: ProtocolVersion;
}

/** Encodes one packet. Throws MqttError when the packet breaks a rule of the protocol. */
export function encode(packet: PacketInput, options?: EncodeOptions): Uint8Array;

/** 1 + 4 + 268,435,455: the largest packet MQTT can express. */
export const MAX_PACKET_SIZE: number;

export class MqttError extends Error {
  /** `extra`'s fields are copied onto the error (as `packets` is by Decoder.push). */
  constructor(reasonCode: number, message: string, extra?: object);
  name: 'MqttError';
  /** The MQTT 5.0 reason code for the problem (0x81 Malformed Packet, 0x82 Protocol Error, ...). */
  reasonCode: number;
  /** The spec's name for reasonCode. */
  reasonName: string;
  /** From Decoder.push: the packets completed before the bad one. */
  packets?: Packet[];
}

/** Reason code values to the spec's names. */
export const REASON_CODES: Readonly<Record<number, string>>;
export function reasonCodeName(code: number): string;

/** Does the topic filter match the topic name [MQTT-4.7]? False for an invalid filter or name. A filter starting with a wildcard does not match a topic starting with '$'. */
export function topicMatchesFilter(filter: string, topic: string): boolean;

// ---------------------------------------------------------------- broker

/** Who a hook is asked about. */
export interface BrokerClient {
  /** The client id (an assigned one when the client sent none). */
  id: string;
  username?: string;
  /** Only for authenticate. */
  password?: Uint8Array;
  /** The transport's remote address: an IP, or 'local' for connectLocal(). */
  address?: string;
}

export interface AuthorizePublishMessage {
  topic: string;
  payload: Uint8Array;
  qos: 0 | 1 | 2;
  retain: boolean;
  /** True when the message is the client's will, asked about at CONNECT. */
  isWill: boolean;
}

export interface AuthorizeSubscribeRequest {
  /** The topic filter as sent, `$share/...` included. */
  topic: string;
  /** The QoS asked for (already capped by maximumQos). */
  qos: 0 | 1 | 2;
}

export interface EnhancedAuthRequest {
  /** The Authentication Method of the CONNECT. */
  method: string;
  /** Authentication Data from the client's CONNECT or AUTH. */
  data: Uint8Array;
  /** True for a re-authentication (AUTH 0x19) after the connection was accepted. */
  reauthenticate: boolean;
}

/** true accepts; false refuses with the hook's usual code; a number is a reason code. */
export type HookResult = boolean | number;
export type EnhancedAuthResult =
  | HookResult
  | { continue: string | Uint8Array }
  | { success: string | Uint8Array };

export interface BrokerOptions {
  /** CONNACK 0x97 past this many clients. 0 (default): no limit. */
  maxConnections?: number;
  /** Largest packet accepted from a client, in bytes. Default 16 MiB. */
  maxPacketSize?: number;
  /** Receive Maximum advertised to clients. Default 100. */
  receiveMaximum?: number;
  /** QoS 1/2 messages in flight to one client. Default 100. */
  maxInflight?: number;
  /** Messages queued per session (offline, or beyond the in-flight window). Default 10000. */
  maxQueued?: number;
  /** Topic aliases a 5.0 client may use. Default 10; 0 for none. */
  topicAliasMaximum?: number;
  /** Longest keepalive allowed, in seconds (5.0 Server Keep Alive). Default 0: any. */
  maxKeepalive?: number;
  /** Default 2. */
  maximumQos?: 0 | 1 | 2;
  /** Default true. */
  retainAvailable?: boolean;
  /** Levels allowed in a topic name or filter. Default 200. */
  maxTopicLevels?: number;
  /** Subscriptions per session. Default 0: no limit. */
  maxSubscriptions?: number;
  /** Milliseconds from accepting a connection to its CONNACK (CONNECT, hooks, AUTH exchange); later, it is closed. Default 30000; 0: never. */
  connectTimeout?: number;
  /** Seconds between $SYS/broker/... updates. Default 10; 0: none. */
  sysInterval?: number;
  /**
   * Bytes waiting to be written to one connection (a client that does not read) before it
   * is disconnected and onError is told. Default 64 MiB, or twice maxPacketSize when
   * that is more; at least maxPacketSize.
   */
  maxBufferedBytes?: number;
  /** Text of $SYS/broker/version. */
  versionText?: string;
  /** Default: false refuses with 0x86 (3.1.1: return code 4). */
  authenticate?: (client: BrokerClient) => HookResult | Promise<HookResult>;
  /** Default: false refuses with 0x87. Wills are asked at CONNECT. */
  authorizePublish?: (client: BrokerClient, message: AuthorizePublishMessage) => HookResult | Promise<HookResult>;
  /** true grants the QoS asked for; a number 0..2 grants that QoS (never more). */
  authorizeSubscribe?: (client: BrokerClient, subscription: AuthorizeSubscribeRequest) => HookResult | Promise<HookResult>;
  /** 5.0 enhanced authentication (AUTH packets). */
  enhancedAuth?: (client: BrokerClient, request: EnhancedAuthRequest) => EnhancedAuthResult | Promise<EnhancedAuthResult>;
  /** Errors thrown by hooks and transports. Default: console.error. */
  onError?: (err: unknown) => void;
}

export interface ListenOptions {
  tcp?: number;
  ws?: number;
  tls?: number;
  wss?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** PEM, for tls and wss. */
  key?: string | Uint8Array;
  cert?: string | Uint8Array;
  ca?: string | Uint8Array;
  passphrase?: string;
  /** Milliseconds a closed connection's peer has to close its side before it is cut off. Default 5000. */
  closeTimeout?: number;
}

export interface BoundAddress {
  host: string;
  port: number;
  family?: string;
}

export interface ListenAddresses {
  tcp?: BoundAddress;
  ws?: BoundAddress;
  tls?: BoundAddress;
  wss?: BoundAddress;
}

/** An in-process connection to a broker (broker.connectLocal()). */
export interface LocalTransport {
  readonly open: boolean;
  /** Bytes from the broker. */
  onbytes: ((bytes: Uint8Array) => void) | null;
  /** The broker closed the connection. */
  onclose: (() => void) | null;
  send(bytes: Uint8Array): void;
  close(): void;
  /** A new connection to the same broker (what a client reconnects with). Throws once the broker is closed. */
  reopen(): LocalTransport;
}

export interface BrokerStats {
  startedAt: number;
  clientsConnected: number;
  sessions: number;
  messagesReceived: number;
  messagesSent: number;
  messagesDropped: number;
  bytesReceived: number;
  bytesSent: number;
  retained: number;
  subscriptions: number;
  /** Bytes of the messages held (queued, in flight, retained, wills), as maxMessageBytes counts them. */
  messageBytes: number;
}

export interface Broker {
  /** Node only. Resolves to the bound addresses (port 0 picks a free port). */
  listen(options: ListenOptions): Promise<ListenAddresses>;
  connectLocal(): LocalTransport;
  stats(): BrokerStats;
  /** 5.0 clients get DISCONNECT 0x8B Server shutting down; listeners close. */
  close(): Promise<void>;
}

export function createBroker(options?: BrokerOptions): Promise<Broker>;

// ---------------------------------------------------------------- client

/**
 * A byte connection a client can speak MQTT over: broker.connectLocal()'s, or your own
 * with the same shape. `reopen()`, when present, makes the next one for a reconnect.
 */
export interface ClientTransport {
  readonly open?: boolean;
  onbytes: ((bytes: Uint8Array) => void) | null;
  onclose: ((error?: Error) => void) | null;
  send(bytes: Uint8Array): void;
  close(): void;
  reopen?(): ClientTransport;
}

/**
 * Where a client connects: a URL (mqtt://, tcp://, mqtts://, tls:// in Node; ws://, wss://
 * everywhere), a transport, or a function called for every attempt (reconnects too) that
 * returns a URL or a transport, or a Promise of one.
 */
export type ConnectTarget =
  | string
  | GlobalURL
  | ClientTransport
  | (() => string | GlobalURL | ClientTransport | Promise<string | GlobalURL | ClientTransport>);

/** The platform's URL (the DOM's, or Node's from @types/node); `never` when the program has neither. */
export type GlobalURL = typeof globalThis extends { URL: new (url: string) => infer U } ? U : never;

/** The payloads a client sends: strings are sent as UTF-8. */
export type PayloadInput = string | Uint8Array | ArrayBufferView | ArrayBuffer;

export interface WillOptions {
  topic: string;
  /** Default: empty. */
  payload?: PayloadInput;
  qos?: QoS;
  retain?: boolean;
  /** 5.0: willDelayInterval, messageExpiryInterval, contentType ... */
  properties?: PropertiesInput;
}

/**
 * A store of in-flight QoS 1/2 publishes, so that another client taking up the same
 * session (same clientId, clean: false) resends what one left unacknowledged. Each
 * method may return a Promise. See MemoryStore and js/client/store.js.
 */
export interface Store {
  /** A PUBLISH went out (with its messageId), or `{ cmd: 'pubrel', messageId }` replaces it once its PUBREC came. */
  put(packet: StoredPacket): void | Promise<void>;
  /** Its PUBACK or PUBCOMP came, or it failed for good. */
  del(messageId: number): void | Promise<void>;
  /** What was put and not deleted, in the order first put; read once, before the first connection. */
  list(): StoredPacket[] | Promise<StoredPacket[]>;
}

export type StoredPacket =
  | { cmd: 'publish'; topic: string; payload: Uint8Array; qos: 1 | 2; retain: boolean; dup: boolean; messageId: number; properties?: PropertiesInput }
  | { cmd: 'pubrel'; messageId: number };

/** The default store: memory, for one session at a time (pass the same one to the next client). */
export class MemoryStore implements Store {
  put(packet: StoredPacket): void;
  del(messageId: number): void;
  list(): StoredPacket[];
  /** Packets held. */
  readonly size: number;
}

export interface ClientOptions {
  /** 4 (MQTT 3.1.1, the default, as in MQTT.js) or 5 (MQTT 5.0). */
  protocolVersion?: 4 | 5;
  /** Default 'mqttw_' and 8 random hex digits. */
  clientId?: string;
  /** Clean session (3.1.1) or Clean Start (5.0). Default true. */
  clean?: boolean;
  /** Seconds; 0 for none. Default 60. */
  keepalive?: number;
  username?: string;
  password?: string | Uint8Array;
  will?: WillOptions;
  /** 5.0 CONNECT properties (sessionExpiryInterval, receiveMaximum, maximumPacketSize ...). */
  properties?: PropertiesInput;
  /** Milliseconds before the first retry after a connection is lost; 0: never reconnect. Default 1000. */
  reconnectPeriod?: number;
  /** The cap of the exponential backoff (with full jitter), in ms. Default 30000. */
  maxReconnectPeriod?: number;
  /** Reconnect after a CONNACK that refused too. Default false: a refusal stops reconnecting. */
  reconnectOnConnackError?: boolean;
  /** Milliseconds from starting an attempt to its CONNACK; 0: none. Default 30000. */
  connectTimeout?: number;
  /** Subscribe again after a reconnect on which the session was not present. Default true. */
  resubscribe?: boolean;
  /** Queue QoS 0 publishes while offline too. Default true. */
  queueQoSZero?: boolean;
  /** Requests waiting while offline (or beyond the server's Receive Maximum); past it they fail with 0x97. 0: no limit. Default 10000. */
  maxQueued?: number;
  /** Do not connect until client.connect(). Default false. */
  manualConnect?: boolean;
  /** Acknowledge QoS 1/2 messages only when client.ack(packet) is called. Default false. */
  manualAck?: boolean;
  /** 5.0: Topic Aliases chosen automatically (least recently used) within the server's maximum. Default true. */
  autoTopicAlias?: boolean;
  /** MQTT.js's names for autoTopicAlias. */
  autoAssignTopicAlias?: boolean;
  autoUseTopicAlias?: boolean;
  /** Milliseconds a PINGRESP may take before the connection is taken as dead; 0: the keepalive. Default 0. */
  pingTimeout?: number;
  /** Where in-flight messages are kept for the next client of the session. Default: the client's own memory. */
  store?: Store;
  /** Timers in a Worker in a browser page ('auto', the default, and 'worker'), or setTimeout ('native'). */
  timerVariant?: 'auto' | 'worker' | 'native';
  /** TLS (mqtts://, wss:// in Node). */
  ca?: string | Uint8Array | Array<string | Uint8Array>;
  cert?: string | Uint8Array;
  key?: string | Uint8Array;
  passphrase?: string;
  rejectUnauthorized?: boolean;
  servername?: string;
  ALPNProtocols?: string[] | Uint8Array;
  /** Options for the `ws` package's WebSocket in Node (headers, origin, handshakeTimeout, agent ...), passed as they are. */
  wsOptions?: { headers?: Record<string, string>; [option: string]: unknown };
  /** Where to connect when connect() is given options only. */
  protocol?: 'mqtt' | 'tcp' | 'mqtts' | 'tls' | 'ws' | 'wss';
  host?: string;
  hostname?: string;
  port?: number;
  path?: string;
  /** MQTT.js options accepted and ignored. */
  protocolId?: 'MQTT' | 'MQIsdp';
  reschedulePings?: boolean;
  log?: (...args: unknown[]) => void;
  forceNativeWebSocket?: boolean;
  writeCache?: boolean;
  objectMode?: boolean;
  browserBufferSize?: number;
  browserBufferTimeout?: number;
}

/** client.options: every default filled in. */
export type ResolvedClientOptions = ClientOptions & Required<Pick<ClientOptions,
  'protocolVersion' | 'clientId' | 'clean' | 'keepalive' | 'reconnectPeriod' | 'maxReconnectPeriod' | 'connectTimeout' |
  'resubscribe' | 'queueQoSZero' | 'maxQueued' | 'manualConnect' | 'manualAck' | 'autoTopicAlias' | 'pingTimeout' |
  'reconnectOnConnackError' | 'timerVariant'>>;

export interface PublishOptions {
  /** Default 0. */
  qos?: QoS;
  retain?: boolean;
  dup?: boolean;
  /** 5.0: messageExpiryInterval, responseTopic, correlationData, userProperties, topicAlias ... */
  properties?: PropertiesInput;
}

export interface SubscribeOptions {
  /** Default 0. */
  qos?: QoS;
  /** 5.0 No Local. */
  nl?: boolean;
  /** 5.0 Retain As Published. */
  rap?: boolean;
  /** 5.0 Retain Handling: 0, 1 or 2. */
  rh?: 0 | 1 | 2;
  /** 5.0: subscriptionIdentifier, userProperties. */
  properties?: PropertiesInput;
}

/** subscribe()'s object form: filter -> its options (or just its QoS). */
export type SubscriptionMap = Record<string, QoS | Omit<SubscribeOptions, 'properties'>>;

export interface SubscriptionGrant {
  topic: string;
  /**
   * The QoS granted (0, 1, 2), or for a filter the server refused its reason code (0x80
   * and up; a 3.1.1 server has only 0x80 = 128). As in MQTT.js, a refusal of any filter
   * rejects subscribe() with a SubscribeError, whose `granted` has this for every filter.
   */
  qos: number;
  nl?: boolean;
  rap?: boolean;
  rh?: number;
}

export interface UnsubscribeOptions {
  properties?: PropertiesInput;
}

export interface EndOptions {
  /** 5.0 DISCONNECT reason code, one a client sends: 0x00 (default), 0x04 (send the will), 0x80–0x83, 0x90, 0x93–0x99. */
  reasonCode?: number;
  /** 5.0: sessionExpiryInterval (non-zero only when connect() gave one), reasonString, userProperties, serverReference. */
  properties?: PropertiesInput;
}

export interface AuthOptions {
  /** 0x18 Continue authentication (default) or 0x19 Re-authenticate. */
  reasonCode?: number;
  /** authenticationData, reasonString, userProperties; authenticationMethod is connect()'s (filled in when left out). */
  properties?: PropertiesInput;
}

/** MQTT.js's callbacks: (err, result). */
export type Callback<T> = (err: Error | null, result?: T) => void;

/**
 * The errors of a client: refusals, connectTimeout and transport errors reject
 * connectAsync and reach 'error'; failed requests reject their Promise.
 */
export interface ClientError extends MqttError {
  /**
   * The reason code, or the socket's error code (ECONNREFUSED ...) for a transport error.
   * Absent from an argument error (a forbidden topic, QoS 3, ...), which has reasonCode only.
   */
  code?: number | string;
  /** 3.1.1: the CONNACK return code of a refusal. */
  returnCode?: number;
  /** The CONNACK of a refusal, or the 5.0 PUBACK or PUBREC that refused a publish. */
  packet?: ConnackPacket | AckPacket;
}

/**
 * subscribe() rejects with this when the server refused a filter (SUBACK 0x80 and up);
 * the filters it granted are subscribed all the same.
 */
export interface SubscribeError extends MqttError {
  /** The first refused filter's reason code (also in reasonCode). */
  code: number;
  /** Every filter's grant, a refusal's reason code in place of its QoS. */
  granted: SubscriptionGrant[];
  /** The SUBACK. */
  packet: SubackPacket;
}

/**
 * A message's payload: a Buffer in Node (payload.toString() is the text), a Uint8Array
 * elsewhere. Typed as Node's Buffer when the program has Node's types (@types/node).
 */
export type MessagePayload = typeof globalThis extends { Buffer: { alloc(size: number): infer B } } ? B : Uint8Array;

export interface MqttClientEvents {
  connect: (connack: ConnackPacket) => void;
  message: (topic: string, payload: MessagePayload, packet: PublishPacket & { payload: MessagePayload }) => void;
  reconnect: () => void;
  offline: () => void;
  close: () => void;
  disconnect: (packet: DisconnectPacket) => void;
  /** A ClientError, or a plain Error (a store's, `cannot reconnect: ...`) without `code`. */
  error: (err: ClientError | (Error & { code?: undefined })) => void;
  end: () => void;
  packetsend: (packet: Packet) => void;
  packetreceive: (packet: Packet) => void;
}

export class MqttClient {
  constructor(target: ConnectTarget | undefined, options?: ClientOptions);

  readonly options: ResolvedClientOptions;
  /** CONNACK accepted the current connection. */
  readonly connected: boolean;
  /** The connection was lost and the client is trying to get it back. */
  readonly reconnecting: boolean;
  /** end() was called and has not finished. */
  readonly disconnecting: boolean;
  /** end() has finished. */
  readonly disconnected: boolean;
  /** While reconnecting: the ms waited before the next attempt. */
  readonly reconnectDelay: number;
  /** The 5.0 properties of the CONNACK of the current connection. */
  readonly serverProperties: Properties | undefined;

  on<E extends keyof MqttClientEvents>(event: E, listener: MqttClientEvents[E]): this;
  addListener<E extends keyof MqttClientEvents>(event: E, listener: MqttClientEvents[E]): this;
  once<E extends keyof MqttClientEvents>(event: E, listener: MqttClientEvents[E]): this;
  prependListener<E extends keyof MqttClientEvents>(event: E, listener: MqttClientEvents[E]): this;
  prependOnceListener<E extends keyof MqttClientEvents>(event: E, listener: MqttClientEvents[E]): this;
  off<E extends keyof MqttClientEvents>(event: E, listener: MqttClientEvents[E]): this;
  removeListener<E extends keyof MqttClientEvents>(event: E, listener: MqttClientEvents[E]): this;
  removeAllListeners(event?: keyof MqttClientEvents): this;
  emit<E extends keyof MqttClientEvents>(event: E, ...args: Parameters<MqttClientEvents[E]>): boolean;
  listenerCount(event: keyof MqttClientEvents): number;
  listeners<E extends keyof MqttClientEvents>(event: E): MqttClientEvents[E][];
  eventNames(): Array<keyof MqttClientEvents>;
  /** Node's EventEmitter names; this emitter has no listener limit. */
  setMaxListeners(n: number): this;
  /** Always Infinity. */
  getMaxListeners(): number;

  /** With manualConnect: starts connecting. */
  connect(): this;
  /** Drops the current connection, if any, and connects again at once. */
  reconnect(): this;

  /**
   * Resolves when a QoS 0 message is written, with the PUBACK (QoS 1) or PUBCOMP (QoS 2);
   * QoS 2 with undefined when the server, after its PUBREC, came back without the session.
   */
  publish(topic: string, payload: PayloadInput, options?: PublishOptions): Promise<AckPacket | undefined>;
  publish(topic: string, payload: PayloadInput, callback: Callback<AckPacket | undefined>): this;
  publish(topic: string, payload: PayloadInput, options: PublishOptions | undefined, callback: Callback<AckPacket | undefined>): this;
  publishAsync(topic: string, payload: PayloadInput, options?: PublishOptions): Promise<AckPacket | undefined>;

  /** Resolves with the grants; rejects with a SubscribeError when the server refused a filter. */
  subscribe(topics: string | string[] | SubscriptionMap, options?: SubscribeOptions): Promise<SubscriptionGrant[]>;
  subscribe(topics: string | string[] | SubscriptionMap, callback: Callback<SubscriptionGrant[]>): this;
  subscribe(topics: string | string[] | SubscriptionMap, options: SubscribeOptions | undefined, callback: Callback<SubscriptionGrant[]>): this;
  subscribeAsync(topics: string | string[] | SubscriptionMap, options?: SubscribeOptions): Promise<SubscriptionGrant[]>;

  /** Resolves with the UNSUBACK (its 5.0 reason codes in `granted`). */
  unsubscribe(topics: string | string[], options?: UnsubscribeOptions): Promise<UnsubackPacket | undefined>;
  unsubscribe(topics: string | string[], callback: Callback<UnsubackPacket | undefined>): this;
  unsubscribe(topics: string | string[], options: UnsubscribeOptions | undefined, callback: Callback<UnsubackPacket | undefined>): this;
  unsubscribeAsync(topics: string | string[], options?: UnsubscribeOptions): Promise<UnsubackPacket | undefined>;

  /**
   * Without force, waits (10 s at most) for in-flight messages, then sends DISCONNECT;
   * with force, closes at once. Pending requests then fail with 0x8B.
   */
  end(force?: boolean, options?: EndOptions): Promise<void>;
  end(options: EndOptions): Promise<void>;
  end(callback: Callback<void>): this;
  end(force: boolean, callback: Callback<void>): this;
  end(force: boolean, options: EndOptions | undefined, callback: Callback<void>): this;
  end(options: EndOptions, callback: Callback<void>): this;
  endAsync(force?: boolean, options?: EndOptions): Promise<void>;

  /** With manualAck: sends the PUBACK or PUBREC of a QoS 1/2 message (reasonCode 0, 0x10, or a 5.0 refusal from 0x80). */
  ack(packet: PublishPacket, reasonCode?: number): void;

  /** 5.0 enhanced authentication: override it, and call back with the AUTH that answers a server's AUTH 0x18. */
  handleAuth(packet: AuthPacket, callback: (err: Error | null, answer?: AuthOptions) => void): void;
  /**
   * Sends AUTH: 0x18 (the default) to answer the server's AUTH 0x18, or 0x19 to
   * re-authenticate once connected. Throws at once, sending nothing, for what MQTT forbids.
   */
  auth(packet?: AuthOptions): void;
}

/** Returns at once; connects unless manualConnect. Throws at once for a bad option. */
export function connect(target: ConnectTarget | undefined, options?: ClientOptions): MqttClient;
/** connect(options) with protocol, host and port (or none: mqtt://localhost). */
export function connect(options?: ClientOptions): MqttClient;

/** Resolves once CONNACK accepted the connection; rejects with the first failure's error (ClientError), after ending the client. */
export function connectAsync(target: ConnectTarget | undefined, options?: ClientOptions): Promise<MqttClient>;
export function connectAsync(options?: ClientOptions): Promise<MqttClient>;

/** The same API as one object, for MQTT.js's habit: `import mqtt from 'mqtt-wasm'; mqtt.connect(url)`. */
declare const api: {
  createDecoder: typeof createDecoder; encode: typeof encode; MAX_PACKET_SIZE: typeof MAX_PACKET_SIZE;
  MqttError: typeof MqttError; REASON_CODES: typeof REASON_CODES; reasonCodeName: typeof reasonCodeName;
  topicMatchesFilter: typeof topicMatchesFilter; createBroker: typeof createBroker; connect: typeof connect;
  connectAsync: typeof connectAsync; MqttClient: typeof MqttClient; MemoryStore: typeof MemoryStore;
};
export default api;
