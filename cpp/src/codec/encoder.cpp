#include "mqttw/codec/encoder.hpp"

#include <string>

#include "byte_writer.hpp"
#include "mqttw/codec/limits.hpp"
#include "mqttw/codec/validate.hpp"

namespace mqttw {

namespace {

using detail::byte_counter;
using detail::byte_writer;

// Writes one packet's body. `W` is byte_counter (to size it) or byte_writer.
template <class W>
class body_writer {
 public:
  body_writer(W& w, protocol_version version) : w_(w), v5_(version == protocol_version::v5) {}

  void properties(const mqttw::properties& props) {
    byte_counter size;
    for (const property& prop : props) write_property(size, prop);
    w_.varint(static_cast<std::uint32_t>(size.size));
    for (const property& prop : props) write_property(w_, prop);
  }

  void write(const connect_packet& p) {
    w_.string(p.version == protocol_version::v31 ? "MQIsdp" : "MQTT");
    w_.u8(static_cast<std::uint8_t>(static_cast<std::uint8_t>(p.version) | (p.bridge ? 0x80 : 0)));
    std::uint8_t flags = 0;
    if (p.username) flags |= 0x80;
    if (p.password) flags |= 0x40;
    if (p.will) {
      flags = static_cast<std::uint8_t>(flags | 0x04 | static_cast<std::uint8_t>(p.will->qos) << 3);
      if (p.will->retain) flags |= 0x20;
    }
    if (p.clean_start) flags |= 0x02;
    w_.u8(flags);
    w_.u16(p.keep_alive);
    if (v5_) properties(p.props);
    w_.string(p.client_id);
    if (p.will) {
      if (v5_) properties(p.will->props);
      w_.string(p.will->topic);
      w_.binary(p.will->payload);
    }
    if (p.username) w_.string(*p.username);
    if (p.password) w_.binary(*p.password);
  }

  void write(const connack_packet& p) {
    w_.u8(p.session_present ? 1 : 0);
    w_.u8(static_cast<std::uint8_t>(p.code));
    if (v5_) properties(p.props);
  }

  void write(const publish_packet& p) {
    w_.string(p.topic);
    if (p.qos != qos::at_most_once) w_.u16(p.packet_id);
    if (v5_) properties(p.props);
    w_.raw(p.payload);
  }

  template <packet_type Type>
  void write(const ack_packet<Type>& p) {
    w_.u16(p.packet_id);
    if (v5_) optional_code_and_properties(p.code, p.props);
  }

  void write(const subscribe_packet& p) {
    w_.u16(p.packet_id);
    if (v5_) properties(p.props);
    for (const subscription& sub : p.subscriptions) {
      w_.string(sub.filter);
      std::uint8_t options = static_cast<std::uint8_t>(sub.max_qos);
      if (sub.no_local) options |= 0x04;
      if (sub.retain_as_published) options |= 0x08;
      options |= static_cast<std::uint8_t>(static_cast<std::uint8_t>(sub.retain_handling) << 4);
      w_.u8(options);
    }
  }

  void write(const suback_packet& p) {
    w_.u16(p.packet_id);
    if (v5_) properties(p.props);
    for (reason_code code : p.codes) w_.u8(static_cast<std::uint8_t>(code));
  }

  void write(const unsubscribe_packet& p) {
    w_.u16(p.packet_id);
    if (v5_) properties(p.props);
    for (std::string_view filter : p.filters) w_.string(filter);
  }

  void write(const unsuback_packet& p) {
    w_.u16(p.packet_id);
    if (!v5_) return;
    properties(p.props);
    for (reason_code code : p.codes) w_.u8(static_cast<std::uint8_t>(code));
  }

  void write(const pingreq_packet&) {}
  void write(const pingresp_packet&) {}

  void write(const disconnect_packet& p) {
    if (v5_) optional_code_and_properties(p.code, p.props);
  }

  // AUTH always carries its reason code and property length: the short form (section
  // 3.15.2.1) is legal, but mqtt-packet (and so Aedes and MQTT.js) cannot parse it.
  void write(const auth_packet& p) {
    w_.u8(static_cast<std::uint8_t>(p.code));
    properties(p.props);
  }

 private:
  // PUBACK..PUBCOMP, DISCONNECT and AUTH may leave out a 0x00 reason code with no
  // properties, and the property length when there are none (sections 3.4.2.1,
  // 3.14.2.1, 3.15.2.1).
  void optional_code_and_properties(reason_code code, const mqttw::properties& props) {
    if (code == reason_code::success && props.empty()) return;
    w_.u8(static_cast<std::uint8_t>(code));
    if (!props.empty()) properties(props);
  }

