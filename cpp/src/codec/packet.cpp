#include "mqttw/codec/packet.hpp"

namespace mqttw {

std::string_view packet_type_name(packet_type type) {
  static constexpr std::string_view names[] = {
      "RESERVED", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP",
      "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "AUTH",
  };
  const auto index = static_cast<std::size_t>(type);
  return index < std::size(names) ? names[index] : "UNKNOWN";
}

}  // namespace mqttw
