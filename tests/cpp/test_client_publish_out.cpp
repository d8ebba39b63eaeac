// Client session scenarios: publishing at QoS 0, 1 and 2, packet identifiers, the
// completed events and their tokens, and the server's Receive Maximum window.
#include <map>
#include <set>

#include "client_harness.hpp"

using namespace mqttw;
using namespace mqttw::test;

// ---- QoS 0 ---------------------------------------------------------------------------

TEST_CASE("client: QoS 0 goes out with DUP 0 and no packet id, and is completed once written [MQTT-4.3.1-1]",
          "[client]") {
  const auto v = GENERATE(v311, v5);
  client_harness h(connect_v(v));
  h.connect_ok();
  properties props;
  if (v == v5) {
    props = {prop(property_id::payload_format_indicator, 1), prop(property_id::message_expiry_interval, 30),
             property::string(property_id::content_type, "text/plain"),
             property::string(property_id::response_topic, "reply/here"),
             property::binary(property_id::correlation_data, view("corr")), property::user("k", "v")};
  }
  h.publish(5, "a/b", "hello", qos::at_most_once, true, props);
  auto p = h.expect<publish_packet>();
  CHECK(p.topic == "a/b");
  CHECK(payload_of(p) == "hello");
  CHECK(p.qos == qos::at_most_once);
  CHECK(p.retain);
  CHECK_FALSE(p.dup);
  CHECK(same(p.props, props));
  auto e = h.expect_event(event_kind::completed);
  CHECK(e.tok == 5);
  CHECK(e.code == reason_code::success);
  CHECK(h.no_events());
  CHECK(h.status().inflight == 0);
}

// ---- QoS 1 ---------------------------------------------------------------------------

TEST_CASE("client: QoS 1 is completed by its PUBACK, with the PUBACK's code [MQTT-4.3.2-1] [MQTT-4.3.2-2] [MQTT-4.3.2-3]",
          "[client]") {
  const auto v = GENERATE(v311, v5);
  client_harness h(connect_v(v));
  h.connect_ok();
  h.publish(11, "q1", "one", qos::at_least_once);
  auto p = h.expect<publish_packet>();
  CHECK(p.qos == qos::at_least_once);
  CHECK(p.packet_id != 0);
  CHECK_FALSE(p.dup);
  CHECK(payload_of(p) == "one");
  CHECK(h.no_events());
  CHECK(h.status().inflight == 1);
  h.send(puback_packet{p.packet_id, reason_code::success, {}});
  auto e = h.expect_event(event_kind::completed);
  CHECK(e.tok == 11);
  CHECK(e.code == reason_code::success);
  CHECK(e.packet_as<puback_packet>().packet_id == p.packet_id);
  CHECK(h.status().inflight == 0);
  CHECK(h.nothing_written());
}

TEST_CASE("client: a PUBACK with 0x10 or a refusal completes the publish with that code (5.0)", "[client]") {
  const auto code = GENERATE(reason_code::no_matching_subscribers, reason_code::not_authorized,
                             reason_code::quota_exceeded, reason_code::payload_format_invalid);
  client_harness h(connect_v(v5));
  h.connect_ok();
  h.publish(3, "q1", "x", qos::at_least_once);
  auto p = h.expect<publish_packet>();
  h.send(puback_packet{p.packet_id, code, {property::string(property_id::reason_string, "because")}});
  auto e = h.expect_event(event_kind::completed);
  CHECK(e.tok == 3);
  CHECK(e.code == code);
  CHECK(h.status().inflight == 0);
}

// ---- QoS 2 ---------------------------------------------------------------------------

