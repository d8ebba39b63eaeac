import { MqttError, shown } from './errors.js';

// A CONNECT's own protocol: protocolVersion (default 4), which must agree with a
// given protocolId.
export function connectVersion(packet) {
  const version = packet.protocolVersion ?? 4;
  if (version !== 3 && version !== 4 && version !== 5) {
    throw new MqttError(0x84, `connect protocolVersion must be 3, 4 or 5, not ${shown(version)}`);
  }
  const expected = version === 3 ? 'MQIsdp' : 'MQTT';
  if (packet.protocolId !== undefined && packet.protocolId !== expected) {
    throw new MqttError(0x84, `connect protocolId "${packet.protocolId}" does not go with protocolVersion ${version}`);
  }
  return version;
}
