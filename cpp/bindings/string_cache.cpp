#include "string_cache.hpp"

#include "mqttw/text_hash.hpp"

namespace mqttw::binding {

namespace {

constexpr std::size_t slot_count = string_cache::max_strings * 2;  // load factor <= 1/2

}  // namespace

string_cache::string_cache() : slots_(slot_count, -1) {}

std::int32_t string_cache::lookup(std::string_view s, bool& added) {
  added = false;
  if (s.size() > max_length) return -1;
  std::size_t slot = text_hash(s) & (slot_count - 1);
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