TEST_CASE("client: QoS 2: PUBREC -> PUBREL with the same id -> PUBCOMP completes [MQTT-4.3.3-1] [MQTT-4.3.3-2] "
          "[MQTT-4.3.3-4] [MQTT-4.3.3-5]",
          "[client]") {
  const auto v = GENERATE(v311, v5);
  client_harness h(connect_v(v));
  h.connect_ok();
  h.publish(21, "q2", "two", qos::exactly_once);
  auto p = h.expect<publish_packet>();
  CHECK(p.qos == qos::exactly_once);
  CHECK(p.packet_id != 0);
  CHECK_FALSE(p.dup);
  h.send(pubrec_packet{p.packet_id, reason_code::success, {}});
  auto rel = h.expect<pubrel_packet>();
  CHECK(rel.packet_id == p.packet_id);
  CHECK(rel.code == reason_code::success);
  CHECK(h.no_events());
  CHECK(h.status().inflight == 1);
  h.send(pubcomp_packet{p.packet_id, reason_code::success, {}});
  auto e = h.expect_event(event_kind::completed);
  CHECK(e.tok == 21);
  CHECK(e.code == reason_code::success);
  CHECK(e.packet_as<pubcomp_packet>().packet_id == p.packet_id);
  CHECK(h.status().inflight == 0);
  CHECK(h.nothing_written());
}

TEST_CASE("client: a PUBREC of 0x80 or more completes the QoS 2 publish with that code, no PUBREL [MQTT-4.3.3-4] "
          "[MQTT-4.4.0-2]",
          "[client]") {
  client_harness h(connect_v(v5, "c", false));
  h.connect_ok();
  h.publish(31, "q2", "refused", qos::exactly_once);
  auto p = h.expect<publish_packet>();
  h.send(pubrec_packet{p.packet_id, reason_code::not_authorized, {}});
  auto e = h.expect_event(event_kind::completed);
  CHECK(e.tok == 31);
  CHECK(e.code == reason_code::not_authorized);
  CHECK(h.nothing_written());
  CHECK(h.status().inflight == 0);
  // Treated as acknowledged: not retransmitted on a resumed session.
  h.reconnect({}, true);
  CHECK(h.nothing_written());
}

TEST_CASE("client: stored and released events report a publish's packet id when asked for", "[client]") {
  client_harness h(connect_v(v5));
  SECTION("on") {
    h.c->report_store_events(true);
    h.connect_ok();
    h.publish(1, "t", "q1", qos::at_least_once);
    auto p1 = h.expect<publish_packet>();
    auto s1 = h.expect_event(event_kind::stored);
    CHECK(s1.tok == 1);
    CHECK(s1.packet_id == p1.packet_id);
    h.publish(2, "t", "q2", qos::exactly_once);
    auto p2 = h.expect<publish_packet>();
    auto s2 = h.expect_event(event_kind::stored);
    CHECK(s2.tok == 2);
    CHECK(s2.packet_id == p2.packet_id);
    h.send(pubrec_packet{p2.packet_id, reason_code::success, {}});
    auto r2 = h.expect_event(event_kind::released);
    CHECK(r2.tok == 2);
    CHECK(r2.packet_id == p2.packet_id);
    h.publish(3, "t", "q0");
    CHECK(h.expect_event(event_kind::completed).tok == 3);  // QoS 0 has nothing to store
    CHECK(h.no_events());
  }
  SECTION("a publish that gave a Topic Alias and an empty topic is told its topic, for the store") {
    h.c->report_store_events(true);
    h.connect_ok({prop(property_id::topic_alias_maximum, 5)});
    h.publish(1, "al/x", "set", qos::at_most_once, false, {prop(property_id::topic_alias, 3)});
    h.expect<publish_packet>();
    CHECK(h.expect_event(event_kind::completed).tok == 1);
    h.publish(2, "", "q1", qos::at_least_once, false, {prop(property_id::topic_alias, 3)});
    h.expect<publish_packet>();
    CHECK(h.expect_event(event_kind::stored).reason == "al/x");
    h.publish(3, "al/x", "q1", qos::at_least_once);
    h.expect<publish_packet>();
    CHECK(h.expect_event(event_kind::stored).reason.empty());  // the request has its topic
  }
  SECTION("off by default") {
    h.connect_ok();
    h.publish(1, "t", "q1", qos::at_least_once);
    h.publish(2, "t", "q2", qos::exactly_once);
    h.expect<publish_packet>();
    auto p2 = h.expect<publish_packet>();
    h.send(pubrec_packet{p2.packet_id, reason_code::success, {}});
    CHECK(h.no_events());
  }
}

