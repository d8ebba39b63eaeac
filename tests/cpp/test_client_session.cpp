// Client session scenarios: what outlives a connection. Resend with DUP on a resumed
// session, sent again as new messages otherwise, the offline queue and its bounds,
// abandon(), and restore() of stored in-flight messages.
#include <map>
#include <set>

#include "client_harness.hpp"

using namespace mqttw;
using namespace mqttw::test;
using mqttw::client::client_options;

namespace {

// The server acknowledges one packet the client wrote: a PUBLISH at QoS 1 or 2, or a PUBREL.
void acknowledge(client_harness& h, const packet& p) {
  if (auto* x = std::get_if<publish_packet>(&p)) {
    if (x->qos == qos::at_least_once) h.send(puback_packet{x->packet_id, reason_code::success, {}});
    if (x->qos == qos::exactly_once) h.send(pubrec_packet{x->packet_id, reason_code::success, {}});
  } else if (auto* r = std::get_if<pubrel_packet>(&p)) {
    h.send(pubcomp_packet{r->packet_id, reason_code::success, {}});
  }
}

// Acknowledges every PUBLISH and PUBREL the client wrote until nothing is in flight,
// and returns the tokens completed.
std::multiset<token> ack_everything(client_harness& h) {
  std::multiset<token> done;
  for (int guard = 0; guard < 1000 && !h.nothing_written(); ++guard) {
    for (const auto& p : h.take_written()) acknowledge(h, p);
  }
  for (const auto& e : h.take_events(event_kind::completed)) done.insert(e.tok);
  return done;
}

}  // namespace

// ---- session present -----------------------------------------------------------------

TEST_CASE("client: on a resumed session in-flight QoS 1 and 2 are resent with DUP 1 and their ids, PUBREL too, in "
          "order [MQTT-4.4.0-1] [MQTT-3.3.1-1] [MQTT-4.6.0-1]",
          "[client]") {
  const auto v = GENERATE(v311, v5);
  client_harness h(connect_v(v, "c", false));
  h.connect_ok();
  h.publish(1, "r", "1", qos::at_least_once);
  h.publish(2, "r", "2", qos::exactly_once);
  h.publish(3, "r", "3", qos::exactly_once);
  h.publish(4, "r", "4", qos::at_least_once, true);
  auto p1 = h.expect<publish_packet>();
  auto p2 = h.expect<publish_packet>();
  auto p3 = h.expect<publish_packet>();
  auto p4 = h.expect<publish_packet>();
  h.send(pubrec_packet{p3.packet_id, reason_code::success, {}});
  CHECK(h.expect<pubrel_packet>().packet_id == p3.packet_id);
  h.hang_up();
  CHECK(h.status().inflight == 4);
  h.publish(5, "r", "5", qos::at_least_once);  // while offline
  CHECK(h.status().queued == 1);

  h.open();
  auto cp = h.expect<connect_packet>();
  CHECK_FALSE(cp.clean_start);
  CHECK(h.nothing_written());  // nothing before CONNACK
  h.send(connack_packet{true, reason_code::success, {}});
  h.expect_event(event_kind::connected);
  auto out = h.take_written();
  REQUIRE(out.size() == 5);
  std::vector<publish_packet> resent;
  int pubrels = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    if (auto* x = std::get_if<publish_packet>(&out[i])) {
      resent.push_back(*x);
    } else {
      REQUIRE(std::holds_alternative<pubrel_packet>(out[i]));
      CHECK(std::get<pubrel_packet>(out[i]).packet_id == p3.packet_id);  // not the PUBLISH [MQTT-4.3.3-6]
      ++pubrels;
    }
  }
  CHECK(pubrels == 1);
  REQUIRE(resent.size() == 3);
  const publish_packet* first[] = {&p1, &p2, &p4};
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(resent[i].dup);
    CHECK(resent[i].packet_id == first[i]->packet_id);
    CHECK(resent[i].qos == first[i]->qos);
    CHECK(resent[i].retain == first[i]->retain);
    CHECK(resent[i].topic == "r");
    CHECK(payload_of(resent[i]) == payload_of(*first[i]));
  }
  // The offline one goes after the resends, as a new message with an id of its own.
  REQUIRE(std::holds_alternative<publish_packet>(out[4]));
  const auto& p5 = std::get<publish_packet>(out[4]);
  CHECK(payload_of(p5) == "5");
  CHECK_FALSE(p5.dup);
  CHECK(std::set<std::uint16_t>{p1.packet_id, p2.packet_id, p3.packet_id, p4.packet_id, p5.packet_id}.size() == 5);

  h.send(puback_packet{p1.packet_id, reason_code::success, {}});
  h.send(pubrec_packet{p2.packet_id, reason_code::success, {}});
  CHECK(h.expect<pubrel_packet>().packet_id == p2.packet_id);
  h.send(pubcomp_packet{p2.packet_id, reason_code::success, {}});
  h.send(pubcomp_packet{p3.packet_id, reason_code::success, {}});
  h.send(puback_packet{p4.packet_id, reason_code::success, {}});
  h.send(puback_packet{p5.packet_id, reason_code::success, {}});
  std::vector<token> done;
  for (const auto& e : h.take_events(event_kind::completed)) done.push_back(e.tok);
  CHECK(done == std::vector<token>{1, 2, 3, 4, 5});
  CHECK(h.status().inflight == 0);
}

