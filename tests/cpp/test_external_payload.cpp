// decoder_options::external_payload_min: a large PUBLISH payload is left to the
// caller, who takes its bytes from the stream. The packets must be the same as
// without the option, however the bytes are cut, and errors must be the same too.
#include "packet_equal.hpp"
#include "test_support.hpp"

using namespace mqttw;
using namespace mqttw::test;

namespace {

struct stream {
  std::vector<packet> packets;
  bytes wire;
  std::size_t external = 0;  // packets whose payload is external at the minimum used
};

constexpr std::uint32_t min_payload = 100;

stream mixed_stream(protocol_version version) {
  static const bytes big(300, 0x5a);         // external
  static const bytes edge(min_payload, 0x11);  // exactly the minimum: external
  static const bytes below(min_payload - 1, 0x22);
  stream s;
  auto add = [&](packet p, bool external) {
    const bytes one = encode_ok(p, version);
    s.wire.insert(s.wire.end(), one.begin(), one.end());
    s.packets.push_back(std::move(p));
    s.external += external;
  };
  const bool v5 = version == protocol_version::v5;
  publish_packet with_props{.topic = "a/big", .payload = view(big), .qos = qos::at_least_once, .packet_id = 7};
  if (v5) {
    with_props.props.push_back(property::string(property_id::content_type, "application/octet-stream"));
    with_props.props.push_back(property::user("k", "v"));
  }
  add(with_props, true);
  add(pingreq_packet{}, false);
  add(publish_packet{.topic = "edge", .payload = view(edge)}, true);
  add(publish_packet{.topic = "below", .payload = view(below), .qos = qos::exactly_once, .packet_id = 8}, false);
  add(publish_packet{.topic = v5 ? "" : "r", .payload = view(big), .retain = true, .props = v5 ? properties{property::integer(property_id::topic_alias, 2)} : properties{}}, true);
  add(puback_packet{.packet_id = 7}, false);
  add(publish_packet{.topic = "last", .payload = view(big), .qos = qos::exactly_once, .dup = true, .packet_id = 9}, true);
  return s;
}

struct outcome {
  std::size_t packets = 0;
  std::size_t external = 0;
  error err;
};

// Pushes `wire` in pieces that end at `cuts` (then at the end), taking each external
// payload from the stream as a binding does: the bytes after consumed() are the
// payload, and the next push starts after them. Each packet is compared with
// `expected` before the next push, while its views are alive.
outcome feed(const bytes& wire, const std::vector<packet>& expected, decoder_options options,
             const std::vector<std::size_t>& cuts) {
  decoder d(options);
  outcome result;
  std::vector<packet> out;
  std::size_t from = 0;
  auto push_to = [&](std::size_t to) {
    while (from < to && !result.err) {
      out.clear();
      result.err = d.push(bytes_view(wire.data() + from, to - from), out);
      for (std::size_t i = 0; i < out.size(); ++i) {
        packet& p = out[i];
        if (i + 1 == out.size() && d.external_payload() > 0) {
          auto& publish = std::get<publish_packet>(p);
          CHECK(publish.payload.empty());
          publish.payload = bytes_view(wire.data() + from + d.consumed(), d.external_payload());
          ++result.external;
        }
        REQUIRE(result.packets < expected.size());
        CHECK(same(p, expected[result.packets]));
        ++result.packets;
      }
      if (d.external_payload() == 0) {
        CHECK(d.consumed() == to - from);
        from = to;
      } else {
        CHECK(d.buffered() == 0);
        from += d.consumed() + d.external_payload();  // may run past `to`: the payload is taken whole
      }
    }
    from = std::max(from, to);
  };
  for (std::size_t cut : cuts) {
    if (cut > from) push_to(cut);
  }
  push_to(wire.size());
  if (!result.err) CHECK(d.buffered() == 0);
  return result;
}

}  // namespace

TEST_CASE("external payloads: every split point gives the same packets, in 3.1.1 and 5.0") {
  for (const auto version : {protocol_version::v311, protocol_version::v5}) {
    const stream s = mixed_stream(version);
    for (std::size_t cut = 0; cut <= s.wire.size(); ++cut) {
      INFO("version " << static_cast<int>(version) << ", cut at " << cut);
      const outcome got = feed(s.wire, s.packets, {.version = version, .external_payload_min = min_payload}, {cut});
      REQUIRE_FALSE(got.err);
      CHECK(got.packets == s.packets.size());
      CHECK(got.external == s.external);
    }
  }
}