// ---- packet identifiers --------------------------------------------------------------

TEST_CASE("client: packet ids are non-zero and unique among in-flight PUBLISH, SUBSCRIBE and UNSUBSCRIBE "
          "[MQTT-2.2.1-3]",
          "[client]") {
  const auto v = GENERATE(v311, v5);
  client_harness h(connect_v(v));
  h.connect_ok();
  token tok = 1;
  for (int round = 0; round < 4; ++round) {
    h.publish(tok++, "p", "1", qos::at_least_once);
    h.subscribe(tok++, "s/" + std::to_string(round), qos::at_least_once);
    h.publish(tok++, "p", "2", qos::exactly_once);
    h.unsubscribe(tok++, "u/" + std::to_string(round));
  }
  std::set<std::uint16_t> ids;
  std::size_t count = 0;
  for (const auto& p : h.take_written()) {
    std::uint16_t id = 0;
    if (auto* x = std::get_if<publish_packet>(&p)) id = x->packet_id;
    if (auto* x = std::get_if<subscribe_packet>(&p)) id = x->packet_id;
    if (auto* x = std::get_if<unsubscribe_packet>(&p)) id = x->packet_id;
    CHECK(id != 0);
    ids.insert(id);
    ++count;
  }
  CHECK(count == 16);
  CHECK(ids.size() == 16);
}

TEST_CASE("client: over 70,000 publishes, a packet id is never 0 nor one still in flight [MQTT-2.2.1-3]", "[client]") {
  client_harness h(connect_v(v5));
  h.connect_ok();
  h.publish(1, "held", "x", qos::exactly_once);  // stays in flight throughout
  const auto held = h.expect<publish_packet>().packet_id;
  h.subscribe(2, "held/sub");  // so does this one
  const auto held_sub = h.expect<subscribe_packet>().packet_id;
  bool clash = false, zero = false;
  for (token t = 10; t < 10 + 70'000; ++t) {
    h.publish(t, "t", "", qos::at_least_once);
    auto p = h.expect<publish_packet>();
    clash = clash || p.packet_id == held || p.packet_id == held_sub;
    zero = zero || p.packet_id == 0;
    h.send(puback_packet{p.packet_id, reason_code::success, {}});
    h.expect_event(event_kind::completed);
  }
  CHECK_FALSE(clash);
  CHECK_FALSE(zero);
}

TEST_CASE("client: completed events carry the tokens of their requests, whatever the order of the acks", "[client]") {
  client_harness h(connect_v(v5));
  h.connect_ok();
  h.publish(100, "t", "a", qos::at_least_once);
  h.publish(200, "t", "b", qos::exactly_once);
  h.publish(300, "t", "c", qos::at_least_once);
  auto a = h.expect<publish_packet>();
  auto b = h.expect<publish_packet>();
  auto c = h.expect<publish_packet>();
  h.send(puback_packet{c.packet_id, reason_code::success, {}});
  CHECK(h.expect_event(event_kind::completed).tok == 300);
  h.send(pubrec_packet{b.packet_id, reason_code::success, {}});
  h.expect<pubrel_packet>();
  h.send(puback_packet{a.packet_id, reason_code::success, {}});
  CHECK(h.expect_event(event_kind::completed).tok == 100);
  h.send(pubcomp_packet{b.packet_id, reason_code::success, {}});
  CHECK(h.expect_event(event_kind::completed).tok == 200);
  CHECK(h.no_events());
}

TEST_CASE("client: an invalid publish fails with the codec's reason and nothing is written", "[client]") {
  client_harness h(connect_v(v5));
  h.connect_ok();
  SECTION("wildcard in the topic [MQTT-3.3.2-2]") { h.publish(9, "a/+", "x", qos::at_least_once); }
  SECTION("empty topic without a Topic Alias") { h.publish(9, "", "x"); }
  auto e = h.expect_event(event_kind::failed);
  CHECK(e.tok == 9);
  CHECK(e.code != reason_code::success);
  CHECK_FALSE(e.reason.empty());
  CHECK(h.nothing_written());
  CHECK(h.status().inflight == 0);
}

