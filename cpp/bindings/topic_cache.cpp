#include "topic_cache.hpp"

#include <cstring>

namespace mqttw::binding {

namespace {

constexpr std::size_t slot_count = topic_cache::max_topics * 2;  // load factor <= 1/2

// FNV-1a: short keys, no division, and good enough spread for a table this size.
std::uint32_t hash(std::string_view s) {
  std::uint32_t h = 2166136261u;
  for (const char c : s) h = (h ^ static_cast<std::uint8_t>(c)) * 16777619u;
  return h;
}

}  // namespace

topic_cache::topic_cache() : slots_(slot_count, -1) {}

std::int32_t topic_cache::lookup(std::string_view topic, bool& added) {
  added = false;
  if (last_ >= 0 && text(last_) == topic) return last_;
  if (topic.size() > max_topic_length) return -1;
  std::size_t slot = hash(topic) & (slot_count - 1);
  while (slots_[slot] >= 0) {
    if (text(slots_[slot]) == topic) return last_ = slots_[slot];
    slot = (slot + 1) & (slot_count - 1);
  }
  if (entries_.size() >= max_topics) return -1;
  const auto id = static_cast<std::int32_t>(entries_.size());
  entries_.push_back({static_cast<std::uint32_t>(bytes_.size()), static_cast<std::uint32_t>(topic.size())});
  bytes_.insert(bytes_.end(), topic.begin(), topic.end());
  slots_[slot] = id;
  added = true;
  return last_ = id;
}

}  // namespace mqttw::binding
