// Malformed and protocol-violating input: a table of bytes and the reason code the
// decoder must answer with. Each row names the rule it checks.
#include "test_support.hpp"

using namespace mqttw;
using namespace mqttw::test;

namespace {

constexpr auto malformed = reason_code::malformed_packet;
constexpr auto protocol = reason_code::protocol_error;

struct bad_input {
  const char* rule;
  protocol_version version;
  const char* wire;
  reason_code expected;
};

void check_table(std::initializer_list<bad_input> rows) {
  for (const bad_input& row : rows) {
    INFO(row.rule << "  (" << row.wire << ")");
    const error err = decode_error(hex(row.wire), row.version);
    INFO("reason: " << err.reason);
    CHECK(err.code == row.expected);
    CHECK_FALSE(err.reason.empty());
  }
}

}  // namespace

TEST_CASE("fixed header: Remaining Length, reserved packet types, reserved flags") {
  check_table({
      {"Remaining Length of 5 bytes (section 2.1.4)", v311, "30 ff ff ff ff 01", malformed},
      {"[MQTT-1.5.5-1] Remaining Length not in its shortest form", v311, "c0 80 00", malformed},
      {"packet type 0 is reserved", v311, "00 00", malformed},
      {"packet type 15 (AUTH) before 5.0", v311, "f0 00", malformed},
      {"[MQTT-2.1.3-1] CONNACK with flags", v311, "21 02 00 00", malformed},
      {"[MQTT-2.1.3-1] PUBACK with flags", v311, "41 02 00 01", malformed},
      {"[MQTT-2.1.3-1] PUBREC with flags", v311, "52 02 00 01", malformed},
      {"[MQTT-3.6.1-1] PUBREL without 0b0010", v311, "60 02 00 01", malformed},
      {"[MQTT-2.1.3-1] PUBCOMP with flags", v311, "78 02 00 01", malformed},
      {"[MQTT-3.8.1-1] SUBSCRIBE without 0b0010", v311, "80 06 00 01 00 01 61 00", malformed},
      {"[MQTT-2.1.3-1] SUBACK with flags", v311, "92 03 00 01 00", malformed},
      {"[MQTT-3.10.1-1] UNSUBSCRIBE with 0b0011", v311, "a3 05 00 01 00 01 61", malformed},
      {"[MQTT-2.1.3-1] UNSUBACK with flags", v311, "b2 02 00 01", malformed},
      {"[MQTT-2.1.3-1] PINGREQ with flags", v311, "c1 00", malformed},
      {"[MQTT-2.1.3-1] PINGRESP with flags", v311, "d4 00", malformed},
      {"[MQTT-2.1.3-1] DISCONNECT with flags", v311, "e8 00", malformed},
      {"[MQTT-2.1.3-1] AUTH with flags", v5, "f1 00", malformed},
      {"[MQTT-2.1.3-1] CONNECT with flags", v311, "12 0c 00 04 4d 51 54 54 04 02 00 00 00 00", malformed},
  });
}

TEST_CASE("PUBLISH: QoS 3, DUP on QoS 0, packet id 0, topics") {
  check_table({
      {"[MQTT-3.3.1-4] QoS 3", v311, "36 05 00 01 61 00 01", malformed},
      {"[MQTT-3.3.1-2] DUP on QoS 0", v311, "38 03 00 01 61", malformed},
      {"[MQTT-2.2.1-3] packet id 0 on QoS 1", v311, "32 05 00 01 61 00 00", protocol},
      {"[MQTT-2.2.1-3] packet id 0 on QoS 2", v5, "34 06 00 01 61 00 00 00", protocol},
      {"[MQTT-3.3.2-2] '+' in a topic name", v311, "30 05 00 03 61 2f 2b", protocol},
      {"[MQTT-3.3.2-2] '#' in a topic name", v5, "30 06 00 03 61 2f 23 00", protocol},
      {"[MQTT-4.7.3-1] empty topic name in 3.1.1", v311, "30 02 00 00", protocol},
      {"empty topic name without a Topic Alias in 5.0 (section 3.3.2.1)", v5, "30 03 00 00 00", protocol},
      {"[MQTT-3.3.2-8] Topic Alias 0", v5, "30 07 00 01 61 03 23 00 00", reason_code::topic_alias_invalid},
      {"packet id missing on QoS 1", v311, "32 03 00 01 61", malformed},
      {"topic length overruns the packet", v311, "30 03 00 05 61", malformed},
      {"5.0 PUBLISH without its property length", v5, "30 03 00 01 61", malformed},
      {"property length overruns the packet", v5, "30 05 00 01 61 09 01", malformed},
  });
}

