#include "string_cache.hpp"

namespace mqttw::binding {

namespace {

constexpr std::size_t slot_count = string_cache::max_strings * 2;  // load factor <= 1/2

// FNV-1a: short keys, no division, and good enough spread for a table this size.
std::uint32_t hash(std::string_view s) {
  std::uint32_t h = 2166136261u;
  for (const char c : s) h = (h ^ static_cast<std::uint8_t>(c)) * 16777619u;
  return h;
}

}  // namespace

string_cache::string_cache() : slots_(slot_count, -1) {}

std::int32_t string_cache::lookup(std::string_view s, bool& added) {
  added = false;
  if (s.size() > max_length) return -1;
  std::size_t slot = hash(s) & (slot_count - 1);
  while (slots_[slot] >= 0) {
    if (text(slots_[slot]) == s) return slots_[slot];
    slot = (slot + 1) & (slot_count - 1);
  }
  if (entries_.size() >= max_strings) return -1;
  const auto id = static_cast<std::int32_t>(entries_.size());
  entries_.push_back({static_cast<std::uint32_t>(bytes_.size()), static_cast<std::uint32_t>(s.size())});
  bytes_.insert(bytes_.end(), s.begin(), s.end());
  slots_[slot] = id;
  added = true;
  return id;
}

}  // namespace mqttw::binding
