// Byte-exact vectors for MQTT 3.1.1 (and the 3.1 CONNECT), written by hand from the
// spec and commented byte by byte. Each vector decodes to the expected fields, and
// encoding those fields gives exactly the same bytes.
#include "packet_equal.hpp"
#include "test_support.hpp"

using namespace mqttw;
using namespace mqttw::test;

TEST_CASE("3.1.1 CONNECT with will, user name and password") {
  const bytes wire = hex(R"(
    10                    // CONNECT
    25                    // Remaining Length 37
    00 04 4d 51 54 54     // protocol name "MQTT"
    04                    // protocol level 4
    ee                    // flags: user name, password, will retain, will QoS 1, will, clean session
    00 3c                 // keep alive 60
    00 03 63 69 64        // client id "cid"
    00 03 77 2f 74        // will topic "w/t"
    00 03 62 79 65        // will payload "bye"
    00 04 75 73 65 72     // user name "user"
    00 04 70 61 73 73     // password "pass"
  )");
  const auto p = decode_one<connect_packet>(wire, v311);
  CHECK(p.version == v311);
  CHECK_FALSE(p.bridge);
  CHECK(p.clean_start);
  CHECK(p.keep_alive == 60);
  CHECK(p.client_id == "cid");
  REQUIRE(p.will);
  CHECK(p.will->topic == "w/t");
  CHECK(as_text(p.will->payload) == "bye");
  CHECK(p.will->qos == qos::at_least_once);
  CHECK(p.will->retain);
  CHECK(p.username == std::optional<std::string_view>("user"));
  REQUIRE(p.password);
  CHECK(as_text(*p.password) == "pass");
  CHECK(encode_ok(p, v311) == wire);
}

TEST_CASE("3.1.1 CONNECT, the smallest: empty client id, clean session") {
  const bytes wire = hex(R"(
    10 0c                 // CONNECT, Remaining Length 12
    00 04 4d 51 54 54     // "MQTT"
    04                    // level 4
    02                    // flags: clean session
    00 00                 // keep alive 0
    00 00                 // client id ""
  )");
  const auto p = decode_one<connect_packet>(wire, v311);
  CHECK(p.client_id.empty());
  CHECK_FALSE(p.will);
  CHECK_FALSE(p.username);
  CHECK_FALSE(p.password);
  CHECK(encode_ok(p, v311) == wire);
}

TEST_CASE("3.1 CONNECT: protocol name MQIsdp, level 3") {
  const bytes wire = hex(R"(
    10 10                       // CONNECT, Remaining Length 16
    00 06 4d 51 49 73 64 70     // protocol name "MQIsdp"
    03                          // protocol level 3
    02                          // flags: clean session
    00 0a                       // keep alive 10
    00 02 63 31                 // client id "c1"
  )");
  const auto p = decode_one<connect_packet>(wire, protocol_version::v31);
  CHECK(p.version == protocol_version::v31);
  CHECK(p.keep_alive == 10);
  CHECK(p.client_id == "c1");
  CHECK(encode_ok(p, protocol_version::v31) == wire);
}

TEST_CASE("3.1.1 bridge CONNECT: protocol level 0x84") {
  const bytes wire = hex(R"(
    10 0c                 // CONNECT, Remaining Length 12
    00 04 4d 51 54 54     // "MQTT"
    84                    // level 4 with bit 7: a bridge (Mosquitto's try_private)
    02 00 00              // flags: clean session; keep alive 0
    00 00                 // client id ""
  )");
  const auto p = decode_one<connect_packet>(wire, v311);
  CHECK(p.version == v311);
  CHECK(p.bridge);
  CHECK(encode_ok(p, v311) == wire);
}

