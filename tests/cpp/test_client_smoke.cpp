// A quick pass over the client session core, the test playing the server with the
// codec. The scenario suites (test_client_*.cpp) go deeper; this one checks that the
// main paths hold together.
#include <catch2/catch.hpp>

#include <deque>
#include <string>
#include <vector>

#include "mqttw/client/client.hpp"
#include "mqttw/codec/decoder.hpp"
#include "mqttw/codec/encoder.hpp"
#include "test_support.hpp"

namespace {

using namespace mqttw;
using namespace mqttw::client;
using mqttw::test::encode_ok;
using mqttw::test::request_bytes;
using mqttw::test::view;

// The client and a server played by the test.
struct smoke {
  mqttw::client::client c;
  protocol_version v;
  std::uint64_t now = 1000;
  std::deque<std::vector<std::uint8_t>> chunks;  // what the client wrote; views point here
  std::vector<event> events;
  std::vector<packet> event_packets;  // copies, by event (monostate-free: -1 gives pingreq)
  bool closed = false;
  reason_code close_reason{};
  std::uint64_t timer_at = 0;

  smoke(client_options o, const connect_packet& cp) : c(o, view(request_bytes(cp, cp.version))), v(cp.version) {}

  void take(const batch& b) {
    for (const auto& e : b.events) {
      events.push_back(e);
      event_packets.push_back(e.packet >= 0 ? received(b.packets[static_cast<std::size_t>(e.packet)])
                                            : packet(pingreq_packet{}));
    }
    if (b.close) {
      closed = true;
      close_reason = b.close_reason;
    }
    timer_at = b.timer_at;
  }

  // A packet an event refers to, decoded (its views point where the client's do),
  // with the topic the client resolved.
  packet received(const mqttw::client::received_packet& rp) {
    decoder d({.version = v});
    std::vector<packet> out;
    REQUIRE_FALSE(d.push(rp.bytes, out));
    REQUIRE(out.size() == 1);
    if (auto* p = std::get_if<publish_packet>(&out[0])) p->topic = rp.topic;
    return out[0];
  }

  // What the client wrote since the last call, decoded.
  std::vector<packet> sent() {
    chunks.emplace_back(c.output().begin(), c.output().end());
    c.clear_output();
    decoder d({.version = v});
    std::vector<packet> out;
    const auto& bytes = chunks.back();
    REQUIRE_FALSE(d.push(bytes_view(bytes.data(), bytes.size()), out));
    return out;
  }

  void send(const packet& p) {
    chunks.push_back(encode_ok(p, v));
    take(c.on_bytes(bytes_view(chunks.back().data(), chunks.back().size()), now));
  }

  void open() { take(c.on_open(now)); }

  void connect(connack_packet ack = {}) {
    open();
    auto out = sent();
    REQUIRE(out.size() == 1);
    REQUIRE(std::holds_alternative<connect_packet>(out[0]));
    send(ack);
  }

  event last(event_kind kind) {
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
      if (it->kind == kind) return *it;
    }
    FAIL("no such event");
    return {};
  }

  std::size_t count(event_kind kind) const {
    std::size_t n = 0;
    for (const auto& e : events) n += e.kind == kind;
    return n;
  }

  const batch& publish(token tok, std::string_view topic, std::string_view payload, qos q, properties props = {}) {
    publish_packet p;
    p.topic = topic;
    p.payload = view(payload);
    p.qos = q;
    p.props = std::move(props);
    const batch& b = c.publish(tok, view(request_bytes(p, v)), now);
    take(b);
    return b;
  }
};

connect_packet v5_connect(std::string_view id = "smoke", bool clean = true) {
  connect_packet cp;
  cp.version = protocol_version::v5;
  cp.client_id = id;
  cp.clean_start = clean;
  cp.keep_alive = 10;
  return cp;
}

connack_packet connack(properties props = {}, bool present = false) {
  connack_packet a;
  a.session_present = present;
  a.props = std::move(props);
  return a;
}

}  // namespace

