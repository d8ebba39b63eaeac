// Broker scenarios at the edges: max_connections, the $SYS statistics, graceful
// shutdown, and bad input from one client while the others carry on.
#include <map>

#include "broker_harness.hpp"
#include "test_support.hpp"

using namespace mqttw;
using namespace mqttw::test;
using mqttw::broker::broker_options;

namespace {

std::uint64_t number_of(const std::string& text) {
  REQUIRE_FALSE(text.empty());
  std::uint64_t n = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') break;
    n = n * 10 + static_cast<std::uint64_t>(ch - '0');
  }
  return n;
}

// Every $SYS message waiting for `c`, by topic.
std::map<std::string, std::string> sys_messages(broker_harness& h, conn_id c) {
  std::map<std::string, std::string> out;
  while (!h.nothing_for(c)) {
    auto& m = h.expect<publish_packet>(c);
    CHECK(m.topic.substr(0, 12) == "$SYS/broker/");
    out[std::string(m.topic)] = broker_harness::text(m.payload);
  }
  return out;
}

}  // namespace

// ---- max_connections ---------------------------------------------------------------

TEST_CASE("max_connections: the next CONNECT gets 0x97 Quota Exceeded, return code 3 in 3.1.1", "[broker]") {
  const auto v = GENERATE(v311, v5);
  broker_options o;
  o.max_connections = 2;
  broker_harness h(o);
  const auto a = h.connect("a", v);
  h.connect("b", v, false);
  connect_packet p{};
  p.version = v;
  p.client_id = "c";
  const auto c = h.open_with(p);
  CHECK(static_cast<int>(h.expect<connack_packet>(c).code) == (v == v5 ? 0x97 : 3));
  CHECK(h.is_closed(c));
  SECTION("room again after a client leaves") {
    h.hang_up(a);
    h.connect("c", v);
  }
  SECTION("a takeover does not add a connection, so it is let in") {
    h.connect("b", v, false);
    CHECK(h.b.stats().clients_connected == 2);
  }
}

TEST_CASE("max_connections holds for CONNECTs that wait for the authenticate hook at the same time", "[broker]") {
  broker_options o;
  o.max_connections = 1;
  o.hook_authenticate = true;
  broker_harness h(o);
  connect_packet p{};
  p.version = v5;
  p.client_id = "a";
  const auto a = h.open_with(p);
  p.client_id = "b";
  const auto b = h.open_with(p);
  const auto ra = h.next_request();
  const auto rb = h.next_request();
  h.answer(ra.id, reason_code::success);
  h.answer(rb.id, reason_code::success);
  CHECK(h.expect<connack_packet>(a).code == reason_code::success);
  CHECK(h.expect<connack_packet>(b).code == reason_code::quota_exceeded);
  CHECK(h.is_closed(b));
  CHECK(h.b.stats().clients_connected == 1);
}

// ---- $SYS --------------------------------------------------------------------------

