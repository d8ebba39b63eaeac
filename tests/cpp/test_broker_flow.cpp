// Broker scenarios: flow control both ways (Receive Maximum, the session queue),
// message expiry, Topic Aliases from clients, Maximum Packet Size both ways, the
// properties a message carries to its subscribers, and Maximum QoS / Retain Available.
#include "broker_harness.hpp"
#include "mqttw/broker/message.hpp"
#include "test_support.hpp"

using namespace mqttw;
using namespace mqttw::test;
using mqttw::broker::broker_options;

namespace {

properties prop(property_id id, std::uint32_t n) { return {property::integer(id, n)}; }

std::uint32_t number(const properties& props, property_id id) {
  const property* p = find_property(props, id);
  REQUIRE(p);
  return p->number;
}

// Connects with the given CONNECT properties and returns the CONNACK's.
conn_id connect_props(broker_harness& h, std::string_view id, properties props, properties* connack_props = nullptr,
                      bool clean = true) {
  connect_packet p{};
  p.version = v5;
  p.client_id = id;
  p.clean_start = clean;
  p.props = std::move(props);
  const auto c = h.open_with(p);
  auto& ack = h.expect<connack_packet>(c);
  REQUIRE(ack.code == reason_code::success);
  h.session_present = ack.session_present;
  if (connack_props) *connack_props = ack.props;
  return c;
}

std::string payload_of(const publish_packet& p) { return broker_harness::text(p.payload); }

}  // namespace

// ---- Receive Maximum ---------------------------------------------------------------

TEST_CASE("a client over the broker's Receive Maximum is disconnected with 0x93 [MQTT-3.3.4-7]", "[broker]") {
  broker_options o;
  o.receive_maximum = 2;
  broker_harness h(o);
  properties ack;
  const auto c = connect_props(h, "c", {}, &ack);
  CHECK(number(ack, property_id::receive_maximum) == 2);
  const auto other = h.connect("other", v5);
  h.subscribe(other, "rm");
  // QoS 1 is acknowledged at once, so it never fills the window.
  for (std::uint16_t id = 10; id < 15; ++id) {
    h.publish(c, "rm", "q1", qos::at_least_once, false, id);
    h.expect<puback_packet>(c);
  }
  // QoS 2 stays unacknowledged until PUBCOMP.
  h.publish(c, "rm", "a", qos::exactly_once, false, 1);
  h.publish(c, "rm", "b", qos::exactly_once, false, 2);
  h.expect<pubrec_packet>(c);
  h.expect<pubrec_packet>(c);
  h.send(c, pubrel_packet{1, reason_code::success, {}});
  CHECK(h.expect<pubcomp_packet>(c).packet_id == 1);
  h.publish(c, "rm", "c", qos::exactly_once, false, 3);  // one slot free again
  h.expect<pubrec_packet>(c);
  h.publish(c, "rm", "d", qos::exactly_once, false, 4);  // a third unacknowledged one
  CHECK(h.expect<disconnect_packet>(c).code == reason_code::receive_maximum_exceeded);
  CHECK(h.is_closed(c));
  h.drain(other);
  h.publish(h.connect("p", v5), "rm", "after");
  CHECK(payload_of(h.expect<publish_packet>(other)) == "after");
}

TEST_CASE("Receive Maximum is not held against a 3.1.1 client, which is never told it", "[broker]") {
  broker_options o;
  o.receive_maximum = 10;
  broker_harness h(o);
  const auto c = h.connect("c", v311);
  bytes burst;  // a burst of QoS 2 PUBLISH written before any PUBREC is read
  for (std::uint16_t id = 1; id <= 50; ++id) {
    REQUIRE_FALSE(encode(publish_packet{"b", view("x"), qos::exactly_once, false, false, id, {}}, v311, burst));
  }
  h.send_bytes(c, burst);
  for (std::uint16_t id = 1; id <= 50; ++id) CHECK(h.expect<pubrec_packet>(c).packet_id == id);
  for (std::uint16_t id = 1; id <= 50; ++id) h.send(c, pubrel_packet{id, reason_code::success, {}});
  for (std::uint16_t id = 1; id <= 50; ++id) CHECK(h.expect<pubcomp_packet>(c).packet_id == id);
  CHECK_FALSE(h.is_closed(c));
}

