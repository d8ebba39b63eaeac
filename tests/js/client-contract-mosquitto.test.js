// The client contract suite (client-contract.js) against Mosquitto 2.0, started here on a
// TCP and a WebSocket listener, at MQTT 3.1.1 and 5.0. CONTRACT_CLIENT=mqttjs runs the
// same suite with MQTT.js (to check the suite), =both runs both; the default is ours.
import { after, describe } from 'node:test';
import { startMosquitto, noMosquitto } from './client-peers.js';
import { mosquittoTargets, contractClients } from './client-contract-kit.js';
import { contractSuite } from './client-contract.js';

// No limit on the messages queued per client: with its default (1000), Mosquitto 2.0.11
// drops QoS 1 messages to a 3.1.1 subscriber that has 20 in flight when a burst of QoS 1
// and 2 publishes comes in (seen here with MQTT.js and ours alike: 20 of 300 arrive, and
// nothing is logged).
const m = noMosquitto ? null : await startMosquitto({ config: ['max_queued_messages 0'] });
after(() => m?.stop());

for (const client of contractClients()) {
  if (!m) {
    describe(`${client.name} -> Mosquitto`, { skip: noMosquitto }, () => {});
    continue;
  }
  for (const target of mosquittoTargets(m)) {
    for (const version of [4, 5]) contractSuite({ client, target, version });
  }
}
