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
