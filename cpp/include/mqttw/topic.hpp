// Topic names and topic filters (section 4.7).
//
// These checks assume the text is already valid MQTT UTF-8 (see utf8.hpp).
#pragma once

#include <cstddef>
#include <string_view>

namespace mqttw {

// Why `name` cannot be a topic name in a PUBLISH, or nullptr when it can, as a phrase
// to put after the field's name: it is
// empty [MQTT-4.7.3-1] or holds a wildcard '+' or '#' [MQTT-3.3.2-2].
// An empty name is legal in a 5.0 PUBLISH that carries a Topic Alias; the caller
// knows that and does not ask.
const char* topic_name_problem(std::string_view name);

// True when `name` is non-empty and made only of ASCII bytes other than NUL, '+' and
// '#': then it is both valid MQTT UTF-8 and a valid topic name. The common case,
// checked eight bytes at a time; false means "check the long way".
bool is_plain_topic_name(std::string_view name);

// Why `filter` cannot be a topic filter, or nullptr when it can: it is empty
// [MQTT-4.7.3-1], '#' is not alone in the last level [MQTT-4.7.1-1], or '+' does not
// fill its level [MQTT-4.7.1-2]. With `shared_syntax`, a filter that starts with
// "$share/" must also be "$share/{ShareName}/{filter}" with a non-empty ShareName
// free of '/', '+' and '#' [MQTT-4.8.2-1] [MQTT-4.8.2-2].
const char* topic_filter_problem(std::string_view filter, bool shared_syntax);

// A "$share/{group}/{filter}" subscription split into its parts.
struct shared_filter {
  std::string_view group;
  std::string_view filter;
};

// True when `filter` starts with "$share/"; then `out` receives its parts.
// Meaningful only for a filter that topic_filter_problem(filter, true) accepts.
bool split_shared_filter(std::string_view filter, shared_filter& out);

// True when `filter` contains '+' or '#'.
bool has_wildcard(std::string_view filter);

// Number of levels of a topic name or filter: one more than its '/' count.
std::size_t topic_levels(std::string_view topic);

// Takes the first level off `rest` ("a/b" gives "a" and leaves "b"). `last` says
// whether it was the last level; then `rest` is left empty.
std::string_view take_topic_level(std::string_view& rest, bool& last);

}  // namespace mqttw
