#include "string_cache.hpp"

#include "mqttw/text_hash.hpp"

namespace mqttw::binding {

namespace {

// The slot table starts small and doubles, keeping the load factor <= 1/2: a decoder
// that sees a few strings (most) costs a few hundred bytes, not the full table's 32 KiB.
constexpr std::size_t first_slots = 64;
constexpr std::size_t most_slots = string_cache::max_strings * 2;

}  // namespace

string_cache::string_cache() : slots_(first_slots, -1) {}

std::size_t string_cache::find_slot(std::string_view s) const {
  const std::size_t mask = slots_.size() - 1;
  std::size_t slot = text_hash(s) & mask;
  while (slots_[slot] >= 0 && text(slots_[slot]) != s) slot = (slot + 1) & mask;
  return slot;
}

void string_cache::grow() {
  slots_.assign(slots_.size() * 2, -1);
  for (std::int32_t id = 0; id < static_cast<std::int32_t>(entries_.size()); ++id) slots_[find_slot(text(id))] = id;
}

std::int32_t string_cache::lookup(std::string_view s, bool& added) {
  added = false;
  if (s.size() > max_length) return -1;
  std::size_t slot = find_slot(s);
  if (slots_[slot] >= 0) return slots_[slot];
  if (entries_.size() >= max_strings) return -1;
  if ((entries_.size() + 1) * 2 > slots_.size() && slots_.size() < most_slots) {
    grow();
    slot = find_slot(s);
  }
  const auto id = static_cast<std::int32_t>(entries_.size());
  entries_.push_back({static_cast<std::uint32_t>(bytes_.size()), static_cast<std::uint32_t>(s.size())});
  bytes_.insert(bytes_.end(), s.begin(), s.end());
  slots_[slot] = id;
  added = true;
  return id;
}

}  // namespace mqttw::binding
