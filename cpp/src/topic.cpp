#include "mqttw/topic.hpp"

namespace mqttw {

namespace {
constexpr std::string_view share_prefix = "$share/";
}

const char* topic_name_problem(std::string_view name) {
  if (name.empty()) return "is empty [MQTT-4.7.3-1]";
  if (name.find_first_of("+#") != std::string_view::npos) {
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
    if (group.find_first_of("+#") != std::string_view::npos) {
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
      if (!alone) return "has a '+' that does not fill a whole topic level [MQTT-4.7.1-3]";
    } else if (c == '#') {
      if (i != level_start || i + 1 != filter.size()) {
        return "has a '#' that is not alone in the last topic level [MQTT-4.7.1-2]";
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

bool has_wildcard(std::string_view filter) {
  return filter.find_first_of("+#") != std::string_view::npos;
}

}  // namespace mqttw
