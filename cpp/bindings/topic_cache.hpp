// Gives repeated topics a small number, so that JS builds each topic string once
// and then looks it up by number (TOOLCHAIN.md: string creation dominates the cost
// of a small packet). Bounded: past `max_topics` topics, or for long topics, it
// answers -1 and JS decodes the bytes as usual.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace mqttw::binding {

class topic_cache {
 public:
  static constexpr std::size_t max_topics = 4096;
  static constexpr std::size_t max_topic_length = 256;

  topic_cache();

  // The topic's id, and whether it was just added. -1 when it is not cached.
  std::int32_t lookup(std::string_view topic, bool& added);

 private:
  struct entry {
    std::uint32_t offset;  // into bytes_
    std::uint32_t length;
  };
  std::string_view text(std::int32_t id) const {
    return {bytes_.data() + entries_[id].offset, entries_[id].length};
  }

  std::vector<char> bytes_;         // every cached topic, back to back
  std::vector<entry> entries_;      // by id
  std::vector<std::int32_t> slots_; // open addressing, power of two, -1 = empty
  std::int32_t last_ = -1;          // the id found last: streams repeat topics
};

}  // namespace mqttw::binding