TEST_CASE("[MQTT-1.5.4-1] [MQTT-1.5.4-2] UTF-8 in strings") {
  check_table({
      {"U+0000 in a topic", v311, "30 05 00 03 61 00 62", malformed},
      {"surrogate U+D800 (ed a0 80) in a topic", v311, "30 05 00 03 ed a0 80", malformed},
      {"overlong '/' (c0 af) in a topic", v311, "30 04 00 02 c0 af", malformed},
      {"overlong 3-byte (e0 80 af)", v311, "30 05 00 03 e0 80 af", malformed},
      {"stray continuation byte", v311, "30 03 00 01 80", malformed},
      {"truncated 2-byte sequence at the end", v311, "30 04 00 02 61 c3", malformed},
      {"code point above U+10FFFF (f4 90 80 80)", v311, "30 06 00 04 f4 90 80 80", malformed},
      {"invalid lead byte ff", v311, "30 03 00 01 ff", malformed},
      {"surrogate in a client id", v311, "10 0f 00 04 4d 51 54 54 04 02 00 00 00 03 ed b0 80", malformed},
      {"U+0000 in a user name", v311, "10 10 00 04 4d 51 54 54 04 82 00 00 00 00 00 02 61 00", malformed},
      {"ill-formed UTF-8 in a User Property", v5, "30 0b 00 01 61 07 26 00 01 ff 00 01 62", malformed},
      {"ill-formed UTF-8 in a topic filter", v311, "82 06 00 01 00 01 fe 00", malformed},
  });
}

TEST_CASE("topic filters in SUBSCRIBE and UNSUBSCRIBE") {
  check_table({
      {"[MQTT-4.7.1-1] '#' not last", v311, "82 08 00 01 00 03 23 2f 61 00", protocol},
      {"[MQTT-4.7.1-1] '#' sharing its level", v311, "82 07 00 01 00 02 61 23 00", protocol},
      {"[MQTT-4.7.1-2] '+' sharing its level", v311, "82 08 00 01 00 03 61 2b 62 00", protocol},
      {"[MQTT-4.7.3-1] empty filter", v311, "82 05 00 01 00 00 00", protocol},
      {"[MQTT-4.8.2-1] $share with an empty ShareName", v5, "82 0f 00 01 00 00 09 24 73 68 61 72 65 2f 2f 61 00", protocol},
      {"[MQTT-4.8.2-2] $share ShareName with '+'", v5, "82 10 00 01 00 00 0a 24 73 68 61 72 65 2f 2b 2f 61 00", protocol},
      {"[MQTT-4.8.2-2] $share without a filter", v5, "82 0e 00 01 00 00 08 24 73 68 61 72 65 2f 67 00", protocol},
      {"[MQTT-4.7.1-2] bad filter in UNSUBSCRIBE", v311, "a2 06 00 01 00 02 61 2b", protocol},
  });
}

