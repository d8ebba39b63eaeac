// Client session scenarios: Topic Aliases (5.0). Outgoing ones chosen least recently
// used within the server's Topic Alias Maximum, or given by the application; incoming
// ones mapped within ours; none carried from one connection to the next.
#include <map>

#include "client_harness.hpp"

using namespace mqttw;
using namespace mqttw::test;
using mqttw::client::client_options;

namespace {

properties alias(std::uint16_t n) { return {prop(property_id::topic_alias, n)}; }

// Publishes at QoS 0 and returns what the server read.
publish_packet send_one(client_harness& h, token tok, std::string_view topic, qos q = qos::at_most_once) {
  h.publish(tok, topic, "x", q);
  auto p = h.expect<publish_packet>();
  if (q == qos::at_most_once) CHECK(h.expect_event(event_kind::completed).tok == tok);
  return p;
}

}  // namespace

// ---- outgoing ---------------------------------------------------------------------

TEST_CASE("client: outgoing Topic Aliases, least recently used within the server's Topic Alias Maximum "
          "[MQTT-3.3.2-9] [MQTT-3.2.2-17]",
          "[client]") {
  client_harness h(connect_v(v5));
  h.connect_ok({prop(property_id::topic_alias_maximum, 2)});
  // First use: the topic and a new alias.
  auto a1 = send_one(h, 1, "t/a");
  CHECK(a1.topic == "t/a");
  const auto alias_a = client_harness::alias_of(a1);
  CHECK(alias_a >= 1);
  CHECK(alias_a <= 2);
  // Next use: the alias alone.
  auto a2 = send_one(h, 2, "t/a");
  CHECK(a2.topic.empty());
  CHECK(client_harness::alias_of(a2) == alias_a);
  auto b1 = send_one(h, 3, "t/b");
  CHECK(b1.topic == "t/b");
  const auto alias_b = client_harness::alias_of(b1);
  CHECK(alias_b >= 1);
  CHECK(alias_b <= 2);
  CHECK(alias_b != alias_a);
  auto a3 = send_one(h, 4, "t/a", qos::at_least_once);  // QoS 1 uses them as well; t/a is now the most recent
  CHECK(a3.topic.empty());
  CHECK(client_harness::alias_of(a3) == alias_a);
  // Full: a new topic takes the least recently used alias, t/b's, with its topic.
  auto c1 = send_one(h, 5, "t/c");
  CHECK(c1.topic == "t/c");
  CHECK(client_harness::alias_of(c1) == alias_b);
  auto c2 = send_one(h, 6, "t/c");
  CHECK(c2.topic.empty());
  CHECK(client_harness::alias_of(c2) == alias_b);
  // t/b lost its alias: it takes the least recently used one now, t/a's.
  auto b2 = send_one(h, 7, "t/b");
  CHECK(b2.topic == "t/b");
  CHECK(client_harness::alias_of(b2) == alias_a);
  h.send(puback_packet{a3.packet_id, reason_code::success, {}});
  CHECK(h.expect_event(event_kind::completed).tok == 4);
}

TEST_CASE("client: outgoing Topic Aliases over many topics follow a least-recently-used model exactly", "[client]") {
  // 20,000 QoS 0 publishes over 300 topics, with a maximum of 7 (a small table, whose
  // probe runs often wrap around its end) and of 50: every PUBLISH must be what a plain
  // LRU list of `maximum` topics says (the alias alone when the topic is mapped, else
  // the topic with a free alias or the least recently used one's), and the server's
  // view must always map each alias to the topic asked for.
  const std::uint16_t maximum = GENERATE(std::uint16_t{7}, std::uint16_t{50});
  client_harness h(connect_v(v5));
  h.connect_ok({prop(property_id::topic_alias_maximum, maximum)});
  std::vector<std::string> topics;
  for (int i = 0; i < 300; ++i) topics.push_back("site/" + std::to_string(i * 7919 % 1000) + "/value");
  std::vector<std::string> lru;                  // most recent first, at most `maximum`
  std::map<std::uint16_t, std::string> server;   // alias -> topic, as the server reads them
  std::uint32_t seed = 12345;
  for (token t = 1; t <= 20000; ++t) {
    seed = seed * 1103515245u + 12345u;
    // Half the time one of a few hot topics, else any of the 300.
    const std::size_t pick = (seed >> 16) % 2 == 0 ? (seed >> 8) % 300 : (seed >> 8) % (maximum - 2u);
    const std::string& topic = topics[pick];
    auto p = send_one(h, t, topic);
    const auto a = client_harness::alias_of(p);
    REQUIRE(a >= 1);
    REQUIRE(a <= maximum);
    const auto known = std::find(lru.begin(), lru.end(), topic);
    if (known != lru.end()) {
      INFO("publish " << t << " to " << topic << ", mapped");
      REQUIRE(p.topic.empty());
      lru.erase(known);
    } else {
      INFO("publish " << t << " to " << topic << ", not mapped");
      REQUIRE(p.topic == topic);
      if (lru.size() == maximum) {
        // The least recently used topic's alias is the one taken.
        std::uint16_t lru_alias = 0;
        for (const auto& [alias, mapped] : server) {
          if (mapped == lru.back()) lru_alias = alias;
        }
        REQUIRE(a == lru_alias);
        lru.pop_back();
      }
      server[a] = topic;
    }
    lru.insert(lru.begin(), topic);
    REQUIRE(server[a] == topic);
  }
}

