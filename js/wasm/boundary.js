// The one place that knows how JS and the wasm codec share memory (see
// cpp/bindings/codec_api.cpp, `io_state`). Everything crosses as bytes in wasm memory
// plus a tape of 32-bit words (cpp/bindings/tape.hpp).
import { wasmModule as M } from './module.js';

// Word indexes of io_state; keep in step with codec_api.cpp.
const INPUT_PTR = 0;
const INPUT_CAP = 1;
const TAPE_PTR = 2;
const ERROR_CODE = 4;
const SCRATCH_PTR = 5;
const SCRATCH_CAP = 6;
const REQUEST_PTR = 7;
const REQUEST_CAP = 8;
const OUTPUT_PTR = 9;
const EXTERNAL_SIZE = 11;
const CONSUMED = 12;
const EXTERNAL_HEAD = 13;

const stateWord = M._ioState() >> 2;

export const boundary = {
  module: M,
  u8: M.HEAPU8,
  i32: M.HEAP32,
  // Buffer addresses: they change only when a buffer grows (see `reserve*`).
  inputPtr: 0,
  inputCap: 0,
  scratchPtr: 0,
  scratchCap: 0,
  requestPtr: 0,
  requestCap: 0,

  // Wasm memory may grow during any call that allocates, and the old views then
  // see a detached buffer of length 0. Call this after such a call. (`length`, not
  // `byteLength`: on a view of wasm memory V8 reads byteLength about 10 ns slower.)
  refresh() {
    if (this.u8.length === 0) {
      this.u8 = M.HEAPU8;
      this.i32 = M.HEAP32;
    }
  },

  readAddresses() {
    this.u8 = M.HEAPU8;
    this.i32 = M.HEAP32;
    const i32 = this.i32;
    this.inputPtr = i32[stateWord + INPUT_PTR];
    this.inputCap = i32[stateWord + INPUT_CAP];
    this.scratchPtr = i32[stateWord + SCRATCH_PTR];
    this.scratchCap = i32[stateWord + SCRATCH_CAP];
    this.requestPtr = i32[stateWord + REQUEST_PTR];
    this.requestCap = i32[stateWord + REQUEST_CAP];
  },

  // Results of the last push or encode: i32[this.tapeWord] and so on.
  tapeWord: stateWord + TAPE_PTR,
  errorWord: stateWord + ERROR_CODE,
  outputWord: stateWord + OUTPUT_PTR,
  externalSizeWord: stateWord + EXTERNAL_SIZE,
  consumedWord: stateWord + CONSUMED,
  externalHeadWord: stateWord + EXTERNAL_HEAD,

  reserveInput(bytes) {
    M._reserveInput(bytes);
    this.readAddresses();
  },

  reserveRequest(bytes, words) {
    M._reserveRequest(bytes, words);
    this.readAddresses();
  },

  // Returns the encoder's buffers to their first sizes after a large packet.
  shrinkRequest() {
    M._shrinkRequest();
    this.readAddresses();
  },

  errorReason() {
    return M._errorReason();
  },

  // The per-chunk and per-packet calls are plain wasm exports: an Embind call costs
  // about 65 ns (bench/boundary.js), a plain call a few.
  decoderPush: null,
  encode: null,
};

boundary.readAddresses();

// Emscripten exports a C function through a wrapper that swaps itself for the raw
// wasm function on its first call. One harmless call each (an empty push, an empty
// request) makes later calls go straight to wasm.
{
  const handle = M._decoderNew(4, 16, 0);
  M._mqttw_decoder_push(handle, 0);
  M._decoderFree(handle);
  M._mqttw_encode(0);
  boundary.decoderPush = M._mqttw_decoder_push;
  boundary.encode = M._mqttw_encode;
}
