// libFuzzer target for the streaming decoder.
//
// Input: [mode byte] [chunking byte] [bytes to decode...]
//   mode bits 0-1: protocol (0 from CONNECT, 1 = 3.1, 2 = 3.1.1, 3 = 5.0)
//   mode bit 2:    a small max_packet_size (64 + 97 * (mode >> 3)) instead of the protocol's
//   chunking:      0 = one byte at a time, otherwise chunk sizes cycle through
//                  1 .. chunking (so every fuzz input also tries many cuttings)
//
// Checked, beyond "no crash and no sanitizer report":
//   1. one chunk and the chosen chunking give the same packets and the same error;
//   2. every packet the decoder accepts encodes (with the level it was decoded with)
//      and decodes back to the same packet: the encoder and decoder agree;
//   3. after an error, push keeps failing and appends nothing; after reset() the
//      decoder works again;
//   4. with external payloads (minimum 1 + (chunking >> 5) bytes) and the same
//      chunking, taking each payload from the stream, the packets and the error are
//      the same again.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "../cpp/packet_equal.hpp"
#include "mqttw/codec/decoder.hpp"
#include "mqttw/codec/encoder.hpp"

using namespace mqttw;

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "fuzz_decoder: %s %s\n", what, detail.c_str());
  std::abort();
}

decoder_options options_from(std::uint8_t mode) {
  decoder_options options;
  switch (mode & 3) {
    case 1: options.version = protocol_version::v31; break;
    case 2: options.version = protocol_version::v311; break;
    case 3: options.version = protocol_version::v5; break;
    default: break;
  }
  if (mode & 4) options.max_packet_size = 64 + 97u * (mode >> 3);
  return options;
}

// Encodes `p` and decodes it again with a fresh decoder of the same level.
void check_round_trip(const packet& p, protocol_version version) {
  std::vector<std::uint8_t> wire;
  const error err = encode(p, version, wire);
  if (err) {
    // The one rule that binds only the sender: a 3.1.1 client must not send an empty
    // client id without a clean session; a server answers it with CONNACK 0x02.
    if (err.code == reason_code::client_identifier_not_valid) return;
    fail("the encoder refused a packet the decoder accepted:", err.reason);
  }
  decoder again({.version = version});
  std::vector<packet> out;
  if (const error& e = again.push(wire, out)) fail("re-decoding failed:", e.reason);
  if (out.size() != 1 || again.buffered() != 0) fail("re-decoding gave the wrong number of packets");
  if (!test::same(out[0], p)) fail("the round trip changed the packet");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint8_t mode = data[0];
  const std::uint8_t chunking = data[1];
  const bytes_view input(data + 2, size - 2);
  const decoder_options options = options_from(mode);

  // The reference: everything in one push. Its views point into `input`.
  decoder whole(options);
  std::vector<packet> expected;
  const error whole_error = whole.push(input, expected);

  protocol_version version = options.version.value_or(protocol_version::v311);
  bool version_known = options.version.has_value();
  for (const packet& p : expected) {
    if (const auto* connect = std::get_if<connect_packet>(&p); connect && !version_known) {
      version = connect->version;
      version_known = true;
    }
    check_round_trip(p, version);
  }

  // The same bytes in chunks; each batch is compared before the next push.
  decoder chunked(options);
  std::vector<packet> batch;
  std::size_t next = 0;
  std::size_t offset = 0;
  std::size_t step = 0;
  error chunked_error;
  while (offset < input.size()) {
    const std::size_t length = chunking == 0 ? 1 : 1 + (step++ % chunking);
    const bytes_view chunk = input.subspan(offset, std::min(length, input.size() - offset));
    offset += chunk.size();
    batch.clear();
    chunked_error = chunked.push(chunk, batch);
    for (const packet& p : batch) {
      if (next >= expected.size()) fail("chunked decoding gave more packets");
      if (!test::same(p, expected[next])) fail("chunked decoding gave a different packet");
      ++next;
    }
  }
  if (next != expected.size()) fail("chunked decoding gave fewer packets");
  if (chunked_error.code != whole_error.code) fail("chunked decoding ended with another error:", chunked_error.reason);
  if (!whole_error && chunked.buffered() != whole.buffered()) fail("different bytes left buffered");

  // External payloads: the caller takes them from the stream and pushes what follows.
  decoder_options external_options = options;
  external_options.external_payload_min = 1 + (chunking >> 5);
  decoder external(external_options);
  next = 0;
  offset = 0;
  step = 0;
  error external_error;
  while (offset < input.size() && !external_error) {
    const std::size_t length = chunking == 0 ? 1 : 1 + (step++ % chunking);
    const bytes_view chunk = input.subspan(offset, std::min(length, input.size() - offset));
    batch.clear();
    external_error = external.push(chunk, batch);
    const std::size_t payload = external.external_payload();
    if (payload > 0) {
      if (batch.empty() || !std::holds_alternative<publish_packet>(batch.back())) fail("an external payload without a PUBLISH");
      if (offset + external.consumed() + payload > input.size()) {
        // The stream ends inside the payload: the whole decoder holds the packet.
        if (next + batch.size() != expected.size() + 1) fail("external decoding gave a different number of packets");
        batch.pop_back();
      } else {
        std::get<publish_packet>(batch.back()).payload = input.subspan(offset + external.consumed(), payload);
      }
      offset += external.consumed() + payload;
    } else {
      offset += chunk.size();
    }
    for (const packet& p : batch) {
      if (next >= expected.size()) fail("external decoding gave more packets");
      if (!test::same(p, expected[next])) fail("external decoding gave a different packet");
      ++next;
    }
  }
  if (next != expected.size()) fail("external decoding gave fewer packets");
  // A bad head is found before the payload arrives, so an incomplete last packet may
  // fail here and not (yet) in the whole decoder.
  const bool found_sooner = external_error && !whole_error && whole.buffered() > 0;
  if (external_error.code != whole_error.code && !found_sooner) {
    fail("external decoding ended with another error:", external_error.reason);
  }

  // Sticky errors, then reset.
  if (whole_error) {
    batch.clear();
    const std::uint8_t pingreq[] = {0xC0, 0x00};
    if (!whole.push(pingreq, batch) || !batch.empty()) fail("an error did not stick");
    whole.reset();
    if (whole.push(pingreq, batch) || batch.size() != 1) fail("reset() did not recover the decoder");
  }
  return 0;
}
