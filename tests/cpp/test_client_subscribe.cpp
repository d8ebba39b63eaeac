// Client session scenarios: SUBSCRIBE and UNSUBSCRIBE with their options, the results
// per filter, and resubscribing after a reconnect on which the session was not present.
#include <map>
#include <set>

#include "client_harness.hpp"

using namespace mqttw;
using namespace mqttw::test;
using mqttw::client::client_options;

namespace {

// The filters of every SUBSCRIBE the client wrote, and the packets, taken.
std::vector<subscribe_packet> take_subscribes(client_harness& h) {
  std::vector<subscribe_packet> out;
  while (!h.nothing_written()) out.push_back(h.expect<subscribe_packet>());
  return out;
}

// Subscribes to one filter, which the server grants at the QoS asked for.
void subscribe_granted(client_harness& h, token tok, std::string_view filter, qos q) {
  h.subscribe(tok, filter, q);
  auto s = h.expect<subscribe_packet>();
  h.send(suback_packet{s.packet_id, {static_cast<reason_code>(q)}, {}});  // Granted QoS 0, 1, 2 are 0x00 .. 0x02
  h.expect_event(event_kind::completed);
}

}  // namespace

TEST_CASE("client: SUBSCRIBE carries every option and property; the SUBACK's codes come back per filter "
          "[MQTT-3.9.3-1]",
          "[client]") {
  client_harness h(connect_v(v5));
  h.connect_ok();
  subscribe_packet s{0,
                     {{"a/+", qos::at_least_once, true, true, retain_handling::do_not_send},
                      {"b/#", qos::exactly_once, false, false, retain_handling::send_if_new_subscription},
                      {"c", qos::at_most_once, false, true, retain_handling::send_on_subscribe}},
                     {prop(property_id::subscription_identifier, 7), property::user("who", "me")}};
  h.subscribe(42, s);
  auto got = h.expect<subscribe_packet>();
  CHECK(got.packet_id != 0);
  s.packet_id = got.packet_id;
  CHECK(same(got, s));
  CHECK(h.no_events());
  h.send(suback_packet{got.packet_id,
                       {reason_code::granted_qos_1, reason_code::not_authorized, reason_code::granted_qos_0},
                       {property::string(property_id::reason_string, "partly")}});
  auto e = h.expect_event(event_kind::completed);
  CHECK(e.tok == 42);
  const auto& ack = e.packet_as<suback_packet>();
  CHECK(ack.packet_id == got.packet_id);
  CHECK(ack.codes == std::vector<reason_code>{reason_code::granted_qos_1, reason_code::not_authorized,
                                              reason_code::granted_qos_0});
  CHECK(h.no_events());
}

TEST_CASE("client: 3.1.1 SUBSCRIBE and the SUBACK's return codes, 0x80 for a failure", "[client]") {
  client_harness h(connect_v(v311));
  h.connect_ok();
  subscribe_packet s{0,
                     {{"x/+", qos::exactly_once, false, false, retain_handling::send_on_subscribe},
                      {"y", qos::at_least_once, false, false, retain_handling::send_on_subscribe}},
                     {}};
  h.subscribe(1, s);
  auto got = h.expect<subscribe_packet>();
  s.packet_id = got.packet_id;
  CHECK(same(got, s));
  h.send(suback_packet{got.packet_id, {reason_code::granted_qos_2, reason_code::unspecified_error}, {}});
  auto e = h.expect_event(event_kind::completed);
  CHECK(e.tok == 1);
  CHECK(e.packet_as<suback_packet>().codes ==
        std::vector<reason_code>{reason_code::granted_qos_2, reason_code::unspecified_error});
}

TEST_CASE("client: UNSUBSCRIBE with its filters and properties; the UNSUBACK's codes per filter [MQTT-3.11.3-1]",
          "[client]") {
  const auto v = GENERATE(v311, v5);
  client_harness h(connect_v(v));
  h.connect_ok();
  unsubscribe_packet u{0, {"a/+", "b/#"}, {}};
  if (v == v5) u.props = {property::user("k", "v")};
  h.unsubscribe(77, u);
  auto got = h.expect<unsubscribe_packet>();
  CHECK(got.packet_id != 0);
  u.packet_id = got.packet_id;
  CHECK(same(got, u));
  unsuback_packet ack{got.packet_id, {}, {}};
  if (v == v5) ack.codes = {reason_code::success, reason_code::no_subscription_existed};
  h.send(ack);
  auto e = h.expect_event(event_kind::completed);
  CHECK(e.tok == 77);
  CHECK(e.packet_as<unsuback_packet>().codes == ack.codes);  // none in 3.1.1
}

