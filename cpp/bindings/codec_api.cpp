// The codec's wasm boundary, wrapped by js/codec.js. Addresses cross as integers;
// data crosses through the tape (tape.hpp) and the buffers described by `io_state`,
// so a push (per window of the chunk, docs/ARCHITECTURE.md) or an encode is one call.
//
// Every entry point is a plain C export, `mqttw_` names: an Embind call cost about
// 65 ns against a few for a plain export (bench/boundary.js), and Embind's JS runtime
// weighed more in a browser bundle than the rest of the module's JS glue.
#include <emscripten.h>

#include <memory>
#include <string>
#include <vector>

#include "mqttw/codec/decoder.hpp"
#include "mqttw/codec/encoder.hpp"
#include "tape.hpp"
#include "wasm_words.hpp"

namespace mqttw::binding {

namespace {

// Where JS finds the buffers. JS reads it as Int32 words at `_ioState()`; the field
// order is part of the contract with js/wasm/boundary.js.
struct io_state {
  std::int32_t input_ptr;     // 0: bytes to decode are copied here
  std::int32_t input_cap;     // 1
  std::int32_t tape_ptr;      // 2: the tape of the last push (decode output)
  std::int32_t tape_words;    // 3
  std::int32_t error_code;    // 4: reason code of the last failure, 0 for none
  std::int32_t scratch_ptr;   // 5: bytes JS writes for the encoder
  std::int32_t scratch_cap;   // 6
  std::int32_t request_ptr;   // 7: the tape JS writes for the encoder
  std::int32_t request_cap;   // 8 (words)
  std::int32_t output_ptr;    // 9: the bytes of the last encode
  std::int32_t output_len;    // 10
  // After a push that stopped at a PUBLISH whose payload JS takes from its own bytes
  // (decoder::external_payload): the payload's size, else 0; the input bytes read;
  // and the packet's bytes before the payload.
  std::int32_t external_size;  // 11
  std::int32_t consumed;       // 12
  std::int32_t external_head;  // 13
  // The reason of the last failure, UTF-8, set by mqttw_error_reason().
  std::int32_t reason_ptr;     // 14
  std::int32_t reason_len;     // 15
};

struct codec_context {
  io_state io{};
  std::vector<std::uint8_t> input;
  std::vector<std::int32_t> tape;
  std::vector<std::uint8_t> scratch;
  std::vector<std::int32_t> request;
  std::vector<std::uint8_t> output;
  std::vector<packet> packets;
  packet request_packet{std::in_place_type<pingreq_packet>};  // reused by every encode
  std::string error_reason;

  void publish_addresses() {
    io.input_ptr = address(input.data());
    io.input_cap = static_cast<std::int32_t>(input.size());
    io.scratch_ptr = address(scratch.data());
    io.scratch_cap = static_cast<std::int32_t>(scratch.size());
    io.request_ptr = address(request.data());
    io.request_cap = static_cast<std::int32_t>(request.size());
  }