TEST_CASE("SUBSCRIBE and UNSUBSCRIBE entries and options") {
  check_table({
      {"[MQTT-3.8.3-2] SUBSCRIBE with no entries", v311, "82 02 00 01", protocol},
      {"[MQTT-3.10.3-2] UNSUBSCRIBE with no entries", v311, "a2 02 00 01", protocol},
      {"3.1.1 [MQTT-3.8.3-4] reserved bits 2-7 of the requested QoS", v311, "82 06 00 01 00 01 61 04", malformed},
      {"[MQTT-3.8.3-5] 5.0 reserved bits 6-7 of the options", v5, "82 07 00 01 00 00 01 61 40", malformed},
      {"3.1.1 [MQTT-3.8.3-4] requested QoS 3 is malformed", v311, "82 06 00 01 00 01 61 03", malformed},
      {"5.0 maximum QoS 3 is a protocol error (section 3.8.3.1)", v5, "82 07 00 01 00 00 01 61 03", protocol},
      {"Retain Handling 3 (section 3.8.3.1)", v5, "82 07 00 01 00 00 01 61 30", protocol},
      {"[MQTT-3.8.3-4] No Local on a shared subscription", v5,
       "82 10 00 01 00 00 0a 24 73 68 61 72 65 2f 67 2f 61 04", protocol},
      {"[MQTT-2.2.1-3] SUBSCRIBE with packet id 0", v311, "82 06 00 00 00 01 61 00", protocol},
      {"[MQTT-2.2.1-3] UNSUBSCRIBE with packet id 0", v311, "a2 05 00 00 00 01 61", protocol},
      {"SUBSCRIBE entry without its options byte", v311, "82 05 00 01 00 01 61", malformed},
  });
}

TEST_CASE("properties: not allowed, unknown, repeated, out of range") {
  check_table({
      {"Topic Alias in CONNECT (section 2.2.2.2)", v5, "10 10 00 04 4d 51 54 54 05 02 00 00 03 23 00 01 00 00", malformed},
      {"Will Delay Interval outside the will", v5, "30 09 00 01 61 05 18 00 00 00 01", malformed},
      {"Session Expiry Interval in PUBLISH", v5, "30 09 00 01 61 05 11 00 00 00 01", malformed},
      {"unknown property identifier 0x7f", v5, "30 06 00 01 61 02 7f 00", malformed},
      {"Topic Alias twice", v5, "30 0a 00 01 61 06 23 00 01 23 00 02", protocol},
      {"Subscription Identifier twice in SUBSCRIBE", v5, "82 0b 00 01 04 0b 01 0b 02 00 01 61 00", protocol},
      {"Content Type twice", v5, "30 0c 00 01 61 08 03 00 01 61 03 00 01 62", protocol},
      {"Receive Maximum 0 in CONNECT", v5, "10 10 00 04 4d 51 54 54 05 02 00 00 03 21 00 00 00 00", protocol},
      {"Maximum Packet Size 0 in CONNECT", v5, "10 12 00 04 4d 51 54 54 05 02 00 00 05 27 00 00 00 00 00 00", protocol},
      {"Subscription Identifier 0 in SUBSCRIBE", v5, "82 09 00 01 02 0b 00 00 01 61 00", protocol},
      {"Request Problem Information 2", v5, "10 0f 00 04 4d 51 54 54 05 02 00 00 02 17 02 00 00", protocol},
      {"Payload Format Indicator 2", v5, "30 06 00 01 61 02 01 02", protocol},
      {"Maximum QoS 2 in CONNACK", v5, "20 05 00 00 02 24 02", protocol},
      {"Authentication Data without Authentication Method (section 3.1.2.11.10)", v5,
       "10 11 00 04 4d 51 54 54 05 02 00 00 04 16 00 01 ff 00 00", protocol},
      {"[MQTT-3.3.2-14] Response Topic with a wildcard", v5, "30 0a 00 01 61 06 08 00 03 61 2f 23", protocol},
      {"Subscription Identifier longer than 4 bytes", v5, "30 0a 00 01 61 06 0b 80 80 80 80 01", malformed},
      {"string property overruns the property block", v5, "30 08 00 01 61 04 03 00 05 61", malformed},
      {"User Property without its value", v5, "30 09 00 01 61 05 26 00 01 6b 00", malformed},
  });
}