TEST_CASE("client: an invalid filter fails locally and nothing is written", "[client]") {
  client_harness h(connect_v(v5));
  h.connect_ok();
  SECTION("subscribe [MQTT-4.7.1-1]") { h.subscribe(5, "a/#/b"); }
  SECTION("subscribe, no filter [MQTT-3.8.3-2]") { h.subscribe(5, subscribe_packet{}); }
  SECTION("unsubscribe, no filter [MQTT-3.10.3-2]") { h.unsubscribe(5, unsubscribe_packet{}); }
  auto e = h.expect_event(event_kind::failed);
  CHECK(e.tok == 5);
  CHECK(e.code != reason_code::success);
  CHECK(h.nothing_written());
}

TEST_CASE("client: a SUBSCRIBE or UNSUBSCRIBE without its ack when the connection drops is sent again and completed",
          "[client]") {
  const bool session_present = GENERATE(false, true);
  client_harness h(connect_v(v5, "c", false));
  h.connect_ok();
  h.subscribe(1, "s/1", qos::at_least_once);
  h.unsubscribe(2, "u/1");
  h.expect<subscribe_packet>();
  h.expect<unsubscribe_packet>();
  h.reconnect({}, session_present);
  auto s = h.expect<subscribe_packet>();
  REQUIRE(s.subscriptions.size() == 1);
  CHECK(s.subscriptions[0].filter == "s/1");
  auto u = h.expect<unsubscribe_packet>();
  CHECK(u.filters == std::vector<std::string_view>{"u/1"});
  h.send(suback_packet{s.packet_id, {reason_code::granted_qos_1}, {}});
  h.send(unsuback_packet{u.packet_id, {reason_code::success}, {}});
  CHECK(h.expect_event(event_kind::completed).tok == 1);
  CHECK(h.expect_event(event_kind::completed).tok == 2);
}

// ---- resubscribe ---------------------------------------------------------------------

TEST_CASE("client: after a reconnect without a session the granted subscriptions are sent again (resubscribed "
          "event); not the refused or unsubscribed ones",
          "[client]") {
  const auto v = GENERATE(v311, v5);
  client_harness h(connect_v(v));
  h.connect_ok();
  const bool v5_options = v == v5;
  h.subscribe(1, subscribe_packet{0,
                                  {{"a/+", qos::at_least_once, v5_options, v5_options,
                                    v5_options ? retain_handling::do_not_send : retain_handling::send_on_subscribe},
                                   {"b", qos::at_most_once, false, false, retain_handling::send_on_subscribe}},
                                  {}});
  auto s1 = h.expect<subscribe_packet>();
  h.send(suback_packet{s1.packet_id, {reason_code::granted_qos_1, reason_code::unspecified_error}, {}});
  h.expect_event(event_kind::completed);
  subscribe_granted(h, 2, "c", qos::exactly_once);
  subscribe_granted(h, 3, "d", qos::at_most_once);
  h.unsubscribe(4, "c");
  auto u = h.expect<unsubscribe_packet>();
  h.send(unsuback_packet{u.packet_id, v == v5 ? std::vector<reason_code>{reason_code::success} : std::vector<reason_code>{}, {}});
  h.expect_event(event_kind::completed);

  h.reconnect();  // Session Present 0
  auto again = take_subscribes(h);
  REQUIRE_FALSE(again.empty());
  std::map<std::string, subscription> filters;
  for (const auto& s : again) {
    for (const auto& sub : s.subscriptions) filters[std::string(sub.filter)] = sub;
  }
  REQUIRE(filters.size() == 2);
  REQUIRE(filters.count("a/+"));
  REQUIRE(filters.count("d"));
  // Sent again as first asked for, options and all.
  CHECK(same(filters["a/+"], subscription{"a/+", qos::at_least_once, v5_options, v5_options,
                                            v5_options ? retain_handling::do_not_send
                                                       : retain_handling::send_on_subscribe}));
  CHECK(filters["d"].max_qos == qos::at_most_once);
  for (const auto& s : again) {
    h.send(suback_packet{s.packet_id, std::vector<reason_code>(s.subscriptions.size(), reason_code::granted_qos_0), {}});
    auto e = h.expect_event(event_kind::resubscribed);
    CHECK(e.packet_as<suback_packet>().packet_id == s.packet_id);
  }
  CHECK(h.no_events());  // no completed events: those requests were answered long ago
}

