// Idle connections for the memory scenario: CONNECT, wait for CONNACK, then nothing
// (keepalive 0, so no PINGREQ either) until told to close.
import { serve } from './ipc.js';
import { closeAll, openMany } from './clients.js';

let clients = [];

serve({
  async open({ port, count }) {
    clients.push(...await openMany(port, count, 'i'));
    return clients.length;
  },
  check() {
    const lost = clients.filter((c) => c.closed || c.error).length;
    return { open: clients.length - lost, lost };
  },
  close: () => closeAll(clients),
});