TEST_CASE("$SYS statistics are published every sys_interval seconds, with sensible values", "[broker]") {
  broker_harness h;  // sys_interval = 10; the first round went out at the start
  const auto sys = h.connect("sys", v5);
  h.subscribe(sys, "$SYS/broker/#");
  auto first = sys_messages(h, sys);  // the retained ones
  CHECK(first.count("$SYS/broker/uptime"));
  CHECK(first["$SYS/broker/version"] == "mqtt-wasm");
  const auto pub = h.connect("pub", v311);
  const auto sub = h.connect("sub", v5);
  h.subscribe(sub, "m/#");
  h.publish(pub, "m/1", "a");
  h.publish(pub, "m/2", "b", qos::at_least_once, false, 1);
  h.publish(pub, "m/r", "kept", qos::at_most_once, true);
  h.drain(sub);
  h.drain(pub);
  h.advance(5'000);
  CHECK(h.nothing_for(sys));  // not yet
  // What the harness saw go each way, up to the tick that publishes the statistics.
  const auto received = h.bytes_to_broker;
  const auto sent = h.bytes_from_broker;
  const auto& st = h.b.stats();
  const auto messages_in = st.messages_received;
  const auto messages_out = st.messages_sent;
  h.advance(5'000);
  auto now = sys_messages(h, sys);
  CHECK(now["$SYS/broker/uptime"] == "10 seconds");
  CHECK(number_of(now["$SYS/broker/clients/connected"]) == 3);
  CHECK(number_of(now["$SYS/broker/messages/received"]) == 3);
  CHECK(number_of(now["$SYS/broker/messages/received"]) == messages_in);
  CHECK(number_of(now["$SYS/broker/messages/sent"]) >= messages_out);  // and the $SYS ones since
  CHECK(number_of(now["$SYS/broker/messages/sent"]) >= first.size() + 3);
  CHECK(number_of(now["$SYS/broker/bytes/received"]) == received);
  CHECK(number_of(now["$SYS/broker/bytes/sent"]) == sent);
  CHECK(number_of(now["$SYS/broker/subscriptions/count"]) == 2);
  CHECK(number_of(now["$SYS/broker/store/messages/bytes"]) > 0);
  // The twelve $SYS topics and m/r.
  CHECK(number_of(now["$SYS/broker/retained messages/count"]) == now.size() + 1);
  h.advance(10'000);
  auto later = sys_messages(h, sys);
  CHECK(later["$SYS/broker/uptime"] == "20 seconds");
  CHECK(number_of(later["$SYS/broker/bytes/sent"]) > number_of(now["$SYS/broker/bytes/sent"]));
}

TEST_CASE("sys_interval 0 publishes no statistics", "[broker]") {
  broker_options o;
  o.sys_interval = 0;
  broker_harness h(o);
  const auto sys = h.connect("sys", v5);
  h.subscribe(sys, "$SYS/#");
  h.advance(60'000);
  CHECK(h.nothing_for(sys));
}

// ---- shutdown ----------------------------------------------------------------------

TEST_CASE("graceful shutdown: 5.0 clients get DISCONNECT 0x8B, 3.1.1 clients are closed, and no one new gets in", "[broker]") {
  broker_harness h;
  const auto a = h.connect("a", v5);
  const auto b = h.connect("b", v311);
  const auto waiting = h.open(v5);
  connect_packet w{};
  w.version = v5;
  w.client_id = "w";
  w.will = will_message{"will/w", view("bye"), qos::at_most_once, false, {}};
  const auto with_will = h.open_with(w);
  h.expect<connack_packet>(with_will);
  h.subscribe(a, "will/#");
  h.shutdown();
  CHECK(h.expect<disconnect_packet>(a).code == reason_code::server_shutting_down);
  CHECK(h.nothing_for(a));  // no will: a shutdown is not the client's failure
  CHECK(h.expect<disconnect_packet>(with_will).code == reason_code::server_shutting_down);
  CHECK(h.nothing_for(b));
  for (const auto c : {a, b, waiting, with_will}) CHECK(h.is_closed(c));
  CHECK(h.b.stats().clients_connected == 0);
  const auto late = h.open(v5);
  CHECK(h.is_closed(late));
}

// ---- bad input ---------------------------------------------------------------------

TEST_CASE("bad input closes only that connection, with the right DISCONNECT reason in 5.0", "[broker]") {
  struct bad {
    const char* what;
    const char* v5_bytes;
    const char* v311_bytes;  // nullptr: 5.0 only
    reason_code code;
  };
  const bad cases[] = {
      {"packet type 0 (section 2.1.2)", "00 00", "00 00", reason_code::malformed_packet},
      {"a CONNACK sent to the broker", "20 03 00 00 00", "20 02 00 00", reason_code::protocol_error},
      {"PUBLISH to a topic with a wildcard [MQTT-3.3.2-2]", "30 06 00 03 61 2f 23 00", "30 05 00 03 61 2f 23",
       reason_code::protocol_error},
      {"PUBLISH with QoS 3 [MQTT-3.3.1-4]", "36 07 00 01 74 00 01 00 78", "36 06 00 01 74 00 01 78",
       reason_code::malformed_packet},
      {"PUBLISH QoS 1 with packet id 0 [MQTT-2.2.1-3]", "32 07 00 01 74 00 00 00 78", "32 06 00 01 74 00 00 78",
       reason_code::protocol_error},
      {"PUBLISH topic deeper than max_topic_levels", "30 0a 00 07 61 2f 62 2f 63 2f 64 00",
       "30 09 00 07 61 2f 62 2f 63 2f 64", reason_code::topic_name_invalid},
      {"PUBLISH topic that is not UTF-8 [MQTT-1.5.4-1]", "30 06 00 03 61 ff 62 00", "30 05 00 03 61 ff 62",
       reason_code::malformed_packet},
      {"a Remaining Length claiming 256 MB", "30 ff ff ff 7f", "30 ff ff ff 7f", reason_code::packet_too_large},
      {"PUBLISH from a client with a Subscription Identifier [MQTT-3.3.4-6]", "30 07 00 01 74 02 0b 01 78", nullptr,
       reason_code::protocol_error},
  };
  const auto v = GENERATE(v311, v5);
  for (const bad& b : cases) {
    if (v == v311 && !b.v311_bytes) continue;
    INFO(b.what << (v == v5 ? " (5.0)" : " (3.1.1)"));
    broker_options o;
    o.max_topic_levels = 3;
    broker_harness h(o);
    const auto other = h.connect("other", v5);
    h.subscribe(other, "ok");
    h.subscribe(other, "will/#", qos::at_most_once, 2);
    connect_packet p{};
    p.version = v;
    p.client_id = "bad";
    p.will = will_message{"will/bad", view("gone"), qos::at_most_once, false, {}};
    const auto c = h.open_with(p);
    REQUIRE(h.expect<connack_packet>(c).code == reason_code::success);
    h.send_bytes(c, hex(v == v5 ? b.v5_bytes : b.v311_bytes));
    if (v == v5) CHECK(h.expect<disconnect_packet>(c).code == b.code);
    CHECK(h.nothing_for(c));
    CHECK(h.is_closed(c));
    CHECK(h.close_reason(c) == b.code);
    CHECK(broker_harness::text(h.expect<publish_packet>(other).payload) == "gone");  // the will went
    h.publish(h.connect("pub", v311), "ok", "still here");
    CHECK(broker_harness::text(h.expect<publish_packet>(other).payload) == "still here");
    CHECK_FALSE(h.is_closed(other));
  }
}

TEST_CASE("bad input before CONNECT closes the connection without a CONNACK", "[broker]") {
  broker_harness h;
  const auto other = h.connect("other", v5);
  const auto c = h.open(v311);
  h.send_bytes(c, text_bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  CHECK(h.is_closed(c));
  CHECK(h.nothing_for(c));
  CHECK_FALSE(h.is_closed(other));
  SECTION("a 5.0 CONNECT that is malformed gets a CONNACK with the reason [MQTT-3.1.4-1]") {
    const auto d = h.open(v5);
    h.send_bytes(d, hex(R"(
      10 10 00 04 4d 51 54 54 05    // CONNECT "MQTT" level 5
      02 00 00                      // clean start, keepalive 0
      03 23 00 01                   // properties: a Topic Alias, not allowed in CONNECT
      00 00                         // client id ""
    )"));
    CHECK(h.expect<connack_packet>(d).code == reason_code::malformed_packet);
    CHECK(h.is_closed(d));
  }
}
