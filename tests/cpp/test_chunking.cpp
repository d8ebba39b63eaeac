// The decoder gives the same packets however the bytes are cut: every split point,
// every pair of split points, one byte at a time, and in the mode that takes the
// protocol level from CONNECT.
#include "packet_equal.hpp"
#include "test_support.hpp"

using namespace mqttw;
using namespace mqttw::test;

namespace {

// Packets whose views point into `storage`, which lives as long as the test.
struct sample_stream {
  std::vector<packet> packets;
  bytes wire;
};

sample_stream stream_311() {
  static const bytes payload = text_bytes("twenty-one and a half");
  static const bytes password = text_bytes("secret");
  sample_stream s;
  connect_packet c;
  c.client_id = "chunky";
  c.username = "u";
  c.password = view(password);
  c.will = will_message{.topic = "last/will", .payload = view(payload), .qos = qos::at_least_once};
  s.packets.emplace_back(c);
  s.packets.emplace_back(publish_packet{.topic = "a/b", .payload = view(payload), .qos = qos::exactly_once, .packet_id = 9});
  s.packets.emplace_back(pingreq_packet{});
  s.packets.emplace_back(subscribe_packet{.packet_id = 3, .subscriptions = {{.filter = "x/+/z", .max_qos = qos::at_least_once}}});
  s.packets.emplace_back(pubrel_packet{.packet_id = 9});
  s.packets.emplace_back(publish_packet{.topic = "empty", .payload = {}});
  s.packets.emplace_back(disconnect_packet{});
  for (const packet& p : s.packets) {
    const bytes one = encode_ok(p, protocol_version::v311);
    s.wire.insert(s.wire.end(), one.begin(), one.end());
  }
  return s;
}

sample_stream stream_5() {
  static const bytes payload(300, 0x7e);  // a Remaining Length of two bytes
  sample_stream s;
  connect_packet c;
  c.version = protocol_version::v5;
  c.client_id = "five";
  c.props.push_back(property::integer(property_id::session_expiry_interval, 3600));
  c.props.push_back(property::user("who", "me"));
  s.packets.emplace_back(c);
  publish_packet p{.topic = "t/5", .payload = view(payload), .qos = qos::at_least_once, .packet_id = 1};
  p.props.push_back(property::string(property_id::content_type, "application/octet-stream"));
  p.props.push_back(property::integer(property_id::subscription_identifier, 200000));
  s.packets.emplace_back(p);
  s.packets.emplace_back(puback_packet{.packet_id = 1, .code = reason_code::no_matching_subscribers});
  s.packets.emplace_back(auth_packet{.code = reason_code::continue_authentication,
                                     .props = {property::string(property_id::authentication_method, "X")}});
  s.packets.emplace_back(disconnect_packet{.code = reason_code::disconnect_with_will_message});
  for (const packet& q : s.packets) {
    const bytes one = encode_ok(q, protocol_version::v5);
    s.wire.insert(s.wire.end(), one.begin(), one.end());
  }
  return s;
}

// Feeds `wire` cut at `cuts` (sorted offsets) and checks every packet comes out equal,
// comparing each batch before the next push (views live until then).
void check_cut(const sample_stream& s, std::optional<protocol_version> version, const std::vector<std::size_t>& cuts) {
  decoder d({.version = version});
  std::size_t next = 0;
  std::size_t from = 0;
  std::vector<packet> out;
  auto feed = [&](std::size_t to) {
    out.clear();
    const error& err = d.push(bytes_view(s.wire.data() + from, to - from), out);
    INFO(err.reason);
    REQUIRE_FALSE(err);
    for (const packet& p : out) {
      REQUIRE(next < s.packets.size());
      CHECK(same(p, s.packets[next]));
      ++next;
    }
    from = to;
  };
  for (std::size_t cut : cuts) feed(cut);
  feed(s.wire.size());
  CHECK(next == s.packets.size());
  CHECK(d.buffered() == 0);
}

}  // namespace