TEST_CASE("client: a connection lost again before the resends were acknowledged resends them once more", "[client]") {
  client_harness h(connect_v(v5, "c", false));
  h.connect_ok();
  h.publish(1, "r", "1", qos::at_least_once);
  const auto id = h.expect<publish_packet>().packet_id;
  for (int i = 0; i < 3; ++i) {
    h.reconnect({}, true);
    auto p = h.expect<publish_packet>();
    CHECK(p.dup);
    CHECK(p.packet_id == id);
  }
  h.send(puback_packet{id, reason_code::success, {}});
  CHECK(h.expect_event(event_kind::completed).tok == 1);
}

// ---- session not present -------------------------------------------------------------

TEST_CASE("client: when the session was not present in-flight publishes are sent again as new messages (DUP 0), "
          "released ones are completed [MQTT-3.2.2-5]",
          "[client]") {
  const auto v = GENERATE(v311, v5);
  const bool clean = GENERATE(true, false);
  client_harness h(connect_v(v, "c", clean));
  h.connect_ok();
  h.publish(1, "n", "1", qos::at_least_once);
  h.publish(2, "n", "2", qos::exactly_once);
  h.publish(3, "n", "3", qos::exactly_once);
  h.expect<publish_packet>();
  h.expect<publish_packet>();
  auto p3 = h.expect<publish_packet>();
  h.send(pubrec_packet{p3.packet_id, reason_code::success, {}});
  h.expect<pubrel_packet>();
  h.reconnect({}, false);
  // The server has message 3 already: its PUBREC said so.
  auto done = h.expect_event(event_kind::completed);
  CHECK(done.tok == 3);
  CHECK(done.code == reason_code::success);
  auto a = h.expect<publish_packet>();
  auto b = h.expect<publish_packet>();
  CHECK(h.nothing_written());  // no PUBREL for a session that is gone
  CHECK(payload_of(a) == "1");
  CHECK(payload_of(b) == "2");
  CHECK_FALSE(a.dup);
  CHECK_FALSE(b.dup);
  CHECK(a.qos == qos::at_least_once);
  CHECK(b.qos == qos::exactly_once);
  CHECK(a.packet_id != b.packet_id);
  h.send(puback_packet{a.packet_id, reason_code::success, {}});
  CHECK(h.expect_event(event_kind::completed).tok == 1);
  h.send(pubrec_packet{b.packet_id, reason_code::success, {}});
  h.expect<pubrel_packet>();
  h.send(pubcomp_packet{b.packet_id, reason_code::success, {}});
  CHECK(h.expect_event(event_kind::completed).tok == 2);
  CHECK(h.no_events());
}

