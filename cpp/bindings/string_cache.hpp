// Gives repeated strings (topics, content types, user property names and values...)
// a small number, so that JS builds each string once and then looks it up by number:
// creating strings is the main cost of turning packets into JS objects
// (TOOLCHAIN.md), and MQTT streams repeat the same few strings.
// Bounded: past `max_strings` strings, or for long strings, it answers -1 and JS
// decodes the bytes as usual.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace mqttw::binding {

class string_cache {
 public:
  static constexpr std::size_t max_strings = 4096;
  static constexpr std::size_t max_length = 256;

  string_cache();

  // The string's id, and whether it was just added. -1 when it is not cached.
  std::int32_t lookup(std::string_view text, bool& added);

 private:
  struct entry {
    std::uint32_t offset;  // into bytes_
    std::uint32_t length;
  };
  std::string_view text(std::int32_t id) const {
    return {bytes_.data() + entries_[id].offset, entries_[id].length};
  }
  // Where `s` is, or the empty slot where it would go.
  std::size_t find_slot(std::string_view s) const;
  void grow();

  std::vector<char> bytes_;          // every cached string, back to back
  std::vector<entry> entries_;       // by id
  std::vector<std::int32_t> slots_;  // open addressing, power of two, -1 = empty
};

}  // namespace mqttw::binding
