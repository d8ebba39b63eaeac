// The encoder refuses invalid packets with the reason codes the decoder uses, and
// writes nothing when it does.
#include "test_support.hpp"

using namespace mqttw;
using namespace mqttw::test;

namespace {

void refuses(const packet& p, protocol_version version, reason_code expected) {
  const error err = encode_error(p, version);
  INFO(err.reason);
  CHECK(err.code == expected);
  CHECK_FALSE(err.reason.empty());
}

}  // namespace

TEST_CASE("PUBLISH refusals") {
  refuses(publish_packet{.topic = "a/+"}, v311, reason_code::protocol_error);            // 3.1.1 [MQTT-3.3.2-2]
  refuses(publish_packet{.topic = "#"}, v5, reason_code::protocol_error);                // 3.1.1 [MQTT-3.3.2-2]
  refuses(publish_packet{.topic = ""}, v311, reason_code::protocol_error);               // 3.1.1 [MQTT-4.7.3-1]
  refuses(publish_packet{.topic = ""}, v5, reason_code::protocol_error);                 // no Topic Alias
  refuses(publish_packet{.topic = "a", .qos = static_cast<qos>(3), .packet_id = 1}, v311,
          reason_code::malformed_packet);                                                // 3.1.1 [MQTT-3.3.1-4]
  refuses(publish_packet{.topic = "a", .qos = qos::at_least_once}, v311, reason_code::protocol_error);  // id 0
  refuses(publish_packet{.topic = "a", .dup = true}, v311, reason_code::malformed_packet);              // 3.1.1 [MQTT-3.3.1-2]
  refuses(publish_packet{.topic = std::string_view("a\0b", 3)}, v311, reason_code::malformed_packet);   // U+0000
  refuses(publish_packet{.topic = "\xed\xa0\x80"}, v311, reason_code::malformed_packet);               // surrogate
}

TEST_CASE("properties: not in 3.1.1, not in this packet, not twice, not out of range") {
  refuses(publish_packet{.topic = "a", .props = {property::integer(property_id::message_expiry_interval, 1)}}, v311,
          reason_code::protocol_error);
  refuses(publish_packet{.topic = "a", .props = {property::integer(property_id::session_expiry_interval, 1)}}, v5,
          reason_code::malformed_packet);
  refuses(publish_packet{.topic = "a",
                         .props = {property::integer(property_id::topic_alias, 1), property::integer(property_id::topic_alias, 2)}},
          v5, reason_code::protocol_error);
  refuses(publish_packet{.topic = "a", .props = {property::integer(property_id::topic_alias, 0)}}, v5,
          reason_code::topic_alias_invalid);
  refuses(publish_packet{.topic = "a", .props = {property::integer(property_id::topic_alias, 70000)}}, v5,
          reason_code::malformed_packet);  // does not fit two bytes
  refuses(publish_packet{.topic = "a", .props = {property::integer(property_id::payload_format_indicator, 300)}}, v5,
          reason_code::malformed_packet);  // does not fit a byte
  refuses(publish_packet{.topic = "a", .props = {property::integer(property_id::subscription_identifier, 268435456)}},
          v5, reason_code::malformed_packet);
  refuses(publish_packet{.topic = "a", .props = {property{.id = static_cast<property_id>(0x7f)}}}, v5,
          reason_code::malformed_packet);
}

TEST_CASE("subscriptions: 5.0 options in 3.1.1, bad filters, empty lists") {
  refuses(subscribe_packet{.packet_id = 1, .subscriptions = {{.filter = "a", .no_local = true}}}, v311,
          reason_code::protocol_error);
  refuses(subscribe_packet{.packet_id = 1,
                           .subscriptions = {{.filter = "a", .retain_handling = retain_handling::do_not_send}}},
          v311, reason_code::protocol_error);
  refuses(subscribe_packet{.packet_id = 1, .subscriptions = {{.filter = "a/#/b"}}}, v311, reason_code::protocol_error);
  refuses(subscribe_packet{.packet_id = 1}, v5, reason_code::protocol_error);
  refuses(subscribe_packet{.packet_id = 0, .subscriptions = {{.filter = "a"}}}, v311, reason_code::protocol_error);
  refuses(subscribe_packet{.packet_id = 1, .subscriptions = {{.filter = "$share/g/a", .no_local = true}}}, v5,
          reason_code::protocol_error);
  refuses(unsubscribe_packet{.packet_id = 1}, v311, reason_code::protocol_error);
  refuses(unsuback_packet{.packet_id = 1, .codes = {reason_code::success}}, v311, reason_code::protocol_error);
  refuses(suback_packet{.packet_id = 1, .codes = {static_cast<reason_code>(0x11)}}, v5, reason_code::protocol_error);
}