TEST_CASE("client: nothing is lost over connections that drop with publishes in flight, resumed or not", "[client]") {
  client_harness h(connect_v(v5, "c", false));
  std::multiset<token> asked, done;
  token next = 1;
  for (int round = 0; round < 6; ++round) {
    h.connect_ok({prop(property_id::receive_maximum, 2)}, round % 2 == 1);
    for (int i = 0; i < 3; ++i, ++next) {
      h.publish(next, "l", std::to_string(next), next % 3 == 0 ? qos::exactly_once : qos::at_least_once);
      asked.insert(next);
    }
    // The server answers one packet, then the connection drops.
    auto written = h.take_written();
    if (!written.empty()) acknowledge(h, written.front());  // all at QoS 1 or 2
    h.take_written();
    h.hang_up();
    for (const auto& e : h.take_events(event_kind::completed)) done.insert(e.tok);
    REQUIRE(h.no_events());
  }
  h.connect_ok({}, true);
  for (token t : ack_everything(h)) done.insert(t);
  CHECK(done == asked);  // each exactly once
  CHECK(h.status().inflight == 0);
  CHECK(h.status().queued == 0);
}

// ---- the offline queue ---------------------------------------------------------------

TEST_CASE("client: requests made while offline go out after CONNACK, in the order they were made", "[client]") {
  const auto v = GENERATE(v311, v5);
  client_harness h(connect_v(v));
  h.publish(1, "o", "a");
  h.subscribe(2, "s", qos::at_least_once);
  h.publish(3, "o", "b", qos::at_least_once);
  h.unsubscribe(4, "u");
  h.publish(5, "o", "c", qos::exactly_once);
  CHECK(h.no_events());
  CHECK(h.status().queued == 5);
  h.open();
  h.expect<connect_packet>();
  SECTION("asked before the connection") {}
  SECTION("and more asked between CONNECT and CONNACK") {
    h.publish(6, "o", "d");
    CHECK(h.nothing_written());
  }
  h.send(connack_packet{});
  h.expect_event(event_kind::connected);
  CHECK(payload_of(h.expect<publish_packet>()) == "a");
  CHECK(h.expect<subscribe_packet>().subscriptions.at(0).filter == "s");
  CHECK(payload_of(h.expect<publish_packet>()) == "b");
  CHECK(h.expect<unsubscribe_packet>().filters.at(0) == "u");
  CHECK(payload_of(h.expect<publish_packet>()) == "c");
  if (h.written_count() == 1) CHECK(payload_of(h.expect<publish_packet>()) == "d");
  CHECK(h.nothing_written());
  CHECK(h.status().queued == 0);
  // QoS 0 ones are completed as they are written.
  auto completed = h.take_events(event_kind::completed);
  REQUIRE_FALSE(completed.empty());
  CHECK(completed[0].tok == 1);
}

TEST_CASE("client: past max_queued a request fails at once with 0x97 Quota Exceeded", "[client]") {
  client_options o;
  o.max_queued = 2;
  SECTION("offline") {
    client_harness h(connect_v(v5), o);
    h.publish(1, "q", "1", qos::at_least_once);
    h.subscribe(2, "s");
    CHECK(h.no_events());
    h.publish(3, "q", "3");
    auto e = h.expect_event(event_kind::failed);
    CHECK(e.tok == 3);
    CHECK(e.code == reason_code::quota_exceeded);
    h.connect_ok();
    CHECK(payload_of(h.expect<publish_packet>()) == "1");
    h.expect<subscribe_packet>();
    CHECK(h.nothing_written());
  }
  SECTION("not while connected: beyond the server's Receive Maximum a burst waits whole") {
    client_harness h(connect_v(v5), o);
    h.connect_ok({prop(property_id::receive_maximum, 1)});
    for (token t = 1; t <= 5; ++t) h.publish(t, "q", std::to_string(t), qos::at_least_once);
    CHECK(h.no_events());
    CHECK(h.written_count() == 1);  // one in flight, four waiting
    CHECK(h.status().queued == 4);
    // Offline, with more than max_queued waiting already: a new request fails.
    h.hang_up();
    h.publish(6, "q", "6", qos::at_least_once);
    auto e = h.expect_event(event_kind::failed);
    CHECK(e.tok == 6);
    CHECK(e.code == reason_code::quota_exceeded);
  }
}

TEST_CASE("client: queue_qos0 = false fails a QoS 0 publish made offline; QoS 1 still waits", "[client]") {
  client_options o;
  o.queue_qos0 = false;
  client_harness h(connect_v(v5), o);
  h.publish(1, "q", "zero");
  auto e = h.expect_event(event_kind::failed);
  CHECK(e.tok == 1);
  CHECK(e.code != reason_code::success);
  h.publish(2, "q", "one", qos::at_least_once);
  CHECK(h.no_events());
  h.connect_ok();
  CHECK(payload_of(h.expect<publish_packet>()) == "one");
  CHECK(h.nothing_written());
  h.publish(3, "q", "connected");  // with a connection QoS 0 goes
  CHECK(payload_of(h.expect<publish_packet>()) == "connected");
  CHECK(h.expect_event(event_kind::completed).tok == 3);
}

