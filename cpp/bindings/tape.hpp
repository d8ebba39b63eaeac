// The tape: packets as a flat run of 32-bit words, the one format that crosses the
// JS/wasm boundary in both directions (see DESIGN.md, "batched boundary").
// js/wasm/tape.js reads and writes the same layout; change both together.
//
// Strings and binary data are written as two words, the wasm address of the first
// byte and the length. A properties block is [count, entries...], and each entry is
// the property identifier followed by its value: one word for numbers, address and
// length for a string or binary, name address, name length, value address and value
// length for a User Property.
//
// Each packet starts with the word `type | version << 8`, then:
//   CONNECT      flags, will qos, keep alive, client id(2), user name(2), password(2),
//                properties, and when flags has `has_will`: will topic(2),
//                will payload(2), will properties.
//                version carries 0x80 for a bridge; flags are connect_flag bits.
//   CONNACK      session present, reason code, properties
//   PUBLISH      dup<<3 | qos<<1 | retain, packet id, topic(2), topic id, payload(2),
//                properties
//   PUBACK..PUBCOMP  packet id, reason code, properties
//   SUBSCRIBE    packet id, properties, count, count x (filter(2), options byte)
//   SUBACK       packet id, properties, count, count x reason code
//   UNSUBSCRIBE  packet id, properties, count, count x filter(2)
//   UNSUBACK     packet id, properties, count, count x reason code
//   PINGREQ, PINGRESP  nothing more
//   DISCONNECT   reason code, properties
//   AUTH         reason code, properties
//
// The topic id of a decoded PUBLISH names the topic in the decoder's topic cache:
// -1 for none, `id` for a topic JS has seen, `id | topic_id_new` the first time.
// Written by JS for the encoder, it is ignored.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mqttw/codec/packet.hpp"
#include "topic_cache.hpp"

namespace mqttw::binding {

enum connect_flag : std::int32_t {
  clean_start = 1,
  has_will = 2,
  will_retain = 4,
  has_username = 8,
  has_password = 16,
};

inline constexpr std::int32_t topic_id_new = 1 << 30;

// Appends packets to a tape. The strings stay where the packet's views point.
class tape_writer {
 public:
  explicit tape_writer(std::vector<std::int32_t>& words) : tape_(words) {}
  void write(const packet& p, protocol_version version, topic_cache* topics);
  // Words written so far. The vector itself is larger: it keeps its room.
  std::size_t size() const;

 private:
  // Words are written through a pointer into room made per packet (`room`), since
  // this runs for every packet decoded.
  void room(std::size_t words);
  void word(std::int32_t value) { *at_++ = value; }
  void bytes(const void* data, std::size_t size);
  void text(std::string_view s) { bytes(s.data(), s.size()); }
  void properties(const mqttw::properties& props);

  std::vector<std::int32_t>& tape_;
  std::int32_t* at_ = nullptr;
};

// Reads one packet from a tape written by JS. The views point into the wasm memory
// the tape names. Returns false, with `problem` set, when the tape is not well formed.
class tape_reader {
 public:
  tape_reader(const std::int32_t* words, std::size_t count) : w_(words), end_(words + count) {}
  bool read(packet& out, protocol_version& version);
  const std::string& problem() const { return problem_; }

 private:
  bool word(std::int32_t& out);
  bool ranged(std::int32_t& out, std::int32_t max, const char* what);
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
