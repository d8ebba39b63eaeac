// Not a broker: a relay that answers CONNECT and SUBSCRIBE and passes every PUBLISH,
// as it came, to every subscriber, and every PUBACK back to the QoS 1 publisher. It
// does no topic matching and keeps no session. check-generator.js drives it with the
// benchmark's own load to show what rate the load generator itself can reach.
import net from 'node:net';
import { Framer, PUBACK, PUBLISH } from './packets.js';

const CONNECT = 1;
const SUBSCRIBE = 8;
const PINGREQ = 12;
const DISCONNECT = 14;

const subscribers = new Set();
let qos1Publisher = null;

const server = net.createServer({ noDelay: true }, (socket) => {
  const out = [];   // PUBLISH packets of this chunk, for every subscriber
  const acks = [];  // PUBACK packets of this chunk, for the publisher
  const framer = new Framer((first, buf, start, end, packetStart) => {
    const packet = buf.subarray(packetStart, end);
    switch (first >> 4) {
      case CONNECT: socket.write(Buffer.from([0x20, 2, 0, 0])); break;
      case SUBSCRIBE:
        socket.write(Buffer.from([0x90, 3, buf[start], buf[start + 1], buf[end - 1] & 3]));
        subscribers.add(socket);
        break;
      case PUBLISH:
        if (first & 0x06) qos1Publisher = socket;
        out.push(packet); // 'data' chunks are not reused: a view is enough
        break;
      case PUBACK: acks.push(packet); break;
      case PINGREQ: socket.write(Buffer.from([0xd0, 0])); break;
      case DISCONNECT: socket.end(); break;
      default: break;
    }
  });
  socket.on('data', (chunk) => {
    framer.push(chunk);
    if (out.length) {
      const bytes = Buffer.concat(out);
      out.length = 0;
      for (const sub of subscribers) sub.write(bytes);
    }
    if (acks.length) {
      qos1Publisher?.write(Buffer.concat(acks));
      acks.length = 0;
    }
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    subscribers.delete(socket);
    if (qos1Publisher === socket) qos1Publisher = null;
  });
});

server.listen(0, '127.0.0.1', () => {
  console.log(`relay listening on mqtt://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
