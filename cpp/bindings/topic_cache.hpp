// Gives repeated topics a small number, so that JS builds each topic string once
// and then looks it up by number (TOOLCHAIN.md: string creation dominates the cost
// of a small packet). Bounded: past `max_topics` topics, or for long topics, it
// answers -1 and JS decodes the bytes as usual.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mqttw::binding {

class topic_cache {
 public:
  static constexpr std::size_t max_topics = 4096;
  static constexpr std::size_t max_topic_length = 256;

  // The topic's id, and whether it was just added. -1 when it is not cached.
  std::int32_t lookup(std::string_view topic, bool& added);

 private:
  std::unordered_map<std::string_view, std::int32_t> ids_;
  std::vector<std::unique_ptr<char[]>> storage_;
};

}  // namespace mqttw::binding
