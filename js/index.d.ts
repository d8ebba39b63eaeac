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
