// How long the client waits before its next connection attempt: exponential backoff
// with full jitter. The n-th retry in a row (n = 0 after a connection was lost) waits a
// random time from 0 to min(maxReconnectPeriod, reconnectPeriod * 2^n), so that many
// clients cut off at once do not all come back at the same moment, and a broker that
// stays down is asked less and less often. A CONNACK that accepts starts again at n = 0.
//
// `random` returns a number in [0, 1), as Math.random does (tests pass their own).
export function backoffDelay(attempt, { reconnectPeriod, maxReconnectPeriod }, random = Math.random) {
  return Math.floor(random() * backoffCap(attempt, { reconnectPeriod, maxReconnectPeriod }));
}

// The upper bound of the n-th retry's wait.
export function backoffCap(attempt, { reconnectPeriod, maxReconnectPeriod }) {
  const cap = Math.max(reconnectPeriod, maxReconnectPeriod);
  // 2^31 is past any cap a timer can wait for: the doubling stops there.
  return Math.min(cap, reconnectPeriod * 2 ** Math.min(attempt, 31));
}
