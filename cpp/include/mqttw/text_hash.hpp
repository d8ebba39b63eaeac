// A hash of short strings (topics, property texts) for the small open-addressing
// tables of the bindings' string cache and the client's outgoing Topic Aliases.
#pragma once

#include <cstdint>
#include <string_view>

namespace mqttw {

// FNV-1a: no division, and spread enough for tables of a few thousand slots.
inline std::uint32_t text_hash(std::string_view s) {
  std::uint32_t h = 2166136261u;
  for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

}  // namespace mqttw
