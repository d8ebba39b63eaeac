#include "parse.hpp"

#include <algorithm>
#include <string>

#include "byte_reader.hpp"
#include "mqttw/codec/validate.hpp"

namespace mqttw::detail {

namespace {

// Reads one packet body of a known type. Structural problems (lengths, reserved bits,
// trailing bytes) are found here; value rules are left to validate().
class packet_parser {
 public:
  packet_parser(packet_type type, std::uint8_t flags, bytes_view body, protocol_version version)
      : type_(type), flags_(flags), r_(body), version_(version) {}

  error parse(packet& out);

 private:
  error malformed(std::string what) const {
    return make_error(reason_code::malformed_packet, std::string(packet_type_name(type_)) + ": " + what);
  }
  bool v5() const { return version_ == protocol_version::v5; }
  bool read_properties(properties& out, std::string_view field);
  error finish();

  void read(connect_packet& p);
  void read(connack_packet& p);
  void read(publish_packet& p);
  template <packet_type Type>
  void read(ack_packet<Type>& p);
  void read(subscribe_packet& p);
  void read(suback_packet& p);
  void read(unsubscribe_packet& p);
  void read(unsuback_packet& p);
  void read(pingreq_packet&) {}
  void read(pingresp_packet&) {}
  void read(disconnect_packet& p);
  void read(auth_packet& p);
  // A 5.0 reason code and properties that may be left out (PUBACK..PUBCOMP,
  // DISCONNECT, AUTH): absent means 0x00 and none.
  void read_optional_code_and_properties(reason_code& code, properties& props);
  void read_codes(std::vector<reason_code>& codes);