TEST_CASE("properties that may repeat are accepted") {
  // Two User Properties and two Subscription Identifiers in a PUBLISH [MQTT-3.3.4-3].
  const bytes wire = hex(R"(
    30 16 00 01 61          // PUBLISH, RL 22, topic "a"
    12                      // property length 18
      26 00 01 6b 00 01 31  //   User Property k=1
      26 00 01 6b 00 01 32  //   User Property k=2
      0b 01 0b 02           //   Subscription Identifier 1, 2
  )");
  const auto packets = decode_all(wire, v5);
  REQUIRE(packets.size() == 1);
  CHECK(std::get<publish_packet>(packets[0]).props.size() == 4);
}

TEST_CASE("lengths that overrun, packets that end early, trailing bytes") {
  check_table({
      {"binary (password) overruns", v311, "10 11 00 04 4d 51 54 54 04 c2 00 00 00 00 00 01 75 00 09", malformed},
      {"client id overruns", v311, "10 0c 00 04 4d 51 54 54 04 02 00 00 00 09", malformed},
      {"CONNECT ends before its flags", v311, "10 07 00 04 4d 51 54 54 04", malformed},
      {"PUBACK with one byte", v311, "40 01 00", malformed},
      {"trailing byte after PUBACK", v311, "40 03 00 01 00", malformed},
      {"trailing byte after 3.1.1 UNSUBACK", v311, "b0 03 00 01 00", malformed},
      {"trailing byte after CONNECT", v311, "10 0d 00 04 4d 51 54 54 04 02 00 00 00 00 ff", malformed},
      {"PINGREQ with a body", v311, "c0 01 00", malformed},
      {"3.1.1 DISCONNECT with a body", v311, "e0 01 00", malformed},
      {"3.1.1 CONNACK with three bytes", v311, "20 03 00 00 00", malformed},
      {"5.0 CONNACK without its property length", v5, "20 02 00 00", malformed},
  });
}

TEST_CASE("CONNECT: protocol name and level, flags") {
  check_table({
      {"[MQTT-3.1.2-1] protocol name MQTX", v311, "10 0c 00 04 4d 51 54 58 04 02 00 00 00 00", reason_code::unsupported_protocol_version},
      {"[MQTT-3.1.2-2] unsupported level 6", v311, "10 0c 00 04 4d 51 54 54 06 02 00 00 00 00", reason_code::unsupported_protocol_version},
      {"[MQTT-3.1.2-2] MQTT with level 3", v311, "10 0c 00 04 4d 51 54 54 03 02 00 00 00 00", reason_code::unsupported_protocol_version},
      {"[MQTT-3.1.2-2] MQIsdp with level 4", v311, "10 0e 00 06 4d 51 49 73 64 70 04 02 00 00 00 00", reason_code::unsupported_protocol_version},
      {"[MQTT-3.1.2-3] reserved connect flag", v311, "10 0c 00 04 4d 51 54 54 04 03 00 00 00 00", malformed},
      {"[MQTT-3.1.2-11] Will QoS without the Will Flag", v311, "10 0c 00 04 4d 51 54 54 04 0a 00 00 00 00", malformed},
      {"[MQTT-3.1.2-13] Will Retain without the Will Flag", v311, "10 0c 00 04 4d 51 54 54 04 22 00 00 00 00", malformed},
      {"[MQTT-3.1.2-12] Will QoS 3", v311, "10 0c 00 04 4d 51 54 54 04 1e 00 00 00 00", malformed},
      {"3.1.1 [MQTT-3.1.2-22] password without a user name", v311, "10 0f 00 04 4d 51 54 54 04 42 00 00 00 00 00 01 70", malformed},
      {"[MQTT-3.3.2-2] will topic with a wildcard", v311,
       "10 12 00 04 4d 51 54 54 04 06 00 00 00 00 00 01 23 00 01 78", protocol},
  });
}

