#include "test_support.hpp"

using namespace mqttw;
using namespace mqttw::test;

TEST_CASE("a QoS 0 PUBLISH decodes and encodes back to the same bytes") {
  const bytes wire = hex(R"(
    30          // PUBLISH, QoS 0
    0b          // Remaining Length 11
    00 03 61 2f 62  // topic "a/b"
    68 65 6c 6c 6f 21  // payload "hello!"
  )");
  auto packets = decode_all(wire, protocol_version::v311);
  REQUIRE(packets.size() == 1);
  const auto& pub = std::get<publish_packet>(packets[0]);
  CHECK(pub.topic == "a/b");
  CHECK(as_text(pub.payload) == "hello!");
  CHECK(encode_ok(packets[0], protocol_version::v311) == wire);
}

#include "packet_equal.hpp"

TEST_CASE("a 5.0 SUBSCRIBE with properties round-trips") {
  subscribe_packet sub;
  sub.packet_id = 7;
  sub.props.push_back(property::integer(property_id::subscription_identifier, 300));
  sub.props.push_back(property::user("k", "v"));
  sub.subscriptions.push_back({.filter = "a/+/c", .max_qos = qos::exactly_once, .no_local = true});
  sub.subscriptions.push_back({.filter = "$share/g/x/#", .retain_handling = retain_handling::do_not_send});
  const bytes wire = encode_ok(sub, protocol_version::v5);
  auto packets = decode_all(wire, protocol_version::v5);
  REQUIRE(packets.size() == 1);
  CHECK(same(packets[0], packet(sub)));
}