TEST_CASE("the broker keeps at most the client's Receive Maximum in flight and sends the rest in order [MQTT-3.3.4-9]",
          "[broker]") {
  broker_harness h;
  const auto s = connect_props(h, "s", prop(property_id::receive_maximum, 2));
  h.subscribe(s, "w", qos::exactly_once);
  const auto pub = h.connect("pub", v5);
  for (std::uint16_t i = 1; i <= 5; ++i) h.publish(pub, "w", std::to_string(i), i % 2 ? qos::at_least_once : qos::exactly_once, false, i);
  h.drain(pub);
  auto first = h.expect<publish_packet>(s);
  auto second = h.expect<publish_packet>(s);
  CHECK(payload_of(first) == "1");
  CHECK(payload_of(second) == "2");
  CHECK(h.nothing_for(s));
  // Other packets are not held back by a full window [MQTT-3.3.4-10], nor QoS 0.
  h.send(s, pingreq_packet{});
  h.expect<pingresp_packet>(s);
  h.publish(pub, "w", "qos0");
  CHECK(payload_of(h.expect<publish_packet>(s)) == "qos0");
  h.send(s, puback_packet{first.packet_id, reason_code::success, {}});
  auto third = h.expect<publish_packet>(s);
  CHECK(payload_of(third) == "3");
  CHECK(h.nothing_for(s));
  // QoS 2 holds its slot through PUBREC, until PUBCOMP.
  h.send(s, pubrec_packet{second.packet_id, reason_code::success, {}});
  h.expect<pubrel_packet>(s);
  CHECK(h.nothing_for(s));
  h.send(s, pubcomp_packet{second.packet_id, reason_code::success, {}});
  auto fourth = h.expect<publish_packet>(s);
  CHECK(payload_of(fourth) == "4");
  // A PUBREC of 0x80 or more ends the exchange and frees the slot.
  h.send(s, pubrec_packet{fourth.packet_id, reason_code::unspecified_error, {}});
  CHECK(payload_of(h.expect<publish_packet>(s)) == "5");
  CHECK(h.nothing_for(s));
}

TEST_CASE("max_inflight bounds what a 3.1.1 client has in flight", "[broker]") {
  broker_options o;
  o.max_inflight = 2;
  broker_harness h(o);
  const auto s = h.connect("s", v311);
  h.subscribe(s, "w", qos::at_least_once);
  const auto pub = h.connect("pub", v311);
  for (std::uint16_t i = 1; i <= 4; ++i) h.publish(pub, "w", std::to_string(i), qos::at_least_once, false, i);
  auto a = h.expect<publish_packet>(s);
  auto b = h.expect<publish_packet>(s);
  CHECK(h.nothing_for(s));
  h.send(s, puback_packet{b.packet_id, reason_code::success, {}});  // acknowledged out of order
  CHECK(payload_of(h.expect<publish_packet>(s)) == "3");
  h.send(s, puback_packet{a.packet_id, reason_code::success, {}});
  CHECK(payload_of(h.expect<publish_packet>(s)) == "4");
  CHECK(payload_of(a) == "1");
}

// ---- the session queue -------------------------------------------------------------

TEST_CASE("max_queued bounds a session's queue; what does not fit is dropped and counted", "[broker]") {
  const auto v = GENERATE(v311, v5);
  broker_options o;
  o.max_queued = 2;
  broker_harness h(o);
  properties keep = v == v5 ? prop(property_id::session_expiry_interval, 60) : properties{};
  auto s = h.connect("s", v, v == v5, keep);
  h.subscribe(s, "mq", qos::at_least_once);
  h.hang_up(s);
  const auto pub = h.connect("pub", v5);
  const auto dropped = h.b.stats().messages_dropped;
  for (std::uint16_t i = 1; i <= 4; ++i) h.publish(pub, "mq", std::to_string(i), qos::at_least_once, false, i);
  CHECK(h.b.stats().messages_dropped == dropped + 2);
  s = h.connect("s", v, false, keep);
  CHECK(h.session_present);
  CHECK(payload_of(h.expect<publish_packet>(s)) == "1");
  CHECK(payload_of(h.expect<publish_packet>(s)) == "2");
  CHECK(h.nothing_for(s));
}

