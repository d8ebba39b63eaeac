// Byte-exact vectors for MQTT 5.0, written by hand from the spec and commented byte by
// byte. Between them they use every property, every wire type of section 1.5 and the
// short forms that leave out a 0x00 reason code or an empty property list.
#include "packet_equal.hpp"
#include "test_support.hpp"

using namespace mqttw;
using namespace mqttw::test;

namespace {

std::uint32_t number(const properties& props, property_id id) {
  const property* p = find_property(props, id);
  REQUIRE(p);
  return p->number;
}

std::string_view text(const properties& props, property_id id) {
  const property* p = find_property(props, id);
  REQUIRE(p);
  return p->text;
}

bytes data(const properties& props, property_id id) {
  const property* p = find_property(props, id);
  REQUIRE(p);
  return bytes(p->data.begin(), p->data.end());
}

}  // namespace

TEST_CASE("5.0 CONNECT with properties, will properties, user name and password") {
  const bytes wire = hex(R"(
    10 6c                          // CONNECT, Remaining Length 108
    00 04 4d 51 54 54              // "MQTT"
    05                             // protocol level 5
    d6                             // flags: user name, password, will QoS 2, will, clean start
    00 1e                          // keep alive 30
    28                             // property length 40
      11 00 00 00 78               //   Session Expiry Interval 120 (four-byte integer)
      21 00 14                     //   Receive Maximum 20 (two-byte integer)
      27 00 01 00 00               //   Maximum Packet Size 65536
      22 00 0a                     //   Topic Alias Maximum 10
      19 01                        //   Request Response Information 1 (byte)
      17 00                        //   Request Problem Information 0
      26 00 01 6b 00 01 76         //   User Property "k" = "v" (string pair)
      15 00 05 53 43 52 41 4d      //   Authentication Method "SCRAM" (UTF-8 string)
      16 00 02 01 02               //   Authentication Data 01 02 (binary data)
    00 02 63 35                    // client id "c5"
    25                             // will property length 37
      18 00 00 00 05               //   Will Delay Interval 5
      01 01                        //   Payload Format Indicator 1
      02 00 00 0e 10               //   Message Expiry Interval 3600
      03 00 04 74 65 78 74         //   Content Type "text"
      08 00 03 72 2f 74            //   Response Topic "r/t"
      09 00 02 ab cd               //   Correlation Data ab cd
      26 00 01 61 00 01 62         //   User Property "a" = "b"
    00 03 77 2f 74                 // will topic "w/t"
    00 02 6f 6b                    // will payload "ok"
    00 01 75                       // user name "u"
    00 01 70                       // password "p"
  )");
  const auto p = decode_one<connect_packet>(wire, v5);
  CHECK(p.version == v5);
  CHECK(p.clean_start);
  CHECK(p.keep_alive == 30);
  CHECK(p.client_id == "c5");
  CHECK(p.props.size() == 9);
  CHECK(number(p.props, property_id::session_expiry_interval) == 120);
  CHECK(number(p.props, property_id::receive_maximum) == 20);
  CHECK(number(p.props, property_id::maximum_packet_size) == 65536);
  CHECK(number(p.props, property_id::topic_alias_maximum) == 10);
  CHECK(number(p.props, property_id::request_response_information) == 1);
  CHECK(number(p.props, property_id::request_problem_information) == 0);
  const property* user = find_property(p.props, property_id::user_property);
  REQUIRE(user);
  CHECK(user->text == "k");
  CHECK(user->value == "v");
  CHECK(text(p.props, property_id::authentication_method) == "SCRAM");
  CHECK(data(p.props, property_id::authentication_data) == hex("01 02"));
  REQUIRE(p.will);
  CHECK(p.will->qos == qos::exactly_once);
  CHECK_FALSE(p.will->retain);
  CHECK(p.will->topic == "w/t");
  CHECK(as_text(p.will->payload) == "ok");
  CHECK(p.will->props.size() == 7);
  CHECK(number(p.will->props, property_id::will_delay_interval) == 5);
  CHECK(number(p.will->props, property_id::payload_format_indicator) == 1);
  CHECK(number(p.will->props, property_id::message_expiry_interval) == 3600);
  CHECK(text(p.will->props, property_id::content_type) == "text");
  CHECK(text(p.will->props, property_id::response_topic) == "r/t");
  CHECK(data(p.will->props, property_id::correlation_data) == hex("ab cd"));
  CHECK(p.username == std::optional<std::string_view>("u"));
  REQUIRE(p.password);
  CHECK(as_text(*p.password) == "p");
  CHECK(encode_ok(p, v5) == wire);
}

