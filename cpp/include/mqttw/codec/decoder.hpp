// The streaming decoder: bytes in any chunking in, whole packets out.
//
//   mqttw::decoder d({.version = mqttw::protocol_version::v5});
//   std::vector<mqttw::packet> packets;
//   if (auto& err = d.push(bytes, packets)) { /* err.code, err.reason */ }
//
// `push` appends every packet the bytes complete. A packet split across calls is
// kept (only its bytes that have arrived: nothing is allocated by a declared length)
// until the rest comes. The declared size is checked against `max_packet_size`
// before any of the body is kept.
//
// Views in the returned packets point into `bytes` or into the decoder's buffer.
// They stay valid until the next `push` or `reset`, and those that point into
// `bytes` for as long as the caller keeps `bytes` unchanged.
//
// Errors are sticky, as in llhttp: after one, `push` decodes nothing more and
// returns the same error until `reset`. Packets completed before the bad one in the
// same call are still appended.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "mqttw/codec/limits.hpp"
#include "mqttw/codec/packet.hpp"
#include "mqttw/errors.hpp"

namespace mqttw {

struct decoder_options {
  // The protocol of the stream. Without one the decoder is what a broker needs: it
  // reads 3.1.1 until a CONNECT names its protocol level, then decodes the rest of
  // the stream with that level.
  std::optional<protocol_version> version;
  // The largest whole packet accepted, in bytes (fixed header included, as 5.0's
  // Maximum Packet Size counts). A bigger one fails with 0x95 Packet Too Large.
  std::uint32_t max_packet_size = max_packet_size_limit;
  // 0 (the default) turns this off. Otherwise a PUBLISH whose payload has at least
  // this many bytes is handed out as soon as its variable header has been read, with
  // an empty payload, and the push stops there: the payload's bytes are the caller's
  // to take from the stream (see `external_payload`). Bindings use this to keep large
  // payloads out of the decoder's memory altogether.
  std::uint32_t external_payload_min = 0;
};

class decoder {
 public:
  explicit decoder(decoder_options options = {});

  // Decodes what `bytes` completes and appends it to `out`. Returns the decoder's
  // error: success unless this call or an earlier one met bad input.
  const error& push(bytes_view bytes, std::vector<packet>& out);

  // Forgets buffered bytes and any error. The protocol level goes back to the one
  // given in the options (or to "read it from CONNECT").
  void reset();

  const error& last_error() const { return error_; }
  protocol_version version() const { return version_; }
  // False until a decoder made without a version has read a CONNECT.
  bool version_known() const { return version_known_; }
  // Bytes held for a packet that is not complete yet.
  std::size_t buffered() const { return pending_.size(); }

  // After a push that stopped at a PUBLISH with an external payload (the last packet
  // it appended): `external_payload()` is the payload's size, `external_head()` the
  // packet's bytes before it (fixed header included, some perhaps from earlier
  // pushes) and `consumed()` the bytes of this push's input that were read. The
  // payload is the next `external_payload()` bytes of the stream; push only what
  // follows them. After any other push, `consumed()` is the whole input and
  // `external_payload()` is 0.
  std::size_t consumed() const { return consumed_; }
  std::size_t external_payload() const { return external_; }
  std::size_t external_head() const { return external_head_; }

 private:
  bool take_packet(bytes_view whole, std::size_t header_size, std::vector<packet>& out);
  const error& fail(error err);
  const error* check_size(std::uint8_t first_byte, std::size_t total);
  // The bytes of the packet at the start of `held` to hold before it can be read (its
  // fixed header is known): all of them, or for a PUBLISH with an external payload
  // those before the payload. False when `held` is too short to tell; `take` is then
  // the least that must be held.
  bool bytes_to_take(bytes_view held, std::size_t header_size, std::uint32_t remaining, std::size_t& take) const;
  const error& stop_at_external(std::size_t head, std::size_t total, std::size_t consumed);

  decoder_options options_;
  protocol_version version_;
  bool version_known_;
  error error_;
  std::vector<std::uint8_t> pending_;    // an incomplete packet's bytes
  std::vector<std::uint8_t> completed_;  // the last packet completed from pending_
  std::size_t consumed_ = 0;
  std::size_t external_ = 0;
  std::size_t external_head_ = 0;
};

}  // namespace mqttw
