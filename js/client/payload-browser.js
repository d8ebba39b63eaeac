// Browsers: a packet's bytes stay Uint8Arrays (see payload.js).
export function applicationPacket(packet) {
  return packet;
}
