// Client session scenarios: application messages from the server at QoS 0, 1 and 2,
// exactly once for QoS 2, manual acknowledgement, and the client's own Receive Maximum.
#include "client_harness.hpp"

using namespace mqttw;
using namespace mqttw::test;
using mqttw::client::client_options;

namespace {

client_options manual() {
  client_options o;
  o.manual_ack = true;
  return o;
}

}  // namespace

TEST_CASE("client: a QoS 0 message is a message event with its packet, and nothing is answered", "[client]") {
  const auto v = GENERATE(v311, v5);
  client_harness h(connect_v(v));
  h.connect_ok();
  properties props;
  if (v == v5) {
    props = {property::string(property_id::content_type, "json"), property::user("a", "1"),
             prop(property_id::subscription_identifier, 4)};
  }
  h.send_publish("in/0", "zero", qos::at_most_once, 0, props, false, true);
  auto e = h.expect_event(event_kind::message);
  const auto& m = e.packet_as<publish_packet>();
  CHECK(m.topic == "in/0");
  CHECK(payload_of(m) == "zero");
  CHECK(m.qos == qos::at_most_once);
  CHECK(m.retain);
  CHECK(same(m.props, props));
  CHECK(h.nothing_written());
  CHECK(h.no_events());
}

TEST_CASE("client: a QoS 1 message is answered with PUBACK [MQTT-4.3.2-4], in the order received [MQTT-4.6.0-2]",
          "[client]") {
  const auto v = GENERATE(v311, v5);
  client_harness h(connect_v(v));
  h.connect_ok();
  bytes burst;
  for (std::uint16_t id : std::initializer_list<std::uint16_t>{7, 3, 9}) {
    append(burst, encode_ok(publish_packet{"in/1", view(std::to_string(id)), qos::at_least_once, false, false, id, {}}, v));
  }
  h.send_bytes(burst);
  for (std::uint16_t id : std::initializer_list<std::uint16_t>{7, 3, 9}) {
    auto e = h.expect_event(event_kind::message);
    CHECK(payload_of(e.packet_as<publish_packet>()) == std::to_string(id));
    CHECK(e.packet_as<publish_packet>().packet_id == id);
    auto ack = h.expect<puback_packet>();
    CHECK(ack.packet_id == id);
    CHECK(ack.code == reason_code::success);
  }
  // After the PUBACK the same id is a new message [MQTT-4.3.2-5].
  h.send_publish("in/1", "again", qos::at_least_once, 7, {}, true);
  CHECK(payload_of(h.expect_event(event_kind::message).packet_as<publish_packet>()) == "again");
  CHECK(h.expect<puback_packet>().packet_id == 7);
}

TEST_CASE("client: a QoS 2 message is delivered exactly once: PUBREC, a DUP resend gives no second message, PUBREL "
          "-> PUBCOMP [MQTT-4.3.3-8] [MQTT-4.3.3-10] [MQTT-4.3.3-11] [MQTT-4.3.3-12]",
          "[client]") {
  const auto v = GENERATE(v311, v5);
  client_harness h(connect_v(v));
  h.connect_ok();
  h.send_publish("in/2", "once", qos::exactly_once, 12);
  CHECK(payload_of(h.expect_event(event_kind::message).packet_as<publish_packet>()) == "once");
  auto rec = h.expect<pubrec_packet>();
  CHECK(rec.packet_id == 12);
  CHECK(rec.code == reason_code::success);
  // The server did not see the PUBREC and sends the PUBLISH again.
  h.send_publish("in/2", "once", qos::exactly_once, 12, {}, true);
  CHECK(h.expect<pubrec_packet>().packet_id == 12);
  CHECK(h.no_events());
  h.send(pubrel_packet{12, reason_code::success, {}});
  auto comp = h.expect<pubcomp_packet>();
  CHECK(comp.packet_id == 12);
  CHECK(comp.code == reason_code::success);
  CHECK(h.no_events());
  // After PUBCOMP the id starts a new message.
  h.send_publish("in/2", "twice", qos::exactly_once, 12);
  CHECK(payload_of(h.expect_event(event_kind::message).packet_as<publish_packet>()) == "twice");
  CHECK(h.expect<pubrec_packet>().packet_id == 12);
}

