// The client contract suite (client-contract.js) against our own broker (createBroker,
// started here) over TCP, WebSocket and the local transport (broker.connectLocal()), at
// MQTT 3.1.1 and 5.0. CONTRACT_CLIENT=mqttjs|both as in client-contract-mosquitto.test.js.
import { after } from 'node:test';
import { startOurBroker } from './client-peers.js';
import { ourTargets, contractClients } from './client-contract-kit.js';
import { contractSuite } from './client-contract.js';

const o = await startOurBroker();
after(() => o.stop());

for (const client of contractClients()) {
  for (const target of ourTargets(o)) {
    for (const version of [4, 5]) contractSuite({ client, target, version });
  }
}