TEST_CASE("client: Topic Alias mappings start over on a new connection, resends included [MQTT-3.3.2-7]", "[client]") {
  client_harness h(connect_v(v5, "c", false));
  h.connect_ok({prop(property_id::topic_alias_maximum, 5)});
  send_one(h, 1, "t/a");
  h.publish(2, "t/a", "q1", qos::at_least_once);
  auto inflight = h.expect<publish_packet>();
  REQUIRE(inflight.topic.empty());  // sent by alias
  h.reconnect({prop(property_id::topic_alias_maximum, 5)}, true);
  // The resend cannot lean on the old connection's alias.
  auto resent = h.expect<publish_packet>();
  CHECK(resent.dup);
  CHECK(resent.packet_id == inflight.packet_id);
  CHECK(resent.topic == "t/a");
  // A new publish on the topic sets its alias up again.
  auto again = send_one(h, 3, "t/a");
  CHECK(again.topic == (client_harness::alias_of(resent) ? "" : "t/a"));
  CHECK(client_harness::alias_of(again) != 0);
  SECTION("a server that allows none now gets none") {
    h.reconnect({}, true);
    auto r = h.expect<publish_packet>();
    CHECK(r.topic == "t/a");
    CHECK(client_harness::alias_of(r) == 0);
    auto p = send_one(h, 4, "t/a");
    CHECK(p.topic == "t/a");
    CHECK(client_harness::alias_of(p) == 0);
  }
}

TEST_CASE("client: no Topic Alias when the server's Topic Alias Maximum is absent or 0, or auto_topic_alias is off "
          "[MQTT-3.2.2-18]",
          "[client]") {
  SECTION("absent") {
    client_harness h(connect_v(v5));
    h.connect_ok();
    for (token t = 1; t <= 3; ++t) CHECK(client_harness::alias_of(send_one(h, t, "t/a")) == 0);
  }
  SECTION("auto_topic_alias = false") {
    client_options o;
    o.auto_topic_alias = false;
    client_harness h(connect_v(v5), o);
    h.connect_ok({prop(property_id::topic_alias_maximum, 10)});
    for (token t = 1; t <= 3; ++t) {
      auto p = send_one(h, t, "t/a");
      CHECK(p.topic == "t/a");
      CHECK(client_harness::alias_of(p) == 0);
    }
  }
}

TEST_CASE("client: an alias the application gives is sent as given within the server's maximum", "[client]") {
  client_options o;
  o.auto_topic_alias = false;
  client_harness h(connect_v(v5), o);
  h.connect_ok({prop(property_id::topic_alias_maximum, 2)});
  h.publish(1, "t/x", "set", qos::at_most_once, false, alias(2));
  auto p1 = h.expect<publish_packet>();
  CHECK(p1.topic == "t/x");
  CHECK(client_harness::alias_of(p1) == 2);
  h.publish(2, "", "use", qos::at_most_once, false, alias(2));
  auto p2 = h.expect<publish_packet>();
  CHECK(p2.topic.empty());
  CHECK(client_harness::alias_of(p2) == 2);
  CHECK(h.take_events(event_kind::completed).size() == 2);
}

TEST_CASE("client: an alias the application gives above the server's maximum fails with 0x94, nothing written "
          "[MQTT-3.3.2-9] [MQTT-3.2.2-18]",
          "[client]") {
  const auto server_max = GENERATE(as<std::uint16_t>{}, 0, 2);
  client_harness h(connect_v(v5));
  properties ack;
  if (server_max) ack = {prop(property_id::topic_alias_maximum, server_max)};
  h.connect_ok(ack);
  h.publish(1, "t/x", "x", qos::at_least_once, false, alias(static_cast<std::uint16_t>(server_max + 1)));
  auto e = h.expect_event(event_kind::failed);
  CHECK(e.tok == 1);
  CHECK(e.code == reason_code::topic_alias_invalid);
  CHECK(h.nothing_written());
  CHECK(h.status().inflight == 0);
}

// ---- incoming ---------------------------------------------------------------------