TEST_CASE("3.1.1 CONNACK: session present, and every return code 0..5") {
  const bytes present = hex("20 02  01  00");  // CONNACK, RL 2, session present, accepted
  const auto p = decode_one<connack_packet>(present, v311);
  CHECK(p.session_present);
  CHECK(p.code == reason_code::success);
  CHECK(encode_ok(p, v311) == present);

  for (std::uint8_t code = 1; code <= 5; ++code) {
    INFO("return code " << int(code));
    bytes wire = hex("20 02  00");  // CONNACK, RL 2, no session
    wire.push_back(code);
    const auto refused = decode_one<connack_packet>(wire, v311);
    CHECK_FALSE(refused.session_present);
    CHECK(static_cast<int>(refused.code) == code);
    CHECK(encode_ok(refused, v311) == wire);
  }
}

TEST_CASE("3.1.1 PUBLISH QoS 0, and QoS 1 with DUP and RETAIN") {
  const bytes q0 = hex(R"(
    30 08                 // PUBLISH QoS 0, Remaining Length 8
    00 03 61 2f 62        // topic "a/b"
    68 69 21              // payload "hi!"
  )");
  const auto p0 = decode_one<publish_packet>(q0, v311);
  CHECK(p0.topic == "a/b");
  CHECK(as_text(p0.payload) == "hi!");
  CHECK(p0.qos == qos::at_most_once);
  CHECK_FALSE(p0.dup);
  CHECK_FALSE(p0.retain);
  CHECK(encode_ok(p0, v311) == q0);

  const bytes q1 = hex(R"(
    3b                    // PUBLISH: DUP (0x08), QoS 1 (0x02), RETAIN (0x01)
    0a                    // Remaining Length 10
    00 03 61 2f 62        // topic "a/b"
    00 07                 // packet id 7
    68 69 21              // payload "hi!"
  )");
  const auto p1 = decode_one<publish_packet>(q1, v311);
  CHECK(p1.qos == qos::at_least_once);
  CHECK(p1.dup);
  CHECK(p1.retain);
  CHECK(p1.packet_id == 7);
  CHECK(encode_ok(p1, v311) == q1);
}

TEST_CASE("3.1.1 PUBLISH QoS 2 with an empty payload") {
  const bytes wire = hex(R"(
    34 07                 // PUBLISH QoS 2, Remaining Length 7
    00 03 61 2f 62        // topic "a/b"
    ff ff                 // packet id 65535
  )");
  const auto p = decode_one<publish_packet>(wire, v311);
  CHECK(p.qos == qos::exactly_once);
  CHECK(p.packet_id == 65535);
  CHECK(p.payload.empty());
  CHECK(encode_ok(p, v311) == wire);
}

TEST_CASE("3.1.1 PUBACK, PUBREC, PUBREL, PUBCOMP") {
  const bytes puback = hex("40 02 00 07");   // PUBACK, RL 2, packet id 7
  const bytes pubrec = hex("50 02 00 07");   // PUBREC
  const bytes pubrel = hex("62 02 00 07");   // PUBREL: flags 0b0010 [MQTT-3.6.1-1]
  const bytes pubcomp = hex("70 02 00 07");  // PUBCOMP
  CHECK(decode_one<puback_packet>(puback, v311).packet_id == 7);
  CHECK(decode_one<pubrec_packet>(pubrec, v311).packet_id == 7);
  CHECK(decode_one<pubrel_packet>(pubrel, v311).packet_id == 7);
  CHECK(decode_one<pubcomp_packet>(pubcomp, v311).packet_id == 7);
  CHECK(encode_ok(puback_packet{.packet_id = 7}, v311) == puback);
  CHECK(encode_ok(pubrec_packet{.packet_id = 7}, v311) == pubrec);
  CHECK(encode_ok(pubrel_packet{.packet_id = 7}, v311) == pubrel);
  CHECK(encode_ok(pubcomp_packet{.packet_id = 7}, v311) == pubcomp);
}

