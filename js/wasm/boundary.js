// The one place that knows how JS and the wasm codec share memory (see
// cpp/bindings/codec_api.cpp, `io_state`). Everything crosses as bytes in wasm memory
// plus a tape of 32-bit words (cpp/bindings/tape.hpp).
//
// The codec (js/codec.js) and the client core (js/client/core.js) run on the module
// attached here, which one of the loaders attaches when it has loaded: the whole
// package's (module.js, loaded by js/index.js) or the client's (client-module.js,
// loaded by js/client/index.js, without the broker). Both modules have the codec and
// the client. When a program imports both entries, the first module loaded serves
// the codec and the client; the broker always runs on the whole one. Code here and in
// those files therefore touches the module only when called, never when imported.
import { utf8 } from './utf8.js';

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
const REASON_PTR = 14;
const REASON_LEN = 15;

let stateWord = 0;

export const boundary = {
  module: null,  // the module object (load-module.js), once attached
  u8: null,
  i32: null,
  // Buffer addresses: they change only when a buffer grows (see `reserve*`).
  inputPtr: 0,
  inputCap: 0,
  scratchPtr: 0,
  scratchCap: 0,
  requestPtr: 0,
  requestCap: 0,

  // Results of the last push or encode: i32[this.tapeWord] and so on.
  tapeWord: 0,
  errorWord: 0,
  outputWord: 0,
  externalSizeWord: 0,
  consumedWord: 0,
  externalHeadWord: 0,

  // The per-chunk and per-packet calls, taken from the module (a property of the
  // module object costs more to look up).
  decoderPush: null,
  encode: null,

  // Makes `M` the module the codec and the client run on, unless one already is.
  attach(M) {
    if (this.module !== null) return;
    this.module = M;
    stateWord = M._mqttw_io_state() >> 2;
    this.tapeWord = stateWord + TAPE_PTR;
    this.errorWord = stateWord + ERROR_CODE;
    this.outputWord = stateWord + OUTPUT_PTR;
    this.externalSizeWord = stateWord + EXTERNAL_SIZE;
    this.consumedWord = stateWord + CONSUMED;
    this.externalHeadWord = stateWord + EXTERNAL_HEAD;
    this.readAddresses();
    this.decoderPush = M._mqttw_decoder_push;
    this.encode = M._mqttw_encode;
  },

  // Wasm memory may grow during any call that allocates, and the old views then
  // see a detached buffer of length 0. Call this after such a call. (`length`, not
  // `byteLength`: on a view of wasm memory V8 reads byteLength about 10 ns slower.)
  refresh() {
    if (this.u8.length === 0) {
      this.u8 = this.module.HEAPU8;
      this.i32 = this.module.HEAP32;
    }
  },

  readAddresses() {
    this.u8 = this.module.HEAPU8;
    this.i32 = this.module.HEAP32;
    const i32 = this.i32;
    this.inputPtr = i32[stateWord + INPUT_PTR];
    this.inputCap = i32[stateWord + INPUT_CAP];
    this.scratchPtr = i32[stateWord + SCRATCH_PTR];
    this.scratchCap = i32[stateWord + SCRATCH_CAP];
    this.requestPtr = i32[stateWord + REQUEST_PTR];
    this.requestCap = i32[stateWord + REQUEST_CAP];
  },

  reserveInput(bytes) {
    this.module._mqttw_reserve_input(bytes);
    this.readAddresses();
  },

  reserveRequest(bytes, words) {
    this.module._mqttw_reserve_request(bytes, words);
    this.readAddresses();
  },

  // Returns the encoder's buffers to their first sizes after a large packet.
  shrinkRequest() {
    this.module._mqttw_shrink_request();
    this.readAddresses();
  },

  // The reason of the last failed push or encode.
  errorReason() {
    this.module._mqttw_error_reason();
    this.refresh();
    const i32 = this.i32;
    return utf8(this.u8, i32[stateWord + REASON_PTR], i32[stateWord + REASON_LEN]);
  },
};