TEST_CASE("max_message_bytes bounds the messages held: past it a PUBLISH is refused with 0x97, or dropped in 3.1.1, "
          "and a CONNECT whose will does not fit is refused; freed messages make room again", "[broker]") {
  using mqttw::broker::message;
  const std::string payload(1000, 'x');
  const std::size_t one = message::counted_size("mq", view(payload));
  broker_options o;
  o.sys_interval = 0;  // no $SYS messages held
  o.max_message_bytes = static_cast<std::uint32_t>(2 * one + 10);
  broker_harness h(o);
  const properties keep = prop(property_id::session_expiry_interval, 60);
  auto s = h.connect("s", v5, true, keep);
  h.subscribe(s, "mq", qos::at_least_once);
  h.hang_up(s);  // its queue holds what comes
  const auto pub = h.connect("pub", v5);
  const auto old = h.connect("old", v311);
  const auto dropped = h.b.stats().messages_dropped;
  for (std::uint16_t i = 1; i <= 3; ++i) {
    h.publish(pub, "mq", payload, qos::at_least_once, false, i);
    CHECK(h.expect<puback_packet>(pub).code == (i <= 2 ? reason_code::success : reason_code::quota_exceeded));
  }
  h.publish(pub, "mq", payload, qos::exactly_once, false, 4);
  CHECK(h.expect<pubrec_packet>(pub).code == reason_code::quota_exceeded);
  h.publish(pub, "mq", payload, qos::at_most_once);
  h.publish(old, "mq", payload, qos::at_least_once, false, 1);
  CHECK(h.expect<puback_packet>(old).packet_id == 1);  // 3.1.1 has no way to say no [MQTT-3.3.5-2]
  CHECK(h.b.stats().messages_dropped == dropped + 4);
  // A will that does not fit: CONNACK 0x97 (3.1.1: return code 3, Server unavailable).
  connect_packet w{};
  w.version = v5;
  w.client_id = "w";
  w.will = will_message{"mq", view(payload), qos::at_most_once, false, {}};
  CHECK(h.expect<connack_packet>(h.open_with(w)).code == reason_code::quota_exceeded);
  // Delivered and acknowledged, the two held messages are freed: room again.
  s = h.connect("s", v5, false, keep);
  for (int i = 0; i < 2; ++i) {
    auto& m = h.expect<publish_packet>(s);
    CHECK(m.payload.size() == payload.size());
    h.send(s, puback_packet{m.packet_id, reason_code::success, {}});
  }
  CHECK(h.nothing_for(s));
  CHECK(h.b.stats().message_bytes == 0);  // every message counted was freed, exactly
  h.publish(pub, "mq", payload, qos::at_least_once, false, 5);
  CHECK(h.b.stats().message_bytes == one);
  CHECK(h.expect<puback_packet>(pub).code == reason_code::success);
  CHECK(h.expect<publish_packet>(s).packet_id != 0);
}

// ---- message expiry ----------------------------------------------------------------