TEST_CASE("client: incoming Topic Aliases up to our Topic Alias Maximum are mapped [MQTT-3.3.2-10]", "[client]") {
  client_harness h(connect_v(v5, "c", true, 0, {prop(property_id::topic_alias_maximum, 3)}));
  h.connect_ok();
  h.send_publish("in/1", "a", qos::at_most_once, 0, alias(1));
  CHECK(h.expect_event(event_kind::message).packet_as<publish_packet>().topic == "in/1");
  h.send_publish("", "b", qos::at_least_once, 5, alias(1));
  auto m = h.expect_event(event_kind::message).packet_as<publish_packet>();
  CHECK(m.topic == "in/1");
  CHECK(payload_of(m) == "b");
  CHECK(h.expect<puback_packet>().packet_id == 5);
  // A new topic for the same alias replaces the mapping.
  h.send_publish("in/2", "c", qos::at_most_once, 0, alias(1));
  CHECK(h.expect_event(event_kind::message).packet_as<publish_packet>().topic == "in/2");
  h.send_publish("", "d", qos::at_most_once, 0, alias(1));
  CHECK(h.expect_event(event_kind::message).packet_as<publish_packet>().topic == "in/2");
  // Our maximum itself is fine.
  h.send_publish("in/3", "e", qos::at_most_once, 0, alias(3));
  h.send_publish("", "f", qos::exactly_once, 6, alias(3));
  h.expect_event(event_kind::message);
  CHECK(h.expect_event(event_kind::message).packet_as<publish_packet>().topic == "in/3");
  CHECK(h.expect<pubrec_packet>().packet_id == 6);
  CHECK_FALSE(h.closed);
}

TEST_CASE("client: incoming Topic Aliases set again within one chunk, and over many chunks, give each message "
          "its own topic",
          "[client]") {
  client_harness h(connect_v(v5, "c", true, 0, {prop(property_id::topic_alias_maximum, 2)}));
  h.connect_ok();
  const auto publish = [&](std::string_view topic, std::uint16_t n, std::string_view payload) {
    return encode_ok(publish_packet{topic, view(payload), qos::at_most_once, false, false, 0, alias(n)}, v5);
  };
  // One chunk: alias 1 set, used, set again and used; the first two keep the old topic.
  bytes chunk = publish("x/1", 1, "a");
  append(chunk, publish("", 1, "b"));
  append(chunk, publish("x/2", 1, "c"));
  append(chunk, publish("", 1, "d"));
  h.send_bytes(chunk);
  for (const char* topic : {"x/1", "x/1", "x/2", "x/2"}) {
    CHECK(h.expect_event(event_kind::message).packet_as<publish_packet>().topic == topic);
  }
  // 3,000 chunks, each setting one of the two aliases to a new topic and using both:
  // what is kept of the replaced topics is dropped again and again on the way.
  h.send_bytes(publish("x/3", 2, "e"));
  CHECK(h.expect_event(event_kind::message).packet_as<publish_packet>().topic == "x/3");
  std::string topics[2] = {"x/2", "x/3"};
  for (int i = 0; i < 3000; ++i) {
    const int n = i % 2;
    topics[n] = "site/" + std::to_string(i) + "/a/longer/topic/name";
    chunk = publish(topics[n], static_cast<std::uint16_t>(n + 1), "set");
    append(chunk, publish("", 1, "one"));
    append(chunk, publish("", 2, "two"));
    h.send_bytes(chunk);
    INFO("chunk " << i);
    REQUIRE(h.expect_event(event_kind::message).packet_as<publish_packet>().topic == topics[n]);
    REQUIRE(h.expect_event(event_kind::message).packet_as<publish_packet>().topic == topics[0]);
    REQUIRE(h.expect_event(event_kind::message).packet_as<publish_packet>().topic == topics[1]);
  }
  CHECK_FALSE(h.closed);
}

TEST_CASE("client: an incoming Topic Alias of 0 or above our maximum is DISCONNECT 0x94 [MQTT-3.3.2-8] "
          "[MQTT-3.1.2-29]",
          "[client]") {
  const auto ours = GENERATE(as<std::uint16_t>{}, 0, 3);
  client_harness h(
      connect_v(v5, "c", true, 0, ours ? properties{prop(property_id::topic_alias_maximum, ours)} : properties{}));
  h.connect_ok();
  SECTION("0") {
    // The encoder refuses alias 0, so the bytes are written out: PUBLISH "t", alias 0.
    h.send_bytes(hex("30 08  00 01 74  03 23 00 00  78"));
  }
  SECTION("above our maximum") { h.send_publish("t", "x", qos::at_most_once, 0, alias(static_cast<std::uint16_t>(ours + 1))); }
  CHECK(h.expect<disconnect_packet>().code == reason_code::topic_alias_invalid);
  CHECK(h.closed);
  CHECK(h.take_events(event_kind::message).empty());
}

TEST_CASE("client: an empty topic with an alias that has no mapping is DISCONNECT 0x82 Protocol Error", "[client]") {
  client_harness h(connect_v(v5, "c", true, 0, {prop(property_id::topic_alias_maximum, 3)}));
  h.connect_ok();
  SECTION("never set") {}
  SECTION("set on the connection before [MQTT-3.3.2-7]") {
    h.send_publish("in/1", "a", qos::at_most_once, 0, alias(2));
    h.expect_event(event_kind::message);
    h.reconnect();
  }
  h.send_publish("", "x", qos::at_most_once, 0, alias(2));
  CHECK(h.expect<disconnect_packet>().code == reason_code::protocol_error);
  CHECK(h.closed);
  CHECK(h.take_events(event_kind::message).empty());
}
