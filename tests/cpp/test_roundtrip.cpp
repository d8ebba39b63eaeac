// Round trips: packet -> encode -> decode gives the same packet, for every packet type
// in 3.1, 3.1.1 and 5.0, and in 5.0 with every property the packet may carry.
#include "packet_equal.hpp"
#include "test_support.hpp"

using namespace mqttw;
using namespace mqttw::test;

namespace {

const bytes binary_value = {0x00, 0xff, 0x10};

// One valid value of every property allowed in `place`, plus a second User Property.
properties every_property(property_place place) {
  properties props;
  for (int id = 0; id < 64; ++id) {
    const property_info* info = find_property_info(static_cast<std::uint8_t>(id));
    if (!info || !property_allowed_in(info->id, place)) continue;
    switch (info->type) {
      case property_type::byte: props.push_back(property::integer(info->id, 1)); break;
      case property_type::two_byte_integer: props.push_back(property::integer(info->id, 0xFFFF)); break;
      case property_type::four_byte_integer: props.push_back(property::integer(info->id, 0xFFFFFFFF)); break;
      case property_type::varint: props.push_back(property::integer(info->id, 268435455)); break;
      case property_type::utf8_string: props.push_back(property::string(info->id, "r/ü/水")); break;
      case property_type::binary: props.push_back(property::binary(info->id, view(binary_value))); break;
      case property_type::string_pair: props.push_back(property::user("name", "välue")); break;
    }
  }
  props.push_back(property::user("name", "second"));
  return props;
}

void round_trip(const packet& p, protocol_version version) {
  INFO(packet_type_name(type_of(p)) << " in protocol level " << int(version));
  const bytes wire = encode_ok(p, version);
  const auto back = decode_all(wire, version);
  REQUIRE(back.size() == 1);
  CHECK(same(back[0], p));
  // And once more: the decoded packet encodes to the same bytes.
  CHECK(encode_ok(back[0], version) == wire);
}

std::vector<packet> every_packet(protocol_version version) {
  static const bytes payload = text_bytes("payload \x01\x02 bytes");
  const bool v5 = version == protocol_version::v5;
  auto props = [&](property_place place) { return v5 ? every_property(place) : properties{}; };
  std::vector<packet> all;

  connect_packet c{.version = version, .clean_start = false, .keep_alive = 65535, .client_id = "client-ü"};
  c.will = will_message{.topic = "w/ill", .payload = view(payload), .qos = qos::exactly_once, .retain = true,
                        .props = props(property_place::will)};
  c.username = "user";
  c.password = view(payload);
  c.props = props(property_place::connect);
  all.emplace_back(c);

  all.emplace_back(connack_packet{.session_present = true, .props = props(property_place::connack)});
  all.emplace_back(connack_packet{.code = v5 ? reason_code::quota_exceeded : static_cast<reason_code>(5)});
  publish_packet pub{.topic = "a/b/c", .payload = view(payload), .qos = qos::at_least_once, .retain = true,
                     .dup = true, .packet_id = 65535, .props = props(property_place::publish)};
  all.emplace_back(pub);
  const reason_code ack_code = v5 ? reason_code::packet_identifier_not_found : reason_code::success;
  const reason_code pub_code = v5 ? reason_code::payload_format_invalid : reason_code::success;
  all.emplace_back(puback_packet{.packet_id = 1, .code = pub_code, .props = props(property_place::puback)});
  all.emplace_back(pubrec_packet{.packet_id = 2, .code = pub_code, .props = props(property_place::pubrec)});
  all.emplace_back(pubrel_packet{.packet_id = 3, .code = ack_code, .props = props(property_place::pubrel)});
  all.emplace_back(pubcomp_packet{.packet_id = 4, .code = ack_code, .props = props(property_place::pubcomp)});

  subscribe_packet sub{.packet_id = 5, .props = props(property_place::subscribe)};
  if (v5) {
    // A SUBSCRIBE carries one Subscription Identifier; every_property gave one.
    sub.subscriptions.push_back({.filter = "a/+/#", .max_qos = qos::exactly_once, .no_local = true,
                                 .retain_as_published = true, .retain_handling = retain_handling::do_not_send});
    sub.subscriptions.push_back({.filter = "$share/group/x", .max_qos = qos::at_least_once});
  } else {
    sub.subscriptions.push_back({.filter = "a/+/#", .max_qos = qos::exactly_once});
    sub.subscriptions.push_back({.filter = "$SYS/#"});
  }
  all.emplace_back(sub);
  all.emplace_back(suback_packet{.packet_id = 5,
                                 .codes = {reason_code::granted_qos_2, reason_code::unspecified_error},
                                 .props = props(property_place::suback)});
  all.emplace_back(unsubscribe_packet{.packet_id = 6, .filters = {"a/+/#", "b"}, .props = props(property_place::unsubscribe)});
  unsuback_packet unsuback{.packet_id = 6, .props = props(property_place::unsuback)};
  if (v5) unsuback.codes = {reason_code::success, reason_code::no_subscription_existed};
  all.emplace_back(unsuback);
  all.emplace_back(pingreq_packet{});
  all.emplace_back(pingresp_packet{});
  all.emplace_back(disconnect_packet{.code = v5 ? reason_code::server_moved : reason_code::success,
                                     .props = v5 ? properties{property::string(property_id::server_reference, "elsewhere"),
                                                              property::string(property_id::reason_string, "moved")}
                                                 : properties{}});
  if (v5) {
    all.emplace_back(auth_packet{.code = reason_code::re_authenticate, .props = every_property(property_place::auth)});
  }
  return all;
}

}  // namespace

