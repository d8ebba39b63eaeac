// The MQTT data types of section 1.5 that need more than a byte or two.
#include "internal.hpp"

namespace mqttw::wire::detail {

varint_result take_varint(const std::uint8_t*& at, const std::uint8_t* end, std::uint32_t& value) {
  const std::uint8_t* p = at;
  std::uint32_t sum = 0;
  for (unsigned shift = 0; shift < 28; shift += 7) {
    if (p == end) return varint_result::incomplete;
    const std::uint8_t byte = *p++;
    sum |= static_cast<std::uint32_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      if (shift > 0 && byte == 0) return varint_result::not_shortest;  // [MQTT-1.5.5-1]
      value = sum;
      at = p;
      return varint_result::ok;
    }
  }
  return varint_result::too_long;
}

bool take_prefixed(const std::uint8_t*& at, const std::uint8_t* end, bytes_view& out) {
  if (end - at < 2) return false;
  const std::size_t length = static_cast<std::size_t>(at[0] << 8 | at[1]);
  if (static_cast<std::size_t>(end - at - 2) < length) return false;
  out = bytes_view(at + 2, length);
  at += 2 + length;
  return true;
}

}  // namespace mqttw::wire::detail