TEST_CASE("5.0 CONNECT: a password without a user name is allowed") {
  const bytes wire = hex(R"(
    10 11                          // CONNECT, Remaining Length 17
    00 04 4d 51 54 54 05           // "MQTT", level 5
    42                             // flags: password, clean start
    00 00                          // keep alive 0
    00                             // property length 0
    00 00                          // client id ""
    00 02 70 77                    // password "pw"
  )");
  const auto p = decode_one<connect_packet>(wire, v5);
  CHECK_FALSE(p.username);
  REQUIRE(p.password);
  CHECK(as_text(*p.password) == "pw");
  CHECK(encode_ok(p, v5) == wire);
}

TEST_CASE("5.0 CONNACK with the server's properties") {
  const bytes wire = hex(R"(
    20 23                          // CONNACK, Remaining Length 35
    01                             // session present
    00                             // reason code Success
    20                             // property length 32
      24 01                        //   Maximum QoS 1
      25 00                        //   Retain Available 0
      12 00 03 61 62 63            //   Assigned Client Identifier "abc"
      13 00 3c                     //   Server Keep Alive 60
      1f 00 02 6f 6b               //   Reason String "ok"
      28 01                        //   Wildcard Subscription Available 1
      29 00                        //   Subscription Identifier Available 0
      2a 01                        //   Shared Subscription Available 1
      1a 00 01 72                  //   Response Information "r"
      1c 00 01 73                  //   Server Reference "s"
  )");
  const auto p = decode_one<connack_packet>(wire, v5);
  CHECK(p.session_present);
  CHECK(p.code == reason_code::success);
  CHECK(p.props.size() == 10);
  CHECK(number(p.props, property_id::maximum_qos) == 1);
  CHECK(number(p.props, property_id::retain_available) == 0);
  CHECK(text(p.props, property_id::assigned_client_identifier) == "abc");
  CHECK(number(p.props, property_id::server_keep_alive) == 60);
  CHECK(text(p.props, property_id::reason_string) == "ok");
  CHECK(number(p.props, property_id::wildcard_subscription_available) == 1);
  CHECK(number(p.props, property_id::subscription_identifier_available) == 0);
  CHECK(number(p.props, property_id::shared_subscription_available) == 1);
  CHECK(text(p.props, property_id::response_information) == "r");
  CHECK(text(p.props, property_id::server_reference) == "s");
  CHECK(encode_ok(p, v5) == wire);
}

TEST_CASE("5.0 CONNACK refusing with reason code 0x86") {
  const bytes wire = hex("20 03  00  86  00");  // CONNACK, RL 3, no session, Bad User Name or Password, no properties
  const auto p = decode_one<connack_packet>(wire, v5);
  CHECK(p.code == reason_code::bad_user_name_or_password);
  CHECK(encode_ok(p, v5) == wire);
}

TEST_CASE("5.0 PUBLISH with Topic Alias and two Subscription Identifiers (variable byte integers)") {
  const bytes wire = hex(R"(
    32 11                          // PUBLISH QoS 1, Remaining Length 17
    00 03 61 2f 62                 // topic "a/b"
    00 05                          // packet id 5
    08                             // property length 8
      23 00 02                     //   Topic Alias 2
      0b 0a                        //   Subscription Identifier 10
      0b 80 01                     //   Subscription Identifier 128 (two-byte varint)
    78                             // payload "x"
  )");
  const auto p = decode_one<publish_packet>(wire, v5);
  CHECK(p.packet_id == 5);
  REQUIRE(p.props.size() == 3);
  CHECK(p.props[0].id == property_id::topic_alias);
  CHECK(p.props[0].number == 2);
  CHECK(p.props[1].number == 10);
  CHECK(p.props[2].id == property_id::subscription_identifier);
  CHECK(p.props[2].number == 128);
  CHECK(as_text(p.payload) == "x");
  CHECK(encode_ok(p, v5) == wire);
}