TEST_CASE("every packet type round-trips in 3.1.1") {
  for (const packet& p : every_packet(protocol_version::v311)) round_trip(p, protocol_version::v311);
}

TEST_CASE("every packet type round-trips in 3.1") {
  for (const packet& p : every_packet(protocol_version::v31)) round_trip(p, protocol_version::v31);
}

TEST_CASE("every packet type round-trips in 5.0 with every property it may carry") {
  for (const packet& p : every_packet(protocol_version::v5)) round_trip(p, protocol_version::v5);
}

TEST_CASE("DISCONNECT in 5.0 may carry a Session Expiry Interval; the property table agrees with the spec") {
  // Spot checks of the table against section 2.2.2.2.
  CHECK(property_allowed_in(property_id::session_expiry_interval, property_place::disconnect));
  CHECK(property_allowed_in(property_id::will_delay_interval, property_place::will));
  CHECK_FALSE(property_allowed_in(property_id::will_delay_interval, property_place::connect));
  CHECK(property_allowed_in(property_id::subscription_identifier, property_place::publish));
  CHECK_FALSE(property_allowed_in(property_id::subscription_identifier, property_place::suback));
  CHECK(property_allowed_in(property_id::authentication_method, property_place::auth));
  CHECK_FALSE(property_allowed_in(property_id::topic_alias, property_place::will));
  CHECK(property_may_repeat(property_id::user_property, property_place::connect));
  CHECK(property_may_repeat(property_id::subscription_identifier, property_place::publish));
  CHECK_FALSE(property_may_repeat(property_id::subscription_identifier, property_place::subscribe));
  CHECK_FALSE(property_may_repeat(property_id::content_type, property_place::publish));
  // 27 properties in all.
  int count = 0;
  for (int id = 0; id < 256; ++id) count += find_property_info(static_cast<std::uint8_t>(id)) != nullptr;
  CHECK(count == 27);
}

TEST_CASE("every reason code has its spec name") {
  CHECK(reason_code_name(reason_code::malformed_packet) == "Malformed Packet");
  CHECK(reason_code_name(reason_code::wildcard_subscriptions_not_supported) == "Wildcard Subscriptions not supported");
  CHECK(reason_code_name(static_cast<reason_code>(0x03)) == "Unknown reason code");
  int defined = 0;
  for (int v = 0; v < 256; ++v) defined += is_defined_reason_code(static_cast<std::uint8_t>(v));
  CHECK(defined == 43);
}
