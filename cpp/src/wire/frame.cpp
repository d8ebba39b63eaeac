// Cutting packets out of a stream: the fixed header's Remaining Length (section 2.1.4).
#include "internal.hpp"

namespace mqttw::wire {

std::size_t detail::read_fixed_header(bytes_view bytes, std::uint32_t& remaining, problem& bad) {
  if (bytes.empty()) return 0;
  const std::uint8_t* at = bytes.data() + 1;
  switch (take_varint(at, bytes.data() + bytes.size(), remaining)) {
    case varint_result::ok:
      return static_cast<std::size_t>(at - bytes.data());
    case varint_result::incomplete:
      return 0;
    case varint_result::not_shortest:
      bad.text = not_shortest_text;
      break;
    case varint_result::too_long:
      bad.text = "is longer than 4 bytes (section 2.1.4)";
      break;
  }
  bad.code = reason_code::malformed_packet;
  bad.type = bytes[0] >> 4;
  bad.field = "Remaining Length";
  return 0;
}

std::size_t frame_size(bytes_view head, std::uint32_t max_packet_size, problem& bad) {
  std::uint32_t remaining = 0;
  const std::size_t header = detail::read_fixed_header(head, remaining, bad);
  if (header == 0) return 0;
  const std::size_t total = header + remaining;
  if (total > max_packet_size) {
    bad.code = reason_code::packet_too_large;
    bad.type = head[0] >> 4;
    bad.text = "is larger than the Maximum Packet Size [MQTT-3.1.2-24] [MQTT-3.2.2-15]";
    return 0;
  }
  return total;
}

}  // namespace mqttw::wire