  packet_type type_;
  std::uint8_t flags_;
  byte_reader r_;
  protocol_version version_;
  error error_;
};

bool packet_parser::read_properties(properties& out, std::string_view field) {
  std::uint32_t length;
  if (!r_.varint(length, "property length")) return false;
  byte_reader props(bytes_view{});
  if (!r_.sub(length, props, field)) return false;
  // Each property takes at least 2 bytes: one allocation instead of several.
  if (length > 0) out.reserve(std::min<std::size_t>(length / 2, 32));
  while (props.remaining() > 0) {
    std::uint8_t id = 0;
    props.u8(id, "property identifier");
    const property_info* info = find_property_info(id);
    if (!info) {
      return r_.fail("unknown property identifier " + std::to_string(id) + " (section 2.2.2.2)");
    }
    property prop;
    prop.id = info->id;
    const std::string_view name = info->name;
    switch (info->type) {
      case property_type::byte: {
        std::uint8_t value = 0;
        props.u8(value, name);
        prop.number = value;
        break;
      }
      case property_type::two_byte_integer: {
        std::uint16_t value = 0;
        props.u16(value, name);
        prop.number = value;
        break;
      }
      case property_type::four_byte_integer:
        props.u32(prop.number, name);
        break;
      case property_type::varint:
        props.varint(prop.number, name);
        break;
      case property_type::utf8_string:
        props.string(prop.text, name);
        break;
      case property_type::binary:
        props.binary(prop.data, name);
        break;
      case property_type::string_pair:
        props.string(prop.text, "User Property name") && props.string(prop.value, "User Property value");
        break;
    }
    if (!props.ok()) return r_.fail(props.problem());
    out.push_back(prop);
  }
  return true;
}

void packet_parser::read(connect_packet& p) {
  std::string_view name;
  std::uint8_t level = 0;
  if (!r_.string(name, "protocol name") || !r_.u8(level, "protocol level")) return;
  if (name != "MQTT" && name != "MQIsdp") {
    // A protocol this codec does not speak: 5.0 answers it with CONNACK 0x84 (section 3.1.2.1).
    error_ = make_error(reason_code::unsupported_protocol_version,
                        "CONNECT: protocol name is neither \"MQTT\" nor \"MQIsdp\" [MQTT-3.1.2-1]");
    return;
  }
  p.bridge = (level & 0x80) != 0;
  level &= 0x7F;
  const bool known = name == "MQIsdp" ? level == 3 : (level == 4 || level == 5);
  if (!known) {
    error_ = make_error(reason_code::unsupported_protocol_version,
                        "CONNECT: protocol \"" + std::string(name) + "\" level " + std::to_string(level) +
                            " is not supported [MQTT-3.1.2-2]");
    return;
  }
  p.version = static_cast<protocol_version>(level);
  version_ = p.version;

  std::uint8_t flags = 0;
  if (!r_.u8(flags, "connect flags") || !r_.u16(p.keep_alive, "keep alive")) return;
  if (flags & 0x01) {
    r_.fail("reserved connect flag is set [MQTT-3.1.2-3]");
    return;
  }
  p.clean_start = (flags & 0x02) != 0;
  const bool will = (flags & 0x04) != 0;
  const auto will_qos = static_cast<std::uint8_t>((flags >> 3) & 0x03);
  const bool will_retain = (flags & 0x20) != 0;
  if (!will && will_qos != 0) {
    r_.fail("Will QoS is set without the Will Flag [MQTT-3.1.2-11]");
    return;
  }
  if (!will && will_retain) {
    r_.fail("Will Retain is set without the Will Flag [MQTT-3.1.2-13]");
    return;
  }
  if (will_qos == 3) {
    r_.fail("Will QoS is 3 [MQTT-3.1.2-12]");
    return;
  }
  if (v5() && !read_properties(p.props, "property block")) return;
  if (!r_.string(p.client_id, "client identifier")) return;
  if (will) {
    will_message& w = p.will.emplace();
    w.qos = static_cast<qos>(will_qos);
    w.retain = will_retain;
    if (v5() && !read_properties(w.props, "will property block")) return;
    if (!r_.string(w.topic, "will topic") || !r_.binary(w.payload, "will payload")) return;
  }
  if (flags & 0x80) {
    if (!r_.string(p.username.emplace(), "user name")) return;
  }
  if (flags & 0x40) {
    if (!r_.binary(p.password.emplace(), "password")) return;
  }
}

void packet_parser::read(connack_packet& p) {
  std::uint8_t ack_flags = 0;
  std::uint8_t code = 0;
  if (!r_.u8(ack_flags, "acknowledge flags") || !r_.u8(code, "reason code")) return;
  if (ack_flags & 0xFE) {
    r_.fail("reserved acknowledge flags are set [MQTT-3.2.2-1]");
    return;
  }
  p.session_present = ack_flags & 0x01;
  p.code = static_cast<reason_code>(code);
  if (v5()) read_properties(p.props, "property block");
}

void packet_parser::read(publish_packet& p) {
  p.dup = (flags_ & 0x08) != 0;
  p.qos = static_cast<qos>((flags_ >> 1) & 0x03);
  p.retain = (flags_ & 0x01) != 0;
  if (!r_.string(p.topic, "topic name")) return;
  if (p.qos != qos::at_most_once && !r_.u16(p.packet_id, "packet identifier")) return;
  if (v5() && !read_properties(p.props, "property block")) return;
  p.payload = r_.rest();
}

void packet_parser::read_optional_code_and_properties(reason_code& code, properties& props) {
  if (r_.remaining() == 0) return;
  std::uint8_t value = 0;
  r_.u8(value, "reason code");
  code = static_cast<reason_code>(value);
  if (r_.remaining() > 0) read_properties(props, "property block");
}

template <packet_type Type>
void packet_parser::read(ack_packet<Type>& p) {
  if (!r_.u16(p.packet_id, "packet identifier")) return;
  if (v5()) read_optional_code_and_properties(p.code, p.props);
}

void packet_parser::read(subscribe_packet& p) {
  if (!r_.u16(p.packet_id, "packet identifier")) return;
  if (v5() && !read_properties(p.props, "property block")) return;
  while (r_.remaining() > 0) {
    subscription& sub = p.subscriptions.emplace_back();
    std::uint8_t options = 0;
    if (!r_.string(sub.filter, "topic filter") || !r_.u8(options, "subscription options")) return;
    if (v5() ? (options & 0xC0) : (options & 0xFC)) {
      r_.fail(v5() ? "reserved bits 6-7 of subscription options are set [MQTT-3.8.3-5]"
                   : "reserved bits 2-7 of the requested QoS byte are set (3.1.1 [MQTT-3.8.3-4])");
      return;
    }
    sub.max_qos = static_cast<qos>(options & 0x03);
    sub.no_local = (options & 0x04) != 0;
    sub.retain_as_published = (options & 0x08) != 0;
    sub.retain_handling = static_cast<retain_handling>((options >> 4) & 0x03);
  }
}

void packet_parser::read_codes(std::vector<reason_code>& codes) {
  const bytes_view rest = r_.rest();
  codes.reserve(rest.size());
  for (std::uint8_t code : rest) codes.push_back(static_cast<reason_code>(code));
}

void packet_parser::read(suback_packet& p) {
  if (!r_.u16(p.packet_id, "packet identifier")) return;
  if (v5() && !read_properties(p.props, "property block")) return;
  read_codes(p.codes);
}

void packet_parser::read(unsubscribe_packet& p) {
  if (!r_.u16(p.packet_id, "packet identifier")) return;
  if (v5() && !read_properties(p.props, "property block")) return;
  while (r_.remaining() > 0) {
    if (!r_.string(p.filters.emplace_back(), "topic filter")) return;
  }
}

void packet_parser::read(unsuback_packet& p) {
  if (!r_.u16(p.packet_id, "packet identifier")) return;
  if (!v5()) return;
  if (!read_properties(p.props, "property block")) return;
  read_codes(p.codes);
}

void packet_parser::read(disconnect_packet& p) {
  if (v5()) read_optional_code_and_properties(p.code, p.props);
}

void packet_parser::read(auth_packet& p) { read_optional_code_and_properties(p.code, p.props); }

error packet_parser::finish() {
  if (error_) return error_;
  if (!r_.ok()) return malformed(r_.problem());
  if (r_.remaining() > 0) {
    const std::size_t left = r_.remaining();
    return malformed(std::to_string(left) + (left == 1 ? " byte" : " bytes") + " left over after the packet's last field");
  }
  return {};
}

// Fixed header flags: PUBLISH has its own; PUBREL, SUBSCRIBE and UNSUBSCRIBE must
// carry 0b0010, and every other packet 0 [MQTT-2.1.3-1].
std::uint8_t required_flags(packet_type type) {
  switch (type) {
    case packet_type::pubrel:
    case packet_type::subscribe:
    case packet_type::unsubscribe:
      return 0x02;
    default:
      return 0x00;
  }
}

template <std::size_t I = 0>
void emplace_by_type(packet& out, std::size_t index) {
  if constexpr (I < std::variant_size_v<packet>) {
    if (index == I) {
      out.emplace<I>();
    } else {
      emplace_by_type<I + 1>(out, index);
    }
  }
}

error packet_parser::parse(packet& out) {
  emplace_by_type(out, static_cast<std::size_t>(type_) - 1);
  std::visit([&](auto& body) { read(body); }, out);
  if (auto err = finish()) return err;
  return validate(out, version_);
}

}  // namespace

error check_first_byte(std::uint8_t first_byte, protocol_version version) {
  const std::uint8_t type_bits = first_byte >> 4;
  const std::uint8_t flags = first_byte & 0x0F;
  if (type_bits == 0) return make_error(reason_code::malformed_packet, "packet type 0 is reserved (section 2.1.2)");
  if (type_bits == 15 && version != protocol_version::v5) {
    return make_error(reason_code::malformed_packet, "packet type 15 (AUTH) is reserved before MQTT 5.0");
  }
  const auto type = static_cast<packet_type>(type_bits);
  if (type == packet_type::publish) {
    if ((flags & 0x06) == 0x06) return make_error(reason_code::malformed_packet, "PUBLISH: QoS is 3 [MQTT-3.3.1-4]");
  } else if (flags != required_flags(type)) {
    return make_error(reason_code::malformed_packet,
                      std::string(packet_type_name(type)) + ": reserved fixed header flags are " +
                          std::to_string(flags) + ", not " + std::to_string(required_flags(type)) +
                          " [MQTT-2.1.3-1]");
  }
  return {};
}

error parse_packet(std::uint8_t first_byte, bytes_view body, protocol_version version, packet& out) {
  if (auto err = check_first_byte(first_byte, version)) return err;
  return packet_parser(static_cast<packet_type>(first_byte >> 4), first_byte & 0x0F, body, version).parse(out);
}

}  // namespace mqttw::detail