TEST_CASE("3.1.1 SUBSCRIBE with two filters") {
  const bytes wire = hex(R"(
    82 0c                 // SUBSCRIBE (flags 0b0010), Remaining Length 12
    00 0a                 // packet id 10
    00 03 61 2f 2b 01     // "a/+", requested QoS 1
    00 01 23 02           // "#", requested QoS 2
  )");
  const auto p = decode_one<subscribe_packet>(wire, v311);
  CHECK(p.packet_id == 10);
  REQUIRE(p.subscriptions.size() == 2);
  CHECK(p.subscriptions[0].filter == "a/+");
  CHECK(p.subscriptions[0].max_qos == qos::at_least_once);
  CHECK(p.subscriptions[1].filter == "#");
  CHECK(p.subscriptions[1].max_qos == qos::exactly_once);
  CHECK(encode_ok(p, v311) == wire);
}

TEST_CASE("3.1.1 SUBACK with every return code: 0, 1, 2 and 0x80") {
  const bytes wire = hex(R"(
    90 06                 // SUBACK, Remaining Length 6
    00 0a                 // packet id 10
    00 01 02 80           // granted QoS 0, 1, 2, failure
  )");
  const auto p = decode_one<suback_packet>(wire, v311);
  CHECK(p.packet_id == 10);
  CHECK(p.codes == std::vector<reason_code>{reason_code::granted_qos_0, reason_code::granted_qos_1,
                                              reason_code::granted_qos_2, reason_code::unspecified_error});
  CHECK(encode_ok(p, v311) == wire);
}

TEST_CASE("3.1.1 UNSUBSCRIBE and UNSUBACK") {
  const bytes unsub = hex(R"(
    a2 07                 // UNSUBSCRIBE (flags 0b0010), Remaining Length 7
    00 0b                 // packet id 11
    00 03 61 2f 62        // "a/b"
  )");
  const auto u = decode_one<unsubscribe_packet>(unsub, v311);
  CHECK(u.packet_id == 11);
  CHECK(u.filters == std::vector<std::string_view>{"a/b"});
  CHECK(encode_ok(u, v311) == unsub);

  const bytes unsuback = hex("b0 02 00 0b");  // UNSUBACK, RL 2, packet id 11: no payload in 3.1.1
  CHECK(decode_one<unsuback_packet>(unsuback, v311).packet_id == 11);
  CHECK(encode_ok(unsuback_packet{.packet_id = 11}, v311) == unsuback);
}

TEST_CASE("3.1.1 PINGREQ, PINGRESP, DISCONNECT") {
  CHECK(encode_ok(pingreq_packet{}, v311) == hex("c0 00"));
  CHECK(encode_ok(pingresp_packet{}, v311) == hex("d0 00"));
  CHECK(encode_ok(disconnect_packet{}, v311) == hex("e0 00"));
  decode_one<pingreq_packet>(hex("c0 00"), v311);
  decode_one<pingresp_packet>(hex("d0 00"), v311);
  decode_one<disconnect_packet>(hex("e0 00"), v311);
}

TEST_CASE("[MQTT-1.5.5-1] the Remaining Length uses the fewest bytes, at every boundary") {
  struct boundary_case {
    std::size_t payload;
    std::size_t header;  // 1 type byte + Remaining Length bytes
  };
  // Remaining Length = topic (2 + 1) + payload
  for (const auto& [payload_size, header] :
       {boundary_case{124, 2}, boundary_case{125, 3}, boundary_case{16380, 3}, boundary_case{16381, 4},
        boundary_case{2097148, 4}, boundary_case{2097149, 5}}) {
    INFO("payload " << payload_size);
    const bytes payload(payload_size, 0x55);
    publish_packet p;
    p.topic = "t";
    p.payload = view(payload);
    const bytes wire = encode_ok(p, v311);
    CHECK(wire.size() == header + 3 + payload_size);
    const auto back = decode_all(wire, v311);
    REQUIRE(back.size() == 1);
    CHECK(same(back[0], packet(p)));
  }
}
