// createBroker's options: defaults, and a clear error for a bad value.
const UINT16 = 65535;
const UINT32 = 4294967295;

// name: [default, minimum, maximum]. Limits that may be off take 0 for "no limit".
// The CLI (js/node/cli.js) checks its flags against the same ranges.
export const NUMBER_OPTIONS = {
  maxConnections: [0, 0, UINT32],
  maxPacketSize: [16 * 1024 * 1024, 64, 268435460],
  receiveMaximum: [100, 1, UINT16],
  maxInflight: [100, 1, UINT16],
  maxQueued: [10000, 0, UINT32],
  topicAliasMaximum: [10, 0, UINT16],
  maxKeepalive: [0, 0, UINT16],
  maximumQos: [2, 0, 2],
  maxTopicLevels: [200, 1, 1000],
  maxSubscriptions: [0, 0, UINT32],
  connectTimeout: [30000, 0, UINT32],
  sysInterval: [10, 0, 86400],
  maxMessageBytes: [1024 * 1024 * 1024, 0, UINT32],
};

const HOOKS = ['authenticate', 'authorizePublish', 'authorizeSubscribe', 'enhancedAuth'];

export function brokerOptions(given = {}) {
  if (given === null || typeof given !== 'object') {
    throw new TypeError('createBroker: options must be an object');
  }
  const known = new Set([...Object.keys(NUMBER_OPTIONS), ...HOOKS, 'retainAvailable', 'versionText', 'onError',
    'maxBufferedBytes']);
  for (const key of Object.keys(given)) {
    if (!known.has(key)) throw new TypeError(`createBroker: unknown option "${key}"`);
  }
  const o = {};
  for (const [name, [fallback, min, max]] of Object.entries(NUMBER_OPTIONS)) {
    const v = given[name] ?? fallback;
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new RangeError(`createBroker: ${name} must be an integer from ${min} to ${max}, not ${String(v)}`);
    }
    o[name] = v;
  }
  for (const name of HOOKS) {
    if (given[name] !== undefined && typeof given[name] !== 'function') {
      throw new TypeError(`createBroker: ${name} must be a function`);
    }
    o[name] = given[name];
  }
  if (given.retainAvailable !== undefined && typeof given.retainAvailable !== 'boolean') {
    throw new TypeError('createBroker: retainAvailable must be true or false');
  }
  // Bytes waiting to be written to one connection before it is cut off as too slow: by
  // default 64 MiB, or twice the largest packet when that is more.
  const buffered = given.maxBufferedBytes ?? Math.max(64 * 1024 * 1024, 2 * o.maxPacketSize);
  if (!Number.isInteger(buffered) || buffered < o.maxPacketSize) {
    throw new RangeError(`createBroker: maxBufferedBytes must be an integer of at least maxPacketSize (${o.maxPacketSize}), not ${String(buffered)}`);
  }
  o.maxBufferedBytes = buffered;
  o.retainAvailable = given.retainAvailable ?? true;
  o.versionText = String(given.versionText ?? 'mqtt-wasm');
  o.onError = given.onError ?? ((err) => console.error('mqtt-wasm broker:', err));
  return o;
}
