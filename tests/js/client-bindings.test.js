// The client bindings' checks of the request tapes JS writes (cpp/bindings/client_api.cpp,
// client_handle::read): a tape that holds another packet than the entry point takes,
// or that ends early, is refused with 0x81 and a reason naming the packet, and nothing
// past its end is read. Only a bug in our JS could write such a tape, so these are
// written by hand here (layout: cpp/bindings/tape.hpp).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientModule as M } from '../../js/wasm/client-module.js';

const MALFORMED_PACKET = 0x81;
const V311 = 4 << 8;
const OPTIONS = [268435455, 1000, 0, 0];  // max packet size, max queued, ping timeout, flags

function copyIn(words) {
  const ptr = M._malloc(Math.max(words.length, 1) * 4);
  M.HEAP32.set(words, ptr >> 2);  // M.HEAP32 is made anew when malloc grew the memory
  return ptr;
}

// mqttw_client_new with the CONNECT tape `tape`: its error's code and reason.
function newClientError(tape) {
  const options = copyIn(OPTIONS);
  const words = copyIn(tape);
  const handle = M._mqttw_client_new(options, words, tape.length);
  const at = M._mqttw_client_error(handle) >> 2;
  const [code, text, length] = M.HEAP32.subarray(at, at + 3);
  const reason = new TextDecoder().decode(M.HEAPU8.subarray(text, text + length));
  M._mqttw_client_free(handle);
  M._free(options);
  M._free(words);
  return { code, reason };
}

test('a request tape holding a PUBLISH where the CONNECT belongs is refused, naming both', () => {
  // PUBLISH: flags, packet id, topic (address, length, cache id), payload (address, length), no properties
  const publish = [3 | V311, 0, 0, 0, 0, -1, 0, 0, 0];
  assert.deepEqual(newClientError(publish), { code: MALFORMED_PACKET, reason: 'the tape holds PUBLISH, not CONNECT' });
});

test('a CONNECT tape that ends early is refused, saying so', () => {
  const cut = [1 | V311, 0];  // the flags, then nothing
  assert.deepEqual(newClientError(cut),
    { code: MALFORMED_PACKET, reason: 'the CONNECT could not be read: the tape ends early' });
});

test('a well-formed CONNECT tape gives a client without an error', () => {
  // CONNECT: flags (clean start), will QoS, keep alive, client id "", user name, password, no properties
  const connect = [1 | V311, 1, 0, 60, 0, 0, -1, 0, 0, -1, 0, 0, 0];
  assert.deepEqual(newClientError(connect), { code: 0, reason: '' });
});
