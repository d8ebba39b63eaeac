#include "topic_cache.hpp"

#include <cstring>

namespace mqttw::binding {

std::int32_t topic_cache::lookup(std::string_view topic, bool& added) {
  added = false;
  if (auto it = ids_.find(topic); it != ids_.end()) return it->second;
  if (ids_.size() >= max_topics || topic.size() > max_topic_length) return -1;
  auto copy = std::make_unique<char[]>(topic.size() + 1);
  std::memcpy(copy.get(), topic.data(), topic.size());
  const std::string_view key(copy.get(), topic.size());
  storage_.push_back(std::move(copy));
  const auto id = static_cast<std::int32_t>(ids_.size());
  ids_.emplace(key, id);
  added = true;
  return id;
}

}  // namespace mqttw::binding
