// read_packet: one whole packet checked where it lies, in the codec decoder's order:
// the fixed header and the body's structure as parse.cpp reads them (all 0x81, but
// an unknown CONNECT protocol, 0x84), then the values as validate.cpp checks them,
// then the rules of the direction. And the cursor over SUBSCRIBE ... UNSUBACK lists.
#include <string_view>

#include "internal.hpp"
#include "mqttw/topic.hpp"
#include "mqttw/utf8.hpp"

namespace mqttw::wire {

namespace {

using detail::past_end;
constexpr auto malformed = reason_code::malformed_packet;
constexpr auto protocol = reason_code::protocol_error;

std::string_view as_text(bytes_view bytes) { return {reinterpret_cast<const char*>(bytes.data()), bytes.size()}; }

constexpr std::uint16_t bit(packet_type type) { return static_cast<std::uint16_t>(1u << static_cast<unsigned>(type)); }

// The types each side sends (section 2.1.2).
constexpr std::uint16_t both_send = bit(packet_type::publish) | bit(packet_type::puback) | bit(packet_type::pubrec) |
                                    bit(packet_type::pubrel) | bit(packet_type::pubcomp) |
                                    bit(packet_type::disconnect) | bit(packet_type::auth);
constexpr std::uint16_t client_sends = both_send | bit(packet_type::connect) | bit(packet_type::subscribe) |
                                       bit(packet_type::unsubscribe) | bit(packet_type::pingreq);
constexpr std::uint16_t server_sends = both_send | bit(packet_type::connack) | bit(packet_type::suback) |
                                       bit(packet_type::unsuback) | bit(packet_type::pingresp);

// The packets each 5.0 reason code is defined for (section 2.4), as validate.cpp's
// reason_code_allowed lists them: a bit per packet type, PUBACK's standing for PUBREC
// and PUBREL's for PUBCOMP. Bits in a table take a sixth of the code of the lists.
enum : std::uint8_t {
  in_connack = 1, in_puback = 2, in_pubrel = 4, in_suback = 8, in_unsuback = 16, in_disconnect = 32, in_auth = 64,
};
constexpr std::uint8_t in_type[16] = {0, 0, in_connack, 0, in_puback, in_puback, in_pubrel, in_pubrel,
                                      0, in_suback, 0, in_unsuback, 0, 0, in_disconnect, in_auth};
// 0x80 .. 0xA2.
constexpr std::uint8_t in_most = in_connack | in_puback | in_suback | in_unsuback | in_disconnect;
constexpr std::uint8_t c_d = in_connack | in_disconnect;
constexpr std::uint8_t failure_code_use[] = {
    in_most, c_d, c_d, in_most, in_connack, in_connack, in_connack, in_most,                          // 0x80
    in_connack, c_d, in_connack, in_disconnect, in_connack, in_disconnect, in_disconnect,             // 0x88
    in_suback | in_unsuback | in_disconnect,                                                          // 0x8F
    in_connack | in_puback | in_disconnect, in_puback | in_suback | in_unsuback, in_pubrel,           // 0x90
    in_disconnect, in_disconnect, c_d, in_disconnect, in_connack | in_puback | in_suback | in_disconnect,
    in_disconnect, in_connack | in_puback | in_disconnect, c_d, c_d, c_d, c_d, in_suback | in_disconnect,  // 0x98
    c_d, in_disconnect, in_suback | in_disconnect, in_suback | in_disconnect,                         // 0x9F
};
static_assert(sizeof failure_code_use == 0xA3 - 0x80);

}  // namespace

bool reason_code_defined(packet_type type, reason_code value, protocol_version version) {
  const auto code = static_cast<std::uint8_t>(value);
  const bool v5 = version == protocol_version::v5;
  if (!v5) {
    // 3.1.1: CONNACK return codes 0..5, SUBACK 0, 1, 2 and 0x80; the other packets
    // have no reason code (it stays 0).
    if (type == packet_type::connack) return code <= 5;
    if (type == packet_type::suback) return code <= 2 || code == 0x80;
    return code == 0;
  }
  std::uint8_t in = 0;
  switch (code) {
    case 0x00: in = 0x7F; break;
    case 0x01:
    case 0x02: in = in_suback; break;
    case 0x04: in = in_disconnect; break;
    case 0x10: in = in_puback; break;
    case 0x11: in = in_unsuback; break;
    case 0x18:
    case 0x19: in = in_auth; break;
    default:
      if (code >= 0x80 && code < 0x80 + sizeof failure_code_use) in = failure_code_use[code - 0x80];
  }
  return (in & in_type[static_cast<unsigned>(type) & 15]) != 0;
}

namespace {

// DISCONNECT reason codes the spec lists as sent by the Server only (section 3.14.2.1).
bool server_only_disconnect_code(std::uint8_t code) {
  return code == 0x87 || code == 0x89 || code == 0x8B || code == 0x8D || code == 0x8E || code == 0x8F ||
         (code >= 0x9A && code <= 0xA2);
}

// Reads one packet into a packet_view. The helpers marked noinline are called from
// many places: inlined at each by -O3, they cost the wasm module about 1 kB more.
class packet_reader {
 public:
  packet_reader(packet_view& out, protocol_version version, direction dir)
      : out_(out), v5_(version == protocol_version::v5), dir_(dir) {}