  template <class Out>
  static void write_property(Out& out, const property& prop) {
    const property_info* info = find_property_info(static_cast<std::uint8_t>(prop.id));
    out.u8(static_cast<std::uint8_t>(prop.id));
    switch (info->type) {
      case property_type::byte:
        out.u8(static_cast<std::uint8_t>(prop.number));
        break;
      case property_type::two_byte_integer:
        out.u16(static_cast<std::uint16_t>(prop.number));
        break;
      case property_type::four_byte_integer:
        out.u32(prop.number);
        break;
      case property_type::varint:
        out.varint(prop.number);
        break;
      case property_type::utf8_string:
        out.string(prop.text);
        break;
      case property_type::binary:
        out.binary(prop.data);
        break;
      case property_type::string_pair:
        out.string(prop.text);
        out.string(prop.value);
        break;
    }
  }

  W& w_;
  bool v5_;
};

// Rules that bind the sender but that a receiver answers in its own way (a broker
// replies with a CONNACK), so the decoder lets them through.
error sender_rules(const packet& p) {
  if (const auto* connect = std::get_if<connect_packet>(&p)) {
    if (connect->client_id.empty() && connect->version == protocol_version::v31) {
      return make_error(reason_code::client_identifier_not_valid,
                        "CONNECT: MQTT 3.1 needs a client identifier of 1 to 23 characters (3.1 section 3.1)");
    }
    if (connect->client_id.empty() && !connect->clean_start && connect->version != protocol_version::v5) {
      return make_error(reason_code::client_identifier_not_valid,
                        "CONNECT: an empty client identifier needs a clean session (3.1.1 [MQTT-3.1.3-7])");
    }
  }
  return {};
}

// Strings and binary data too long for their length field are caught by validate();
// this sizes the body, to catch one too long for the Remaining Length.
template <class Body>
std::size_t body_size(const Body& body, protocol_version version) {
  byte_counter counter;
  body_writer<byte_counter>(counter, version).write(body);
  return counter.size;
}

std::uint8_t first_byte(const packet& p) {
  std::uint8_t flags = 0;
  switch (type_of(p)) {
    case packet_type::publish: {
      const auto& pub = std::get<publish_packet>(p);
      flags = static_cast<std::uint8_t>((pub.dup ? 0x08 : 0) | static_cast<std::uint8_t>(pub.qos) << 1 |
                                        (pub.retain ? 0x01 : 0));
      break;
    }
    case packet_type::pubrel:
    case packet_type::subscribe:
    case packet_type::unsubscribe:
      flags = 0x02;  // [MQTT-3.6.1-1] [MQTT-3.8.1-1] [MQTT-3.10.1-1]
      break;
    default:
      break;
  }
  return static_cast<std::uint8_t>(static_cast<std::uint8_t>(type_of(p)) << 4 | flags);
}

}  // namespace

error encode(const packet& p, protocol_version version, std::vector<std::uint8_t>& out) {
  if (const auto* connect = std::get_if<connect_packet>(&p)) version = connect->version;
  if (auto err = validate(p, version)) return err;
  if (auto err = sender_rules(p)) return err;
  return encode_unchecked(p, version, out);
}

error encode_unchecked(const packet& p, protocol_version version, std::vector<std::uint8_t>& out) {
  if (const auto* connect = std::get_if<connect_packet>(&p)) version = connect->version;
  const std::size_t size = std::visit([&](const auto& body) { return body_size(body, version); }, p);
  if (size > max_varint) {
    return make_error(reason_code::packet_too_large,
                      std::string(packet_type_name(type_of(p))) + ": body of " + std::to_string(size) +
                          " bytes is more than the Remaining Length can express (268,435,455)");
  }
  const std::size_t start = out.size();
  const auto remaining = static_cast<std::uint32_t>(size);
  out.resize(start + 1 + detail::varint_size(remaining) + size);
  byte_writer w(out.data() + start);
  w.u8(first_byte(p));
  w.varint(remaining);
  std::visit([&](const auto& body) { body_writer<byte_writer>(w, version).write(body); }, p);
  return {};
}

std::size_t encoded_size(const packet& p, protocol_version version) {
  if (const auto* connect = std::get_if<connect_packet>(&p)) version = connect->version;
  const std::size_t size = std::visit([&](const auto& body) { return body_size(body, version); }, p);
  return 1 + detail::varint_size(static_cast<std::uint32_t>(size)) + size;
}

}  // namespace mqttw