  void set_error(const error& err) {
    io.error_code = static_cast<std::int32_t>(err.code);
    error_reason = err.reason;
  }

};

constexpr std::size_t initial_input = 64 * 1024;
constexpr std::size_t initial_scratch = 4 * 1024;
constexpr std::size_t initial_request = 1024;  // words

codec_context& context() {
  static codec_context* ctx = [] {
    auto* c = new codec_context();
    c->input.resize(initial_input);
    c->scratch.resize(initial_scratch);
    c->request.resize(initial_request);
    c->publish_addresses();
    return c;
  }();
  return *ctx;
}

// Gives back a buffer that a large packet grew, keeping `size` bytes.
template <class T>
void shrink(std::vector<T>& buffer, std::size_t size) {
  if (buffer.capacity() > size) std::vector<T>(size).swap(buffer);
}

struct decoder_handle {
  decoder codec;
  string_cache strings;
  explicit decoder_handle(decoder_options options) : codec(options) {}
};

decoder_handle* handle(std::uint32_t h) { return &from_handle<decoder_handle>(h); }

}  // namespace

// The address of io_state, which never moves.
extern "C" EMSCRIPTEN_KEEPALIVE std::uint32_t mqttw_io_state() {
  return static_cast<std::uint32_t>(address(&context().io));
}

// Grows the input buffer to at least `size` bytes. Addresses in io_state change.
extern "C" EMSCRIPTEN_KEEPALIVE void mqttw_reserve_input(std::uint32_t size) {
  codec_context& c = context();
  if (c.input.size() < size) c.input.resize(size);
  c.publish_addresses();
}

// Grows the encoder's scratch bytes and request tape. Addresses in io_state change.
extern "C" EMSCRIPTEN_KEEPALIVE void mqttw_reserve_request(std::uint32_t bytes, std::uint32_t words) {
  codec_context& c = context();
  if (c.scratch.size() < bytes) c.scratch.resize(bytes);
  if (c.request.size() < words) c.request.resize(words);
  c.publish_addresses();
}

// After a large packet: the encoder's buffers go back to their first sizes, so that
// one big message does not keep its memory for good. Addresses in io_state change.
extern "C" EMSCRIPTEN_KEEPALIVE void mqttw_shrink_request() {
  codec_context& c = context();
  shrink(c.scratch, initial_scratch);
  shrink(c.request, initial_request);
  shrink(c.output, 0);
  c.publish_addresses();
}

// version 0 means "take it from the CONNECT". A PUBLISH payload of at least
// `external_payload_min` bytes (0: none) stays in JS and never enters wasm memory.
extern "C" EMSCRIPTEN_KEEPALIVE std::uint32_t mqttw_decoder_new(std::uint32_t version, std::uint32_t max_packet_size,
                                                               std::uint32_t external_payload_min) {
  decoder_options options;
  if (version != 0) options.version = static_cast<protocol_version>(version);
  options.max_packet_size = max_packet_size;
  options.external_payload_min = external_payload_min;
  return to_handle(new decoder_handle(options));
}

extern "C" EMSCRIPTEN_KEEPALIVE void mqttw_decoder_free(std::uint32_t h) { delete handle(h); }

extern "C" EMSCRIPTEN_KEEPALIVE void mqttw_decoder_reset(std::uint32_t h) { handle(h)->codec.reset(); }

extern "C" EMSCRIPTEN_KEEPALIVE std::uint32_t mqttw_decoder_version(std::uint32_t h) {
  return static_cast<std::uint32_t>(handle(h)->codec.version());
}

extern "C" EMSCRIPTEN_KEEPALIVE std::uint32_t mqttw_decoder_buffered(std::uint32_t h) {
  return static_cast<std::uint32_t>(handle(h)->codec.buffered());
}

// Puts the reason of the last failure at io.reason_ptr, io.reason_len bytes.
extern "C" EMSCRIPTEN_KEEPALIVE void mqttw_error_reason() {
  codec_context& c = context();
  c.io.reason_ptr = address(c.error_reason.data());
  c.io.reason_len = static_cast<std::int32_t>(c.error_reason.size());
}

// Decodes `length` bytes from the input buffer. Returns the number of packets on the
// tape; io.error_code says whether decoding stopped at bad input.
extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_decoder_push(std::uint32_t h, std::uint32_t length) {
  codec_context& c = context();
  decoder_handle& d = *handle(h);
  c.packets.clear();
  protocol_version version = d.codec.version();
  bool version_known = d.codec.version_known();
  const error& err = d.codec.push(bytes_view(c.input.data(), length), c.packets);
  tape_writer writer(c.tape, d.strings);
  for (const packet& p : c.packets) {
    // Packets after the CONNECT that names the stream's level use that level.
    if (const auto* connect = std::get_if<connect_packet>(&p); connect && !version_known) {
      version = connect->version;
      version_known = true;
    }
    writer.write(p, version);
  }
  c.io.tape_ptr = address(c.tape.data());
  c.io.tape_words = static_cast<std::int32_t>(writer.size());
  c.io.external_size = static_cast<std::int32_t>(d.codec.external_payload());
  c.io.consumed = static_cast<std::int32_t>(d.codec.consumed());
  c.io.external_head = static_cast<std::int32_t>(d.codec.external_head());
  c.set_error(err);
  return static_cast<std::int32_t>(c.packets.size());
}

// Encodes the packet JS wrote on the request tape. Returns the encoded length, or -1
// with io.error_code and the reason set.
extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_encode(std::uint32_t words) {
  codec_context& c = context();
  tape_reader reader(c.request.data(), words);
  packet& p = c.request_packet;
  protocol_version version;
  if (!reader.read(p, version)) {
    c.set_error(make_error(reason_code::malformed_packet, "the packet could not be read: " + reader.problem()));
    return -1;
  }
  c.output.clear();
  if (auto err = encode(p, version, c.output)) {
    c.set_error(err);
    return -1;
  }
  c.io.error_code = 0;
  c.io.output_ptr = address(c.output.data());
  c.io.output_len = static_cast<std::int32_t>(c.output.size());
  return c.io.output_len;
}

}  // namespace mqttw::binding