  bool read(bytes_view whole);

  problem bad;

 private:
  [[gnu::noinline]] bool fail(reason_code code, const char* field, const char* text) {
    bad.code = code;
    bad.field = field;
    bad.text = text;
    return false;
  }
  bool fail_property(reason_code code, property_id id, const char* text) {
    bad.property = static_cast<std::uint8_t>(id);
    return fail(code, nullptr, text);
  }

  // The body's structure (parse.cpp).
  bool u8(std::uint8_t& out, const char* field);
  [[gnu::noinline]] bool u16(std::uint16_t& out, const char* field);
  [[gnu::noinline]] bool binary(bytes_view& out, const char* field);
  [[gnu::noinline]] bool string(std::string_view& out, const char* field);
  bool properties(bytes_view& out, const char* field);
  [[gnu::noinline]] bool packet_properties();
  [[gnu::noinline]] bool optional_code_and_properties();
  [[gnu::noinline]] bool finish();

  // The values (validate.cpp).
  [[gnu::noinline]] bool utf8(std::string_view text, const char* field);
  [[gnu::noinline]] bool topic_name(std::string_view name, const char* field);
  [[gnu::noinline]] bool topic_filter(std::string_view filter);
  [[gnu::noinline]] bool packet_id_set();
  [[gnu::noinline]] bool code_allowed(reason_code code);
  bool props(bytes_view block, property_place place) { return detail::check_properties(block, place, bad); }
  [[gnu::noinline]] bool codes_allowed();

  bool connect();
  bool connack();
  bool publish();
  bool ack();
  bool subscribe();
  bool suback();
  bool unsubscribe();
  bool unsuback();
  bool disconnect();
  bool auth();