TEST_CASE("client smoke: CONNECT carries the Maximum Packet Size the options set", "[client][smoke]") {
  client_options o;
  o.max_packet_size = 4096;
  smoke s(o, v5_connect());
  REQUIRE_FALSE(s.c.init_error());
  s.open();
  auto out = s.sent();
  REQUIRE(out.size() == 1);
  const auto& cp = std::get<connect_packet>(out[0]);
  const property* mps = find_property(cp.props, property_id::maximum_packet_size);
  REQUIRE(mps);
  CHECK(mps->number == 4096);
  s.send(connack({property::string(property_id::assigned_client_identifier, "given")}));
  CHECK(s.last(event_kind::connected).session_present == false);
  CHECK(s.c.status().connected);
  CHECK(s.c.status().client_id == "given");
  CHECK(s.timer_at == s.now + 10'000);
}

TEST_CASE("client smoke: an invalid CONNECT is an init error", "[client][smoke]") {
  connect_packet cp;
  cp.version = protocol_version::v311;
  cp.clean_start = false;  // empty id needs a clean session in 3.1.1
  smoke s({}, cp);
  CHECK(s.c.init_error().code == reason_code::client_identifier_not_valid);
}

TEST_CASE("client smoke: QoS 0, 1 and 2 out", "[client][smoke]") {
  smoke s({}, v5_connect());
  s.connect();
  s.publish(1, "t/0", "zero", qos::at_most_once);
  CHECK(s.last(event_kind::completed).tok == 1);
  s.publish(2, "t/1", "one", qos::at_least_once);
  s.publish(3, "t/2", "two", qos::exactly_once);
  auto out = s.sent();
  REQUIRE(out.size() == 3);
  CHECK(std::get<publish_packet>(out[0]).topic == "t/0");
  const auto p1 = std::get<publish_packet>(out[1]);
  const auto p2 = std::get<publish_packet>(out[2]);
  CHECK(p1.packet_id == 1);
  CHECK(p2.packet_id == 2);
  CHECK(s.c.status().inflight == 2);
  s.send(puback_packet{1, reason_code::success, {}});
  CHECK(s.last(event_kind::completed).tok == 2);
  s.send(pubrec_packet{2, reason_code::success, {}});
  out = s.sent();
  REQUIRE(out.size() == 1);
  CHECK(std::get<pubrel_packet>(out[0]).packet_id == 2);
  s.send(pubcomp_packet{2, reason_code::success, {}});
  CHECK(s.last(event_kind::completed).tok == 3);
  CHECK(s.c.status().inflight == 0);
}

TEST_CASE("client smoke: the Receive Maximum window holds the rest in order", "[client][smoke]") {
  smoke s({}, v5_connect());
  s.connect(connack({property::integer(property_id::receive_maximum, 2)}));
  for (token t = 1; t <= 3; ++t) s.publish(t, "w", "x", qos::at_least_once);
  s.publish(4, "w", "zero", qos::at_most_once);  // behind the blocked one
  auto out = s.sent();
  REQUIRE(out.size() == 2);
  CHECK(s.c.status().queued == 2);
  s.send(puback_packet{1, reason_code::success, {}});
  out = s.sent();
  REQUIRE(out.size() == 2);
  CHECK(std::get<publish_packet>(out[0]).packet_id == 3);
  CHECK(std::get<publish_packet>(out[1]).qos == qos::at_most_once);
  CHECK(s.last(event_kind::completed).tok == 4);
}

TEST_CASE("client smoke: a resumed session resends with DUP, PUBREL for released", "[client][smoke]") {
  smoke s({}, v5_connect("r", false));
  s.connect();
  s.publish(1, "a", "1", qos::at_least_once);
  s.publish(2, "b", "2", qos::exactly_once);
  s.sent();
  s.send(pubrec_packet{2, reason_code::success, {}});
  s.sent();
  s.take(s.c.on_closed(s.now));
  s.connect(connack({}, true));
  auto out = s.sent();
  REQUIRE(out.size() == 2);
  const auto& p = std::get<publish_packet>(out[0]);
  CHECK(p.dup);
  CHECK(p.packet_id == 1);
  CHECK(p.topic == "a");
  CHECK(std::get<pubrel_packet>(out[1]).packet_id == 2);
}

TEST_CASE("client smoke: a lost session sends in-flight again as new, resubscribing first", "[client][smoke]") {
  smoke s({}, v5_connect("l", false));
  s.connect();
  subscribe_packet sub;
  sub.subscriptions.push_back({"x/#", qos::at_least_once});
  s.take(s.c.subscribe(7, view(request_bytes(sub, s.v)), s.now));
  auto out = s.sent();
  const auto sid = std::get<subscribe_packet>(out.at(0)).packet_id;
  s.send(suback_packet{sid, {reason_code::granted_qos_1}, {}});
  CHECK(s.last(event_kind::completed).tok == 7);
  s.publish(1, "a", "1", qos::at_least_once);
  s.publish(2, "b", "2", qos::exactly_once);
  s.sent();
  s.send(pubrec_packet{3, reason_code::success, {}});  // b's id
  s.sent();
  s.take(s.c.on_closed(s.now));
  s.connect(connack({}, false));
  CHECK(s.last(event_kind::completed).tok == 2);  // released: the server had it
  out = s.sent();
  REQUIRE(out.size() == 2);
  const auto& re = std::get<subscribe_packet>(out[0]);
  CHECK(re.subscriptions.at(0).filter == "x/#");
  const auto& p = std::get<publish_packet>(out[1]);
  CHECK_FALSE(p.dup);
  CHECK(p.topic == "a");
  s.send(suback_packet{re.packet_id, {reason_code::granted_qos_1}, {}});
  CHECK(s.last(event_kind::resubscribed).code == reason_code::success);
}

TEST_CASE("client smoke: outgoing Topic Aliases, least recently used replaced", "[client][smoke]") {
  smoke s({}, v5_connect());
  s.connect(connack({property::integer(property_id::topic_alias_maximum, 2)}));
  s.publish(1, "a", "", qos::at_most_once);
  s.publish(2, "a", "", qos::at_most_once);
  s.publish(3, "b", "", qos::at_most_once);
  s.publish(4, "c", "", qos::at_most_once);
  auto out = s.sent();
  REQUIRE(out.size() == 4);
  auto alias = [](const packet& p) { return find_property(std::get<publish_packet>(p).props, property_id::topic_alias)->number; };
  CHECK(std::get<publish_packet>(out[0]).topic == "a");
  CHECK(alias(out[0]) == 1);
  CHECK(std::get<publish_packet>(out[1]).topic.empty());
  CHECK(alias(out[1]) == 1);
  CHECK(alias(out[2]) == 2);
  CHECK(std::get<publish_packet>(out[3]).topic == "c");
  CHECK(alias(out[3]) == 1);
}

TEST_CASE("client smoke: incoming QoS 2 exactly once, and incoming aliases", "[client][smoke]") {
  auto cp = v5_connect();
  cp.props.push_back(property::integer(property_id::topic_alias_maximum, 4));
  smoke s({}, cp);
  s.connect();
  publish_packet p;
  p.topic = "in/t";
  p.qos = qos::exactly_once;
  p.packet_id = 5;
  p.props.push_back(property::integer(property_id::topic_alias, 3));
  s.send(p);
  CHECK(s.count(event_kind::message) == 1);
  auto out = s.sent();
  REQUIRE(out.size() == 1);
  CHECK(std::get<pubrec_packet>(out[0]).packet_id == 5);
  p.topic = {};
  p.dup = true;
  s.send(p);
  CHECK(s.count(event_kind::message) == 1);
  out = s.sent();
  REQUIRE(out.size() == 1);  // PUBREC again
  s.send(pubrel_packet{5, reason_code::success, {}});
  out = s.sent();
  CHECK(std::get<pubcomp_packet>(out.at(0)).code == reason_code::success);
  p.dup = false;
  p.qos = qos::at_most_once;
  p.packet_id = 0;
  s.send(p);
  CHECK(std::get<publish_packet>(s.event_packets.back()).topic == "in/t");
  p.props[0].number = 9;
  s.send(p);
  CHECK(s.closed);
  CHECK(s.close_reason == reason_code::topic_alias_invalid);
  out = s.sent();
  CHECK(std::get<disconnect_packet>(out.at(0)).code == reason_code::topic_alias_invalid);
}

TEST_CASE("client smoke: keepalive pings and gives up", "[client][smoke]") {
  client_options o;
  o.ping_timeout_ms = 3000;
  smoke s(o, v5_connect());
  s.connect();
  s.sent();
  REQUIRE(s.timer_at == s.now + 10'000);
  s.now = s.timer_at;
  s.take(s.c.tick(s.now));
  auto out = s.sent();
  REQUIRE(out.size() == 1);
  CHECK(std::holds_alternative<pingreq_packet>(out[0]));
  CHECK(s.timer_at == s.now + 3000);
  s.now += 3000;
  s.take(s.c.tick(s.now));
  CHECK(s.closed);
  CHECK(s.close_reason == reason_code::keep_alive_timeout);
}

TEST_CASE("client smoke: server limits refuse locally", "[client][smoke]") {
  smoke s({}, v5_connect());
  s.connect(connack({property::integer(property_id::maximum_qos, 1), property::integer(property_id::retain_available, 0),
                     property::integer(property_id::maximum_packet_size, 64)}));
  s.publish(1, "t", "x", qos::exactly_once);
  CHECK(s.last(event_kind::failed).code == reason_code::qos_not_supported);
  s.publish(2, "t", std::string(100, 'x'), qos::at_least_once);
  CHECK(s.last(event_kind::failed).code == reason_code::packet_too_large);
  s.publish(3, "t", std::string(100, 'x'), qos::at_most_once);
  CHECK(s.last(event_kind::failed).code == reason_code::packet_too_large);
  INFO(s.last(event_kind::failed).text);
  CHECK(s.last(event_kind::failed).text.find("64") != std::string::npos);
  s.publish(4, "t/+", "x", qos::at_most_once);
  CHECK(s.last(event_kind::failed).code == reason_code::protocol_error);
  CHECK(s.sent().empty());
}

TEST_CASE("client smoke: manual ack holds PUBACK", "[client][smoke]") {
  client_options o;
  o.manual_ack = true;
  smoke s(o, v5_connect());
  s.connect();
  publish_packet p;
  p.topic = "m";
  p.qos = qos::at_least_once;
  p.packet_id = 9;
  s.send(p);
  CHECK(s.last(event_kind::message).packet_id == 9);
  CHECK(s.sent().empty());
  s.take(s.c.ack(9, reason_code::success, s.now));
  auto out = s.sent();
  REQUIRE(out.size() == 1);
  CHECK(std::get<puback_packet>(out[0]).packet_id == 9);
}

TEST_CASE("client smoke: 3.1.1 queue before CONNACK, then out", "[client][smoke]") {
  connect_packet cp;
  cp.version = protocol_version::v311;
  cp.client_id = "old";
  smoke s({}, cp);
  s.publish(1, "q", "x", qos::at_least_once);
  CHECK(s.c.status().queued == 1);
  s.connect();
  auto out = s.sent();
  REQUIRE(out.size() == 1);
  CHECK(std::get<publish_packet>(out[0]).packet_id == 1);
  s.send(puback_packet{1, reason_code::success, {}});
  CHECK(s.last(event_kind::completed).tok == 1);
  s.take(s.c.disconnect({}, s.now));
  CHECK(s.closed);
  out = s.sent();
  CHECK(std::holds_alternative<disconnect_packet>(out.at(0)));
}

TEST_CASE("client smoke: topics from an alias stay valid for the batch when the alias is set again in it",
          "[client][smoke]") {
  auto cp = v5_connect();
  cp.props.push_back(property::integer(property_id::topic_alias_maximum, 1));
  smoke s({}, cp);
  s.connect();
  std::vector<std::uint8_t> stream;
  const auto add = [&](std::string_view topic) {
    publish_packet p;
    p.topic = topic;
    p.props.push_back(property::integer(property_id::topic_alias, 1));
    REQUIRE_FALSE(encode(p, protocol_version::v5, stream));
  };
  add("first/topic/long/enough/for/the/heap");
  add("");
  add("second/topic/long/enough/for/the/heap");
  add("");
  const batch& b = s.c.on_bytes(bytes_view(stream.data(), stream.size()), s.now);
  REQUIRE(b.events.size() == 4);
  std::vector<std::string> topics;
  for (const auto& e : b.events) topics.emplace_back(b.packets.at(static_cast<std::size_t>(e.packet)).topic);
  CHECK(topics[0] == "first/topic/long/enough/for/the/heap");
  CHECK(topics[1] == "first/topic/long/enough/for/the/heap");
  CHECK(topics[2] == "second/topic/long/enough/for/the/heap");
  CHECK(topics[3] == "second/topic/long/enough/for/the/heap");
}

TEST_CASE("client smoke: an application alias with an empty topic stands for its topic", "[client][smoke]") {
  smoke s({}, v5_connect("app", false));
  s.connect(connack({property::integer(property_id::topic_alias_maximum, 5)}));
  s.publish(1, "app/t", "1", qos::at_most_once, {property::integer(property_id::topic_alias, 5)});
  s.publish(2, "", "2", qos::at_least_once, {property::integer(property_id::topic_alias, 5)});
  auto out = s.sent();
  REQUIRE(out.size() == 2);
  CHECK(std::get<publish_packet>(out[0]).topic == "app/t");
  CHECK(std::get<publish_packet>(out[1]).topic.empty());
  s.publish(3, "", "3", qos::at_most_once, {property::integer(property_id::topic_alias, 4)});
  CHECK(s.last(event_kind::failed).code == reason_code::topic_alias_invalid);
  // The QoS 1 one is resent with its full topic and no alias.
  s.take(s.c.on_closed(s.now));
  s.connect(connack({}, true));
  out = s.sent();
  REQUIRE(out.size() == 1);
  const auto& p = std::get<publish_packet>(out[0]);
  CHECK(p.topic == "app/t");
  CHECK(p.dup);
  CHECK_FALSE(find_property(p.props, property_id::topic_alias));
}

TEST_CASE("client smoke: a late tick loses nothing: any call past the deadline pings", "[client][smoke]") {
  smoke s({}, v5_connect());
  s.connect();
  s.sent();
  s.now += 15'000;  // no tick came
  publish_packet p;
  p.topic = "in";
  s.send(p);
  auto out = s.sent();
  REQUIRE(out.size() == 1);
  CHECK(std::holds_alternative<pingreq_packet>(out[0]));
  CHECK(s.timer_at == s.now + 10'000);
}
