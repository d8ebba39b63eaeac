// A seeded generator of random VALID MQTT packets, as mqtt-packet-shaped objects, for
// the differential tests. Every value respects the spec's rules for its packet and
// protocol version, so both codecs must accept it.

export function makeRandom(seed) {
  let state = seed >>> 0 || 1;
  const next = () => {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
  const random = {
    int: (min, max) => min + (next() % (max - min + 1)),
    u32: () => next(),
    bool: (p = 0.5) => next() / 0x100000000 < p,
    pick: (list) => list[next() % list.length],
    bytes(max) {
      const out = new Uint8Array(random.int(0, max));
      for (let i = 0; i < out.length; i++) out[i] = next() & 0xff;
      return out;
    },
  };
  return random;
}

// Pieces of strings: ASCII, Latin-1, CJK and astral characters (a surrogate pair in
// JS, four bytes in UTF-8). Never U+0000 and never a lone surrogate [MQTT-1.5.4-1/2].
const PIECES = ['a', 'sensor', 'x', 'temp', 'Zürich', 'ü', '水', '😀', 'ok', '-', '_', ' ', 'été', '1', '42'];

function text(r, maxPieces = 4) {
  let s = '';
  const n = r.int(0, maxPieces);
  for (let i = 0; i < n; i++) s += r.pick(PIECES);
  return s;
}

function nonEmptyText(r) {
  return text(r, 3) || 'x';
}

// A topic name: levels separated by '/', no wildcards, at least one character.
function topicName(r) {
  const levels = r.int(1, 4);
  const parts = [];
  for (let i = 0; i < levels; i++) parts.push(text(r, 2));
  const topic = parts.join('/');
  return topic.length ? topic : 'a';
}

// A topic filter with '+' levels and maybe a last '#'.
function topicFilter(r) {
  const levels = r.int(1, 4);
  const parts = [];
  for (let i = 0; i < levels; i++) parts.push(r.bool(0.25) ? '+' : text(r, 2));
  if (r.bool(0.2)) parts.push('#');
  const filter = parts.join('/');
  return filter.length ? filter : '#';
}

function userProperties(r) {
  const props = {};
  const n = r.int(1, 3);
  for (let i = 0; i < n; i++) {
    const name = text(r, 2);
    // A repeated name never starts with an empty value: mqtt-packet's parser tests the
    // value it has for truthiness and so replaces an empty first value by the second
    // (it decodes '' then 'x' as 'x'). Ours keeps both; that case is covered in
    // codec-api.test.js.
    props[name] = r.bool(0.3) ? [nonEmptyText(r), text(r, 2)] : text(r, 2);
  }
  return props;
}

// Properties by packet: [name, make value]. Authentication Data needs its method,
// so the two are generated together.
const PROPERTY_MAKERS = {
  sessionExpiryInterval: (r) => r.u32(),
  receiveMaximum: (r) => r.int(1, 65535),
  maximumPacketSize: (r) => r.int(1, 0xffffffff),
  topicAliasMaximum: (r) => r.int(0, 65535),
  requestResponseInformation: (r) => r.bool(),
  requestProblemInformation: (r) => r.bool(),
  userProperties,
  willDelayInterval: (r) => r.u32(),
  payloadFormatIndicator: (r) => r.bool(),
  messageExpiryInterval: (r) => r.u32(),
  contentType: (r) => text(r),
  responseTopic: topicName,
  correlationData: (r) => r.bytes(12),
  maximumQoS: (r) => r.int(0, 1),
  retainAvailable: (r) => r.bool(),
  assignedClientIdentifier: (r) => text(r),
  reasonString: (r) => text(r),
  wildcardSubscriptionAvailable: (r) => r.bool(),
  subscriptionIdentifiersAvailable: (r) => r.bool(),
  sharedSubscriptionAvailable: (r) => r.bool(),
  serverKeepAlive: (r) => r.int(0, 65535),
  responseInformation: (r) => text(r),
  serverReference: (r) => text(r),
  topicAlias: (r) => r.int(1, 65535),
  subscriptionIdentifier: (r) => r.int(1, 268435455),
};

const ALLOWED = {
  connect: ['sessionExpiryInterval', 'receiveMaximum', 'maximumPacketSize', 'topicAliasMaximum',
    'requestResponseInformation', 'requestProblemInformation', 'userProperties', 'auth'],
  will: ['willDelayInterval', 'payloadFormatIndicator', 'messageExpiryInterval', 'contentType', 'responseTopic',
    'correlationData', 'userProperties'],
  connack: ['sessionExpiryInterval', 'receiveMaximum', 'maximumQoS', 'retainAvailable', 'maximumPacketSize',
    'assignedClientIdentifier', 'topicAliasMaximum', 'reasonString', 'userProperties', 'wildcardSubscriptionAvailable',
    'subscriptionIdentifiersAvailable', 'sharedSubscriptionAvailable', 'serverKeepAlive', 'responseInformation',
    'serverReference', 'auth'],
  publish: ['payloadFormatIndicator', 'messageExpiryInterval', 'topicAlias', 'responseTopic', 'correlationData',
    'userProperties', 'subscriptionIdentifier', 'contentType'],
  ack: ['reasonString', 'userProperties'],
  subscribe: ['subscriptionIdentifier', 'userProperties'],
  unsubscribe: ['userProperties'],
  disconnect: ['sessionExpiryInterval', 'reasonString', 'serverReference', 'userProperties'],
  auth: ['reasonString', 'userProperties', 'auth'],
};

function properties(r, place) {
  const props = {};
  for (const name of ALLOWED[place]) {
    if (!r.bool(0.35)) continue;
    if (name === 'auth') {
      props.authenticationMethod = nonEmptyText(r);
      if (r.bool()) props.authenticationData = r.bytes(8);
    } else if (name === 'subscriptionIdentifier' && place === 'publish' && r.bool(0.3)) {
      // A PUBLISH to a subscriber carries one per matching subscription [MQTT-3.3.4-3].
      props.subscriptionIdentifier = [PROPERTY_MAKERS.subscriptionIdentifier(r), PROPERTY_MAKERS.subscriptionIdentifier(r)];
    } else {
      props[name] = PROPERTY_MAKERS[name](r);
    }
  }
  return Object.keys(props).length ? props : undefined;
}

const REASONS = {
  connack: [0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x90, 0x95, 0x97, 0x99,
    0x9a, 0x9b, 0x9c, 0x9d, 0x9f],
  puback: [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99],
  pubrel: [0x00, 0x92],
  suback: [0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8f, 0x91, 0x97, 0x9e, 0xa1, 0xa2],
  unsuback: [0x00, 0x11, 0x80, 0x83, 0x87, 0x8f, 0x91],
  disconnect: [0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8b, 0x8d, 0x8e, 0x8f, 0x90, 0x93, 0x94, 0x95, 0x96,
    0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2],
  auth: [0x00, 0x18, 0x19],
};

function with5(packet, version, fields) {
  return version === 5 ? Object.assign(packet, fields) : packet;
}

const MAKERS = {
  connect(r, version) {
    const packet = {
      cmd: 'connect',
      protocolId: version === 3 ? 'MQIsdp' : 'MQTT',
      protocolVersion: version,
      clean: r.bool(0.7),
      keepalive: r.int(0, 65535),
      clientId: text(r),
    };
    // 3.1.1: an empty client id needs a clean session (3.1.1 [MQTT-3.1.3-7]); 3.1 needs a client
    // id. 5.0 leaves it to the server, but mqtt-packet's generate() refuses it there too.
    if (packet.clientId === '') packet.clean = true;
    if (version === 3 && packet.clientId === '') packet.clientId = 'c';
    if (r.bool(0.1) && version !== 5) packet.bridgeMode = true;
    if (r.bool(0.4)) {
      packet.will = { topic: topicName(r), payload: r.bytes(20), qos: r.int(0, 2), retain: r.bool() };
      if (version === 5) {
        const willProps = properties(r, 'will');
        if (willProps) packet.will.properties = willProps;
      }
    }
    // No password without a user name: 3.1.1 forbids it (its [MQTT-3.1.2-22]); 5.0 allows it
    // but mqtt-packet's generate() refuses it (the 5.0 case is in the Catch2 vectors).
    if (r.bool(0.5)) packet.username = text(r);
    if (r.bool(0.4) && packet.username !== undefined) packet.password = r.bytes(16);
    return with5(packet, version, { properties: properties(r, 'connect') });
  },
  connack(r, version) {
    const packet = { cmd: 'connack', sessionPresent: false };
    if (version === 5) {
      packet.reasonCode = r.pick(REASONS.connack);
      packet.properties = properties(r, 'connack');
    } else {
      packet.returnCode = r.int(0, 5);
    }
    // Session Present only with success [MQTT-3.2.2-6].
    if ((packet.reasonCode ?? packet.returnCode) === 0) packet.sessionPresent = r.bool();
    return packet;
  },
  publish(r, version) {
    const qos = r.int(0, 2);
    const packet = { cmd: 'publish', topic: topicName(r), payload: r.bytes(40), qos, retain: r.bool(), dup: qos > 0 && r.bool() };
    if (qos > 0) packet.messageId = r.int(1, 65535);
    if (version === 5) {
      const props = properties(r, 'publish');
      if (props) packet.properties = props;
      // An empty topic name is allowed with a Topic Alias (section 3.3.2.1).
      if (props?.topicAlias && r.bool(0.3)) packet.topic = '';
    }
    return packet;
  },
  puback: (r, version) => ack(r, version, 'puback', REASONS.puback),
  pubrec: (r, version) => ack(r, version, 'pubrec', REASONS.puback),
  pubrel: (r, version) => ack(r, version, 'pubrel', REASONS.pubrel),
  pubcomp: (r, version) => ack(r, version, 'pubcomp', REASONS.pubrel),
  subscribe(r, version) {
    const subscriptions = [];
    const n = r.int(1, 4);
    for (let i = 0; i < n; i++) {
      if (version === 5) {
        const shared = r.bool(0.2);
        subscriptions.push({
          topic: shared ? `$share/${nonEmptyText(r).replace(/[/+#]/g, '')}/${topicFilter(r)}` : topicFilter(r),
          qos: r.int(0, 2),
          nl: shared ? false : r.bool(), // No Local on a shared subscription is a protocol error [MQTT-3.8.3-4]
          rap: r.bool(),
          rh: r.int(0, 2),
        });
      } else {
        subscriptions.push({ topic: topicFilter(r), qos: r.int(0, 2) });
      }
    }
    return with5({ cmd: 'subscribe', messageId: r.int(1, 65535), subscriptions }, version, { properties: properties(r, 'subscribe') });
  },
  suback(r, version) {
    const granted = [];
    const n = r.int(1, 4);
    for (let i = 0; i < n; i++) granted.push(version === 5 ? r.pick(REASONS.suback) : r.pick([0, 1, 2, 0x80]));
    return with5({ cmd: 'suback', messageId: r.int(1, 65535), granted }, version, { properties: properties(r, 'ack') });
  },
  unsubscribe(r, version) {
    const unsubscriptions = [];
    const n = r.int(1, 3);
    for (let i = 0; i < n; i++) unsubscriptions.push(topicFilter(r));
    return with5({ cmd: 'unsubscribe', messageId: r.int(1, 65535), unsubscriptions }, version, { properties: properties(r, 'unsubscribe') });
  },
  unsuback(r, version) {
    const packet = { cmd: 'unsuback', messageId: r.int(1, 65535) };
    if (version !== 5) return packet;
    const granted = [];
    const n = r.int(1, 3);
    for (let i = 0; i < n; i++) granted.push(r.pick(REASONS.unsuback));
    return Object.assign(packet, { granted, properties: properties(r, 'ack') });
  },
  pingreq: () => ({ cmd: 'pingreq' }),
  pingresp: () => ({ cmd: 'pingresp' }),
  disconnect(r, version) {
    return with5({ cmd: 'disconnect' }, version, { reasonCode: r.pick(REASONS.disconnect), properties: properties(r, 'disconnect') });
  },
  auth(r) {
    return { cmd: 'auth', reasonCode: r.pick(REASONS.auth), properties: properties(r, 'auth') };
  },
};

function ack(r, version, cmd, reasons) {
  return with5({ cmd, messageId: r.int(1, 65535) }, version, { reasonCode: r.pick(reasons), properties: properties(r, 'ack') });
}

/** A random valid packet for protocol `version` (3, 4 or 5). */
export function randomPacket(r, version) {
  const kinds = Object.keys(MAKERS).filter((cmd) => cmd !== 'auth' || version === 5);
  const packet = MAKERS[r.pick(kinds)](r, version);
  if (packet.properties === undefined) delete packet.properties;
  return packet;
}