TEST_CASE("5.0 PUBLISH with an empty topic name and a Topic Alias") {
  const bytes wire = hex(R"(
    30 07                          // PUBLISH QoS 0, Remaining Length 7
    00 00                          // topic "" (the alias stands for it)
    03                             // property length 3
      23 00 05                     //   Topic Alias 5
    7a                             // payload "z"
  )");
  const auto p = decode_one<publish_packet>(wire, v5);
  CHECK(p.topic.empty());
  CHECK(number(p.props, property_id::topic_alias) == 5);
  CHECK(encode_ok(p, v5) == wire);
}

TEST_CASE("5.0 PUBACK in its three forms: short, reason code only, reason code and properties") {
  const bytes short_form = hex("40 02  00 01");               // PUBACK, RL 2, packet id 1: Success, no properties
  const bytes code_only = hex("40 03  00 01  10");            // RL 3, reason No matching subscribers
  const bytes with_props = hex(R"(
    40 0a                          // PUBACK, Remaining Length 10
    00 01                          // packet id 1
    80                             // reason code Unspecified error
    06                             // property length 6
      1f 00 03 62 61 64            //   Reason String "bad"
  )");
  auto a = decode_one<puback_packet>(short_form, v5);
  CHECK(a.code == reason_code::success);
  CHECK(a.props.empty());
  CHECK(encode_ok(a, v5) == short_form);

  auto b = decode_one<puback_packet>(code_only, v5);
  CHECK(b.code == reason_code::no_matching_subscribers);
  CHECK(encode_ok(b, v5) == code_only);

  auto c = decode_one<puback_packet>(with_props, v5);
  CHECK(c.code == reason_code::unspecified_error);
  CHECK(text(c.props, property_id::reason_string) == "bad");
  CHECK(encode_ok(c, v5) == with_props);
}

TEST_CASE("5.0 PUBREC, PUBREL and PUBCOMP with reason codes") {
  const bytes pubrec = hex("50 03  00 01  10");    // PUBREC, No matching subscribers
  const bytes pubrel = hex("62 03  00 01  92");    // PUBREL, Packet Identifier not found
  const bytes pubcomp = hex("70 03  00 01  92");   // PUBCOMP, Packet Identifier not found
  CHECK(decode_one<pubrec_packet>(pubrec, v5).code == reason_code::no_matching_subscribers);
  CHECK(decode_one<pubrel_packet>(pubrel, v5).code == reason_code::packet_identifier_not_found);
  CHECK(decode_one<pubcomp_packet>(pubcomp, v5).code == reason_code::packet_identifier_not_found);
  CHECK(encode_ok(pubrec_packet{.packet_id = 1, .code = reason_code::no_matching_subscribers}, v5) == pubrec);
  CHECK(encode_ok(pubrel_packet{.packet_id = 1, .code = reason_code::packet_identifier_not_found}, v5) == pubrel);
  CHECK(encode_ok(pubcomp_packet{.packet_id = 1, .code = reason_code::packet_identifier_not_found}, v5) == pubcomp);
}

TEST_CASE("5.0 SUBSCRIBE with subscription options, an identifier and a shared subscription") {
  const bytes wire = hex(R"(
    82 1f                          // SUBSCRIBE, Remaining Length 31
    00 0a                          // packet id 10
    09                             // property length 9
      0b 05                        //   Subscription Identifier 5
      26 00 01 6b 00 01 76         //   User Property "k" = "v"
    00 03 61 2f 2b                 // "a/+"
    2d                             //   options: QoS 1, No Local, Retain As Published, Retain Handling 2
    00 0a 24 73 68 61 72 65 2f 67 2f 74   // "$share/g/t"
    00                             //   options: QoS 0
  )");
  const auto p = decode_one<subscribe_packet>(wire, v5);
  CHECK(number(p.props, property_id::subscription_identifier) == 5);
  REQUIRE(p.subscriptions.size() == 2);
  const subscription& a = p.subscriptions[0];
  CHECK(a.filter == "a/+");
  CHECK(a.max_qos == qos::at_least_once);
  CHECK(a.no_local);
  CHECK(a.retain_as_published);
  CHECK(a.retain_handling == retain_handling::do_not_send);
  CHECK(p.subscriptions[1].filter == "$share/g/t");
  CHECK(encode_ok(p, v5) == wire);
}