TEST_CASE("CONNACK and reason codes not defined for the packet") {
  check_table({
      {"[MQTT-3.2.2-1] reserved acknowledge flags", v311, "20 02 02 00", malformed},
      {"[MQTT-3.2.2-6] Session Present with a non-zero reason code", v5, "20 03 01 80 00", protocol},
      {"3.1.1 CONNACK return code 6", v311, "20 02 00 06", protocol},
      {"5.0 CONNACK reason code 0x8e", v5, "20 03 00 8e 00", protocol},
      {"PUBACK reason code 0x92", v5, "40 03 00 01 92", protocol},
      {"PUBREL reason code 0x10", v5, "62 03 00 01 10", protocol},
      {"3.1.1 SUBACK return code 3", v311, "90 03 00 01 03", protocol},
      {"5.0 SUBACK reason code 0x11", v5, "90 04 00 01 00 11", protocol},
      {"UNSUBACK reason code 0x02", v5, "b0 04 00 01 00 02", protocol},
      {"DISCONNECT reason code 0x01", v5, "e0 01 01", protocol},
      {"AUTH reason code 0x80", v5, "f0 02 80 00", protocol},
      {"SUBACK without reason codes (section 3.9.3)", v311, "90 02 00 01", protocol},
  });
}

TEST_CASE("Packet Too Large is found from the fixed header, before the body is kept") {
  decoder d({.version = v311, .max_packet_size = 1024});
  std::vector<packet> out;
  // PUBLISH claiming a Remaining Length of 268,435,455 (ff ff ff 7f), body not sent.
  const error& err = d.push(view(hex("30 ff ff ff 7f 00")), out);
  CHECK(err.code == reason_code::packet_too_large);
  CHECK(out.empty());
  CHECK(d.buffered() <= 5);
}

TEST_CASE("a 256 MB Remaining Length under the protocol limit is buffered only as its bytes arrive") {
  decoder d({.version = v311});
  std::vector<packet> out;
  CHECK_FALSE(d.push(view(hex("30 ff ff ff 7f 00 01 61")), out));  // header and topic of a huge PUBLISH
  CHECK(out.empty());
  CHECK(d.buffered() == 8);
  CHECK_FALSE(d.push(view(bytes(1000, 0x61)), out));
  CHECK(d.buffered() == 1008);
}

TEST_CASE("Packet Too Large counts the fixed header too, as 5.0's Maximum Packet Size does") {
  const bytes wire = hex("30 05 00 01 61 62 63");  // 7 bytes in all
  decoder exact({.version = v311, .max_packet_size = 7});
  std::vector<packet> out;
  CHECK_FALSE(exact.push(view(wire), out));
  CHECK(out.size() == 1);
  decoder smaller({.version = v311, .max_packet_size = 6});
  CHECK(smaller.push(view(wire), out).code == reason_code::packet_too_large);
}

TEST_CASE("errors are sticky until reset, and earlier packets in the chunk are kept") {
  decoder d({.version = v311});
  std::vector<packet> out;
  // PINGREQ, then a PUBLISH to "#", then another PINGREQ.
  const error& err = d.push(view(hex("c0 00  30 03 00 01 23  c0 00")), out);
  CHECK(err.code == protocol);
  REQUIRE(out.size() == 1);
  CHECK(std::holds_alternative<pingreq_packet>(out[0]));

  out.clear();
  CHECK(d.push(view(hex("c0 00")), out).code == protocol);  // still failed
  CHECK(out.empty());

  d.reset();
  CHECK_FALSE(d.push(view(hex("c0 00")), out));
  CHECK(out.size() == 1);
}

TEST_CASE("a packet whose first byte is malformed fails at that byte, not once its declared body has come") {
  for (const char* first : {"00", "c1", "36", "f0"}) {  // type 0, PINGREQ with flags, QoS 3, AUTH in 3.1.1
    INFO("first byte " << first);
    decoder d(decoder_options{});
    std::vector<packet> out;
    // The first byte and a Remaining Length of 2 MB: nothing more.
    const auto head = hex(std::string(first) + " 80 80 80 01");
    const error err = d.push(bytes_view(head.data(), head.size()), out);
    CHECK(err.code == reason_code::malformed_packet);
    CHECK(d.buffered() == 0);
  }
}