// ---- the server's Receive Maximum ----------------------------------------------------

TEST_CASE("client: with the server's Receive Maximum 2 a third QoS 1 publish waits and goes when a PUBACK comes "
          "[MQTT-3.3.4-7] [MQTT-4.9.0-2]",
          "[client]") {
  client_harness h(connect_v(v5));
  h.connect_ok({prop(property_id::receive_maximum, 2)});
  CHECK(h.status().receive_maximum == 2);
  for (token t = 1; t <= 5; ++t) h.publish(t, "w", std::to_string(t), t == 4 ? qos::exactly_once : qos::at_least_once);
  auto p1 = h.expect<publish_packet>();
  auto p2 = h.expect<publish_packet>();
  CHECK(payload_of(p1) == "1");
  CHECK(payload_of(p2) == "2");
  CHECK(h.nothing_written());
  CHECK(h.status().inflight == 2);
  CHECK(h.status().queued == 3);

  h.send(puback_packet{p2.packet_id, reason_code::success, {}});  // out of order
  CHECK(h.expect_event(event_kind::completed).tok == 2);
  auto p3 = h.expect<publish_packet>();
  CHECK(payload_of(p3) == "3");
  CHECK_FALSE(p3.dup);
  CHECK(h.nothing_written());
  h.send(puback_packet{p1.packet_id, reason_code::success, {}});
  auto p4 = h.expect<publish_packet>();
  CHECK(payload_of(p4) == "4");
  CHECK(p4.qos == qos::exactly_once);
  CHECK(h.nothing_written());
  // QoS 2 holds its slot through PUBREC, until PUBCOMP.
  h.send(pubrec_packet{p4.packet_id, reason_code::success, {}});
  h.expect<pubrel_packet>();
  CHECK(h.nothing_written());
  h.send(pubcomp_packet{p4.packet_id, reason_code::success, {}});
  auto p5 = h.expect<publish_packet>();
  CHECK(payload_of(p5) == "5");
  CHECK(h.status().queued == 0);
  h.send(puback_packet{p3.packet_id, reason_code::success, {}});
  // A PUBREC of 0x80 or more frees the slot too: 5 and 6 fill the window.
  h.publish(6, "w", "6", qos::exactly_once);
  auto p6 = h.expect<publish_packet>();
  h.publish(7, "w", "7", qos::at_least_once);
  CHECK(h.nothing_written());
  h.send(pubrec_packet{p6.packet_id, reason_code::quota_exceeded, {}});
  CHECK(payload_of(h.expect<publish_packet>()) == "7");
}

TEST_CASE("client: publishes beyond the window go out in the order they were asked for", "[client]") {
  client_harness h(connect_v(v5));
  h.connect_ok({prop(property_id::receive_maximum, 1)});
  for (token t = 1; t <= 6; ++t) h.publish(t, "w", std::to_string(t), t % 2 ? qos::at_least_once : qos::exactly_once);
  for (token t = 1; t <= 6; ++t) {
    auto p = h.expect<publish_packet>();
    CHECK(payload_of(p) == std::to_string(t));
    CHECK(h.nothing_written());
    if (p.qos == qos::at_least_once) {
      h.send(puback_packet{p.packet_id, reason_code::success, {}});
    } else {
      h.send(pubrec_packet{p.packet_id, reason_code::success, {}});
      h.expect<pubrel_packet>();
      h.send(pubcomp_packet{p.packet_id, reason_code::success, {}});
    }
    CHECK(h.expect_event(event_kind::completed).tok == t);
  }
  CHECK(h.nothing_written());
}

