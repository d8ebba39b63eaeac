// Client session scenarios at the limits the CONNACK sets and the client's own:
// Maximum Packet Size both ways, Maximum QoS and Retain Available.
#include "client_harness.hpp"

using namespace mqttw;
using namespace mqttw::test;
using mqttw::client::client_options;

namespace {

// A payload that makes a PUBLISH of `topic` at `q` exactly `size` bytes on the wire.
std::string payload_for_size(std::string_view topic, qos q, std::size_t size, protocol_version v = v5) {
  for (std::size_t n = 0; n < size; ++n) {
    std::string payload(n, 'p');
    const auto wire = encode_ok(publish_packet{topic, view(payload), q, false, false, q == qos::at_most_once ? std::uint16_t{0} : std::uint16_t{1}, {}}, v);
    if (wire.size() == size) return payload;
    REQUIRE(wire.size() < size);
  }
  FAIL("no payload gives that size");
  return {};
}

}  // namespace

// ---- the server's Maximum Packet Size ----------------------------------------------

TEST_CASE("client: a PUBLISH larger than the server's Maximum Packet Size fails with 0x95 and nothing is written "
          "[MQTT-3.2.2-15]",
          "[client]") {
  const auto q = GENERATE(qos::at_most_once, qos::at_least_once, qos::exactly_once);
  client_harness h(connect_v(v5));
  h.connect_ok({prop(property_id::maximum_packet_size, 100)});
  CHECK(h.status().maximum_packet_size == 100);
  const std::string fits = payload_for_size("t/big", q, 100);
  const std::string over = fits + "p";
  h.publish(1, "t/big", over, q);
  auto e = h.expect_event(event_kind::failed);
  CHECK(e.tok == 1);
  CHECK(e.code == reason_code::packet_too_large);
  CHECK_FALSE(e.reason.empty());
  CHECK(h.nothing_written());
  CHECK(h.status().inflight == 0);
  // Exactly the maximum goes.
  const auto before = h.wire.size();
  h.publish(2, "t/big", fits, q);
  auto p = h.expect<publish_packet>();
  CHECK(h.wire.size() - before == 100);
  CHECK(p.payload.size() == fits.size());
  CHECK_FALSE(h.closed);
}

TEST_CASE("client: a publish queued offline that proves too large for the server fails with 0x95 once CONNACK says so",
          "[client]") {
  client_harness h(connect_v(v5));
  const std::string big(500, 'b');
  h.publish(1, "t", big, qos::at_least_once);
  h.publish(2, "t", "small", qos::at_least_once);
  h.connect_ok({prop(property_id::maximum_packet_size, 200)});
  auto e = h.expect_event(event_kind::failed);
  CHECK(e.tok == 1);
  CHECK(e.code == reason_code::packet_too_large);
  auto p = h.expect<publish_packet>();
  CHECK(payload_of(p) == "small");
  CHECK(h.nothing_written());
}

// ---- our max_packet_size -----------------------------------------------------------

TEST_CASE("client: a packet from the server larger than our max_packet_size closes with 0x95 (DISCONNECT in 5.0) "
          "[MQTT-3.1.2-27]",
          "[client]") {
  const auto v = GENERATE(v311, v5);
  client_options o;
  o.max_packet_size = 64;
  client_harness h(connect_v(v), o);
  h.connect_ok();
  const std::string fits = payload_for_size("in", qos::at_least_once, 64, v);
  h.send_publish("in", fits, qos::at_least_once, 1);
  CHECK(h.expect_event(event_kind::message).packet_as<publish_packet>().payload.size() == fits.size());
  h.expect<puback_packet>();
  h.send_publish("in", fits + "p", qos::at_least_once, 2);
  if (v == v5) CHECK(h.expect<disconnect_packet>().code == reason_code::packet_too_large);
  CHECK(h.nothing_written());
  CHECK(h.closed);
  CHECK(h.close_reason == reason_code::packet_too_large);
  CHECK(h.take_events(event_kind::message).empty());
}

TEST_CASE("client: our max_packet_size is checked on the declared length, before the body has come", "[client]") {
  client_options o;
  o.max_packet_size = 64;
  client_harness h(connect_v(v5), o);
  h.connect_ok();
  const std::string big(1000, 'x');
  auto wire = encode_ok(publish_packet{"in", view(big), qos::at_most_once, false, false, 0, {}}, v5);
  wire.resize(8);  // the fixed header and a little
  h.send_bytes(wire);
  CHECK(h.expect<disconnect_packet>().code == reason_code::packet_too_large);
  CHECK(h.closed);
}

// ---- Maximum QoS and Retain Available ----------------------------------------------

TEST_CASE("client: a publish above the server's Maximum QoS fails with 0x9B, nothing written [MQTT-3.2.2-11]",
          "[client]") {
  SECTION("Maximum QoS 1") {
    client_harness h(connect_v(v5));
    h.connect_ok({prop(property_id::maximum_qos, 1)});
    h.publish(1, "t", "two", qos::exactly_once);
    auto e = h.expect_event(event_kind::failed);
    CHECK(e.tok == 1);
    CHECK(e.code == reason_code::qos_not_supported);
    CHECK(h.nothing_written());
    h.publish(2, "t", "one", qos::at_least_once);
    CHECK(h.expect<publish_packet>().qos == qos::at_least_once);
  }
  SECTION("Maximum QoS 0") {
    client_harness h(connect_v(v5));
    h.connect_ok({prop(property_id::maximum_qos, 0)});
    CHECK(h.status().maximum_qos == qos::at_most_once);
    h.publish(1, "t", "one", qos::at_least_once);
    CHECK(h.expect_event(event_kind::failed).code == reason_code::qos_not_supported);
    CHECK(h.nothing_written());
    // A SUBSCRIBE may still ask for any QoS [MQTT-3.2.2-10].
    h.subscribe(2, "s", qos::exactly_once);
    CHECK(h.expect<subscribe_packet>().subscriptions.at(0).max_qos == qos::exactly_once);
  }
  SECTION("queued offline, refused once CONNACK says so") {
    client_harness h(connect_v(v5));
    h.publish(1, "t", "two", qos::exactly_once);
    h.connect_ok({prop(property_id::maximum_qos, 1)});
    auto e = h.expect_event(event_kind::failed);
    CHECK(e.tok == 1);
    CHECK(e.code == reason_code::qos_not_supported);
    CHECK(h.nothing_written());
  }
}

TEST_CASE("client: a retained publish when Retain Available is 0 fails with 0x9A, nothing written [MQTT-3.2.2-14]",
          "[client]") {
  client_harness h(connect_v(v5));
  h.connect_ok({prop(property_id::retain_available, 0)});
  h.publish(1, "t", "kept", qos::at_least_once, true);
  auto e = h.expect_event(event_kind::failed);
  CHECK(e.tok == 1);
  CHECK(e.code == reason_code::retain_not_supported);
  CHECK(h.nothing_written());
  h.publish(2, "t", "not kept", qos::at_least_once, false);
  CHECK_FALSE(h.expect<publish_packet>().retain);
}
