// The one place that knows how JS and the wasm codec share memory (see
// cpp/bindings/codec_api.cpp, `io_state`). Everything crosses as bytes in wasm memory
// plus a tape of 32-bit words (cpp/bindings/tape.hpp).
import { wasmModule as M } from './module.js';

// Word indexes of io_state; keep in step with codec_api.cpp.
const INPUT_PTR = 0;
const INPUT_CAP = 1;
const TAPE_PTR = 2;
const TAPE_WORDS = 3;
const ERROR_CODE = 4;
const SCRATCH_PTR = 5;
const SCRATCH_CAP = 6;
const REQUEST_PTR = 7;
const REQUEST_CAP = 8;
const OUTPUT_PTR = 9;
const OUTPUT_LEN = 10;

const stateWord = M._ioState() >> 2;

export const boundary = {
  module: M,
  u8: M.HEAPU8,
  i32: M.HEAP32,

  // Wasm memory may grow during any call that allocates; its old views then read
  // zeros. Call this after such a call.
  refresh() {
    this.u8 = M.HEAPU8;
    this.i32 = M.HEAP32;
  },

  word(index) {
    return this.i32[stateWord + index];
  },

  get inputPtr() { return this.word(INPUT_PTR); },
  get inputCap() { return this.word(INPUT_CAP); },
  get tapePtr() { return this.word(TAPE_PTR); },
  get tapeWords() { return this.word(TAPE_WORDS); },
  get errorCode() { return this.word(ERROR_CODE); },
  get scratchPtr() { return this.word(SCRATCH_PTR); },
  get scratchCap() { return this.word(SCRATCH_CAP); },
  get requestPtr() { return this.word(REQUEST_PTR); },
  get requestCap() { return this.word(REQUEST_CAP); },
  get outputPtr() { return this.word(OUTPUT_PTR); },
  get outputLen() { return this.word(OUTPUT_LEN); },

  reserveInput(bytes) {
    M._reserveInput(bytes);
    this.refresh();
  },

  reserveRequest(bytes, words) {
    M._reserveRequest(bytes, words);
    this.refresh();
  },

  errorReason() {
    return M._errorReason();
  },
};
