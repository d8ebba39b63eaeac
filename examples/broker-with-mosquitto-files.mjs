// A broker that takes its users and their rights from Mosquitto's files: a password
// file as mosquitto_passwd writes it, and an acl_file.
//
//   node examples/broker-with-mosquitto-files.mjs
//
// The command line does the same with
//   npx mqtt-wasm broker --tcp 1883 --password-file passwd --acl-file acl
//
// The example writes both files into a temporary folder (each hash is the kind
// `mosquitto_passwd -c passwd sensor` writes: PBKDF2-SHA512, $7$) and removes them.
// It prints (tests/js/examples.test.js checks these lines):
// → users in the password file: 2
// → wrong password: code 134
// → sensor may publish to sensors/sensor/temp: yes
// → sensor may publish to sensors/other/temp: no, code 135
// → dashboard granted sensors/# at QoS 1
// → dashboard may subscribe to #: no, code 135
// → dashboard got sensors/sensor/temp: 21.5
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { createBroker, connectAsync } from 'mqtt-wasm';
import { passwordFileAuthenticator, loadPasswordFile } from 'mqtt-wasm/node/password-file';
import { aclAuthorizer } from 'mqtt-wasm/node/acl-file';

// A password file line as mosquitto_passwd (2.0, -H sha512-pbkdf2, its default) writes it.
function passwdLine(user, password) {
  const salt = randomBytes(12);
  const hash = pbkdf2Sync(password, salt, 101, 64, 'sha512');
  return `${user}:$7$101$${salt.toString('base64')}$${hash.toString('base64')}`;
}

const dir = await mkdtemp(join(tmpdir(), 'mqtt-wasm-example-'));
const passwd = join(dir, 'passwd');
const acl = join(dir, 'acl');
await writeFile(passwd, `${passwdLine('sensor', 's3cret')}\n${passwdLine('dashboard', 'look')}\n`);
// Mosquitto's acl_file: `user` starts a user's section; `pattern` applies to everyone,
// with %u for the user name and %c for the client id.
await writeFile(acl, [
  'user dashboard',
  'topic read sensors/#',
  '',
  'pattern write sensors/%u/#',
  '',
].join('\n'));

console.log(`users in the password file: ${(await loadPasswordFile(passwd)).users}`);
const broker = await createBroker({
  authenticate: await passwordFileAuthenticator(passwd),
  ...await aclAuthorizer(acl),  // authorizePublish and authorizeSubscribe
});
const { tcp } = await broker.listen({ tcp: 0 });
const url = `mqtt://127.0.0.1:${tcp.port}`;

await connectAsync(url, { protocolVersion: 5, username: 'sensor', password: 'wrong' })
  .catch((err) => console.log(`wrong password: code ${err.code}`));

const sensor = await connectAsync(url, { protocolVersion: 5, username: 'sensor', password: 's3cret' });
const dashboard = await connectAsync(url, { protocolVersion: 5, username: 'dashboard', password: 'look' });

const [grant] = await dashboard.subscribe('sensors/#', { qos: 1 });
const got = new Promise((resolve) => dashboard.once('message', (topic, payload) => resolve(`${topic}: ${payload}`)));

const tryPublish = (topic) => sensor.publish(topic, '21.5', { qos: 1 })
  .then(() => console.log(`sensor may publish to ${topic}: yes`),
    (err) => console.log(`sensor may publish to ${topic}: no, code ${err.code}`));
await tryPublish('sensors/sensor/temp');
await tryPublish('sensors/other/temp');

console.log(`dashboard granted ${grant.topic} at QoS ${grant.qos}`);
await dashboard.subscribe('#')
  .then(() => console.log('dashboard may subscribe to #: yes'), (err) => console.log(`dashboard may subscribe to #: no, code ${err.code}`));
console.log(`dashboard got ${await got}`);

await Promise.all([sensor.end(), dashboard.end()]);
await broker.close();
await rm(dir, { recursive: true });