TEST_CASE("client: resubscribing keeps each filter once, grouped by the properties it was last sent with; "
          "a filter the resubscription refuses is dropped",
          "[client]") {
  client_harness h(connect_v(v5));
  h.connect_ok();
  const properties id7{prop(property_id::subscription_identifier, 7)};
  const properties id9{prop(property_id::subscription_identifier, 9)};
  const auto grant_all = [&](token tok, const subscribe_packet& asked) {
    h.subscribe(tok, asked);
    auto s = h.expect<subscribe_packet>();
    h.send(suback_packet{s.packet_id, std::vector<reason_code>(asked.subscriptions.size(), reason_code::granted_qos_1), {}});
    h.expect_event(event_kind::completed);
  };
  const subscription a{"a", qos::at_least_once, false, false, retain_handling::send_on_subscribe};
  const subscription b{"b", qos::at_least_once, false, false, retain_handling::send_on_subscribe};
  const subscription c{"c", qos::at_least_once, false, false, retain_handling::send_on_subscribe};
  const subscription d{"d", qos::at_least_once, false, false, retain_handling::send_on_subscribe};
  grant_all(1, subscribe_packet{0, {a, b, c}, id7});
  grant_all(2, subscribe_packet{0, {d}, id9});
  // "b" again, with the other properties and new options: it moves to that group.
  const subscription b2{"b", qos::exactly_once, true, false, retain_handling::do_not_send};
  grant_all(3, subscribe_packet{0, {b2}, id9});
  // "d", the first of its group, goes.
  h.unsubscribe(4, "d");
  auto u = h.expect<unsubscribe_packet>();
  h.send(unsuback_packet{u.packet_id, {reason_code::success}, {}});
  h.expect_event(event_kind::completed);
  // "e" and "f" with no properties: a third group, whose only filter left is "f".
  grant_all(5, subscribe_packet{0, {{"e", qos::at_most_once, false, false, retain_handling::send_on_subscribe},
                                    {"f", qos::at_most_once, false, false, retain_handling::send_on_subscribe}}, {}});
  h.unsubscribe(6, "e");
  u = h.expect<unsubscribe_packet>();
  h.send(unsuback_packet{u.packet_id, {reason_code::success}, {}});
  h.expect_event(event_kind::completed);

  h.reconnect();
  auto again = take_subscribes(h);
  REQUIRE(again.size() == 3);
  CHECK(same(again[0], subscribe_packet{again[0].packet_id, {a, c}, id7}));
  CHECK(same(again[1], subscribe_packet{again[1].packet_id, {b2}, id9}));
  CHECK(same(again[2], subscribe_packet{again[2].packet_id,
                                        {{"f", qos::at_most_once, false, false, retain_handling::send_on_subscribe}}, {}}));
  // The server refuses "c" this time: the next resubscription leaves it out.
  h.send(suback_packet{again[0].packet_id, {reason_code::granted_qos_1, reason_code::not_authorized}, {}});
  h.send(suback_packet{again[1].packet_id, {reason_code::granted_qos_2}, {}});
  h.send(suback_packet{again[2].packet_id, {reason_code::granted_qos_0}, {}});
  for (int i = 0; i < 3; ++i) h.expect_event(event_kind::resubscribed);
  h.reconnect();
  again = take_subscribes(h);
  REQUIRE(again.size() == 3);
  CHECK(same(again[0], subscribe_packet{again[0].packet_id, {a}, id7}));
  CHECK(same(again[1], subscribe_packet{again[1].packet_id, {b2}, id9}));
  CHECK(again[2].subscriptions.size() == 1);
}

TEST_CASE("client: no resubscribe when the session is present, nor with resubscribe off", "[client]") {
  SECTION("session present") {
    client_harness h(connect_v(v5, "c", false));
    h.connect_ok();
    subscribe_granted(h, 1, "a", qos::at_least_once);
    h.reconnect({}, true);
    CHECK(h.nothing_written());
    CHECK(h.no_events());
  }
  SECTION("resubscribe = false") {
    client_options o;
    o.resubscribe = false;
    client_harness h(connect_v(v5), o);
    h.connect_ok();
    subscribe_granted(h, 1, "a", qos::at_least_once);
    h.reconnect();
    CHECK(h.nothing_written());
    CHECK(h.no_events());
  }
}

TEST_CASE("client: resubscribe ids do not collide with resent publishes", "[client]") {
  client_harness h(connect_v(v5));
  h.connect_ok();
  subscribe_granted(h, 1, "a", qos::at_least_once);
  h.publish(2, "t", "in flight", qos::at_least_once);
  h.expect<publish_packet>();
  h.reconnect();
  std::set<std::uint16_t> ids;
  std::size_t n = 0;
  for (const auto& p : h.take_written()) {
    if (auto* x = std::get_if<publish_packet>(&p)) ids.insert(x->packet_id), ++n;
    if (auto* x = std::get_if<subscribe_packet>(&p)) ids.insert(x->packet_id), ++n;
  }
  CHECK(n == 2);
  CHECK(ids.size() == 2);
}
