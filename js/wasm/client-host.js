// The wasm module the client core (js/client/core.js) runs on: the first module loaded
// that has the client in it, the whole package's (module.js) or the client's own
// (client-module.js). The client shares nothing with the codec's boundary (boundary.js):
// its requests and packets cross as MQTT bytes in buffers of its own.
export const clientHost = {
  module: null,
  u8: null,
  i32: null,

  attach(M) {
    if (this.module !== null) return;
    this.module = M;
    this.u8 = M.HEAPU8;
    this.i32 = M.HEAP32;
  },

  // Wasm memory may grow during any call that allocates, and the old views then see a
  // detached buffer of length 0: call this after such a call.
  refresh() {
    if (this.u8.length === 0) {
      this.u8 = this.module.HEAPU8;
      this.i32 = this.module.HEAP32;
    }
  },
};
