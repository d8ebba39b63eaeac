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
