// The codec on its own: encode packets to bytes, decode a byte stream that arrives in
// pieces, and see what malformed input gets. Packet objects have mqtt-packet's shape,
// with Uint8Array for bytes.
//
//   node examples/codec.mjs
//
// It prints (tests/js/examples.test.js checks these lines):
// → CONNECT: 27 bytes, 10 19 00 04 4d 51 54 54 05 02 00 3c 03 21 00 0a 00 09 73 65 6e 73 6f 72 2d 30 31
// → decoded 3 packets from 58 bytes in 5 chunks: connect sensor-01, publish sensors/01/temp, pingreq
// → payload 21.5, message expiry 60 s
// → refused: 0x95 Packet too large: packet of 70 bytes is larger than the maximum of 64 bytes
// → encode refused: 0x82 Protocol Error: PUBLISH: topic name "sensors/#" contains a wildcard '+' or '#' [MQTT-3.3.2-2]
// → sensors/+/temp matches sensors/01/temp: true; # matches $SYS/broker/uptime: false
import { encode, createDecoder, MqttError, reasonCodeName, topicMatchesFilter } from 'mqtt-wasm';

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');

// A CONNECT carries its protocol version; other packets take it from the options.
const connect = encode({
  cmd: 'connect',
  protocolVersion: 5,
  clientId: 'sensor-01',
  keepalive: 60,
  properties: { receiveMaximum: 10 },
});
console.log(`CONNECT: ${connect.length} bytes, ${hex(connect)}`);

const publish = encode({
  cmd: 'publish',
  topic: 'sensors/01/temp',
  payload: '21.5',
  qos: 0,
  properties: { messageExpiryInterval: 60 },
}, { protocolVersion: 5 });
const ping = encode({ cmd: 'pingreq' }, { protocolVersion: 5 });

// A stream, as a socket delivers it: packets split across chunks, or sharing one. The
// decoder keeps the bytes of an incomplete packet until the rest arrives.
const stream = new Uint8Array([...connect, ...publish, ...ping]);
const cuts = [0, 5, 20, 30, 36, stream.length];
// Without protocolVersion the decoder reads the level the CONNECT names, as a broker does.
const decoder = createDecoder();
const packets = [];
for (let i = 1; i < cuts.length; i++) packets.push(...decoder.push(stream.subarray(cuts[i - 1], cuts[i])));
const names = packets.map((p) => [p.cmd, p.clientId ?? p.topic].filter(Boolean).join(' '));
console.log(`decoded ${packets.length} packets from ${stream.length} bytes in ${cuts.length - 1} chunks: ${names.join(', ')}`);
const message = packets[1];
console.log(`payload ${new TextDecoder().decode(message.payload)}, message expiry ${message.properties.messageExpiryInterval} s`);
decoder.dispose();  // frees its wasm memory now rather than when it is collected

// Malformed or oversized input throws MqttError with the MQTT 5.0 reason code for it.
const small = createDecoder({ protocolVersion: 5, maxPacketSize: 64 });
try {
  small.push(encode({ cmd: 'publish', topic: 't', payload: 'x'.repeat(64) }, { protocolVersion: 5 }));
} catch (err) {
  if (!(err instanceof MqttError)) throw err;
  console.log(`refused: 0x${err.reasonCode.toString(16)} ${err.reasonName}: ${err.message}`);
}
small.dispose();

// The encoder applies the same rules: a topic name may not hold a wildcard.
try {
  encode({ cmd: 'publish', topic: 'sensors/#', payload: 'x' });
} catch (err) {
  console.log(`encode refused: 0x${err.reasonCode.toString(16)} ${reasonCodeName(err.reasonCode)}: ${err.message}`);
}

console.log(`sensors/+/temp matches sensors/01/temp: ${topicMatchesFilter('sensors/+/temp', 'sensors/01/temp')}; ` +
  `# matches $SYS/broker/uptime: ${topicMatchesFilter('#', '$SYS/broker/uptime')}`);