TEST_CASE("Message Expiry Interval: forwarded with the time left [MQTT-3.3.2-6], not delivered once passed [MQTT-3.3.2-5]",
          "[broker]") {
  broker_harness h;
  const properties keep = prop(property_id::session_expiry_interval, 600);
  auto s = connect_props(h, "s", keep);
  h.subscribe(s, "ex", qos::at_least_once);
  const auto pub = h.connect("pub", v5);
  h.publish(pub, "ex", "now", qos::at_least_once, false, 1, prop(property_id::message_expiry_interval, 10));
  auto live = h.expect<publish_packet>(s);
  CHECK(number(live.props, property_id::message_expiry_interval) == 10);
  h.send(s, puback_packet{live.packet_id, reason_code::success, {}});
  h.hang_up(s);
  h.publish(pub, "ex", "long", qos::at_least_once, false, 2, prop(property_id::message_expiry_interval, 10));
  h.publish(pub, "ex", "short", qos::at_least_once, false, 3, prop(property_id::message_expiry_interval, 2));
  h.publish(pub, "ex", "forever", qos::at_least_once, false, 4);
  h.advance(4'000);
  const auto dropped = h.b.stats().messages_dropped;
  s = connect_props(h, "s", keep, nullptr, false);
  CHECK(h.session_present);
  auto& kept = h.expect<publish_packet>(s);
  CHECK(payload_of(kept) == "long");
  CHECK(number(kept.props, property_id::message_expiry_interval) == 6);
  auto& plain = h.expect<publish_packet>(s);
  CHECK(payload_of(plain) == "forever");
  CHECK_FALSE(find_property(plain.props, property_id::message_expiry_interval));
  CHECK(h.nothing_for(s));
  CHECK(h.b.stats().messages_dropped == dropped + 1);
}

TEST_CASE("a message that expires while queued behind a full window is not sent", "[broker]") {
  const auto v = GENERATE(v311, v5);
  broker_options o;
  o.max_inflight = 1;
  broker_harness h(o);
  const auto s = h.connect("s", v);
  h.subscribe(s, "ex", qos::at_least_once);
  const auto pub = h.connect("pub", v5);
  h.publish(pub, "ex", "first", qos::at_least_once, false, 1);
  h.publish(pub, "ex", "expires", qos::at_least_once, false, 2, prop(property_id::message_expiry_interval, 1));
  h.publish(pub, "ex", "third", qos::at_least_once, false, 3);
  auto first = h.expect<publish_packet>(s);
  CHECK(h.nothing_for(s));
  h.advance(1'500);
  h.send(s, puback_packet{first.packet_id, reason_code::success, {}});
  CHECK(payload_of(h.expect<publish_packet>(s)) == "third");
  CHECK(h.nothing_for(s));
}

// ---- Topic Aliases -----------------------------------------------------------------

TEST_CASE("Topic Aliases from a client: set, used, replaced [MQTT-3.3.2-12]", "[broker]") {
  broker_harness h;
  properties ack;
  const auto c = connect_props(h, "c", {}, &ack);
  CHECK(number(ack, property_id::topic_alias_maximum) == 10);
  const auto s = h.connect("s", v5);
  h.subscribe(s, "al/#");
  const auto alias = [](std::uint32_t n) { return prop(property_id::topic_alias, n); };
  h.publish(c, "al/x", "1", qos::at_most_once, false, 0, alias(1));
  h.publish(c, "", "2", qos::at_most_once, false, 0, alias(1));
  h.publish(c, "al/y", "3", qos::at_most_once, false, 0, alias(10));
  h.publish(c, "al/z", "4", qos::at_most_once, false, 0, alias(1));  // a new topic for alias 1
  h.publish(c, "", "5", qos::at_most_once, false, 0, alias(1));
  h.publish(c, "", "6", qos::at_most_once, false, 0, alias(10));
  const char* topics[] = {"al/x", "al/x", "al/y", "al/z", "al/z", "al/y"};
  for (const char* t : topics) {
    auto& m = h.expect<publish_packet>(s);
    CHECK(m.topic == t);
    CHECK_FALSE(find_property(m.props, property_id::topic_alias));  // aliases are per connection
  }
  CHECK_FALSE(h.is_closed(c));
}

TEST_CASE("a Topic Alias above the Topic Alias Maximum is disconnected with 0x94 [MQTT-3.3.2-9] [MQTT-3.2.2-18]", "[broker]") {
  const std::uint16_t maximum = GENERATE(std::uint16_t{10}, std::uint16_t{0});
  broker_options o;
  o.topic_alias_maximum = maximum;
  broker_harness h(o);
  properties ack;
  const auto c = connect_props(h, "c", {}, &ack);
  CHECK((find_property(ack, property_id::topic_alias_maximum) != nullptr) == (maximum != 0));
  h.publish(c, "t", "x", qos::at_most_once, false, 0, prop(property_id::topic_alias, maximum + 1u));
  CHECK(h.expect<disconnect_packet>(c).code == reason_code::topic_alias_invalid);
  CHECK(h.is_closed(c));
}

// The codec refuses the property itself [MQTT-3.3.2-8], with the reason section 3.3.4
// names, before the broker sees the PUBLISH.
TEST_CASE("a Topic Alias of 0 is disconnected with 0x94 (section 3.3.4)", "[broker]") {
  broker_harness h;
  const auto c = h.connect("c", v5);
  // Our encoder refuses to write this PUBLISH, so it is written by hand.
  h.send_bytes(c, hex(R"(
    30 08           // PUBLISH QoS 0, remaining length 8
    00 01 74        // topic "t"
    03 23 00 00     // properties: Topic Alias 0
    78              // payload "x"
  )"));
  REQUIRE(h.is_closed(c));
  CHECK(h.expect<disconnect_packet>(c).code == reason_code::topic_alias_invalid);
}

TEST_CASE("an empty topic with a Topic Alias that has no mapping is a Protocol Error (section 3.3.4)", "[broker]") {
  broker_harness h;
  auto c = h.connect("c", v5);
  h.publish(c, "", "x", qos::at_most_once, false, 0, prop(property_id::topic_alias, 3));
  CHECK(h.expect<disconnect_packet>(c).code == reason_code::protocol_error);
  CHECK(h.is_closed(c));
  SECTION("mappings do not carry over to a new connection [MQTT-3.3.2-7]") {
    c = h.connect("c", v5);
    h.publish(c, "al", "x", qos::at_most_once, false, 0, prop(property_id::topic_alias, 1));
    h.hang_up(c);
    c = h.connect("c", v5, false);
    h.publish(c, "", "y", qos::at_most_once, false, 0, prop(property_id::topic_alias, 1));
    CHECK(h.expect<disconnect_packet>(c).code == reason_code::protocol_error);
  }
}

// ---- Maximum Packet Size -----------------------------------------------------------

TEST_CASE("a packet above the broker's max_packet_size closes that connection with 0x95", "[broker]") {
  const auto v = GENERATE(v311, v5);
  broker_options o;
  o.max_packet_size = 128;
  broker_harness h(o);
  const auto watcher = h.connect("watcher", v5);
  h.subscribe(watcher, "mp");
  const auto c = h.connect("c", v);
  if (v == v5) {
    // Advertised in the CONNACK.
    properties ack;
    connect_props(h, "c2", {}, &ack);
    CHECK(number(ack, property_id::maximum_packet_size) == 128);
  }
  h.publish(c, "mp", std::string(100, 'a'));  // 105 bytes: fine
  CHECK(h.expect<publish_packet>(watcher).payload.size() == 100);
  h.publish(c, "mp", std::string(200, 'b'));
  if (v == v5) CHECK(h.expect<disconnect_packet>(c).code == reason_code::packet_too_large);
  CHECK(h.nothing_for(c));
  CHECK(h.is_closed(c));
  CHECK(h.close_reason(c) == reason_code::packet_too_large);
  CHECK(h.nothing_for(watcher));
  h.publish(h.connect("p", v5), "mp", "after");
  CHECK(payload_of(h.expect<publish_packet>(watcher)) == "after");
}

TEST_CASE("a message too large for one subscriber's Maximum Packet Size is dropped for it alone [MQTT-3.1.2-24] [MQTT-3.1.2-25]",
          "[broker]") {
  broker_harness h;
  properties small{property::integer(property_id::maximum_packet_size, 40),
                   property::integer(property_id::receive_maximum, 1)};
  const auto tiny = connect_props(h, "tiny", small);
  const auto big = h.connect("big", v5);
  h.subscribe(tiny, "mp", qos::at_least_once);
  h.subscribe(big, "mp", qos::at_least_once);
  const auto pub = h.connect("pub", v5);
  const auto dropped = h.b.stats().messages_dropped;
  h.publish(pub, "mp", std::string(100, 'x'), qos::at_least_once, false, 1);
  CHECK(h.expect<publish_packet>(big).payload.size() == 100);
  CHECK(h.nothing_for(tiny));
  CHECK(h.b.stats().messages_dropped == dropped + 1);
  // It does not hold the one slot of tiny's window: the next message goes.
  h.publish(pub, "mp", "ok", qos::at_least_once, false, 2);
  CHECK(payload_of(h.expect<publish_packet>(tiny)) == "ok");
  CHECK_FALSE(h.is_closed(tiny));
}

// ---- properties carried to subscribers ---------------------------------------------

TEST_CASE("user properties, content type, payload format, response topic and correlation data pass through [MQTT-3.3.2-4] "
          "[MQTT-3.3.2-15] [MQTT-3.3.2-16] [MQTT-3.3.2-17] [MQTT-3.3.2-18] [MQTT-3.3.2-20]",
          "[broker]") {
  broker_harness h;
  const auto s5 = h.connect("s5", v5);
  const auto s3 = h.connect("s3", v311);
  h.subscribe(s5, "pp");
  h.subscribe(s3, "pp");
  const bytes correlation{1, 2, 0, 255};
  const properties sent{
      property::user("k1", "v1"),
      property::integer(property_id::payload_format_indicator, 1),
      property::string(property_id::content_type, "text/plain"),
      property::user("k2", "v2"),
      property::string(property_id::response_topic, "reply/to"),
      property::binary(property_id::correlation_data, view(correlation)),
      property::user("k1", "v3"),
      property::integer(property_id::topic_alias, 1),
  };
  const auto pub = h.connect("pub", v5);
  h.publish(pub, "pp", "body", qos::at_most_once, false, 0, sent);
  auto& m = h.expect<publish_packet>(s5);
  CHECK(number(m.props, property_id::payload_format_indicator) == 1);
  REQUIRE(find_property(m.props, property_id::content_type));
  CHECK(find_property(m.props, property_id::content_type)->text == "text/plain");
  REQUIRE(find_property(m.props, property_id::response_topic));
  CHECK(find_property(m.props, property_id::response_topic)->text == "reply/to");
  REQUIRE(find_property(m.props, property_id::correlation_data));
  const auto data = find_property(m.props, property_id::correlation_data)->data;
  CHECK(bytes(data.begin(), data.end()) == correlation);
  std::vector<std::string> users;
  for (const property& p : m.props) {
    if (p.id == property_id::user_property) users.push_back(std::string(p.text) + "=" + std::string(p.value));
  }
  CHECK(users == std::vector<std::string>{"k1=v1", "k2=v2", "k1=v3"});  // in order
  CHECK_FALSE(find_property(m.props, property_id::topic_alias));
  auto& old = h.expect<publish_packet>(s3);
  CHECK(old.props.empty());
  CHECK(payload_of(old) == "body");
}

// ---- Maximum QoS and Retain Available ----------------------------------------------

TEST_CASE("maximum_qos: advertised, a PUBLISH above it is disconnected with 0x9B [MQTT-3.2.2-11], a will above it refused "
          "[MQTT-3.2.2-12]",
          "[broker]") {
  broker_options o;
  o.maximum_qos = qos::at_least_once;
  broker_harness h(o);
  properties ack;
  const auto c = connect_props(h, "c", {}, &ack);
  CHECK(number(ack, property_id::maximum_qos) == 1);
  h.publish(c, "q", "1", qos::at_least_once, false, 1);
  h.expect<puback_packet>(c);
  h.publish(c, "q", "2", qos::exactly_once, false, 2);
  CHECK(h.expect<disconnect_packet>(c).code == reason_code::qos_not_supported);
  CHECK(h.is_closed(c));
  const auto old = h.connect("old", v311);
  h.publish(old, "q", "2", qos::exactly_once, false, 2);
  CHECK(h.nothing_for(old));
  CHECK(h.is_closed(old));
  connect_packet w{};
  w.version = v5;
  w.client_id = "w";
  w.will = will_message{"w", view("bye"), qos::exactly_once, false, {}};
  const auto refused = h.open_with(w);
  CHECK(h.expect<connack_packet>(refused).code == reason_code::qos_not_supported);
  CHECK(h.is_closed(refused));
}

TEST_CASE("retain_available = false: advertised, a retained PUBLISH is disconnected with 0x9A [MQTT-3.2.2-14], a retained will "
          "refused [MQTT-3.2.2-13]",
          "[broker]") {
  broker_options o;
  o.retain_available = false;
  broker_harness h(o);
  properties ack;
  const auto c = connect_props(h, "c", {}, &ack);
  CHECK(number(ack, property_id::retain_available) == 0);
  h.publish(c, "r", "not retained");
  h.publish(c, "r", "retained", qos::at_most_once, true);
  CHECK(h.expect<disconnect_packet>(c).code == reason_code::retain_not_supported);
  CHECK(h.is_closed(c));
  connect_packet w{};
  w.version = v5;
  w.client_id = "w";
  w.will = will_message{"w", view("bye"), qos::at_most_once, true, {}};
  const auto refused = h.open_with(w);
  CHECK(h.expect<connack_packet>(refused).code == reason_code::retain_not_supported);
  CHECK(h.is_closed(refused));
}

TEST_CASE("a resumed session resends no more than the new connection's Receive Maximum; acks let the rest follow in order [MQTT-3.3.4-9] [MQTT-4.6.0-5]", "[broker]") {
  broker_harness h;
  const properties keep{property::integer(property_id::session_expiry_interval, 600)};
  auto sub = h.connect("s", v5, true, keep);
  h.subscribe(sub, "r", qos::at_least_once);
  const auto pub = h.connect("p", v5);
  for (int i = 0; i < 5; ++i) {
    h.publish(pub, "r", std::to_string(i), qos::at_least_once, false, static_cast<std::uint16_t>(i + 1));
  }
  for (int i = 0; i < 5; ++i) h.expect<publish_packet>(sub);  // sent, never acknowledged
  h.hang_up(sub);

  properties small = keep;
  small.push_back(property::integer(property_id::receive_maximum, 2));
  connect_packet again{};
  again.version = v5;
  again.client_id = "s";
  again.clean_start = false;
  again.props = small;
  sub = h.open_with(again);
  REQUIRE(h.expect<connack_packet>(sub).session_present);
  std::vector<std::string> got;
  std::vector<std::uint16_t> ids;
  while (!h.nothing_for(sub)) {
    auto& m = h.expect<publish_packet>(sub);
    CHECK(m.dup);
    got.push_back(broker_harness::text(m.payload));
    ids.push_back(m.packet_id);
  }
  CHECK(got == std::vector<std::string>{"0", "1"});
  for (std::size_t k = 0; k < 3; ++k) {
    h.send(sub, puback_packet{ids[k], reason_code::success, {}});
    auto& m = h.expect<publish_packet>(sub);  // one acknowledgement, one more resent
    CHECK(m.dup);
    got.push_back(broker_harness::text(m.payload));
    ids.push_back(m.packet_id);
    CHECK(h.nothing_for(sub));
  }
  CHECK(got == std::vector<std::string>{"0", "1", "2", "3", "4"});
}

TEST_CASE("QoS 2 ids held from an earlier connection do not count against the new connection's Receive Maximum (section 4.9)", "[broker]") {
  broker_options o;
  o.receive_maximum = 2;
  broker_harness h(o);
  const properties keep{property::integer(property_id::session_expiry_interval, 600)};
  auto pub = h.connect("p", v5, true, keep);
  h.publish(pub, "t", "a", qos::exactly_once, false, 1);
  h.publish(pub, "t", "b", qos::exactly_once, false, 2);
  h.expect<pubrec_packet>(pub);
  h.expect<pubrec_packet>(pub);
  h.hang_up(pub);  // before sending PUBREL: ids 1 and 2 stay with the session
  connect_packet again{};
  again.version = v5;
  again.client_id = "p";
  again.clean_start = false;
  again.props = keep;
  pub = h.open_with(again);
  REQUIRE(h.expect<connack_packet>(pub).session_present);
  h.publish(pub, "t", "c", qos::exactly_once, false, 3);
  h.publish(pub, "t", "d", qos::exactly_once, false, 4);
  CHECK(h.expect<pubrec_packet>(pub).packet_id == 3);
  CHECK(h.expect<pubrec_packet>(pub).packet_id == 4);
  CHECK_FALSE(h.is_closed(pub));
  h.publish(pub, "t", "e", qos::exactly_once, false, 5);  // a third of this connection's: too many
  CHECK(h.expect<disconnect_packet>(pub).code == reason_code::receive_maximum_exceeded);
}

TEST_CASE("a retained message with an expiry asks for a tick of its own, and is gone from the store then", "[broker]") {
  broker_options o;
  o.sys_interval = 0;  // no other timer to ride on
  broker_harness h(o);
  const auto pub = h.connect("p", v5);
  h.publish(pub, "r", "soon gone", qos::at_most_once, true, 0, prop(property_id::message_expiry_interval, 2));
  CHECK(h.b.stats().retained == 1);
  h.advance(2001);
  CHECK(h.b.stats().retained == 0);
}
