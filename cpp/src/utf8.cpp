#include "mqttw/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace mqttw {

const char* utf8_problem(std::string_view text) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto* end = p + text.size();
  // Most MQTT strings are plain ASCII: skip those bytes quickly (1..0x7F is one
  // unsigned compare), then check whatever follows the long way.
  while (end - p >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    if ((word & 0x8080808080808080ull) || ((word - 0x0101010101010101ull) & ~word & 0x8080808080808080ull)) break;
    p += 8;
  }
  while (p < end && static_cast<std::uint8_t>(*p - 1) < 0x7F) ++p;
  while (p < end) {
    // Fast path: eight ASCII bytes with no NUL among them.
    if (end - p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, 8);
      const bool ascii = (word & 0x8080808080808080ull) == 0;
      const bool has_zero = ((word - 0x0101010101010101ull) & ~word & 0x8080808080808080ull) != 0;
      if (ascii && !has_zero) {
        p += 8;
        continue;
      }
    }
    const std::uint8_t b0 = *p;
    if (b0 < 0x80) {
      if (b0 == 0) return "contains U+0000 [MQTT-1.5.4-2]";
      ++p;
      continue;
    }
    std::size_t need;
    std::uint32_t cp;
    std::uint32_t min;
    if ((b0 & 0xE0) == 0xC0) {
      need = 1, cp = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
      need = 2, cp = b0 & 0x0F, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
      need = 3, cp = b0 & 0x07, min = 0x10000;
    } else {
      return "is not well-formed UTF-8: invalid lead byte [MQTT-1.5.4-1]";
    }
    if (static_cast<std::size_t>(end - p) <= need) {
      return "is not well-formed UTF-8: truncated sequence [MQTT-1.5.4-1]";
    }
    for (std::size_t i = 1; i <= need; ++i) {
      if ((p[i] & 0xC0) != 0x80) {
        return "is not well-formed UTF-8: missing continuation byte [MQTT-1.5.4-1]";
      }
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min) return "is not well-formed UTF-8: overlong encoding [MQTT-1.5.4-1]";
    if (cp > 0x10FFFF) return "is not well-formed UTF-8: code point above U+10FFFF [MQTT-1.5.4-1]";
    if (cp >= 0xD800 && cp <= 0xDFFF) {
      return "contains a UTF-16 surrogate code point [MQTT-1.5.4-1]";
    }
    p += need + 1;
  }
  return nullptr;
}

}  // namespace mqttw