TEST_CASE("client: a PUBREL for an id not held is still answered with PUBCOMP [MQTT-4.3.3-11]", "[client]") {
  const auto v = GENERATE(v311, v5);
  client_harness h(connect_v(v));
  h.connect_ok();
  h.send(pubrel_packet{44, reason_code::success, {}});
  auto comp = h.expect<pubcomp_packet>();
  CHECK(comp.packet_id == 44);
  CHECK_FALSE(h.closed);
  CHECK(h.no_events());
}

TEST_CASE("client: a QoS 2 id held across a reconnect with the session resumed is still delivered once "
          "[MQTT-4.3.3-10]",
          "[client]") {
  const auto v = GENERATE(v311, v5);
  client_harness h(connect_v(v, "c", false));
  h.connect_ok();
  h.send_publish("in/2", "held", qos::exactly_once, 5);
  h.expect_event(event_kind::message);
  h.expect<pubrec_packet>();
  SECTION("session present: the resend is no new message") {
    h.reconnect({}, true);
    h.send_publish("in/2", "held", qos::exactly_once, 5, {}, true);
    CHECK(h.expect<pubrec_packet>().packet_id == 5);
    CHECK(h.no_events());
    h.send(pubrel_packet{5, reason_code::success, {}});
    CHECK(h.expect<pubcomp_packet>().packet_id == 5);
  }
  SECTION("session not present: the state is gone and id 5 is a new message [MQTT-3.2.2-5]") {
    h.reconnect({}, false);
    h.send_publish("in/2", "fresh", qos::exactly_once, 5);
    CHECK(payload_of(h.expect_event(event_kind::message).packet_as<publish_packet>()) == "fresh");
    CHECK(h.expect<pubrec_packet>().packet_id == 5);
  }
}

// ---- manual acknowledgement ------------------------------------------------------------

TEST_CASE("client: manual_ack holds the PUBACK until ack(), with its reason code", "[client]") {
  client_harness h(connect_v(v5), manual());
  h.connect_ok();
  h.send_publish("m", "1", qos::at_least_once, 21);
  auto e = h.expect_event(event_kind::message);
  CHECK(e.packet_as<publish_packet>().packet_id == 21);
  CHECK(h.nothing_written());
  SECTION("success") {
    h.ack(21);
    auto ack = h.expect<puback_packet>();
    CHECK(ack.packet_id == 21);
    CHECK(ack.code == reason_code::success);
  }
  SECTION("a refusal") {
    h.ack(21, reason_code::implementation_specific_error);
    auto ack = h.expect<puback_packet>();
    CHECK(ack.packet_id == 21);
    CHECK(ack.code == reason_code::implementation_specific_error);
  }
  // A second ack() of the same id, or one of an unknown id, writes nothing.
  h.ack(21);
  h.ack(999);
  CHECK(h.nothing_written());
  CHECK_FALSE(h.closed);
}

TEST_CASE("client: manual_ack holds the PUBREC until ack(); PUBREL is answered by itself", "[client]") {
  const auto v = GENERATE(v311, v5);
  client_harness h(connect_v(v), manual());
  h.connect_ok();
  h.send_publish("m", "2", qos::exactly_once, 8);
  h.expect_event(event_kind::message);
  CHECK(h.nothing_written());
  h.ack(8);
  CHECK(h.expect<pubrec_packet>().packet_id == 8);
  h.send(pubrel_packet{8, reason_code::success, {}});
  CHECK(h.expect<pubcomp_packet>().packet_id == 8);
  CHECK(h.no_events());
}

TEST_CASE("client: manual_ack with a refusal in the PUBREC ends the exchange: the id is then new [MQTT-4.3.3-9]",
          "[client]") {
  client_harness h(connect_v(v5), manual());
  h.connect_ok();
  h.send_publish("m", "no", qos::exactly_once, 8);
  h.expect_event(event_kind::message);
  h.ack(8, reason_code::quota_exceeded);
  auto rec = h.expect<pubrec_packet>();
  CHECK(rec.code == reason_code::quota_exceeded);
  h.send_publish("m", "yes", qos::exactly_once, 8);
  CHECK(payload_of(h.expect_event(event_kind::message).packet_as<publish_packet>()) == "yes");
}

