// The client bindings' check of the CONNECT they are given (cpp/bindings/client_api.cpp,
// mqttw_client_new): the bytes of a whole packet, which the client reads as a server
// would (cpp/include/mqttw/wire/read.hpp). Another packet where the CONNECT belongs, or
// one that ends early, is refused with the reader's reason code and a reason naming
// it. js/client/core.js never hands over such bytes, so these are written by hand here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientModule as M } from '../../js/wasm/client-module.js';

const MALFORMED_PACKET = 0x81;
const OPTIONS = [268435455, 1000, 0, 0];  // max packet size, max queued, ping timeout, flags

// mqttw_client_new with the CONNECT `bytes`: its error's code and reason.
function newClientError(bytes) {
  const options = M._malloc(OPTIONS.length * 4 + bytes.length);
  M.HEAP32.set(OPTIONS, options >> 2);  // M.HEAP32 is made anew when malloc grew the memory
  M.HEAPU8.set(bytes, options + OPTIONS.length * 4);
  const handle = M._mqttw_client_new(options, options + OPTIONS.length * 4, bytes.length);
  const at = M._mqttw_client_error(handle) >> 2;
  const [code, text, length] = M.HEAP32.subarray(at, at + 3);
  const reason = new TextDecoder().decode(M.HEAPU8.subarray(text, text + length));
  M._mqttw_client_free(handle);
  M._free(options);
  return { code, reason };
}

test('a PUBLISH where the CONNECT belongs is refused, naming both', () => {
  const publish = [0x30, 0x03, 0x00, 0x01, 0x61];  // QoS 0 to "a", no payload
  assert.deepEqual(newClientError(publish), { code: MALFORMED_PACKET, reason: 'the CONNECT to send is a PUBLISH' });
});

test('a CONNECT that ends early is refused, saying so', () => {
  const { code, reason } = newClientError([0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51]);  // "MQ", then nothing
  assert.equal(code, MALFORMED_PACKET);
  assert.match(reason, /^CONNECT: /);
});

test('a well-formed CONNECT gives a client without an error', () => {
  // 3.1.1, clean session, keepalive 60, client id ""
  const connect = [0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00];
  assert.deepEqual(newClientError(connect), { code: 0, reason: '' });
});
