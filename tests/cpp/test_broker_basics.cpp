// Broker scenarios: connecting, publishing at each QoS, retained messages, wills,
// takeover and persistent sessions, as conversations in bytes.
#include "broker_harness.hpp"
#include "test_support.hpp"

using namespace mqttw;
using namespace mqttw::test;
using mqttw::broker::broker_options;

TEST_CASE("CONNECT as raw bytes gets a CONNACK, 3.1.1", "[broker]") {
  broker_harness h;
  const auto c = h.open(v311);
  h.send_bytes(c, hex(R"(
    10 0f                 // CONNECT, remaining length 15
    00 04 4d 51 54 54     // "MQTT"
    04                    // level 4
    02                    // clean session
    00 3c                 // keepalive 60
    00 03 61 62 63        // client id "abc"
  )"));
  auto& ack = h.expect<connack_packet>(c);
  CHECK(ack.code == reason_code::success);
  CHECK_FALSE(ack.session_present);
}

TEST_CASE("the first packet must be CONNECT [MQTT-3.1.0-1]", "[broker]") {
  broker_harness h;
  const auto c = h.open(v311);
  h.send_bytes(c, hex("c0 00"));  // PINGREQ
  CHECK(h.is_closed(c));
  CHECK(h.nothing_for(c));
}

TEST_CASE("a second CONNECT is a protocol error [MQTT-3.1.0-2]", "[broker]") {
  broker_harness h;
  const auto c = h.connect("a", v5);
  connect_packet again{};
  again.version = v5;
  again.client_id = "a";
  h.send(c, again);
  CHECK(h.expect<disconnect_packet>(c).code == reason_code::protocol_error);
  CHECK(h.is_closed(c));
}

TEST_CASE("an unknown protocol level gets return code 1 [MQTT-3.1.2-2]", "[broker]") {
  broker_harness h;
  const auto c = h.open(v311);
  h.send_bytes(c, hex("10 0d 00 04 4d 51 54 54 07 02 00 3c 00 01 61"));
  CHECK(static_cast<int>(h.expect<connack_packet>(c).code) == 1);
  CHECK(h.is_closed(c));
}

TEST_CASE("client ids: assigned in 5.0, refused without clean session in 3.1.1", "[broker]") {
  broker_harness h;
  SECTION("5.0 empty id gets an Assigned Client Identifier [MQTT-3.2.2-16]") {
    const auto c = h.open(v5);
    connect_packet p{};
    p.version = v5;
    h.send(c, p);
    auto& ack = h.expect<connack_packet>(c);
    CHECK(ack.code == reason_code::success);
    const property* id = find_property(ack.props, property_id::assigned_client_identifier);
    REQUIRE(id);
    CHECK_FALSE(id->text.empty());
  }
  SECTION("3.1.1 empty id with clean session 0 [MQTT-3.1.3-8]") {
    const auto c = h.open(v311);
    // Our encoder refuses to write this CONNECT, so it is written by hand.
    h.send_bytes(c, hex(R"(
      10 0c 00 04 4d 51 54 54 04  // CONNECT "MQTT" level 4
      00                          // clean session 0
      00 3c 00 00                 // keepalive 60, client id ""
    )"));
    CHECK(static_cast<int>(h.expect<connack_packet>(c).code) == 2);
    CHECK(h.is_closed(c));
  }
  SECTION("3.1.1 empty id with clean session 1 is accepted [MQTT-3.1.3-6]") {
    const auto c = h.open(v311);
    connect_packet p{};
    p.version = v311;
    h.send(c, p);
    CHECK(h.expect<connack_packet>(c).code == reason_code::success);
  }
}

TEST_CASE("QoS 0, 1 and 2 between a 3.1.1 and a 5.0 client", "[broker]") {
  broker_harness h;
  const auto sub = h.connect("sub", v311);
  const auto pub = h.connect("pub", v5);
  h.subscribe(sub, "t/#", qos::exactly_once);

  h.publish(pub, "t/0", "zero");
  auto& m0 = h.expect<publish_packet>(sub);
  CHECK(m0.topic == "t/0");
  CHECK(broker_harness::text(m0.payload) == "zero");
  CHECK(m0.qos == qos::at_most_once);

  h.publish(pub, "t/1", "one", qos::at_least_once, false, 7);
  CHECK(h.expect<puback_packet>(pub).packet_id == 7);
  auto& m1 = h.expect<publish_packet>(sub);
  CHECK(m1.qos == qos::at_least_once);
  h.send(sub, puback_packet{m1.packet_id, reason_code::success, {}});

  h.publish(pub, "t/2", "two", qos::exactly_once, false, 8);
  CHECK(h.expect<pubrec_packet>(pub).packet_id == 8);
  auto& m2 = h.expect<publish_packet>(sub);
  CHECK(m2.qos == qos::exactly_once);
  const auto id2 = m2.packet_id;
  h.send(sub, pubrec_packet{id2, reason_code::success, {}});
  CHECK(h.expect<pubrel_packet>(sub).packet_id == id2);
  h.send(sub, pubcomp_packet{id2, reason_code::success, {}});
  h.send(pub, pubrel_packet{8, reason_code::success, {}});
  CHECK(h.expect<pubcomp_packet>(pub).packet_id == 8);
  CHECK(h.nothing_for(sub));
}

TEST_CASE("QoS 2 is received once: a resent PUBLISH before PUBREL is not forwarded again", "[broker]") {
  broker_harness h;
  const auto sub = h.connect("sub", v5);
  const auto pub = h.connect("pub", v5);
  h.subscribe(sub, "q", qos::at_most_once);
  h.publish(pub, "q", "x", qos::exactly_once, false, 3);
  h.expect<pubrec_packet>(pub);
  h.expect<publish_packet>(sub);
  publish_packet again{"q", view("x"), qos::exactly_once, false, true, 3, {}};
  h.send(pub, again);
  h.expect<pubrec_packet>(pub);
  CHECK(h.nothing_for(sub));
  h.send(pub, pubrel_packet{3, reason_code::success, {}});
  h.expect<pubcomp_packet>(pub);
  h.publish(pub, "q", "y", qos::exactly_once, false, 3);  // the id is free again
  h.expect<pubrec_packet>(pub);
  CHECK(broker_harness::text(h.expect<publish_packet>(sub).payload) == "y");
}

TEST_CASE("retained messages: stored, replaced, cleared by an empty payload", "[broker]") {
  broker_harness h;
  const auto pub = h.connect("pub", v5);
  h.publish(pub, "r/a", "1", qos::at_most_once, true);
  h.publish(pub, "r/a", "2", qos::at_most_once, true);
  h.publish(pub, "r/b", "3", qos::at_most_once, true);
  h.publish(pub, "r/b", "", qos::at_most_once, true);  // [MQTT-3.3.1-6]
  const auto sub = h.connect("sub", v5);
  h.subscribe(sub, "r/+");
  auto& m = h.expect<publish_packet>(sub);
  CHECK(m.topic == "r/a");
  CHECK(broker_harness::text(m.payload) == "2");
  CHECK(m.retain);  // [MQTT-3.3.1-9]
  CHECK(h.nothing_for(sub));
  h.publish(pub, "r/a", "live", qos::at_most_once, true);
  CHECK_FALSE(h.expect<publish_packet>(sub).retain);  // [MQTT-3.3.1-12]
}

TEST_CASE("a will is sent when the connection drops, not after DISCONNECT, and after DISCONNECT 0x04", "[broker]") {
  broker_harness h;
  const auto watcher = h.connect("w", v5);
  h.subscribe(watcher, "will/#");
  const auto with_will = [&](std::string_view id) {
    const auto c = h.open(v5);
    connect_packet p{};
    p.version = v5;
    p.client_id = id;
    p.will = will_message{"will/x", view("gone"), qos::at_most_once, false, {}};
    h.send(c, p);
    REQUIRE(h.expect<connack_packet>(c).code == reason_code::success);
    return c;
  };
  const auto a = with_will("a");
  h.hang_up(a);
  CHECK(broker_harness::text(h.expect<publish_packet>(watcher).payload) == "gone");
  const auto b = with_will("b");
  h.send(b, disconnect_packet{reason_code::normal_disconnection, {}});
  CHECK(h.nothing_for(watcher));  // [MQTT-3.1.2-10]
  const auto c = with_will("c");
  h.send(c, disconnect_packet{reason_code::disconnect_with_will_message, {}});
  CHECK(h.expect<publish_packet>(watcher).topic == "will/x");
}

TEST_CASE("a second connection with the same client id takes the session over [MQTT-3.1.4-3]", "[broker]") {
  broker_harness h;
  const auto first = h.connect("same", v5);
  const auto second = h.connect("same", v5);
  CHECK(h.expect<disconnect_packet>(first).code == reason_code::session_taken_over);
  CHECK(h.is_closed(first));
  CHECK_FALSE(h.is_closed(second));
}

TEST_CASE("a persistent session keeps subscriptions and queues QoS 1 while offline", "[broker]") {
  broker_harness h;
  properties forever{property::integer(property_id::session_expiry_interval, 3600)};
  auto sub = h.connect("keeper", v5, true, forever);
  h.subscribe(sub, "q/#", qos::at_least_once);
  h.hang_up(sub);
  const auto pub = h.connect("pub", v311);
  h.publish(pub, "q/1", "a", qos::at_least_once, false, 1);
  h.publish(pub, "q/2", "b", qos::at_least_once, false, 2);
  h.publish(pub, "q/3", "c", qos::at_most_once);  // QoS 0 is not queued
  sub = h.open(v5);
  connect_packet p{};
  p.version = v5;
  p.client_id = "keeper";
  p.clean_start = false;
  p.props = forever;
  h.send(sub, p);
  CHECK(h.expect<connack_packet>(sub).session_present);
  CHECK(broker_harness::text(h.expect<publish_packet>(sub).payload) == "a");
  auto& second = h.expect<publish_packet>(sub);
  CHECK(broker_harness::text(second.payload) == "b");
  CHECK(h.nothing_for(sub));
}

TEST_CASE("in-flight messages are resent with DUP when the session resumes [MQTT-4.4.0-1]", "[broker]") {
  broker_harness h;
  auto sub = h.connect("s", v311, false);
  h.subscribe(sub, "d", qos::at_least_once);
  const auto pub = h.connect("p", v311);
  h.publish(pub, "d", "m", qos::at_least_once, false, 1);
  auto& first = h.expect<publish_packet>(sub);
  CHECK_FALSE(first.dup);
  const auto id = first.packet_id;
  h.hang_up(sub);
  sub = h.open(v311);
  connect_packet p{};
  p.version = v311;
  p.client_id = "s";
  p.clean_start = false;
  h.send(sub, p);
  CHECK(h.expect<connack_packet>(sub).session_present);
  auto& again = h.expect<publish_packet>(sub);
  CHECK(again.dup);
  CHECK(again.packet_id == id);
}

TEST_CASE("$-topics are not matched by a leading wildcard [MQTT-4.7.2-1]", "[broker]") {
  broker_harness h;
  const auto sub = h.connect("s", v5);
  h.subscribe(sub, "#");
  const auto pub = h.connect("p", v5);
  h.publish(pub, "$app/x", "hidden");
  h.publish(pub, "app/x", "seen");
  CHECK(h.expect<publish_packet>(sub).topic == "app/x");
  CHECK(h.nothing_for(sub));
}

TEST_CASE("clients cannot publish to $SYS", "[broker]") {
  broker_harness h;
  const auto sub = h.connect("s", v5);
  h.subscribe(sub, "$SYS/#");
  while (!h.nothing_for(sub)) h.expect<publish_packet>(sub);  // the retained statistics
  const auto pub = h.connect("p", v5);
  h.publish(pub, "$SYS/broker/uptime", "fake", qos::at_least_once, false, 1);
  CHECK(h.expect<puback_packet>(pub).code == reason_code::not_authorized);
  CHECK(h.nothing_for(sub));
}

TEST_CASE("clients cannot publish to $share/..., a shared subscription's syntax, nor set a will there, as in Mosquitto",
          "[broker]") {
  const auto v = GENERATE(v311, v5);
  broker_harness h;
  const auto sub = h.connect("s", v5);
  h.subscribe(sub, "$share/g/t");
  h.subscribe(sub, "t");
  const auto pub = h.connect("p", v);
  const auto retained = h.b.stats().retained;  // the $SYS statistics
  h.publish(pub, "$share/g/t", "x", qos::at_least_once, true, 1);
  // 3.1.1 has no way to say no [MQTT-3.3.5-2]: acknowledged, and dropped all the same.
  CHECK(h.expect<puback_packet>(pub).code == (v == v5 ? reason_code::not_authorized : reason_code::success));
  CHECK(h.nothing_for(sub));
  CHECK(h.b.stats().retained == retained);
  connect_packet p{};
  p.version = v5;
  p.client_id = "w";
  p.will = will_message{"$share/g/t", view("0"), qos::at_most_once, false, {}};
  CHECK(h.expect<connack_packet>(h.open_with(p)).code == reason_code::not_authorized);
}

TEST_CASE("$SYS/broker/connection/{name}/state is open to clients, for Mosquitto bridges' notifications, as in "
          "Mosquitto", "[broker]") {
  broker_harness h;
  const auto sub = h.connect("s", v5);
  h.subscribe(sub, "$SYS/broker/connection/#");
  const auto pub = h.connect("p", v5);
  h.publish(pub, "$SYS/broker/connection/edge.bridge/state", "1", qos::at_least_once, true, 1);
  CHECK(h.expect<puback_packet>(pub).code == reason_code::success);
  CHECK(broker_harness::text(h.expect<publish_packet>(sub).payload) == "1");
  // The rest of $SYS stays the broker's, one level deeper or shallower too.
  std::uint16_t id = 2;
  for (const char* topic : {"$SYS/broker/connection/a/b/state", "$SYS/broker/connection/state",
                            "$SYS/broker/connection/a/stat", "$SYS/broker/connection/a/state/x"}) {
    h.publish(pub, topic, "0", qos::at_least_once, false, id++);
    CHECK(h.expect<puback_packet>(pub).code == reason_code::not_authorized);
  }
  CHECK(h.nothing_for(sub));
  // A bridge's will there is accepted; one elsewhere in $SYS is refused.
  for (const auto& [topic, code] : {std::pair{"$SYS/broker/connection/edge/state", reason_code::success},
                                    std::pair{"$SYS/broker/uptime", reason_code::not_authorized}}) {
    connect_packet p{};
    p.version = v5;
    p.client_id = "edge";
    p.will = will_message{topic, view("0"), qos::at_least_once, true, {}};
    CHECK(h.expect<connack_packet>(h.open_with(p)).code == code);
  }
}

TEST_CASE("a 3.1.1 Mosquitto bridge (try_private) gets No Local and Retain As Published, as in Mosquitto", "[broker]") {
  broker_harness h;
  const bool bridge = GENERATE(false, true);
  connect_packet p{};
  p.version = v311;
  p.client_id = "edge";
  p.bridge = bridge;
  const auto b = h.open_with(p);
  REQUIRE(h.expect<connack_packet>(b).code == reason_code::success);
  h.subscribe(b, "site/#", qos::at_least_once);
  h.publish(b, "site/own", "from the bridge", qos::at_most_once);
  const auto pub = h.connect("p", v5);
  h.publish(pub, "site/r", "kept", qos::at_most_once, true);
  if (bridge) {
    auto& got = h.expect<publish_packet>(b);  // not its own message: no loop
    CHECK(got.topic == "site/r");
    CHECK(got.retain);  // so that the other broker keeps it too
  } else {
    CHECK(h.expect<publish_packet>(b).topic == "site/own");
    auto& got = h.expect<publish_packet>(b);
    CHECK(got.topic == "site/r");
    CHECK_FALSE(got.retain);  // [MQTT-3.3.1-9]
  }
  CHECK(h.nothing_for(b));
}
