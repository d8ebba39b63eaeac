#include "mqttw/topic.hpp"

#include <cstdint>
#include <cstring>

namespace mqttw {

namespace {

constexpr std::string_view share_prefix = "$share/";

constexpr std::uint64_t ones = 0x0101010101010101ull;
constexpr std::uint64_t highs = 0x8080808080808080ull;

// Whether any byte of `word` is zero (the classic bit trick).
constexpr bool has_zero_byte(std::uint64_t word) { return ((word - ones) & ~word & highs) != 0; }

constexpr bool has_byte(std::uint64_t word, std::uint8_t byte) { return has_zero_byte(word ^ (ones * byte)); }

// Eight bytes at a time; find_first_of("+#") would call memchr once per character.
bool contains_wildcard(std::string_view text) {
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    if (has_byte(word, '+') || has_byte(word, '#')) return true;
  }
  for (; i < text.size(); ++i) {
    if (text[i] == '+' || text[i] == '#') return true;
  }
  return false;
}

}  // namespace

bool is_plain_topic_name(std::string_view name) {
  const std::size_t size = name.size();
  if (size < 8) {
    if (size == 0) return false;
    for (const char ch : name) {
      const auto c = static_cast<std::uint8_t>(ch);
      if (c == 0 || c >= 0x80 || c == '+' || c == '#') return false;
    }
    return true;
  }
  // Whole words, the last one overlapping the one before: high bits mark bytes
  // >= 0x80, and the zero-byte trick finds NUL, '+' and '#'.
  auto bad = [](std::uint64_t word) {
    const std::uint64_t plus = word ^ (ones * '+');
    const std::uint64_t hash = word ^ (ones * '#');
    return ((word | ((word - ones) & ~word) | ((plus - ones) & ~plus) | ((hash - ones) & ~hash)) & highs) != 0;
  };
  std::uint64_t word;
  for (std::size_t i = 0; i + 8 < size; i += 8) {
    std::memcpy(&word, name.data() + i, 8);
    if (bad(word)) return false;
  }
  std::memcpy(&word, name.data() + size - 8, 8);
  return !bad(word);
}

const char* topic_name_problem(std::string_view name) {
  if (name.empty()) return "is empty [MQTT-4.7.3-1]";
  if (contains_wildcard(name)) {
    return "contains a wildcard '+' or '#' [MQTT-3.3.2-2]";
  }
  return nullptr;
}

const char* topic_filter_problem(std::string_view filter, bool shared_syntax) {
  if (filter.empty()) return "is empty [MQTT-4.7.3-1]";
  if (shared_syntax && filter.substr(0, share_prefix.size()) == share_prefix) {
    const std::string_view rest = filter.substr(share_prefix.size());
    const std::size_t slash = rest.find('/');
    const std::string_view group = rest.substr(0, slash);
    if (group.empty()) return "has an empty ShareName [MQTT-4.8.2-1]";
    if (contains_wildcard(group)) {
      return "has a ShareName with '+' or '#' [MQTT-4.8.2-2]";
    }
    if (slash == std::string_view::npos || slash + 1 == rest.size()) {
      return "has no topic filter after its ShareName [MQTT-4.8.2-2]";
    }
    filter = rest.substr(slash + 1);
  }
  std::size_t level_start = 0;
  for (std::size_t i = 0; i < filter.size(); ++i) {
    const char c = filter[i];
    if (c == '/') {
      level_start = i + 1;
    } else if (c == '+') {
      const bool alone = i == level_start && (i + 1 == filter.size() || filter[i + 1] == '/');
      if (!alone) return "has a '+' that does not fill a whole topic level [MQTT-4.7.1-2]";
    } else if (c == '#') {
      if (i != level_start || i + 1 != filter.size()) {
        return "has a '#' that is not alone in the last topic level [MQTT-4.7.1-1]";
      }
    }
  }
  return nullptr;
}

bool split_shared_filter(std::string_view filter, shared_filter& out) {
  if (filter.substr(0, share_prefix.size()) != share_prefix) return false;
  const std::string_view rest = filter.substr(share_prefix.size());
  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return false;
  out.group = rest.substr(0, slash);
  out.filter = rest.substr(slash + 1);
  return true;
}

bool has_wildcard(std::string_view filter) { return contains_wildcard(filter); }

std::size_t topic_levels(std::string_view topic) {
  std::size_t levels = 1;
  for (const char c : topic) levels += c == '/';
  return levels;
}

std::string_view take_topic_level(std::string_view& rest, bool& last) {
  const auto slash = rest.find('/');
  last = slash == std::string_view::npos;
  const std::string_view level = rest.substr(0, slash);
  rest = last ? std::string_view{} : rest.substr(slash + 1);
  return level;
}

}  // namespace mqttw