TEST_CASE("client: manual_ack does not hold QoS 0", "[client]") {
  client_harness h(connect_v(v5), manual());
  h.connect_ok();
  h.send_publish("m", "0");
  h.expect_event(event_kind::message);
  CHECK(h.nothing_written());
}

// ---- the client's Receive Maximum ----------------------------------------------------

TEST_CASE("client: more unacknowledged QoS 2 messages than our Receive Maximum: DISCONNECT 0x93 [MQTT-3.3.4-9]",
          "[client]") {
  client_harness h(connect_v(v5, "c", true, 0, {prop(property_id::receive_maximum, 2)}));
  h.connect_ok();
  h.send_publish("r", "1", qos::exactly_once, 1);
  h.send_publish("r", "2", qos::exactly_once, 2);
  CHECK(h.take_events(event_kind::message).size() == 2);
  h.expect<pubrec_packet>();
  h.expect<pubrec_packet>();
  SECTION("a third one") {
    h.send_publish("r", "3", qos::exactly_once, 3);
    CHECK(h.expect<disconnect_packet>().code == reason_code::receive_maximum_exceeded);
    CHECK(h.closed);
    CHECK(h.take_events(event_kind::message).empty());
  }
  SECTION("a PUBCOMP frees a slot, and the resend of a held id takes none") {
    h.send_publish("r", "2", qos::exactly_once, 2, {}, true);
    h.expect<pubrec_packet>();
    h.send(pubrel_packet{1, reason_code::success, {}});
    h.expect<pubcomp_packet>();
    h.send_publish("r", "3", qos::exactly_once, 3);
    h.expect_event(event_kind::message);
    h.expect<pubrec_packet>();
    CHECK_FALSE(h.closed);
  }
  SECTION("QoS 0 does not count; a QoS 1 acknowledged at once gives its slot back at once") {
    h.send_publish("r", "a");  // the window is full, but QoS 0 is outside it
    CHECK(h.take_events(event_kind::message).size() == 1);
    h.send(pubrel_packet{1, reason_code::success, {}});
    h.expect<pubcomp_packet>();
    for (std::uint16_t id = 10; id < 15; ++id) {
      h.send_publish("r", "b", qos::at_least_once, id);
      h.expect_event(event_kind::message);
      CHECK(h.expect<puback_packet>().packet_id == id);
    }
    CHECK_FALSE(h.closed);
  }
}

TEST_CASE("client: with manual_ack, QoS 1 messages not yet acknowledged count against our Receive Maximum",
          "[client]") {
  client_harness h(connect_v(v5, "c", true, 0, {prop(property_id::receive_maximum, 2)}), manual());
  h.connect_ok();
  h.send_publish("r", "1", qos::at_least_once, 1);
  h.send_publish("r", "2", qos::at_least_once, 2);
  CHECK(h.take_events(event_kind::message).size() == 2);
  SECTION("a third one is too many") {
    h.send_publish("r", "3", qos::at_least_once, 3);
    CHECK(h.expect<disconnect_packet>().code == reason_code::receive_maximum_exceeded);
    CHECK(h.closed);
  }
  SECTION("after an ack() there is room") {
    h.ack(1);
    h.expect<puback_packet>();
    h.send_publish("r", "3", qos::at_least_once, 3);
    h.expect_event(event_kind::message);
    CHECK_FALSE(h.closed);
  }
}

TEST_CASE("client: a DUP PUBLISH with an id not held is a new message", "[client]") {
  const auto q = GENERATE(qos::at_least_once, qos::exactly_once);
  client_harness h(connect_v(v5));
  h.connect_ok();
  h.send_publish("d", "first sight", q, 3, {}, true);
  CHECK(payload_of(h.expect_event(event_kind::message).packet_as<publish_packet>()) == "first sight");
  CHECK(h.written_count() == 1);
}

TEST_CASE("client: ack() with no connection writes nothing", "[client]") {
  client_harness h(connect_v(v5, "c", false), manual());
  h.connect_ok();
  h.send_publish("m", "1", qos::at_least_once, 4);
  h.expect_event(event_kind::message);
  h.hang_up();
  h.ack(4);  // the harness fails if anything is written without a connection
  CHECK(h.no_events());
}
