#include "mqttw/codec/validate.hpp"

#include <algorithm>
#include <initializer_list>
#include <string>

#include "mqttw/codec/limits.hpp"
#include "mqttw/topic.hpp"
#include "mqttw/utf8.hpp"

namespace mqttw {

namespace {

// A value for an error message: quoted, and cut short when long.
std::string quoted(std::string_view text) {
  constexpr std::size_t max = 64;
  std::string out = "\"";
  out += text.substr(0, max);
  out += text.size() > max ? "...\"" : "\"";
  return out;
}

bool one_of(reason_code code, std::initializer_list<std::uint8_t> allowed) {
  return std::find(allowed.begin(), allowed.end(), static_cast<std::uint8_t>(code)) != allowed.end();
}

// Builds errors whose reason starts with the packet's name: "PUBLISH: ...".
class checker {
 public:
  checker(packet_type type, protocol_version version) : type_(type), version_(version) {}

  // The reason is the packet's name followed by the parts, joined (out of line, in
  // fail_joined: each check only gathers its parts).
  template <class... Parts>
  error fail(reason_code code, const Parts&... parts) const {
    return fail_joined(code, {std::string_view(parts)...});
  }
  [[gnu::noinline]] error fail_joined(reason_code code, std::initializer_list<std::string_view> parts) const {
    std::string reason(packet_type_name(type_));
    reason += ": ";
    for (const std::string_view part : parts) reason += part;
    return error{code, std::move(reason)};
  }

  error string(std::string_view text, std::string_view field) const {
    if (text.size() > 0xFFFF) return too_long(field);
    if (const char* problem = utf8_problem(text)) {
      return fail(reason_code::malformed_packet, field, " ", problem);
    }
    return {};
  }

  // A string or binary field longer than its 2-byte length can say (section 1.5.4).
  error too_long(std::string_view field) const {
    return fail(reason_code::malformed_packet, field, " is longer than 65,535 bytes (section 1.5.4)");
  }

  error topic_name(std::string_view name, std::string_view field) const {
    if (name.size() <= 0xFFFF && is_plain_topic_name(name)) return {};
    if (auto err = string(name, field)) return err;
    if (const char* problem = topic_name_problem(name)) {
      return fail(reason_code::protocol_error, field, " ", quoted(name), " ", problem);
    }
    return {};
  }

  error topic_filter(std::string_view filter) const {
    if (auto err = string(filter, "topic filter")) return err;
    if (const char* problem = topic_filter_problem(filter, version_ == protocol_version::v5)) {
      return fail(reason_code::protocol_error, "topic filter ", quoted(filter), " ", problem);
    }
    return {};
  }

  error packet_id(std::uint16_t id) const {
    if (id == 0) return fail(reason_code::protocol_error, "packet identifier is 0 [MQTT-2.2.1-3]");
    return {};
  }

  error code_allowed(reason_code code) const {
    if (!reason_code_allowed(type_, code, version_)) {
      return fail(reason_code::protocol_error, "reason code 0x", hex(static_cast<std::uint8_t>(code)),
                  " is not one defined for ", packet_type_name(type_));
    }
    return {};
  }

  // In 3.1.1 a field that exists only in 5.0 must keep its default.
  error needs_v5(bool used, std::string_view what) const {
    if (used && version_ != protocol_version::v5) {
      return fail(reason_code::protocol_error, what, " exists only in MQTT 5.0");
    }
    return {};
  }

  error props(const properties& list, property_place place) const;

 private:
  static std::string hex(std::uint8_t value) {
    constexpr char digits[] = "0123456789ABCDEF";
    return {digits[value >> 4], digits[value & 15]};
  }

  error property_value(const property& prop, const property_info& info) const;