TEST_CASE("3.1.1 stream: every single split point") {
  const sample_stream s = stream_311();
  for (std::size_t cut = 0; cut <= s.wire.size(); ++cut) {
    INFO("cut at " << cut);
    check_cut(s, protocol_version::v311, {cut});
  }
}

TEST_CASE("3.1.1 stream: every pair of split points") {
  const sample_stream s = stream_311();
  for (std::size_t a = 1; a < s.wire.size(); ++a) {
    for (std::size_t b = a; b < s.wire.size(); ++b) {
      INFO("cuts at " << a << " and " << b);
      check_cut(s, protocol_version::v311, {a, b});
    }
  }
}

TEST_CASE("5.0 stream: every single split point, and one byte at a time") {
  const sample_stream s = stream_5();
  for (std::size_t cut = 0; cut <= s.wire.size(); ++cut) {
    INFO("cut at " << cut);
    check_cut(s, protocol_version::v5, {cut});
  }
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < s.wire.size(); ++i) every.push_back(i);
  check_cut(s, protocol_version::v5, every);
}

TEST_CASE("without a version the decoder takes 5.0 from the CONNECT, at every split point") {
  const sample_stream s = stream_5();
  for (std::size_t cut = 0; cut <= s.wire.size(); ++cut) {
    INFO("cut at " << cut);
    check_cut(s, std::nullopt, {cut});
  }
}

TEST_CASE("without a version the decoder reads 3.1.1 and 3.1 streams") {
  check_cut(stream_311(), std::nullopt, {});
  const bytes mqisdp = hex(R"(
    10 10 00 06 4d 51 49 73 64 70 03 02 00 0a 00 02 63 31   // CONNECT, MQIsdp level 3, client "c1"
    82 06 00 01 00 01 61 01                                 // SUBSCRIBE "a" QoS 1
  )");
  decoder d;
  std::vector<packet> out;
  REQUIRE_FALSE(d.push(view(mqisdp), out));
  REQUIRE(out.size() == 2);
  CHECK(std::get<connect_packet>(out[0]).version == protocol_version::v31);
  CHECK(d.version() == protocol_version::v31);
  CHECK(std::get<subscribe_packet>(out[1]).subscriptions[0].filter == "a");
}

TEST_CASE("the first CONNECT fixes the level: a later 3.1.1 CONNECT does not change it") {
  const sample_stream s = stream_5();
  const bytes second = encode_ok(connect_packet{.client_id = "again"}, protocol_version::v311);
  bytes wire = s.wire;
  wire.insert(wire.end(), second.begin(), second.end());
  wire.insert(wire.end(), {0xe0, 0x01, 0x04});  // a 5.0 DISCONNECT with a reason code
  decoder d;
  std::vector<packet> out;
  REQUIRE_FALSE(d.push(view(wire), out));
  CHECK(d.version() == protocol_version::v5);
  CHECK(std::get<disconnect_packet>(out.back()).code == reason_code::disconnect_with_will_message);
}

TEST_CASE("reset() returns to reading the level from CONNECT") {
  decoder d;
  std::vector<packet> out;
  REQUIRE_FALSE(d.push(view(stream_5().wire), out));
  CHECK(d.version() == protocol_version::v5);
  d.reset();
  CHECK(d.version() == protocol_version::v311);
  CHECK_FALSE(d.version_known());
}

TEST_CASE("a large packet split over many pushes keeps only what has arrived") {
  const bytes payload(200000, 0x42);
  const bytes wire = encode_ok(publish_packet{.topic = "big", .payload = view(payload)}, protocol_version::v311);
  decoder d({.version = protocol_version::v311});
  std::vector<packet> out;
  std::size_t from = 0;
  while (from < wire.size()) {
    const std::size_t to = std::min(wire.size(), from + 4096);
    REQUIRE_FALSE(d.push(bytes_view(wire.data() + from, to - from), out));
    if (to < wire.size()) CHECK(d.buffered() == to);
    from = to;
  }
  REQUIRE(out.size() == 1);
  CHECK(same_bytes(std::get<publish_packet>(out[0]).payload, view(payload)));
}
