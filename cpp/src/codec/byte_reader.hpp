// Bounds-checked reading of MQTT data types (section 1.5) from one packet body.
// Every read that would run past the end fails instead, and the first failure is
// kept as the reader's problem. Internal to the codec.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "mqttw/codec/packet.hpp"

namespace mqttw::detail {

class byte_reader {
 public:
  explicit byte_reader(bytes_view data) : data_(data) {}

  std::size_t remaining() const { return data_.size() - pos_; }
  bool ok() const { return problem_.empty(); }
  const std::string& problem() const { return problem_; }

  // Not inlined: each read that can fail would otherwise carry the string code.
  [[gnu::noinline]] bool fail(std::string_view problem) {
    if (problem_.empty()) problem_ = problem;
    pos_ = data_.size();
    return false;
  }

  bool u8(std::uint8_t& out, std::string_view field) {
    if (remaining() < 1) return ends_early(field);
    out = data_[pos_++];
    return true;
  }

  bool u16(std::uint16_t& out, std::string_view field) {
    if (remaining() < 2) return ends_early(field);
    out = static_cast<std::uint16_t>(data_[pos_] << 8 | data_[pos_ + 1]);
    pos_ += 2;
    return true;
  }

  bool u32(std::uint32_t& out, std::string_view field) {
    if (remaining() < 4) return ends_early(field);
    out = static_cast<std::uint32_t>(data_[pos_]) << 24 | static_cast<std::uint32_t>(data_[pos_ + 1]) << 16 |
          static_cast<std::uint32_t>(data_[pos_ + 2]) << 8 | data_[pos_ + 3];
    pos_ += 4;
    return true;
  }

  // Variable Byte Integer: at most 4 bytes, in its shortest form [MQTT-1.5.5-1].
  bool varint(std::uint32_t& out, std::string_view field) {
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      if (remaining() < 1) return ends_early(field);
      const std::uint8_t byte = data_[pos_++];
      value |= static_cast<std::uint32_t>(byte & 0x7F) << (7 * i);
      if ((byte & 0x80) == 0) {
        if (i > 0 && byte == 0) {
          return fail(std::string(field) + " is not in its shortest form [MQTT-1.5.5-1]");
        }
        out = value;
        return true;
      }
    }
    return fail(std::string(field) + " is longer than 4 bytes (section 1.5.5)");
  }

  // A UTF-8 string's bytes; their encoding is checked later by validate().
  bool string(std::string_view& out, std::string_view field) {
    bytes_view bytes;
    if (!binary(bytes, field)) return false;
    out = {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
    return true;
  }

  bool binary(bytes_view& out, std::string_view field) {
    std::uint16_t length = 0;
    if (!u16(length, field)) return false;
    if (remaining() < length) return overruns(field, length);
    out = data_.subspan(pos_, length);
    pos_ += length;
    return true;
  }

  // The next `count` bytes, as a reader of their own.
  bool sub(std::size_t count, byte_reader& out, std::string_view field) {
    if (remaining() < count) return overruns(field, count);
    out = byte_reader(data_.subspan(pos_, count));
    pos_ += count;
    return true;
  }

  bytes_view rest() {
    bytes_view out = data_.subspan(pos_);
    pos_ = data_.size();
    return out;
  }

 private:
  // The failure paths build messages; kept out of line so the reads stay small.
  [[gnu::noinline]] bool ends_early(std::string_view field) {
    return fail("packet ends before its " + std::string(field));
  }
  [[gnu::noinline]] bool overruns(std::string_view field, std::size_t length) {
    const std::size_t over = length - remaining();
    return fail(std::string(field) + " of " + std::to_string(length) + " bytes overruns the packet by " +
                std::to_string(over) + (over == 1 ? " byte" : " bytes"));
  }

  bytes_view data_;
  std::size_t pos_ = 0;
  std::string problem_;
};

}  // namespace mqttw::detail
