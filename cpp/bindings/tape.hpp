// The tape: packets as a flat run of 32-bit words, the one format that crosses the
// JS/wasm boundary in both directions (see DESIGN.md, "batched boundary").
// js/wasm/tape.js reads and writes the same layout; change both together.
//
// A string is three words: the wasm address of its first byte, its length, and its
// id in the decoder's string cache (string_cache.hpp): -1 for none, `id` for a
// string JS has seen, `id | string_id_new` the first time. JS writes -1, and the
// encoder ignores it. Binary data is two words: address and length.
// A properties block is [count, entries...], and each entry is the property
// identifier followed by its value: one word for numbers, a string, binary data, or
// two strings (name, value) for a User Property.
//
// Each packet starts with the word `type | version << 8`, then:
//   CONNECT      flags, will qos, keep alive, client id(3), user name(3), password(2),
//                properties, and when flags has `has_will`: will topic(3),
//                will payload(2), will properties.
//                version carries 0x80 for a bridge; flags are connect_flag bits.
//   CONNACK      session present, reason code, properties
//   PUBLISH      dup<<3 | qos<<1 | retain, packet id, topic(3), payload(2), properties
//   PUBACK..PUBCOMP  packet id, reason code, properties
//   SUBSCRIBE    packet id, properties, count, count x (filter(3), options byte)
//   SUBACK       packet id, properties, count, count x reason code
//   UNSUBSCRIBE  packet id, properties, count, count x filter(3)
//   UNSUBACK     packet id, properties, count, count x reason code
//   PINGREQ, PINGRESP  nothing more
//   DISCONNECT   reason code, properties
//   AUTH         reason code, properties
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mqttw/codec/packet.hpp"
#include "string_cache.hpp"

namespace mqttw::binding {

enum connect_flag : std::int32_t {
  clean_start = 1,
  has_will = 2,
  will_retain = 4,
  has_username = 8,
  has_password = 16,
};

inline constexpr std::int32_t string_id_new = 1 << 30;

// Appends packets to a tape. The strings stay where the packet's views point.
class tape_writer {
 public:
  tape_writer(std::vector<std::int32_t>& words, string_cache& strings) : tape_(words), strings_(strings) {}
  void write(const packet& p, protocol_version version);
  // Words written so far. The vector itself is larger: it keeps its room.
  std::size_t size() const;

 private:
  // Words are written through a pointer into room made per packet (`room`), since
  // this runs for every packet decoded.
  void room(std::size_t words);
  void word(std::int32_t value) { *at_++ = value; }
  void bytes(const void* data, std::size_t size);
  void text(std::string_view s);
  void properties(const mqttw::properties& props);

  std::vector<std::int32_t>& tape_;
  string_cache& strings_;
  std::int32_t* at_ = nullptr;
};

// Reads one packet from a tape written by JS into `out`, reusing the lists `out`
// already has when it holds the same packet type. The views point into the wasm
// memory the tape names. Returns false, with `problem` set, when the tape is not
// well formed.
class tape_reader {
 public:
  tape_reader(const std::int32_t* words, std::size_t count) : w_(words), end_(words + count) {}
  bool read(packet& out, protocol_version& version);
  const std::string& problem() const { return problem_; }

 private:
  bool word(std::int32_t& out);
  bool ranged(std::int32_t& out, std::int32_t max, const char* what);
  [[gnu::noinline]] bool fail(std::string_view problem);
  [[gnu::noinline]] bool out_of_range(std::int32_t value, std::int32_t max, const char* what);
  bool text(std::string_view& out);
  bool bytes(bytes_view& out);
  bool properties(mqttw::properties& out);
  template <class Body>
  bool body(Body& out, std::int32_t version_word);

  const std::int32_t* w_;
  const std::int32_t* end_;
  std::string problem_;
};

}  // namespace mqttw::binding