// ---- abandon ------------------------------------------------------------------------

TEST_CASE("client: abandon() fails every queued and in-flight request with 0x8B and sends nothing", "[client]") {
  client_harness h(connect_v(v5, "c", false));
  h.connect_ok({prop(property_id::receive_maximum, 1)});
  h.publish(1, "a", "in flight", qos::at_least_once);
  h.publish(2, "a", "queued", qos::at_least_once);
  h.subscribe(3, "s");
  h.unsubscribe(4, "u");
  h.take_written();
  SECTION("connected") {}
  SECTION("after the connection is gone, with a request made offline") {
    h.hang_up();
    h.publish(5, "a", "offline");
  }
  h.abandon();
  CHECK(h.nothing_written());
  std::map<token, reason_code> failed;
  for (const auto& e : h.take_events(event_kind::failed)) failed[e.tok] = e.code;
  CHECK(h.no_events());
  for (token t : {1, 2, 3, 4}) {
    INFO("token " << t);
    REQUIRE(failed.count(t));
    CHECK(failed[t] == reason_code::server_shutting_down);
  }
  CHECK(h.status().inflight == 0);
  CHECK(h.status().queued == 0);
}

// ---- restore ------------------------------------------------------------------------

TEST_CASE("client: restore()d in-flight messages are resent with their ids on a resumed session [MQTT-4.4.0-1]",
          "[client]") {
  client_harness h(connect_v(v5, "c", false));
  h.restore(1, publish_packet{"r/1", view("a"), qos::at_least_once, false, false, 7, {}}, false);
  h.restore(2, publish_packet{"r/2", view("b"), qos::exactly_once, false, false, 9, {}}, true);
  h.restore(3, publish_packet{"r/3", view("c"), qos::exactly_once, true, false, 8, {}}, false);
  CHECK(h.status().inflight == 3);
  CHECK(h.no_events());
  SECTION("session present") {
    h.connect_ok({}, true);
    std::vector<publish_packet> pubs;
    std::vector<std::uint16_t> rels;
    for (const auto& p : h.take_written()) {
      if (auto* x = std::get_if<publish_packet>(&p)) pubs.push_back(*x);
      if (auto* x = std::get_if<pubrel_packet>(&p)) rels.push_back(x->packet_id);
    }
    REQUIRE(pubs.size() == 2);
    CHECK(pubs[0].packet_id == 7);
    CHECK(pubs[0].topic == "r/1");
    CHECK(pubs[0].dup);
    CHECK(pubs[1].packet_id == 8);
    CHECK(pubs[1].retain);
    CHECK(pubs[1].dup);
    CHECK(rels == std::vector<std::uint16_t>{9});
    // New ids keep clear of the restored ones.
    h.publish(4, "n", "new", qos::at_least_once);
    const auto fresh = h.expect<publish_packet>().packet_id;
    CHECK(fresh != 7);
    CHECK(fresh != 8);
    CHECK(fresh != 9);
    h.send(puback_packet{7, reason_code::success, {}});
    CHECK(h.expect_event(event_kind::completed).tok == 1);
    h.send(pubcomp_packet{9, reason_code::success, {}});
    CHECK(h.expect_event(event_kind::completed).tok == 2);
    h.send(pubrec_packet{8, reason_code::success, {}});
    CHECK(h.expect<pubrel_packet>().packet_id == 8);
    h.send(pubcomp_packet{8, reason_code::success, {}});
    CHECK(h.expect_event(event_kind::completed).tok == 3);
  }
  SECTION("session not present: sent as new messages, the released one completed") {
    h.connect_ok({}, false);
    CHECK(h.expect_event(event_kind::completed).tok == 2);
    auto a = h.expect<publish_packet>();
    auto c = h.expect<publish_packet>();
    CHECK(payload_of(a) == "a");
    CHECK(payload_of(c) == "c");
    CHECK_FALSE(a.dup);
    CHECK_FALSE(c.dup);
    CHECK(h.nothing_written());
  }
}