TEST_CASE("client: SUBSCRIBE and UNSUBSCRIBE are not held back by publishes waiting for the window [MQTT-3.3.4-8]",
          "[client]") {
  client_harness h(connect_v(v5));
  h.connect_ok({prop(property_id::receive_maximum, 1)});
  h.publish(1, "w", "1", qos::at_least_once);
  h.publish(2, "w", "2", qos::at_least_once);  // waits for the window
  auto p1 = h.expect<publish_packet>();
  CHECK(h.nothing_written());
  h.subscribe(3, "s");
  h.unsubscribe(4, "u");
  // "The Client MUST NOT delay the sending of any packets other than PUBLISH packets due to
  // having sent Receive Maximum PUBLISH packets without receiving acknowledgements for them."
  CHECK(h.written_count() == 2);
  auto written = h.take_written();
  CHECK((written.size() >= 1 && std::holds_alternative<subscribe_packet>(written[0])));
  CHECK((written.size() >= 2 && std::holds_alternative<unsubscribe_packet>(written[1])));
  h.send(puback_packet{p1.packet_id, reason_code::success, {}});
  CHECK(payload_of(h.expect<publish_packet>()) == "2");
}

TEST_CASE("client: a long offline queue goes out through a small window in the order asked, each request once",
          "[client]") {
  // 9,000 requests queued offline: QoS 1 publishes, every 7th a QoS 0 one, every 300th
  // a SUBSCRIBE. Publishes keep their order behind the window of 5; the SUBSCRIBEs are
  // not held back by it [MQTT-3.3.4-8]; QoS 0 waits behind the QoS 1 before it.
  client_harness h(connect_v(v5));
  std::vector<std::string> payloads;
  std::vector<token> publish_tokens;
  std::set<token> subscribe_tokens;
  for (token t = 1; t <= 9000; ++t) {
    if (t % 300 == 0) {
      h.subscribe(t, "s/" + std::to_string(t));
      subscribe_tokens.insert(t);
      continue;
    }
    payloads.push_back(std::to_string(t));
    publish_tokens.push_back(t);
    h.publish(t, "q", payloads.back(), t % 7 == 0 ? qos::at_most_once : qos::at_least_once);
  }
  REQUIRE(h.status().queued == 9000);
  CHECK(h.no_events());
  h.connect_ok({prop(property_id::receive_maximum, 5)});

  std::vector<std::string> published;  // payloads in the order written
  std::set<std::uint16_t> in_flight;    // QoS 1 PUBLISH not yet acknowledged
  std::size_t subscribes = 0;
  std::map<token, int> completed;
  for (int round = 0; round < 20000 && (h.written_count() > 0 || !in_flight.empty()); ++round) {
    for (packet& p : h.take_written()) {
      if (auto* sub = std::get_if<subscribe_packet>(&p)) {
        ++subscribes;
        h.send(suback_packet{sub->packet_id, {reason_code::granted_qos_0}, {}});
      } else {
        auto& pub = std::get<publish_packet>(p);
        published.push_back(payload_of(pub));
        if (pub.qos == qos::at_least_once) {
          CHECK(in_flight.insert(pub.packet_id).second);
          CHECK(in_flight.size() <= 5);
        }
      }
    }
    // The first SUBSCRIBEs go out with the first window, ahead of the publishes
    // that wait for it.
    if (round == 0) CHECK(subscribes == subscribe_tokens.size());
    for (const recorded_event& e : h.take_events(event_kind::completed)) ++completed[e.tok];
    if (!in_flight.empty()) {  // one PUBACK at a time lets one more out
      const std::uint16_t id = *in_flight.begin();
      in_flight.erase(in_flight.begin());
      h.send(puback_packet{id, reason_code::success, {}});
    }
  }
  for (const recorded_event& e : h.take_events(event_kind::completed)) ++completed[e.tok];
  CHECK(published == payloads);
  CHECK(subscribes == subscribe_tokens.size());
  CHECK(in_flight.empty());
  CHECK(h.status().queued == 0);
  CHECK(completed.size() == 9000);
  for (const auto& [tok, times] : completed) {
    INFO("token " << tok);
    CHECK(times == 1);
  }
  CHECK(h.no_events());
}
