// Broker scenarios: overlapping subscriptions, subscription options, subscription
// identifiers, shared subscriptions, UNSUBSCRIBE and the subscription limits.
#include <algorithm>

#include "broker_harness.hpp"
#include "test_support.hpp"

using namespace mqttw;
using namespace mqttw::test;
using mqttw::broker::broker_options;

namespace {

subscription sub(std::string_view filter, qos q, bool no_local = false, bool retain_as_published = false,
                 retain_handling rh = retain_handling::send_on_subscribe) {
  return {filter, q, no_local, retain_as_published, rh};
}

properties with_id(std::uint32_t id) { return {property::integer(property_id::subscription_identifier, id)}; }

// The SUBACK codes, as numbers.
std::vector<int> codes(const std::vector<reason_code>& list) {
  std::vector<int> out;
  for (reason_code c : list) out.push_back(static_cast<int>(c));
  return out;
}

// The Subscription Identifiers a PUBLISH carries, sorted (their order is not
// significant [MQTT-3.3.4-4]).
std::vector<std::uint32_t> ids_of(const publish_packet& p) {
  std::vector<std::uint32_t> out;
  for (const property& q : p.props) {
    if (q.id == property_id::subscription_identifier) out.push_back(q.number);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<int> suback(broker_harness& h, conn_id c, subscribe_packet p) {
  h.send(c, p);
  auto& ack = h.expect<suback_packet>(c);
  CHECK(ack.packet_id == p.packet_id);
  return codes(ack.codes);
}

std::string payload_of(broker_harness& h, conn_id c) { return broker_harness::text(h.expect<publish_packet>(c).payload); }

}  // namespace

// ---- overlapping subscriptions -----------------------------------------------------

TEST_CASE("overlapping subscriptions: one delivery per session at the highest QoS [MQTT-3.3.4-2]", "[broker]") {
  const auto v = GENERATE(v311, v5);
  broker_harness h;
  const auto s = h.connect("sub", v);
  h.subscribe(s, "a/#", qos::at_most_once, 1);
  h.subscribe(s, "a/+", qos::at_least_once, 2);
  h.subscribe(s, "a/b", qos::at_most_once, 3);
  const auto pub = h.connect("pub", v5);
  h.publish(pub, "a/b", "x", qos::exactly_once, false, 1);
  h.expect<pubrec_packet>(pub);
  auto& m = h.expect<publish_packet>(s);
  CHECK(m.qos == qos::at_least_once);
  CHECK(m.topic == "a/b");
  CHECK(h.nothing_for(s));
  h.publish(pub, "a/c", "y");  // two of the filters match
  CHECK(h.expect<publish_packet>(s).qos == qos::at_most_once);
  CHECK(h.nothing_for(s));
}

TEST_CASE("overlapping subscriptions: the one delivery carries every Subscription Identifier [MQTT-3.3.4-3] [MQTT-3.3.4-4] [MQTT-3.3.4-5]",
          "[broker]") {
  broker_harness h;
  const auto s = h.connect("sub", v5);
  CHECK(suback(h, s, {1, {sub("a/#", qos::at_most_once)}, with_id(1)}) == std::vector<int>{0});
  CHECK(suback(h, s, {2, {sub("a/+", qos::at_least_once)}, with_id(2)}) == std::vector<int>{1});
  CHECK(suback(h, s, {3, {sub("a/b", qos::at_most_once)}, {}}) == std::vector<int>{0});  // no identifier
  CHECK(suback(h, s, {4, {sub("+/b", qos::at_most_once)}, with_id(2)}) == std::vector<int>{0});  // the same one again
  const auto pub = h.connect("pub", v5);
  h.publish(pub, "a/b", "x", qos::at_least_once, false, 1);
  h.expect<puback_packet>(pub);
  auto& m = h.expect<publish_packet>(s);
  CHECK(m.qos == qos::at_least_once);
  CHECK(ids_of(m) == std::vector<std::uint32_t>{1, 2, 2});
  CHECK(h.nothing_for(s));
  h.publish(pub, "a/z", "y");
  CHECK(ids_of(h.expect<publish_packet>(s)) == std::vector<std::uint32_t>{1, 2});
  h.publish(pub, "z/b", "y");
  CHECK(ids_of(h.expect<publish_packet>(s)) == std::vector<std::uint32_t>{2});
}

// ---- subscription options -----------------------------------------------------------

TEST_CASE("a delivery's QoS is the lower of the message's and the subscription's [MQTT-3.8.4-8]", "[broker]") {
  const auto v = GENERATE(v311, v5);
  broker_harness h;
  const auto s = h.connect("sub", v);
  h.subscribe(s, "one", qos::at_least_once, 1);
  h.subscribe(s, "two", qos::exactly_once, 2);
  const auto pub = h.connect("pub", v);
  const qos sent[] = {qos::at_most_once, qos::at_least_once, qos::exactly_once};
  const qos via_one[] = {qos::at_most_once, qos::at_least_once, qos::at_least_once};
  for (int i = 0; i < 3; ++i) {
    INFO("published at QoS " << i);
    const auto id = static_cast<std::uint16_t>(10 + i);
    h.publish(pub, "one", "m", sent[i], false, sent[i] == qos::at_most_once ? 0 : id);
    h.publish(pub, "two", "m", sent[i], false, sent[i] == qos::at_most_once ? 0 : static_cast<std::uint16_t>(id + 10));
    h.drain(pub);
    auto& a = h.expect<publish_packet>(s);
    CHECK(a.topic == "one");
    CHECK(a.qos == via_one[i]);
    if (a.qos == qos::at_least_once) h.send(s, puback_packet{a.packet_id, reason_code::success, {}});
    auto& b = h.expect<publish_packet>(s);
    CHECK(b.topic == "two");
    CHECK(b.qos == sent[i]);
    if (b.qos == qos::at_least_once) h.send(s, puback_packet{b.packet_id, reason_code::success, {}});
    if (b.qos == qos::exactly_once) {
      const auto pid = b.packet_id;
      h.send(s, pubrec_packet{pid, reason_code::success, {}});
      h.expect<pubrel_packet>(s);
      h.send(s, pubcomp_packet{pid, reason_code::success, {}});
    }
  }
  CHECK(h.nothing_for(s));
}

TEST_CASE("No Local: a session's own messages do not come back through that subscription [MQTT-3.8.3-3]", "[broker]") {
  broker_harness h;
  const auto a = h.connect("a", v5);
  const auto b = h.connect("b", v5);
  CHECK(suback(h, a, {1, {sub("n/#", qos::at_most_once, true)}, {}}) == std::vector<int>{0});
  h.subscribe(b, "n/#");
  h.publish(a, "n/1", "from a");
  CHECK(payload_of(h, b) == "from a");
  CHECK(h.nothing_for(a));
  h.publish(b, "n/2", "from b");
  CHECK(payload_of(h, a) == "from b");
  // Another, overlapping subscription without No Local still delivers it.
  h.subscribe(a, "n/+", qos::at_most_once, 2);
  h.publish(a, "n/3", "again");
  CHECK(payload_of(h, a) == "again");
  CHECK(h.nothing_for(a));
}

TEST_CASE("Retain As Published keeps the RETAIN flag of live messages [MQTT-3.3.1-12] [MQTT-3.3.1-13]", "[broker]") {
  broker_harness h;
  const auto keeps = h.connect("keeps", v5);
  const auto clears = h.connect("clears", v5);
  const auto old = h.connect("old", v311);
  suback(h, keeps, {1, {sub("p/#", qos::at_most_once, false, true)}, {}});
  suback(h, clears, {1, {sub("p/#", qos::at_most_once, false, false)}, {}});
  h.subscribe(old, "p/#");
  const auto pub = h.connect("pub", v5);
  h.publish(pub, "p/x", "r", qos::at_most_once, true);
  CHECK(h.expect<publish_packet>(keeps).retain);
  CHECK_FALSE(h.expect<publish_packet>(clears).retain);
  CHECK_FALSE(h.expect<publish_packet>(old).retain);  // 3.1.1 [MQTT-3.3.1-9]
  h.publish(pub, "p/y", "not retained");
  CHECK_FALSE(h.expect<publish_packet>(keeps).retain);
  h.drain(clears);
  h.drain(old);
  // Messages sent because of a new subscription are retained either way.
  suback(h, clears, {2, {sub("p/x", qos::at_most_once)}, {}});
  CHECK(h.expect<publish_packet>(clears).retain);
}

TEST_CASE("Retain Handling 0 sends retained messages at every SUBSCRIBE [MQTT-3.3.1-9] [MQTT-3.8.4-4]", "[broker]") {
  const auto v = GENERATE(v311, v5);
  broker_harness h;
  const auto pub = h.connect("pub", v5);
  h.publish(pub, "rh/a", "kept", qos::at_most_once, true);
  const auto s = h.connect("s", v);
  for (std::uint16_t id = 1; id <= 2; ++id) {
    CHECK(suback(h, s, {id, {sub("rh/#", qos::at_most_once)}, {}}) == std::vector<int>{0});
    auto& m = h.expect<publish_packet>(s);
    CHECK(m.retain);
    CHECK(broker_harness::text(m.payload) == "kept");
  }
  CHECK(h.nothing_for(s));
}

TEST_CASE("Retain Handling 1 sends retained messages only for a new subscription [MQTT-3.3.1-10]", "[broker]") {
  broker_harness h;
  const auto pub = h.connect("pub", v5);
  h.publish(pub, "rh/a", "kept", qos::at_most_once, true);
  const auto s = h.connect("s", v5);
  const auto once = sub("rh/#", qos::at_most_once, false, false, retain_handling::send_if_new_subscription);
  suback(h, s, {1, {once}, {}});
  CHECK(payload_of(h, s) == "kept");
  suback(h, s, {2, {once}, {}});  // it exists: replaced, nothing sent
  CHECK(h.nothing_for(s));
  h.send(s, unsubscribe_packet{3, {"rh/#"}, {}});
  h.expect<unsuback_packet>(s);
  suback(h, s, {4, {once}, {}});  // new again
  CHECK(payload_of(h, s) == "kept");
  CHECK(h.nothing_for(s));
}

TEST_CASE("Retain Handling 2 sends no retained messages [MQTT-3.3.1-11]", "[broker]") {
  broker_harness h;
  const auto pub = h.connect("pub", v5);
  h.publish(pub, "rh/a", "kept", qos::at_most_once, true);
  const auto s = h.connect("s", v5);
  suback(h, s, {1, {sub("rh/#", qos::at_most_once, false, false, retain_handling::do_not_send)}, {}});
  CHECK(h.nothing_for(s));
  h.publish(pub, "rh/a", "live", qos::at_most_once, true);
  CHECK(payload_of(h, s) == "live");  // live messages still come
}

// ---- subscription identifiers ------------------------------------------------------

TEST_CASE("Subscription Identifiers: every filter of the SUBSCRIBE, retained messages too, replaced by a resubscription",
          "[broker]") {
  broker_harness h;
  const auto pub = h.connect("pub", v5);
  h.publish(pub, "si/r", "kept", qos::at_most_once, true);
  const auto s = h.connect("s", v5);
  CHECK(suback(h, s, {1, {sub("si/r", qos::at_most_once), sub("si/x", qos::at_most_once)}, with_id(7)}) ==
        std::vector<int>{0, 0});
  auto& retained = h.expect<publish_packet>(s);
  CHECK(retained.retain);
  CHECK(ids_of(retained) == std::vector<std::uint32_t>{7});
  h.publish(pub, "si/x", "1");
  CHECK(ids_of(h.expect<publish_packet>(s)) == std::vector<std::uint32_t>{7});
  // The same filter without an identifier replaces the subscription [MQTT-3.8.4-3].
  suback(h, s, {2, {sub("si/x", qos::at_most_once)}, {}});
  h.publish(pub, "si/x", "2");
  auto& plain = h.expect<publish_packet>(s);
  CHECK(broker_harness::text(plain.payload) == "2");
  CHECK(ids_of(plain).empty());
  // A 3.1.1 subscriber of the same topic gets no properties at all.
  const auto old = h.connect("old", v311);
  h.subscribe(old, "si/x");
  h.publish(pub, "si/x", "3");
  CHECK(h.expect<publish_packet>(old).props.empty());
}

// ---- shared subscriptions ----------------------------------------------------------

TEST_CASE("a shared subscription's members take turns (section 4.8.2)", "[broker]") {
  broker_harness h;
  const conn_id members[] = {h.connect("m1", v5), h.connect("m2", v311), h.connect("m3", v5)};
  for (const auto m : members) h.subscribe(m, "$share/g/s/+");
  const auto pub = h.connect("pub", v5);
  for (int i = 1; i <= 6; ++i) h.publish(pub, "s/" + std::to_string(i), std::to_string(i));
  CHECK(payload_of(h, members[0]) == "1");
  CHECK(payload_of(h, members[0]) == "4");
  CHECK(payload_of(h, members[1]) == "2");
  CHECK(payload_of(h, members[1]) == "5");
  CHECK(payload_of(h, members[2]) == "3");
  CHECK(payload_of(h, members[2]) == "6");
  for (const auto m : members) CHECK(h.nothing_for(m));
}

TEST_CASE("two share groups each get a copy, and so does a non-shared subscription", "[broker]") {
  broker_harness h;
  const auto g1a = h.connect("g1a", v5);
  const auto g1b = h.connect("g1b", v5);
  const auto g2 = h.connect("g2", v311);
  const auto plain = h.connect("plain", v5);
  h.subscribe(g1a, "$share/g1/t/#", qos::at_least_once);
  h.subscribe(g1b, "$share/g1/t/#", qos::at_least_once);
  h.subscribe(g2, "$share/g2/t/#", qos::at_least_once);
  h.subscribe(plain, "t/#", qos::at_least_once);
  const auto pub = h.connect("pub", v5);
  h.publish(pub, "t/1", "x", qos::at_least_once, false, 1);
  h.expect<puback_packet>(pub);
  CHECK(h.waiting(g1a) + h.waiting(g1b) == 1);
  CHECK(h.expect<publish_packet>(g2).qos == qos::at_least_once);
  CHECK(h.expect<publish_packet>(plain).qos == qos::at_least_once);
}

TEST_CASE("a shared subscription skips members that are offline", "[broker]") {
  broker_harness h;
  properties keep{property::integer(property_id::session_expiry_interval, 60)};
  const auto on = h.connect("on", v5);
  const auto off = h.connect("off", v5, true, keep);
  h.subscribe(on, "$share/g/q", qos::at_least_once);
  h.subscribe(off, "$share/g/q", qos::at_least_once);
  h.hang_up(off);
  const auto pub = h.connect("pub", v5);
  for (std::uint16_t i = 1; i <= 3; ++i) h.publish(pub, "q", std::to_string(i), qos::at_least_once, false, i);
  for (const char* want : {"1", "2", "3"}) {
    auto& m = h.expect<publish_packet>(on);
    CHECK(broker_harness::text(m.payload) == want);
    h.send(on, puback_packet{m.packet_id, reason_code::success, {}});
  }
}

TEST_CASE("No Local on a shared subscription is a Protocol Error [MQTT-3.8.3-4]", "[broker]") {
  broker_harness h;
  const auto c = h.connect("c", v5);
  // Our encoder refuses to write this SUBSCRIBE, so it is written by hand.
  h.send_bytes(c, hex(R"(
    82 10                      // SUBSCRIBE, remaining length 16
    00 01                      // packet id 1
    00                         // no properties
    00 0a 24 73 68 61 72 65    // "$share/g/x"
          2f 67 2f 78
    04                         // options: QoS 0, No Local
  )"));
  CHECK(h.expect<disconnect_packet>(c).code == reason_code::protocol_error);
  CHECK(h.is_closed(c));
}

TEST_CASE("retained messages are not sent for a shared subscription (section 4.8.2)", "[broker]") {
  const auto v = GENERATE(v311, v5);
  broker_harness h;
  const auto pub = h.connect("pub", v5);
  h.publish(pub, "sr/a", "kept", qos::at_most_once, true);
  const auto s = h.connect("s", v);
  h.subscribe(s, "$share/g/sr/#");
  CHECK(h.nothing_for(s));
  h.publish(pub, "sr/a", "live");
  CHECK(payload_of(h, s) == "live");
}

TEST_CASE("a member leaves a share group by UNSUBSCRIBE with the whole shared filter", "[broker]") {
  broker_harness h;
  const auto a = h.connect("a", v5);
  const auto b = h.connect("b", v5);
  h.subscribe(a, "$share/g/u");
  h.subscribe(b, "$share/g/u");
  h.send(a, unsubscribe_packet{2, {"$share/g/u"}, {}});
  CHECK(codes(h.expect<unsuback_packet>(a).codes) == std::vector<int>{0x00});
  const auto pub = h.connect("pub", v5);
  h.publish(pub, "u", "1");
  h.publish(pub, "u", "2");
  CHECK(h.nothing_for(a));
  CHECK(payload_of(h, b) == "1");
  CHECK(payload_of(h, b) == "2");
}

// ---- UNSUBSCRIBE -------------------------------------------------------------------

TEST_CASE("UNSUBSCRIBE removes exactly the filters named; 5.0 UNSUBACK says which existed [MQTT-3.10.4-1] [MQTT-3.11.3-1]",
          "[broker]") {
  broker_harness h;
  const auto s = h.connect("s", v5);
  h.subscribe(s, "u/a", qos::at_most_once, 1);
  h.subscribe(s, "u/+", qos::at_most_once, 2);
  // "u/x" is matched by "u/+" but is not a filter the session holds.
  h.send(s, unsubscribe_packet{3, {"u/a", "u/x"}, {}});
  auto& ack = h.expect<unsuback_packet>(s);
  CHECK(ack.packet_id == 3);
  CHECK(codes(ack.codes) == std::vector<int>{0x00, 0x11});
  const auto pub = h.connect("pub", v5);
  h.publish(pub, "u/a", "via +");
  CHECK(payload_of(h, s) == "via +");
  CHECK(h.nothing_for(s));
  h.send(s, unsubscribe_packet{4, {"u/+"}, {}});
  h.expect<unsuback_packet>(s);
  h.publish(pub, "u/a", "gone");
  CHECK(h.nothing_for(s));
}

TEST_CASE("3.1.1 UNSUBSCRIBE gets an UNSUBACK, even when nothing was subscribed [MQTT-3.10.4-4] [MQTT-3.10.4-5]", "[broker]") {
  broker_harness h;
  const auto s = h.connect("s", v311);
  h.subscribe(s, "u/a");
  h.send(s, unsubscribe_packet{5, {"u/a", "never"}, {}});
  auto& ack = h.expect<unsuback_packet>(s);
  CHECK(ack.packet_id == 5);
  CHECK(ack.codes.empty());
  h.send(s, unsubscribe_packet{6, {"never"}, {}});
  CHECK(h.expect<unsuback_packet>(s).packet_id == 6);
  const auto pub = h.connect("pub", v311);
  h.publish(pub, "u/a", "gone");
  CHECK(h.nothing_for(s));
  CHECK_FALSE(h.is_closed(s));
}

TEST_CASE("a SUBSCRIBE to a filter the session holds replaces the subscription [MQTT-3.8.4-3]", "[broker]") {
  const auto v = GENERATE(v311, v5);
  broker_harness h;
  const auto s = h.connect("s", v);
  h.subscribe(s, "r/#", qos::exactly_once, 1);
  h.subscribe(s, "r/#", qos::at_most_once, 2);
  const auto pub = h.connect("pub", v5);
  h.publish(pub, "r/1", "x", qos::exactly_once, false, 1);
  CHECK(h.expect<publish_packet>(s).qos == qos::at_most_once);
  CHECK(h.nothing_for(s));
  if (v == v5) {
    // The options are replaced too: No Local on, then off.
    suback(h, s, {3, {sub("mine", qos::at_most_once, true)}, {}});
    h.publish(s, "mine", "1");
    CHECK(h.nothing_for(s));
    suback(h, s, {4, {sub("mine", qos::at_most_once, false)}, {}});
    h.publish(s, "mine", "2");
    CHECK(payload_of(h, s) == "2");
  }
}

// ---- limits ------------------------------------------------------------------------

TEST_CASE("max_subscriptions: filters past the limit get 0x97 Quota Exceeded, 0x80 in 3.1.1", "[broker]") {
  const auto v = GENERATE(v311, v5);
  broker_options o;
  o.max_subscriptions = 2;
  broker_harness h(o);
  const auto s = h.connect("s", v);
  const int refused = v == v5 ? 0x97 : 0x80;
  CHECK(suback(h, s, {1, {sub("a", qos::at_most_once), sub("b", qos::at_least_once), sub("c", qos::at_most_once)}, {}}) ==
        std::vector<int>{0, 1, refused});
  // Replacing a subscription the session holds is not a new one.
  CHECK(suback(h, s, {2, {sub("a", qos::at_least_once)}, {}}) == std::vector<int>{1});
  CHECK(suback(h, s, {3, {sub("c", qos::at_most_once)}, {}}) == std::vector<int>{refused});
  h.send(s, unsubscribe_packet{4, {"b"}, {}});
  h.expect<unsuback_packet>(s);
  CHECK(suback(h, s, {5, {sub("c", qos::at_most_once)}, {}}) == std::vector<int>{0});
  const auto pub = h.connect("pub", v5);
  h.publish(pub, "c", "in");
  CHECK(payload_of(h, s) == "in");
}

TEST_CASE("max_topic_levels: deeper filters get 0x8F Topic Filter Invalid, 0x80 in 3.1.1", "[broker]") {
  const auto v = GENERATE(v311, v5);
  broker_options o;
  o.max_topic_levels = 3;
  broker_harness h(o);
  const auto s = h.connect("s", v);
  const int refused = v == v5 ? 0x8F : 0x80;
  CHECK(suback(h, s, {1, {sub("a/b/c", qos::at_most_once), sub("a/b/c/d", qos::at_most_once), sub("a/+/#", qos::at_most_once),
                          sub("$share/g/a/b/c", qos::at_most_once), sub("$share/g/a/b/c/d", qos::at_most_once)},
                      {}}) == std::vector<int>{0, refused, 0, 0, refused});
  CHECK_FALSE(h.is_closed(s));
}

TEST_CASE("maximum_qos caps the QoS granted to a SUBSCRIBE [MQTT-3.2.2-10]", "[broker]") {
  const auto v = GENERATE(v311, v5);
  broker_options o;
  o.maximum_qos = qos::at_least_once;
  broker_harness h(o);
  const auto s = h.connect("s", v);
  CHECK(suback(h, s, {1, {sub("a", qos::exactly_once), sub("b", qos::at_least_once), sub("c", qos::at_most_once)}, {}}) ==
        std::vector<int>{1, 1, 0});
  const auto pub = h.connect("pub", v);
  h.publish(pub, "a", "x", qos::at_least_once, false, 1);
  CHECK(h.expect<publish_packet>(s).qos == qos::at_least_once);
}