  packet_view& out_;
  const std::uint8_t* at_ = nullptr;
  const std::uint8_t* end_ = nullptr;
  bool v5_;
  direction dir_;
};

bool packet_reader::u8(std::uint8_t& out, const char* field) {
  if (at_ == end_) return fail(malformed, field, past_end);
  out = *at_++;
  return true;
}

bool packet_reader::u16(std::uint16_t& out, const char* field) {
  if (end_ - at_ < 2) return fail(malformed, field, past_end);
  out = static_cast<std::uint16_t>(at_[0] << 8 | at_[1]);
  at_ += 2;
  return true;
}

bool packet_reader::binary(bytes_view& out, const char* field) {
  return detail::take_prefixed(at_, end_, out) || fail(malformed, field, past_end);
}

bool packet_reader::string(std::string_view& out, const char* field) {
  bytes_view bytes;
  if (!binary(bytes, field)) return false;
  out = as_text(bytes);
  return true;
}

// A property length and the block it gives, each property's structure checked.
bool packet_reader::properties(bytes_view& out, const char* field) {
  std::uint32_t length = 0;
  switch (detail::take_varint(at_, end_, length)) {
    case detail::varint_result::ok: break;
    case detail::varint_result::incomplete: return fail(malformed, "property length", past_end);
    case detail::varint_result::not_shortest: return fail(malformed, "property length", detail::not_shortest_text);
    case detail::varint_result::too_long:
      return fail(malformed, "property length", "is longer than 4 bytes (section 1.5.5)");
  }
  if (static_cast<std::size_t>(end_ - at_) < length) return fail(malformed, field, past_end);
  out = bytes_view(at_, length);
  const std::uint8_t* const block_end = at_ + length;
  while (at_ < block_end) {
    property prop;
    if (const char* why = detail::take_property(at_, block_end, prop)) {
      return fail_property(malformed, prop.id, why);
    }
  }
  return true;
}

// The packet's own properties (not the will's), whose place packet_view records.
bool packet_reader::packet_properties() {
  out_.props_at = static_cast<std::uint32_t>(at_ - out_.whole.data());
  return properties(out_.props, "property block");
}

// A 5.0 reason code and properties that may be left out (PUBACK..PUBCOMP,
// DISCONNECT, AUTH): absent means 0x00 and none.
bool packet_reader::optional_code_and_properties() {
  if (at_ == end_) return true;
  out_.code = static_cast<reason_code>(*at_++);
  return at_ == end_ || packet_properties();
}

bool packet_reader::finish() { return at_ == end_ || fail(malformed, nullptr, "has bytes left over after its last field"); }

bool packet_reader::utf8(std::string_view text, const char* field) {
  const char* why = utf8_problem(text);
  return !why || fail(malformed, field, why);
}

bool packet_reader::topic_name(std::string_view name, const char* field) {
  if (is_plain_topic_name(name)) return true;
  if (!utf8(name, field)) return false;
  const char* why = topic_name_problem(name);
  return !why || fail(protocol, field, why);
}

bool packet_reader::topic_filter(std::string_view filter) {
  if (!utf8(filter, "topic filter")) return false;
  const char* why = topic_filter_problem(filter, v5_);
  return !why || fail(protocol, "topic filter", why);
}

bool packet_reader::packet_id_set() {
  return out_.packet_id != 0 || fail(protocol, "packet identifier", "is 0 [MQTT-2.2.1-3]");
}

bool packet_reader::code_allowed(reason_code code) {
  return reason_code_defined(out_.type, code, v5_ ? protocol_version::v5 : protocol_version::v311) ||
         fail(protocol, "reason code", "is not one defined for this packet (section 2.4)");
}

bool packet_reader::codes_allowed() {
  for (const std::uint8_t code : out_.entries) {
    if (!code_allowed(static_cast<reason_code>(code))) return false;
  }
  return true;
}

bool packet_reader::connect() {
  std::string_view name;
  std::uint8_t level = 0;
  if (!string(name, "protocol name") || !u8(level, "protocol level")) return false;
  // A protocol this codec does not speak: 5.0 answers it with CONNACK 0x84 (section 3.1.2.1).
  if (name != "MQTT" && name != "MQIsdp") {
    return fail(reason_code::unsupported_protocol_version, "protocol name",
                "is neither \"MQTT\" nor \"MQIsdp\" [MQTT-3.1.2-1]");
  }
  out_.bridge = (level & 0x80) != 0;  // Mosquitto's bridges set bit 7
  level &= 0x7F;
  if (name == "MQIsdp" ? level != 3 : (level != 4 && level != 5)) {
    return fail(reason_code::unsupported_protocol_version, "protocol level", "is not supported [MQTT-3.1.2-2]");
  }
  out_.version = static_cast<protocol_version>(level);
  v5_ = level == 5;

  std::uint8_t flags = 0;
  if (!u8(flags, "connect flags") || !u16(out_.keep_alive, "keep alive")) return false;
  if (flags & 0x01) return fail(malformed, "reserved connect flag", "is set [MQTT-3.1.2-3]");
  out_.clean_start = (flags & 0x02) != 0;
  out_.has_will = (flags & 0x04) != 0;
  const unsigned will_qos = (flags >> 3) & 0x03u;
  out_.will_retain = (flags & 0x20) != 0;
  if (!out_.has_will && will_qos != 0) return fail(malformed, "Will QoS", "is set without the Will Flag [MQTT-3.1.2-11]");
  if (!out_.has_will && out_.will_retain) {
    return fail(malformed, "Will Retain", "is set without the Will Flag [MQTT-3.1.2-13]");
  }
  if (will_qos == 3) return fail(malformed, "Will QoS", "is 3 [MQTT-3.1.2-12]");
  out_.will_qos = static_cast<qos>(will_qos);
  if (v5_ && !packet_properties()) return false;
  if (!string(out_.client_id, "client identifier")) return false;
  if (out_.has_will) {
    if (v5_ && !properties(out_.will_props, "will property block")) return false;
    if (!string(out_.will_topic, "will topic") || !binary(out_.will_payload, "will payload")) return false;
  }
  out_.has_username = (flags & 0x80) != 0;
  if (out_.has_username && !string(out_.username, "user name")) return false;
  out_.has_password = (flags & 0x40) != 0;
  if (out_.has_password && !binary(out_.password, "password")) return false;
  if (!finish()) return false;

  if (!utf8(out_.client_id, "client identifier")) return false;
  if (out_.has_will) {
    if (!topic_name(out_.will_topic, "will topic") || !props(out_.will_props, property_place::will)) return false;
  }
  if (out_.has_username && !utf8(out_.username, "user name")) return false;
  if (out_.has_password && !out_.has_username && !v5_) {
    return fail(malformed, "password", "without a user name (3.1.1 [MQTT-3.1.2-22])");
  }
  if (!props(out_.props, property_place::connect)) return false;
  // What the client may send, which a server may judge otherwise (CONNECT is only
  // ever read to_server: a server does not send it).
  if (out_.client_id.empty() && out_.version == protocol_version::v31) {
    return fail(reason_code::client_identifier_not_valid, "client identifier",
                "is empty: MQTT 3.1 needs one of 1 to 23 characters (3.1 section 3.1)");
  }
  if (out_.client_id.empty() && !out_.clean_start && !v5_) {
    return fail(reason_code::client_identifier_not_valid, "client identifier",
                "is empty, which needs a clean session (3.1.1 [MQTT-3.1.3-7])");
  }
  return true;
}

bool packet_reader::connack() {
  std::uint8_t ack_flags = 0;
  std::uint8_t code = 0;
  if (!u8(ack_flags, "acknowledge flags") || !u8(code, "reason code")) return false;
  if (ack_flags & 0xFE) return fail(malformed, "acknowledge flags", "have reserved bits set [MQTT-3.2.2-1]");
  out_.session_present = (ack_flags & 0x01) != 0;
  out_.code = static_cast<reason_code>(code);
  if (v5_ && !packet_properties()) return false;
  if (!finish()) return false;

  if (!code_allowed(out_.code)) return false;
  if (out_.session_present && code != 0) {
    return fail(protocol, "Session Present", "is set with a non-zero reason code [MQTT-3.2.2-6]");
  }
  return props(out_.props, property_place::connack);
}

bool packet_reader::publish() {
  out_.dup = (out_.flags & 0x08) != 0;
  out_.qos = static_cast<qos>((out_.flags >> 1) & 0x03);
  out_.retain = (out_.flags & 0x01) != 0;
  if (!string(out_.topic, "topic name")) return false;
  if (out_.qos != qos::at_most_once && !u16(out_.packet_id, "packet identifier")) return false;
  if (v5_ && !packet_properties()) return false;
  out_.payload = bytes_view(at_, static_cast<std::size_t>(end_ - at_));

  if (out_.dup && out_.qos == qos::at_most_once) {
    return fail(malformed, "DUP", "is set on a QoS 0 message [MQTT-3.3.1-2]");
  }
  if (out_.qos != qos::at_most_once && !packet_id_set()) return false;
  if (!props(out_.props, property_place::publish)) return false;
  property found;
  if (out_.topic.empty() && v5_) {
    if (!find_property(out_.props, property_id::topic_alias, found)) {
      return fail(protocol, "topic name", "is empty and there is no Topic Alias (section 3.3.2.1)");
    }
  } else if (!topic_name(out_.topic, "topic name")) {
    return false;
  }
  if (dir_ == direction::to_server && find_property(out_.props, property_id::subscription_identifier, found)) {
    return fail_property(protocol, property_id::subscription_identifier, "is not allowed from a client [MQTT-3.3.4-6]");
  }
  return true;
}

// PUBACK, PUBREC, PUBREL and PUBCOMP.
bool packet_reader::ack() {
  if (!u16(out_.packet_id, "packet identifier")) return false;
  if (v5_ && !optional_code_and_properties()) return false;
  if (!finish()) return false;

  if (!packet_id_set() || !code_allowed(out_.code)) return false;
  return props(out_.props, static_cast<property_place>(out_.type));
}

bool packet_reader::subscribe() {
  if (!u16(out_.packet_id, "packet identifier")) return false;
  if (v5_ && !packet_properties()) return false;
  const std::uint8_t* const first = at_;
  while (at_ < end_) {
    std::string_view filter;
    std::uint8_t options = 0;
    if (!string(filter, "topic filter") || !u8(options, "subscription options")) return false;
    if (v5_ ? (options & 0xC0) : (options & 0xFC)) {
      return fail(malformed, "subscription options",
                  v5_ ? "have reserved bits 6-7 set [MQTT-3.8.3-5]" : "have reserved bits 2-7 set (3.1.1 [MQTT-3.8.3-4])");
    }
  }
  out_.entries = bytes_view(first, static_cast<std::size_t>(end_ - first));

  if (!packet_id_set()) return false;
  if (out_.entries.empty()) return fail(protocol, nullptr, "has no topic filters [MQTT-3.8.3-2]");
  subscription sub;
  reason_code unused;
  for (entry_cursor c(packet_type::subscribe, out_.entries); c.next(sub, unused);) {
    if (!topic_filter(sub.filter)) return false;
    if (sub.max_qos == static_cast<qos>(3)) {
      // 5.0 calls it a Protocol Error (section 3.8.3.1), 3.1.1 a malformed packet.
      return v5_ ? fail(protocol, "maximum QoS", "is 3 (section 3.8.3.1)")
                 : fail(malformed, "requested QoS", "is 3 (3.1.1 [MQTT-3.8.3-4])");
    }
    if (sub.retain_handling == static_cast<retain_handling>(3)) {
      return fail(protocol, "Retain Handling", "is 3 (section 3.8.3.1)");
    }
    shared_filter shared;
    if (v5_ && sub.no_local && split_shared_filter(sub.filter, shared)) {
      return fail(protocol, "No Local", "is set on a shared subscription [MQTT-3.8.3-4]");
    }
  }
  return props(out_.props, property_place::subscribe);
}

bool packet_reader::suback() {
  if (!u16(out_.packet_id, "packet identifier")) return false;
  if (v5_ && !packet_properties()) return false;
  out_.entries = bytes_view(at_, static_cast<std::size_t>(end_ - at_));

  if (!packet_id_set()) return false;
  if (out_.entries.empty()) return fail(protocol, nullptr, "has no reason codes (section 3.9.3)");
  return codes_allowed() && props(out_.props, property_place::suback);
}

bool packet_reader::unsubscribe() {
  if (!u16(out_.packet_id, "packet identifier")) return false;
  if (v5_ && !packet_properties()) return false;
  const std::uint8_t* const first = at_;
  while (at_ < end_) {
    std::string_view filter;
    if (!string(filter, "topic filter")) return false;
  }
  out_.entries = bytes_view(first, static_cast<std::size_t>(end_ - first));

  if (!packet_id_set()) return false;
  if (out_.entries.empty()) return fail(protocol, nullptr, "has no topic filters [MQTT-3.10.3-2]");
  subscription sub;
  reason_code unused;
  for (entry_cursor c(packet_type::unsubscribe, out_.entries); c.next(sub, unused);) {
    if (!topic_filter(sub.filter)) return false;
  }
  return props(out_.props, property_place::unsubscribe);
}

bool packet_reader::unsuback() {
  if (!u16(out_.packet_id, "packet identifier")) return false;
  if (v5_) {
    if (!packet_properties()) return false;
    out_.entries = bytes_view(at_, static_cast<std::size_t>(end_ - at_));
  } else if (!finish()) {
    return false;  // 3.1.1 UNSUBACK has no payload
  }

  if (!packet_id_set()) return false;
  if (v5_) {
    if (out_.entries.empty()) return fail(protocol, nullptr, "has no reason codes (section 3.11.3)");
    if (!codes_allowed()) return false;
  }
  return props(out_.props, property_place::unsuback);
}

bool packet_reader::disconnect() {
  if (v5_ && !optional_code_and_properties()) return false;
  if (!finish()) return false;

  if (!code_allowed(out_.code) || !props(out_.props, property_place::disconnect)) return false;
  const auto code = static_cast<std::uint8_t>(out_.code);
  property found;
  if (dir_ == direction::to_client) {
    if (find_property(out_.props, property_id::session_expiry_interval, found)) {
      return fail_property(protocol, property_id::session_expiry_interval, "is not allowed from a server [MQTT-3.14.2-2]");
    }
    if (code == 0x04) return fail(protocol, "reason code", "is one only a client sends (section 3.14.2.1)");
  } else if (server_only_disconnect_code(code)) {
    return fail(protocol, "reason code", "is one only a server sends (section 3.14.2.1)");
  }
  return true;
}

bool packet_reader::auth() {
  if (!optional_code_and_properties() || !finish()) return false;

  if (!code_allowed(out_.code) || !props(out_.props, property_place::auth)) return false;
  const auto code = out_.code;
  if (dir_ == direction::to_client ? code == reason_code::re_authenticate : code == reason_code::success) {
    return fail(protocol, "reason code",
                dir_ == direction::to_client ? "is one only a client sends (section 3.15.2.1)"
                                             : "is one only a server sends (section 3.15.2.1)");
  }
  return true;
}

// PUBLISH has its own fixed header flags; PUBREL, SUBSCRIBE and UNSUBSCRIBE must
// carry 0b0010, every other packet 0 [MQTT-2.1.3-1].
std::uint8_t required_flags(packet_type type) {
  return type == packet_type::pubrel || type == packet_type::subscribe || type == packet_type::unsubscribe ? 0x02 : 0x00;
}

bool packet_reader::read(bytes_view whole) {
  out_.whole = whole;
  std::uint32_t remaining = 0;
  const std::size_t header = detail::read_fixed_header(whole, remaining, bad);
  if (bad) return false;
  if (!whole.empty()) bad.type = whole[0] >> 4;
  if (header == 0) return fail(malformed, "Remaining Length", past_end);
  if (header + remaining != whole.size()) {
    return fail(malformed, "Remaining Length", "does not give the size of the packet (section 2.1.4)");
  }
  out_.header_size = static_cast<std::uint32_t>(header);
  const std::uint8_t type_bits = whole[0] >> 4;
  out_.type = static_cast<packet_type>(type_bits);
  out_.flags = whole[0] & 0x0F;
  if (type_bits == 0) return fail(malformed, nullptr, "packet type 0 is reserved (section 2.1.2)");
  if (type_bits == 15 && !v5_) return fail(malformed, nullptr, "packet type 15 is reserved before MQTT 5.0 (section 2.1.2)");
  if (out_.type == packet_type::publish) {
    if ((out_.flags & 0x06) == 0x06) return fail(malformed, "QoS", "is 3 [MQTT-3.3.1-4]");
  } else if (out_.flags != required_flags(out_.type)) {
    return fail(malformed, "fixed header flags", "are reserved values [MQTT-2.1.3-1]");
  }
  if (!((dir_ == direction::to_server ? client_sends : server_sends) & bit(out_.type))) {
    return fail(protocol, nullptr,
                dir_ == direction::to_server ? "is sent by a server, not to one (section 2.1.2)"
                                             : "is sent by a client, not to one (section 2.1.2)");
  }
  at_ = whole.data() + header;
  end_ = whole.data() + whole.size();
  switch (out_.type) {
    case packet_type::connect: return connect();
    case packet_type::connack: return connack();
    case packet_type::publish: return publish();
    case packet_type::puback:
    case packet_type::pubrec:
    case packet_type::pubrel:
    case packet_type::pubcomp: return ack();
    case packet_type::subscribe: return subscribe();
    case packet_type::suback: return suback();
    case packet_type::unsubscribe: return unsubscribe();
    case packet_type::unsuback: return unsuback();
    case packet_type::pingreq:
    case packet_type::pingresp: return finish();
    case packet_type::disconnect: return disconnect();
    case packet_type::auth: return auth();
  }
  return true;
}

}  // namespace

problem read_packet(bytes_view whole, protocol_version version, direction dir, packet_view& out) {
  out = packet_view{};
  packet_reader reader(out, version, dir);
  reader.read(whole);
  return reader.bad;
}

bool entry_cursor::next(subscription& filter_out, reason_code& code_out) {
  if (at_ >= end_) return false;
  if (type_ != packet_type::subscribe && type_ != packet_type::unsubscribe) {
    code_out = static_cast<reason_code>(*at_++);
    return true;
  }
  bytes_view filter;
  if (!detail::take_prefixed(at_, end_, filter) || (type_ == packet_type::subscribe && at_ == end_)) {
    at_ = end_;  // not a checked list: stop
    return false;
  }
  filter_out = subscription{};
  filter_out.filter = as_text(filter);
  if (type_ == packet_type::subscribe) {
    const std::uint8_t options = *at_++;
    filter_out.max_qos = static_cast<qos>(options & 0x03);
    filter_out.no_local = (options & 0x04) != 0;
    filter_out.retain_as_published = (options & 0x08) != 0;
    filter_out.retain_handling = static_cast<retain_handling>((options >> 4) & 0x03);
  }
  return true;
}

}  // namespace mqttw::wire