TEST_CASE("CONNECT refusals") {
  refuses(connect_packet{.clean_start = false, .client_id = ""}, v311, reason_code::client_identifier_not_valid);  // 3.1.1 [MQTT-3.1.3-7]
  connect_packet password_only{.client_id = "c"};
  password_only.password = view(text_bytes("pw"));
  refuses(password_only, v311, reason_code::malformed_packet);  // 3.1.1 [MQTT-3.1.2-22]
  connect_packet bad_level{.version = static_cast<protocol_version>(6), .client_id = "c"};
  refuses(bad_level, v311, reason_code::unsupported_protocol_version);
  connect_packet wild_will{.client_id = "c"};
  wild_will.will = will_message{.topic = "a/+"};
  refuses(wild_will, v311, reason_code::protocol_error);
  connect_packet will_delay_in_connect{.version = v5, .client_id = "c"};
  will_delay_in_connect.props.push_back(property::integer(property_id::will_delay_interval, 5));
  refuses(will_delay_in_connect, v5, reason_code::malformed_packet);
}

TEST_CASE("in 5.0 an empty client id without clean start is left to the server") {
  // 3.1.1 forbids it to the client (its [MQTT-3.1.3-7]); 5.0 lets the server decide (0x85).
  const bytes wire = encode_ok(connect_packet{.version = v5, .clean_start = false}, v5);
  CHECK(decode_all(wire, v5).size() == 1);
}

TEST_CASE("strings longer than 65,535 bytes are refused") {
  const std::string long_topic(70000, 'a');
  refuses(publish_packet{.topic = long_topic}, v311, reason_code::malformed_packet);
  refuses(connect_packet{.client_id = long_topic}, v311, reason_code::malformed_packet);
  refuses(subscribe_packet{.packet_id = 1, .subscriptions = {{.filter = long_topic}}}, v311, reason_code::malformed_packet);
  refuses(publish_packet{.topic = "a", .props = {property::string(property_id::content_type, long_topic)}}, v5,
          reason_code::malformed_packet);
  const bytes long_data(70000, 1);
  refuses(publish_packet{.topic = "a", .props = {property::binary(property_id::correlation_data, view(long_data))}}, v5,
          reason_code::malformed_packet);
}

TEST_CASE("a body longer than the Remaining Length can express is refused with 0x95") {
  const bytes huge(268435455, 0);  // with the topic, one more than 268,435,455
  refuses(publish_packet{.topic = "a", .payload = view(huge)}, v311, reason_code::packet_too_large);
}

TEST_CASE("reason codes in 3.1.1 packets that have none") {
  refuses(puback_packet{.packet_id = 1, .code = reason_code::unspecified_error}, v311, reason_code::protocol_error);
  refuses(disconnect_packet{.code = reason_code::server_busy}, v311, reason_code::protocol_error);
  refuses(auth_packet{}, v311, reason_code::malformed_packet);
  refuses(connack_packet{.code = static_cast<reason_code>(6)}, v311, reason_code::protocol_error);
  refuses(connack_packet{.session_present = true, .code = reason_code::not_authorized}, v5, reason_code::protocol_error);
}

TEST_CASE("a refused packet leaves what is already in the output untouched") {
  bytes out = hex("c0 00");  // a PINGREQ already there
  const error err = encode(publish_packet{.topic = "a/#"}, v311, out);
  CHECK(err.code == reason_code::protocol_error);
  CHECK(out == hex("c0 00"));
  CHECK_FALSE(encode(pingresp_packet{}, v311, out));
  CHECK(out == hex("c0 00 d0 00"));  // encode appends
}
