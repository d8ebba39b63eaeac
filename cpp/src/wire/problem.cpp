// A problem put in words, without allocating: "PUBLISH: Topic Alias (0x23): is 0 [MQTT-3.3.2-8]".
#include <cstring>
#include <string_view>

#include "mqttw/wire/read.hpp"

namespace mqttw::wire {

namespace {

// Appends to a fixed buffer and drops what does not fit.
struct text_out {
  char* at;
  std::size_t room;
  std::size_t written = 0;

  void put(std::string_view text) {
    const std::size_t n = text.size() < room - written ? text.size() : room - written;
    std::memcpy(at + written, text.data(), n);
    written += n;
  }
};

}  // namespace

std::size_t format_problem(const problem& p, char* out, std::size_t size) {
  text_out text{out, size};
  if (p.type != 0) {
    text.put(packet_type_name(static_cast<packet_type>(p.type)));
    text.put(": ");
  }
  if (p.property != 0) {
    constexpr char digits[] = "0123456789ABCDEF";
    const char hex[] = {'0', 'x', digits[p.property >> 4], digits[p.property & 15]};
    if (const property_info* info = find_property_info(p.property)) {
      text.put(info->name);
      text.put(" (");
      text.put({hex, 4});
      text.put("): ");
    } else {
      text.put("property ");
      text.put({hex, 4});
      text.put(": ");
    }
  }
  if (p.field) {
    text.put(p.field);
    text.put(" ");
  }
  if (p.text) text.put(p.text);
  return text.written;
}

}  // namespace mqttw::wire
