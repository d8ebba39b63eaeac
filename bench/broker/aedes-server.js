// Aedes 1.x with its defaults (in-memory persistence, mqemitter), served over
// node:net in a process of its own, as the broker benchmark's peer. Nagle's algorithm
// is off (noDelay) as on every socket of the benchmark, unless --nagle. Prints the line
// the driver waits for: "aedes listening on mqtt://127.0.0.1:<port>".
import net from 'node:net';
import { Aedes } from 'aedes';

const broker = await Aedes.createBroker();
const server = net.createServer({ noDelay: !process.argv.includes('--nagle') }, broker.handle);
server.listen(0, '127.0.0.1', () => {
  console.log(`aedes ${broker.version} listening on mqtt://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