TEST_CASE("external payloads: one byte at a time, and with the level taken from CONNECT") {
  stream s = mixed_stream(protocol_version::v5);
  connect_packet c{.version = protocol_version::v5, .client_id = "ext"};
  const bytes connect = encode_ok(c, protocol_version::v5);
  s.wire.insert(s.wire.begin(), connect.begin(), connect.end());
  s.packets.insert(s.packets.begin(), c);
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < s.wire.size(); ++i) every.push_back(i);
  const outcome got = feed(s.wire, s.packets, {.external_payload_min = min_payload}, every);
  REQUIRE_FALSE(got.err);
  CHECK(got.packets == s.packets.size());
  CHECK(got.external == s.external);
}

TEST_CASE("external payloads: off by default, and a payload below the minimum stays inside") {
  const stream s = mixed_stream(protocol_version::v311);
  const outcome off = feed(s.wire, s.packets, {.version = protocol_version::v311}, {});
  CHECK(off.external == 0);
  const outcome high = feed(s.wire, s.packets, {.version = protocol_version::v311, .external_payload_min = 301}, {});
  CHECK(high.external == 0);
  CHECK(high.packets == s.packets.size());
}

TEST_CASE("external payloads: malformed heads fail as they do without the option") {
  const std::vector<std::pair<const char*, bytes>> cases = {
      {"QoS 3 [MQTT-3.3.1-4]", hex("36 08 00 01 61 00 01 ff ff ff")},
      {"topic length past the packet", hex("30 06 00 09 61 62 63 64")},
      {"packet id past the packet", hex("32 05 00 03 61 62 63")},
      {"wildcard in the topic [MQTT-3.3.2-2]", hex("30 08 00 01 23 ff ff ff ff ff")},
      {"topic length past a 2-byte body", hex("30 02 00 61")},
  };
  for (const auto& [what, wire] : cases) {
    INFO(what);
    const error plain = decode_error(wire, protocol_version::v311);
    for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
      INFO("cut at " << cut);
      const outcome got = feed(wire, {}, {.version = protocol_version::v311, .external_payload_min = 1}, {cut});
      CHECK(got.packets == 0);
      CHECK(got.err.code == plain.code);
    }
  }
  // 5.0: a property length past the packet, a property length of 5 bytes, and a
  // property not allowed in PUBLISH (Session Expiry Interval).
  const std::vector<bytes> v5_cases = {
      hex("30 08 00 01 61 7f 01 02 03 04"),
      hex("30 0a 00 01 61 ff ff ff ff 01 00 00"),
      hex("30 0b 00 01 61 05 11 00 00 00 01 aa bb"),
  };
  for (const bytes& wire : v5_cases) {
    const error plain = decode_error(wire, protocol_version::v5);
    REQUIRE(plain);
    for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
      INFO("cut at " << cut);
      const outcome got = feed(wire, {}, {.version = protocol_version::v5, .external_payload_min = 1}, {cut});
      CHECK(got.err.code == plain.code);
    }
  }
}

TEST_CASE("external payloads: the packet size limit holds before any of the body is held") {
  const bytes payload(5000, 0x01);
  const bytes wire = encode_ok(publish_packet{.topic = "t", .payload = view(payload)}, protocol_version::v311);
  decoder d({.version = protocol_version::v311, .max_packet_size = 4096, .external_payload_min = 100});
  std::vector<packet> out;
  CHECK(d.push(bytes_view(wire.data(), 4), out).code == reason_code::packet_too_large);
  CHECK(d.buffered() == 0);
  CHECK(out.empty());
}

TEST_CASE("external payloads: the decoder never holds payload bytes, even of a huge packet") {
  const bytes payload(1 << 20, 0x33);
  const bytes wire = encode_ok(publish_packet{.topic = "huge", .payload = view(payload)}, protocol_version::v311);
  decoder d({.version = protocol_version::v311, .external_payload_min = 1024});
  std::vector<packet> out;
  REQUIRE_FALSE(d.push(bytes_view(wire.data(), 7), out));  // fixed header and half the topic
  CHECK(d.buffered() == 7);
  REQUIRE_FALSE(d.push(bytes_view(wire.data() + 7, 4096), out));
  REQUIRE(out.size() == 1);
  CHECK(std::get<publish_packet>(out[0]).topic == "huge");
  CHECK(d.consumed() == 3);  // the rest of the topic
  CHECK(d.external_payload() == payload.size());
  CHECK(d.external_head() == wire.size() - payload.size());
  CHECK(d.buffered() == 0);
}
