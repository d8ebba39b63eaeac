// MQTT 5.0 properties as mqtt-packet names them, with their wire types. The codec
// checks which packet may carry which; this table only maps names and value kinds.
export const BOOL = 0; // a byte that mqtt-packet reads as a boolean
export const BYTE = 1;
export const INT16 = 2;
export const INT32 = 3;
export const VARINT = 4;
export const STRING = 5;
export const BINARY = 6;
export const PAIR = 7;

const table = [
  [0x01, 'payloadFormatIndicator', BOOL],
  [0x02, 'messageExpiryInterval', INT32],
  [0x03, 'contentType', STRING],
  [0x08, 'responseTopic', STRING],
  [0x09, 'correlationData', BINARY],
  [0x0b, 'subscriptionIdentifier', VARINT],
  [0x11, 'sessionExpiryInterval', INT32],
  [0x12, 'assignedClientIdentifier', STRING],
  [0x13, 'serverKeepAlive', INT16],
  [0x15, 'authenticationMethod', STRING],
  [0x16, 'authenticationData', BINARY],
  [0x17, 'requestProblemInformation', BOOL],
  [0x18, 'willDelayInterval', INT32],
  [0x19, 'requestResponseInformation', BOOL],
  [0x1a, 'responseInformation', STRING],
  [0x1c, 'serverReference', STRING],
  [0x1f, 'reasonString', STRING],
  [0x21, 'receiveMaximum', INT16],
  [0x22, 'topicAliasMaximum', INT16],
  [0x23, 'topicAlias', INT16],
  [0x24, 'maximumQoS', BYTE],
  [0x25, 'retainAvailable', BOOL],
  [0x26, 'userProperties', PAIR],
  [0x27, 'maximumPacketSize', INT32],
  [0x28, 'wildcardSubscriptionAvailable', BOOL],
  [0x29, 'subscriptionIdentifiersAvailable', BOOL],
  [0x2a, 'sharedSubscriptionAvailable', BOOL],
];

/** id -> { id, name, type } */
export const PROPERTY_BY_ID = [];
/** name -> { id, name, type } */
export const PROPERTY_BY_NAME = new Map();
for (const [id, name, type] of table) {
  const entry = Object.freeze({ id, name, type });
  PROPERTY_BY_ID[id] = entry;
  PROPERTY_BY_NAME.set(name, entry);
}