TEST_CASE("5.0 SUBACK with every SUBACK reason code") {
  const bytes wire = hex(R"(
    90 0f                          // SUBACK, Remaining Length 15
    00 0a                          // packet id 10
    00                             // property length 0
    00 01 02 80 83 87 8f 91 97 9e a1 a2   // granted 0, 1, 2 and each failure code
  )");
  const auto p = decode_one<suback_packet>(wire, v5);
  REQUIRE(p.codes.size() == 12);
  CHECK(p.codes[11] == reason_code::wildcard_subscriptions_not_supported);
  CHECK(encode_ok(p, v5) == wire);
}

TEST_CASE("5.0 UNSUBSCRIBE and UNSUBACK with reason codes") {
  const bytes unsub = hex(R"(
    a2 08                          // UNSUBSCRIBE, Remaining Length 8
    00 0b                          // packet id 11
    00                             // property length 0
    00 03 61 2f 62                 // "a/b"
  )");
  const auto u = decode_one<unsubscribe_packet>(unsub, v5);
  CHECK(u.filters == std::vector<std::string_view>{"a/b"});
  CHECK(encode_ok(u, v5) == unsub);

  const bytes unsuback = hex(R"(
    b0 0a                          // UNSUBACK, Remaining Length 10
    00 0b                          // packet id 11
    00                             // property length 0
    00 11 80 83 87 8f 91           // each UNSUBACK reason code
  )");
  const auto a = decode_one<unsuback_packet>(unsuback, v5);
  REQUIRE(a.codes.size() == 7);
  CHECK(a.codes[1] == reason_code::no_subscription_existed);
  CHECK(encode_ok(a, v5) == unsuback);
}

TEST_CASE("5.0 DISCONNECT in its three forms") {
  const bytes short_form = hex("e0 00");                     // Normal disconnection, no properties
  const bytes code_only = hex("e0 01  04");                  // Disconnect with Will Message
  const bytes with_props = hex(R"(
    e0 07                          // DISCONNECT, Remaining Length 7
    8e                             // reason code Session taken over
    05                             // property length 5
      11 00 00 00 00               //   Session Expiry Interval 0
  )");
  CHECK(decode_one<disconnect_packet>(short_form, v5).code == reason_code::normal_disconnection);
  CHECK(encode_ok(disconnect_packet{}, v5) == short_form);
  const auto b = decode_one<disconnect_packet>(code_only, v5);
  CHECK(b.code == reason_code::disconnect_with_will_message);
  CHECK(encode_ok(b, v5) == code_only);
  const auto c = decode_one<disconnect_packet>(with_props, v5);
  CHECK(c.code == reason_code::session_taken_over);
  CHECK(number(c.props, property_id::session_expiry_interval) == 0);
  CHECK(encode_ok(c, v5) == with_props);
}

TEST_CASE("5.0 AUTH, short and full") {
  const bytes short_form = hex("f0 00");  // AUTH, Success, no properties: legal (section 3.15.2.1)
  CHECK(decode_one<auth_packet>(short_form, v5).code == reason_code::success);
  // but written in full, since mqtt-packet cannot parse the short form
  CHECK(encode_ok(auth_packet{}, v5) == hex("f0 02  00  00"));
  const bytes full = hex(R"(
    f0 0e                          // AUTH, Remaining Length 14
    18                             // reason code Continue authentication
    0c                             // property length 12
      15 00 05 53 43 52 41 4d      //   Authentication Method "SCRAM"
      16 00 01 ff                  //   Authentication Data ff
  )");
  const auto a = decode_one<auth_packet>(full, v5);
  CHECK(a.code == reason_code::continue_authentication);
  CHECK(text(a.props, property_id::authentication_method) == "SCRAM");
  CHECK(encode_ok(a, v5) == full);
}

TEST_CASE("5.0 PINGREQ and PINGRESP") {
  CHECK(encode_ok(pingreq_packet{}, v5) == hex("c0 00"));
  CHECK(encode_ok(pingresp_packet{}, v5) == hex("d0 00"));
  decode_one<pingreq_packet>(hex("c0 00"), v5);
  decode_one<pingresp_packet>(hex("d0 00"), v5);
}