  packet_type type_;
  protocol_version version_;
};

error checker::props(const properties& list, property_place place) const {
  if (list.empty()) return {};
  if (auto err = needs_v5(true, "properties")) return err;
  std::uint64_t seen = 0;
  for (const property& prop : list) {
    const property_info* info = find_property_info(static_cast<std::uint8_t>(prop.id));
    if (!info) {
      return fail(reason_code::malformed_packet, "unknown property identifier 0x",
                  hex(static_cast<std::uint8_t>(prop.id)), " (section 2.2.2.2)");
    }
    const char* where = place == property_place::will ? "the will properties" : "this packet";
    if ((info->places & (1u << static_cast<unsigned>(place))) == 0) {
      return fail(reason_code::malformed_packet, info->name, " is not allowed in ", where, " (section 2.2.2.2)");
    }
    const std::uint64_t bit = 1ull << static_cast<unsigned>(prop.id);
    if ((seen & bit) && !property_may_repeat(prop.id, place)) {
      return fail(reason_code::protocol_error, info->name, " appears more than once in ", where);
    }
    seen |= bit;
    if (auto err = property_value(prop, *info)) return err;
  }
  const std::uint64_t method = 1ull << static_cast<unsigned>(property_id::authentication_method);
  const std::uint64_t data = 1ull << static_cast<unsigned>(property_id::authentication_data);
  if ((seen & data) && !(seen & method)) {
    return fail(reason_code::protocol_error,
                "Authentication Data without Authentication Method (section 3.1.2.11.10)");
  }
  return {};
}

error checker::property_value(const property& prop, const property_info& info) const {
  const std::string_view name = info.name;
  switch (info.type) {
    case property_type::byte:
      if (prop.number > 0xFF) return fail(reason_code::malformed_packet, name, " does not fit in a byte");
      break;
    case property_type::two_byte_integer:
      if (prop.number > 0xFFFF) return fail(reason_code::malformed_packet, name, " does not fit in two bytes");
      break;
    case property_type::varint:
      if (prop.number > max_varint) {
        return fail(reason_code::malformed_packet, name, " is larger than 268,435,455 (section 1.5.5)");
      }
      break;
    case property_type::utf8_string:
      if (auto err = string(prop.text, name)) return err;
      break;
    case property_type::string_pair:
      if (auto err = string(prop.text, "User Property name")) return err;
      if (auto err = string(prop.value, "User Property value")) return err;
      break;
    case property_type::four_byte_integer:
    case property_type::binary:
      break;
  }
  if (prop.data.size() > 0xFFFF) return too_long(name);
  switch (prop.id) {
    case property_id::payload_format_indicator:
    case property_id::request_problem_information:
    case property_id::request_response_information:
    case property_id::maximum_qos:
    case property_id::retain_available:
    case property_id::wildcard_subscription_available:
    case property_id::subscription_identifier_available:
    case property_id::shared_subscription_available:
      if (prop.number > 1) return fail(reason_code::protocol_error, name, " must be 0 or 1");
      break;
    case property_id::subscription_identifier:
      if (prop.number == 0) return fail(reason_code::protocol_error, name, " is 0 (section 3.8.2.1.2)");
      break;
    case property_id::receive_maximum:
    case property_id::maximum_packet_size:
      if (prop.number == 0) return fail(reason_code::protocol_error, name, " is 0");
      break;
    case property_id::topic_alias:
      // Section 3.3.4 names the reason: DISCONNECT 0x94 Topic Alias invalid.
      if (prop.number == 0) return fail(reason_code::topic_alias_invalid, name, " is 0 [MQTT-3.3.2-8]");
      break;
    case property_id::response_topic:
      if (const char* problem = topic_name_problem(prop.text)) {
        return fail(reason_code::protocol_error, name, " ", problem, " [MQTT-3.3.2-14]");
      }
      break;
    default:
      break;
  }
  return {};
}

bool qos_valid(qos q) { return static_cast<std::uint8_t>(q) <= 2; }

error check(const connect_packet& p, const checker& c) {
  const auto level = static_cast<std::uint8_t>(p.version);
  if (level < 3 || level > 5) {
    return c.fail(reason_code::unsupported_protocol_version, "protocol level ", std::to_string(level),
                  " is not 3, 4 or 5 [MQTT-3.1.2-2]");
  }
  if (auto err = c.string(p.client_id, "client identifier")) return err;
  if (p.will) {
    if (!qos_valid(p.will->qos)) return c.fail(reason_code::malformed_packet, "will QoS is 3 [MQTT-3.1.2-12]");
    if (auto err = c.topic_name(p.will->topic, "will topic")) return err;
    if (p.will->payload.size() > 0xFFFF) return c.too_long("will payload");
    if (auto err = c.props(p.will->props, property_place::will)) return err;
  }
  if (p.username) {
    if (auto err = c.string(*p.username, "user name")) return err;
  }
  if (p.password) {
    if (p.password->size() > 0xFFFF) return c.too_long("password");
    if (!p.username && p.version != protocol_version::v5) {
      return c.fail(reason_code::malformed_packet, "password without a user name (3.1.1 [MQTT-3.1.2-22])");
    }
  }
  return c.props(p.props, property_place::connect);
}

error check(const connack_packet& p, const checker& c) {
  if (auto err = c.code_allowed(p.code)) return err;
  if (p.session_present && p.code != reason_code::success) {
    return c.fail(reason_code::protocol_error, "Session Present is set with a non-zero reason code [MQTT-3.2.2-6]");
  }
  return c.props(p.props, property_place::connack);
}

error check(const publish_packet& p, const checker& c, protocol_version version) {
  if (!qos_valid(p.qos)) return c.fail(reason_code::malformed_packet, "QoS is 3 [MQTT-3.3.1-4]");
  if (p.dup && p.qos == qos::at_most_once) {
    return c.fail(reason_code::malformed_packet, "DUP is set on a QoS 0 message [MQTT-3.3.1-2]");
  }
  if (p.qos != qos::at_most_once) {
    if (auto err = c.packet_id(p.packet_id)) return err;
  }
  if (auto err = c.props(p.props, property_place::publish)) return err;
  if (p.topic.empty() && version == protocol_version::v5) {
    if (!find_property(p.props, property_id::topic_alias)) {
      return c.fail(reason_code::protocol_error, "topic name is empty and there is no Topic Alias (section 3.3.2.1)");
    }
    return {};
  }
  return c.topic_name(p.topic, "topic name");
}

template <packet_type Type>
error check(const ack_packet<Type>& p, const checker& c) {
  if (auto err = c.packet_id(p.packet_id)) return err;
  if (auto err = c.needs_v5(p.code != reason_code::success, "a reason code")) return err;
  if (auto err = c.code_allowed(p.code)) return err;
  return c.props(p.props, static_cast<property_place>(Type));
}

error check(const subscribe_packet& p, const checker& c, protocol_version version) {
  if (auto err = c.packet_id(p.packet_id)) return err;
  if (p.subscriptions.empty()) {
    return c.fail(reason_code::protocol_error, "no topic filters [MQTT-3.8.3-2]");
  }
  for (const subscription& sub : p.subscriptions) {
    if (auto err = c.topic_filter(sub.filter)) return err;
    if (!qos_valid(sub.max_qos)) {
      // 5.0 calls it a Protocol Error (section 3.8.3.1), 3.1.1 a malformed packet.
      return version == protocol_version::v5
                 ? c.fail(reason_code::protocol_error, "maximum QoS is 3 (section 3.8.3.1)")
                 : c.fail(reason_code::malformed_packet, "requested QoS is 3 (3.1.1 [MQTT-3.8.3-4])");
    }
    if (auto err = c.needs_v5(sub.no_local || sub.retain_as_published ||
                                  sub.retain_handling != retain_handling::send_on_subscribe,
                              "No Local, Retain As Published and Retain Handling")) {
      return err;
    }
    if (static_cast<std::uint8_t>(sub.retain_handling) > 2) {
      return c.fail(reason_code::protocol_error, "Retain Handling is 3 (section 3.8.3.1)");
    }
    shared_filter shared;
    if (version == protocol_version::v5 && sub.no_local && split_shared_filter(sub.filter, shared)) {
      return c.fail(reason_code::protocol_error, "No Local is set on a shared subscription [MQTT-3.8.3-4]");
    }
  }
  return c.props(p.props, property_place::subscribe);
}

error check_codes(const std::vector<reason_code>& codes, const checker& c) {
  for (reason_code code : codes) {
    if (auto err = c.code_allowed(code)) return err;
  }
  return {};
}

error check(const suback_packet& p, const checker& c) {
  if (auto err = c.packet_id(p.packet_id)) return err;
  if (p.codes.empty()) return c.fail(reason_code::protocol_error, "no reason codes (section 3.9.3)");
  if (auto err = check_codes(p.codes, c)) return err;
  return c.props(p.props, property_place::suback);
}

error check(const unsubscribe_packet& p, const checker& c) {
  if (auto err = c.packet_id(p.packet_id)) return err;
  if (p.filters.empty()) return c.fail(reason_code::protocol_error, "no topic filters [MQTT-3.10.3-2]");
  for (std::string_view filter : p.filters) {
    if (auto err = c.topic_filter(filter)) return err;
  }
  return c.props(p.props, property_place::unsubscribe);
}

error check(const unsuback_packet& p, const checker& c, protocol_version version) {
  if (auto err = c.packet_id(p.packet_id)) return err;
  if (version == protocol_version::v5) {
    if (p.codes.empty()) return c.fail(reason_code::protocol_error, "no reason codes (section 3.11.3)");
    if (auto err = check_codes(p.codes, c)) return err;
  } else if (auto err = c.needs_v5(!p.codes.empty(), "UNSUBACK reason codes")) {
    return err;
  }
  return c.props(p.props, property_place::unsuback);
}

error check(const disconnect_packet& p, const checker& c) {
  if (auto err = c.needs_v5(p.code != reason_code::success, "a reason code")) return err;
  if (auto err = c.code_allowed(p.code)) return err;
  return c.props(p.props, property_place::disconnect);
}

error check(const auth_packet& p, const checker& c, protocol_version version) {
  if (version != protocol_version::v5) {
    return c.fail(reason_code::malformed_packet, "AUTH exists only in MQTT 5.0 (packet type 15 is reserved in 3.1.1)");
  }
  if (auto err = c.code_allowed(p.code)) return err;
  return c.props(p.props, property_place::auth);
}

}  // namespace

bool reason_code_allowed(packet_type type, reason_code code, protocol_version version) {
  const bool v5 = version == protocol_version::v5;
  switch (type) {
    case packet_type::connack:
      if (!v5) return static_cast<std::uint8_t>(code) <= 5;
      return one_of(code, {0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A,
                           0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F});
    case packet_type::puback:
    case packet_type::pubrec:
      if (!v5) return code == reason_code::success;
      return one_of(code, {0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99});
    case packet_type::pubrel:
    case packet_type::pubcomp:
      if (!v5) return code == reason_code::success;
      return one_of(code, {0x00, 0x92});
    case packet_type::suback:
      if (!v5) return one_of(code, {0x00, 0x01, 0x02, 0x80});
      return one_of(code, {0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2});
    case packet_type::unsuback:
      return v5 && one_of(code, {0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91});
    case packet_type::disconnect:
      if (!v5) return code == reason_code::success;
      return one_of(code, {0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E,
                           0x8F, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B,
                           0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2});
    case packet_type::auth:
      return v5 && one_of(code, {0x00, 0x18, 0x19});
    default:
      return false;
  }
}

error validate(const packet& p, protocol_version version) {
  // A CONNECT names its own protocol level.
  if (const auto* connect = std::get_if<connect_packet>(&p)) version = connect->version;
  const checker c(type_of(p), version);
  return std::visit(
      [&](const auto& body) -> error {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, publish_packet> || std::is_same_v<T, subscribe_packet> ||
                      std::is_same_v<T, unsuback_packet> || std::is_same_v<T, auth_packet>) {
          return check(body, c, version);
        } else if constexpr (std::is_same_v<T, pingreq_packet> || std::is_same_v<T, pingresp_packet>) {
          return {};
        } else {
          return check(body, c);
        }
      },
      p);
}

}  // namespace mqttw
