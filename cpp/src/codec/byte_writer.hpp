// Writing MQTT data types (section 1.5). `byte_counter` has the same interface and
// only counts, so one function can first size a packet and then write it.
// Internal to the codec; values are checked by validate() before they get here.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "mqttw/codec/packet.hpp"

namespace mqttw::detail {

inline std::size_t varint_size(std::uint32_t value) {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : 4;
}

class byte_counter {
 public:
  std::size_t size = 0;
  void u8(std::uint8_t) { size += 1; }
  void u16(std::uint16_t) { size += 2; }
  void u32(std::uint32_t) { size += 4; }
  void varint(std::uint32_t value) { size += varint_size(value); }
  void raw(bytes_view bytes) { size += bytes.size(); }
  void string(std::string_view text) { size += 2 + text.size(); }
  void binary(bytes_view bytes) { size += 2 + bytes.size(); }
};

class byte_writer {
 public:
  explicit byte_writer(std::uint8_t* out) : out_(out) {}
  void u8(std::uint8_t value) { *out_++ = value; }
  void u16(std::uint16_t value) {
    out_[0] = static_cast<std::uint8_t>(value >> 8);
    out_[1] = static_cast<std::uint8_t>(value);
    out_ += 2;
  }
  void u32(std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) *out_++ = static_cast<std::uint8_t>(value >> shift);
  }
  // Shortest form [MQTT-1.5.5-1].
  void varint(std::uint32_t value) {
    do {
      std::uint8_t byte = value & 0x7F;
      value >>= 7;
      if (value) byte |= 0x80;
      *out_++ = byte;
    } while (value);
  }
  void raw(bytes_view bytes) {
    if (!bytes.empty()) __builtin_memcpy(out_, bytes.data(), bytes.size());
    out_ += bytes.size();
  }
  void string(std::string_view text) {
    raw({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}, true);
  }
  void binary(bytes_view bytes) { raw(bytes, true); }

 private:
  void raw(bytes_view bytes, bool with_length) {
    if (with_length) u16(static_cast<std::uint16_t>(bytes.size()));
    raw(bytes);
  }
  std::uint8_t* out_;
};

}  // namespace mqttw::detail
