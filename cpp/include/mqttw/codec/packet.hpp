// MQTT control packets as plain values, one struct per packet type.
//
// Strings (std::string_view) and binary data (bytes_view) are views. In a packet
// returned by the decoder they point into the bytes given to `decoder::push` or
// into the decoder's own buffer, and stay valid until the next `push` or `reset`.
// In a packet given to the encoder they point wherever the caller keeps them.
//
// Reason codes are stored as `reason_code`. In 3.1.1 the CONNACK return code and
// the SUBACK return codes travel in the same byte and use the same field.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "mqttw/codec/property.hpp"
#include "mqttw/errors.hpp"

namespace mqttw {

using bytes_view = std::span<const std::uint8_t>;

// The protocol level byte of CONNECT: 3 is MQTT 3.1 ("MQIsdp"), 4 is 3.1.1, 5 is 5.0.
enum class protocol_version : std::uint8_t { v31 = 3, v311 = 4, v5 = 5 };

enum class packet_type : std::uint8_t {
  connect = 1, connack, publish, puback, pubrec, pubrel, pubcomp,
  subscribe, suback, unsubscribe, unsuback, pingreq, pingresp, disconnect, auth,
};

// "CONNECT", "PUBLISH", ...
std::string_view packet_type_name(packet_type type);

enum class qos : std::uint8_t { at_most_once = 0, at_least_once = 1, exactly_once = 2 };

struct will_message {
  std::string_view topic;
  bytes_view payload;
  mqttw::qos qos = qos::at_most_once;
  bool retain = false;
  properties props;  // 5.0 only
};

struct connect_packet {
  protocol_version version = protocol_version::v311;
  bool bridge = false;  // protocol level has bit 7 set (Mosquitto bridges, "try_private")
  bool clean_start = true;
  std::uint16_t keep_alive = 0;
  std::string_view client_id;
  std::optional<will_message> will;
  std::optional<std::string_view> username;
  std::optional<bytes_view> password;
  properties props;
};

struct connack_packet {
  bool session_present = false;
  reason_code code = reason_code::success;  // 3.1.1: return code 0..5
  properties props;
};

struct publish_packet {
  std::string_view topic;
  bytes_view payload;
  mqttw::qos qos = qos::at_most_once;
  bool retain = false;
  bool dup = false;
  std::uint16_t packet_id = 0;  // present on the wire only when qos > 0
  properties props;
};

// PUBACK, PUBREC, PUBREL and PUBCOMP have the same body.
template <packet_type Type>
struct ack_packet {
  static constexpr packet_type type = Type;
  std::uint16_t packet_id = 0;
  reason_code code = reason_code::success;  // 5.0 only
  properties props;                         // 5.0 only
};
using puback_packet = ack_packet<packet_type::puback>;
using pubrec_packet = ack_packet<packet_type::pubrec>;
using pubrel_packet = ack_packet<packet_type::pubrel>;
using pubcomp_packet = ack_packet<packet_type::pubcomp>;

enum class retain_handling : std::uint8_t {
  send_on_subscribe = 0,
  send_if_new_subscription = 1,
  do_not_send = 2,
};

struct subscription {
  std::string_view filter;
  mqttw::qos max_qos = qos::at_most_once;
  bool no_local = false;             // 5.0 only
  bool retain_as_published = false;  // 5.0 only
  mqttw::retain_handling retain_handling = retain_handling::send_on_subscribe;  // 5.0 only
};

struct subscribe_packet {
  std::uint16_t packet_id = 0;
  std::vector<subscription> subscriptions;
  properties props;
};

struct suback_packet {
  std::uint16_t packet_id = 0;
  std::vector<reason_code> codes;  // 3.1.1: 0, 1, 2 or 0x80
  properties props;
};

struct unsubscribe_packet {
  std::uint16_t packet_id = 0;
  std::vector<std::string_view> filters;
  properties props;
};

struct unsuback_packet {
  std::uint16_t packet_id = 0;
  std::vector<reason_code> codes;  // 5.0 only; 3.1.1 UNSUBACK has no payload
  properties props;
};

struct pingreq_packet {};
struct pingresp_packet {};

struct disconnect_packet {
  reason_code code = reason_code::normal_disconnection;  // 5.0 only
  properties props;
};

struct auth_packet {  // 5.0 only
  reason_code code = reason_code::success;
  properties props;
};

// The alternatives are in packet-type order: `index() + 1` is the packet type.
using packet = std::variant<connect_packet, connack_packet, publish_packet, puback_packet,
                            pubrec_packet, pubrel_packet, pubcomp_packet, subscribe_packet,
                            suback_packet, unsubscribe_packet, unsuback_packet,
                            pingreq_packet, pingresp_packet, disconnect_packet, auth_packet>;

inline packet_type type_of(const packet& p) {
  return static_cast<packet_type>(p.index() + 1);
}

}  // namespace mqttw
