// Client session scenarios: the same conversation fed whole, byte by byte and in odd
// chunks gives the same events and the same bytes out.
#include "client_harness.hpp"

using namespace mqttw;
using namespace mqttw::test;

namespace {

enum class feed { whole, bytewise, chunks };

struct outcome {
  std::vector<recorded_event> events;
  bytes wire;
  bool closed = false;
};

void feed_bytes(client_harness& h, const bytes& b, feed how) {
  switch (how) {
    case feed::whole:
      h.send_bytes(b);
      break;
    case feed::bytewise:
      h.send_bytes_one_by_one(b);
      break;
    case feed::chunks: {
      std::size_t at = 0, step = 1;
      while (at < b.size()) {
        const std::size_t n = std::min(step, b.size() - at);
        h.send_bytes(bytes(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + n)));
        at += n;
        step = step % 7 + 2;  // 1, 3, 5, 7, 2, 4, 6, 8, 3 ...
      }
      break;
    }
  }
}

// One conversation: CONNACK with limits, the client subscribes and publishes, and the
// server answers everything, with messages of its own, in one stream.
// The outcome's packets are copied into `keep`: the harness's own copies go with it.
outcome converse(protocol_version v, feed how, arena& keep) {
  properties props;
  if (v == v5) props = {prop(property_id::topic_alias_maximum, 4)};
  client_harness h(connect_v(v, "chunky", true, 30, props));
  h.open();
  h.expect<connect_packet>();
  properties ack;
  if (v == v5) {
    ack = {prop(property_id::receive_maximum, 20), prop(property_id::topic_alias_maximum, 2),
           property::string(property_id::reason_string, "welcome")};
  }
  feed_bytes(h, encode_ok(connack_packet{false, reason_code::success, ack}, v), how);
  h.subscribe(1, "in/#", qos::exactly_once);
  h.publish(2, "out/1", "q1", qos::at_least_once);
  h.publish(3, "out/2", "q2", qos::exactly_once);
  h.publish(4, "out/1", "q0");
  auto sub = h.expect<subscribe_packet>();
  auto p1 = h.expect<publish_packet>();
  auto p2 = h.expect<publish_packet>();
  h.expect<publish_packet>();

  bytes stream;
  append(stream, encode_ok(suback_packet{sub.packet_id, {reason_code::granted_qos_2}, {}}, v));
  append(stream, encode_ok(puback_packet{p1.packet_id, reason_code::success, {}}, v));
  append(stream, encode_ok(pubrec_packet{p2.packet_id, reason_code::success, {}}, v));
  const std::string big(300, 'B');  // a Remaining Length of two bytes
  append(stream, encode_ok(publish_packet{"in/a", view("m0"), qos::at_most_once, false, false, 0, {}}, v));
  append(stream, encode_ok(publish_packet{"in/b", view(big), qos::at_least_once, false, false, 11, {}}, v));
  if (v == v5) {
    append(stream, encode_ok(publish_packet{"in/c", view("aliased"), qos::at_most_once, false, false, 0,
                                            {prop(property_id::topic_alias, 1), property::user("u", "p")}},
                             v));
    append(stream, encode_ok(publish_packet{"", view("by alias"), qos::at_most_once, false, false, 0,
                                            {prop(property_id::topic_alias, 1)}},
                             v));
  }
  append(stream, encode_ok(publish_packet{"in/d", view("q2"), qos::exactly_once, false, false, 12, {}}, v));
  append(stream, encode_ok(pubrel_packet{12, reason_code::success, {}}, v));
  append(stream, encode_ok(pingresp_packet{}, v));
  feed_bytes(h, stream, how);
  // The PUBREL that the PUBREC asked for is out; complete it.
  bytes last;
  for (const auto& p : h.take_written()) {
    if (auto* r = std::get_if<pubrel_packet>(&p)) append(last, encode_ok(pubcomp_packet{r->packet_id, reason_code::success, {}}, v));
  }
  REQUIRE_FALSE(last.empty());
  if (v == v5) append(last, encode_ok(disconnect_packet{reason_code::server_shutting_down, {}}, v));
  feed_bytes(h, last, how);
  outcome out{h.history, h.wire, h.closed};
  for (auto& e : out.events) {
    if (e.pk) e.pk = keep.keep(*e.pk);
  }
  return out;
}

std::string describe(const recorded_event& e) {
  std::string out = std::string(event_kind_name(e.kind)) + " tok " + std::to_string(e.tok) + " code " +
                    std::to_string(static_cast<int>(e.code));
  if (e.pk && std::holds_alternative<publish_packet>(*e.pk)) {
    const auto& p = std::get<publish_packet>(*e.pk);
    out += " PUBLISH '" + std::string(p.topic) + "' " + std::to_string(p.payload.size()) + " bytes '" +
           payload_of(p).substr(0, 10) + "' qos " + std::to_string(static_cast<int>(p.qos)) +
           " id " + std::to_string(p.packet_id) + " props " + std::to_string(p.props.size());
  }
  return out;
}

}  // namespace

TEST_CASE("client: a conversation fed byte by byte or in odd chunks gives the same events and bytes as fed whole",
          "[client]") {
  const auto v = GENERATE(v311, v5);
  arena keep;
  const auto whole = converse(v, feed::whole, keep);
  // The reference itself: what the stream held.
  std::vector<event_kind> kinds;
  for (const auto& e : whole.events) kinds.push_back(e.kind);
  const auto count = [&](event_kind k) { return std::count(kinds.begin(), kinds.end(), k); };
  CHECK(count(event_kind::connected) == 1);
  CHECK(count(event_kind::completed) == 4);  // the SUBACK, QoS 0, PUBACK, PUBCOMP
  CHECK(count(event_kind::message) == (v == v5 ? 5 : 3));
  CHECK(count(event_kind::disconnected) == (v == v5 ? 1 : 0));
  CHECK(whole.closed == (v == v5));  // a 3.1.1 server has no DISCONNECT to send
  for (const auto how : {feed::bytewise, feed::chunks}) {
    INFO((how == feed::bytewise ? "byte by byte" : "odd chunks"));
    const auto other = converse(v, how, keep);
    REQUIRE(other.events.size() == whole.events.size());
    for (std::size_t i = 0; i < whole.events.size(); ++i) {
      INFO("event " << i << ": " << event_kind_name(whole.events[i].kind) << " got " << describe(other.events[i])
                    << " want " << describe(whole.events[i]));
      CHECK(same(other.events[i], whole.events[i]));
    }
    CHECK(other.wire == whole.wire);
    CHECK(other.closed == whole.closed);
  }
}
