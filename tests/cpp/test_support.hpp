// Helpers shared by the Catch2 suites: byte fixtures written as commented hex, and
// short ways to decode and encode.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mqttw/codec/decoder.hpp"
#include "mqttw/codec/encoder.hpp"

namespace mqttw::test {

using bytes = std::vector<std::uint8_t>;

inline constexpr protocol_version v5 = protocol_version::v5;
inline constexpr protocol_version v311 = protocol_version::v311;

// A CONNECT with the common fields; tests add the rest.
inline connect_packet connect_v(protocol_version v, std::string_view id = "c", bool clean = true,
                                std::uint16_t keep_alive = 0, properties props = {}) {
  connect_packet p{};
  p.version = v;
  p.client_id = id;
  p.clean_start = clean;
  p.keep_alive = keep_alive;
  p.props = std::move(props);
  return p;
}

// Parses hex pairs; everything else (spaces, commas, line breaks, and comments that
// run from "//" to the end of the line) is ignored, so fixtures can be annotated
// byte by byte.
inline bytes hex(std::string_view text) {
  bytes out;
  int high = -1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    int value;
    if (c >= '0' && c <= '9') value = c - '0';
    else if (c >= 'a' && c <= 'f') value = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') value = c - 'A' + 10;
    else continue;
    if (high < 0) {
      high = value;
    } else {
      out.push_back(static_cast<std::uint8_t>(high << 4 | value));
      high = -1;
    }
  }
  REQUIRE(high < 0);
  return out;
}

inline bytes text_bytes(std::string_view s) { return bytes(s.begin(), s.end()); }

inline bytes_view view(const bytes& b) { return bytes_view(b.data(), b.size()); }

inline bytes_view view(std::string_view s) {
  return bytes_view(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

inline std::string as_text(bytes_view b) { return std::string(b.begin(), b.end()); }

// Decodes `input` as one chunk. Fails the test if decoding fails.
inline std::vector<packet> decode_all(const bytes& input, protocol_version version) {
  decoder d({.version = version});
  std::vector<packet> out;
  const error& err = d.push(view(input), out);
  INFO(err.reason);
  REQUIRE_FALSE(err);
  REQUIRE(d.buffered() == 0);
  return out;
}

// Decodes `input` and returns the error it must produce.
// Decodes `wire` as a chunk holding exactly one packet of type T. Its views point into
// `wire`, which the caller keeps.
template <class T>
T decode_one(const bytes& wire, protocol_version version) {
  auto packets = decode_all(wire, version);
  REQUIRE(packets.size() == 1);
  REQUIRE(std::holds_alternative<T>(packets[0]));
  return std::get<T>(packets[0]);
}

inline error decode_error(const bytes& input, protocol_version version) {
  decoder d({.version = version});
  std::vector<packet> out;
  return d.push(view(input), out);
}

inline bytes encode_ok(const packet& p, protocol_version version) {
  bytes out;
  const error err = encode(p, version, out);
  INFO(err.reason);
  REQUIRE_FALSE(err);
  return out;
}

// A request's bytes for the client (which takes packets as bytes and checks them
// itself): written without the codec's checks, so that a test can hand it anything,
// and with a packet id of 1 where the packet needs one and has none (the client
// chooses its own).
inline bytes request_bytes(packet p, protocol_version version) {
  std::visit(
      [](auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, publish_packet>) {
          if (body.qos != qos::at_most_once && body.packet_id == 0) body.packet_id = 1;
        } else if constexpr (std::is_same_v<T, subscribe_packet> || std::is_same_v<T, unsubscribe_packet>) {
          if (body.packet_id == 0) body.packet_id = 1;
        }
      },
      p);
  bytes out;
  const error err = encode_unchecked(p, version, out);
  INFO(err.reason);
  REQUIRE_FALSE(err);
  return out;
}

inline error encode_error(const packet& p, protocol_version version) {
  bytes out;
  error err = encode(p, version, out);
  CHECK(out.empty());
  return err;
}

}  // namespace mqttw::test

// Reason codes print as "0x82 Protocol Error" in failed checks.
template <>
struct Catch::StringMaker<mqttw::reason_code> {
  static std::string convert(mqttw::reason_code code) {
    return mqttw::reason_code_hex(code) + " " + std::string(mqttw::reason_code_name(code));
  }
};
