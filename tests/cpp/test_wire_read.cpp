// The wire reader (mqttw/wire/read.hpp) against the codec's decoder: the codec's own
// vectors and malformed cases, packets of every type made with the encoder, and
// deterministic mutations of them, each read in both versions and both directions
// (tests/fuzz/wire_differential.hpp says what must agree). Then frame_size,
// format_problem, find_property, the cursors and each direction rule directly.
#include <chrono>
#include <cstring>

#include "../fuzz/wire_differential.hpp"
#include "mqttw/codec/validate.hpp"
#include "test_support.hpp"

using namespace mqttw;
using namespace mqttw::test;
using wire::direction;

namespace {

// Every hex fixture of test_vectors_v311.cpp, test_vectors_v5.cpp and
// test_malformed.cpp (single packets and streams), comments taken out.
constexpr const char* codec_fixtures[] = {
    "10 25 00 04 4d 51 54 54 04 ee 00 3c 00 03 63 69 64 00 03 77 2f 74 00 03 62 79 65 00 04 75 73 65 72 00 04 70 61 73 73",
    "10 0c 00 04 4d 51 54 54 04 02 00 00 00 00",
    "10 10 00 06 4d 51 49 73 64 70 03 02 00 0a 00 02 63 31",
    "10 0c 00 04 4d 51 54 54 84 02 00 00 00 00",
    "30 08 00 03 61 2f 62 68 69 21",
    "3b 0a 00 03 61 2f 62 00 07 68 69 21",
    "34 07 00 03 61 2f 62 ff ff",
    "82 0c 00 0a 00 03 61 2f 2b 01 00 01 23 02",
    "90 06 00 0a 00 01 02 80",
    "a2 07 00 0b 00 03 61 2f 62",
    "20 02 01 00",
    "20 02 00",
    "40 02 00 07",
    "50 02 00 07",
    "62 02 00 07",
    "70 02 00 07",
    "b0 02 00 0b",
    "c0 00",
    "d0 00",
    "e0 00",
    "10 6c 00 04 4d 51 54 54 05 d6 00 1e 28 11 00 00 00 78 21 00 14 27 00 01 00 00 22 00 0a 19 01 17 00 26 00 01 6b 00 01 76 15 00 05 53 43 52 41 4d 16 00 02 01 02 00 02 63 35 25 18 00 00 00 05 01 01 02 00 00 0e 10 03 00 04 74 65 78 74 08 00 03 72 2f 74 09 00 02 ab cd 26 00 01 61 00 01 62 00 03 77 2f 74 00 02 6f 6b 00 01 75 00 01 70",
    "10 11 00 04 4d 51 54 54 05 42 00 00 00 00 00 00 02 70 77",
    "20 23 01 00 20 24 01 25 00 12 00 03 61 62 63 13 00 3c 1f 00 02 6f 6b 28 01 29 00 2a 01 1a 00 01 72 1c 00 01 73",
    "32 11 00 03 61 2f 62 00 05 08 23 00 02 0b 0a 0b 80 01 78",
    "30 07 00 00 03 23 00 05 7a",
    "40 0a 00 01 80 06 1f 00 03 62 61 64",
    "82 1f 00 0a 09 0b 05 26 00 01 6b 00 01 76 00 03 61 2f 2b 2d 00 0a 24 73 68 61 72 65 2f 67 2f 74 00",
    "90 0f 00 0a 00 00 01 02 80 83 87 8f 91 97 9e a1 a2",
    "a2 08 00 0b 00 00 03 61 2f 62",
    "b0 0a 00 0b 00 00 11 80 83 87 8f 91",
    "e0 07 8e 05 11 00 00 00 00",
    "f0 0e 18 0c 15 00 05 53 43 52 41 4d 16 00 01 ff",
    "01 02",
    "ab cd",
    "20 03 00 86 00",
    "40 02 00 01",
    "40 03 00 01 10",
    "50 03 00 01 10",
    "62 03 00 01 92",
    "70 03 00 01 92",
    "e0 01 04",
    "f0 00",
    "f0 02 00 00",
    "30 16 00 01 61 12 26 00 01 6b 00 01 31 26 00 01 6b 00 01 32 0b 01 0b 02",
    "30 ff ff ff 7f 00",
    "30 ff ff ff 7f 00 01 61",
    "30 05 00 01 61 62 63",
    "c0 00 30 03 00 01 23 c0 00",
    "30 ff ff ff ff 01",
    "c0 80 00",
    "00 00",
    "21 02 00 00",
    "41 02 00 01",
    "52 02 00 01",
    "60 02 00 01",
    "78 02 00 01",
    "80 06 00 01 00 01 61 00",
    "92 03 00 01 00",
    "a3 05 00 01 00 01 61",
    "b2 02 00 01",
    "c1 00",
    "d4 00",
    "e8 00",
    "f1 00",
    "12 0c 00 04 4d 51 54 54 04 02 00 00 00 00",
    "36 05 00 01 61 00 01",
    "38 03 00 01 61",
    "32 05 00 01 61 00 00",
    "34 06 00 01 61 00 00 00",
    "30 05 00 03 61 2f 2b",
    "30 06 00 03 61 2f 23 00",
    "30 02 00 00",
    "30 03 00 00 00",
    "30 07 00 01 61 03 23 00 00",
    "32 03 00 01 61",
    "30 03 00 05 61",
    "30 03 00 01 61",
    "30 05 00 01 61 09 01",
    "30 05 00 03 61 00 62",
    "30 05 00 03 ed a0 80",
    "30 04 00 02 c0 af",
    "30 05 00 03 e0 80 af",
    "30 03 00 01 80",
    "30 04 00 02 61 c3",
    "30 06 00 04 f4 90 80 80",
    "30 03 00 01 ff",
    "10 0f 00 04 4d 51 54 54 04 02 00 00 00 03 ed b0 80",
    "10 10 00 04 4d 51 54 54 04 82 00 00 00 00 00 02 61 00",
    "30 0b 00 01 61 07 26 00 01 ff 00 01 62",
    "82 06 00 01 00 01 fe 00",
    "82 08 00 01 00 03 23 2f 61 00",
    "82 07 00 01 00 02 61 23 00",
    "82 08 00 01 00 03 61 2b 62 00",
    "82 05 00 01 00 00 00",
    "82 0f 00 01 00 00 09 24 73 68 61 72 65 2f 2f 61 00",
    "82 10 00 01 00 00 0a 24 73 68 61 72 65 2f 2b 2f 61 00",
    "82 0e 00 01 00 00 08 24 73 68 61 72 65 2f 67 00",
    "a2 06 00 01 00 02 61 2b",
    "82 02 00 01",
    "a2 02 00 01",
    "82 06 00 01 00 01 61 04",
    "82 07 00 01 00 00 01 61 40",
    "82 06 00 01 00 01 61 03",
    "82 07 00 01 00 00 01 61 03",
    "82 07 00 01 00 00 01 61 30",
    "82 10 00 01 00 00 0a 24 73 68 61 72 65 2f 67 2f 61 04",
    "82 06 00 00 00 01 61 00",
    "a2 05 00 00 00 01 61",
    "82 05 00 01 00 01 61",
    "10 10 00 04 4d 51 54 54 05 02 00 00 03 23 00 01 00 00",
    "30 09 00 01 61 05 18 00 00 00 01",
    "30 09 00 01 61 05 11 00 00 00 01",
    "30 06 00 01 61 02 7f 00",
    "30 0a 00 01 61 06 23 00 01 23 00 02",
    "82 0b 00 01 04 0b 01 0b 02 00 01 61 00",
    "30 0c 00 01 61 08 03 00 01 61 03 00 01 62",
    "10 10 00 04 4d 51 54 54 05 02 00 00 03 21 00 00 00 00",
    "10 12 00 04 4d 51 54 54 05 02 00 00 05 27 00 00 00 00 00 00",
    "82 09 00 01 02 0b 00 00 01 61 00",
    "10 0f 00 04 4d 51 54 54 05 02 00 00 02 17 02 00 00",
    "30 06 00 01 61 02 01 02",
    "20 05 00 00 02 24 02",
    "10 11 00 04 4d 51 54 54 05 02 00 00 04 16 00 01 ff 00 00",
    "30 0a 00 01 61 06 08 00 03 61 2f 23",
    "30 0a 00 01 61 06 0b 80 80 80 80 01",
    "30 08 00 01 61 04 03 00 05 61",
    "30 09 00 01 61 05 26 00 01 6b 00",
    "10 11 00 04 4d 51 54 54 04 c2 00 00 00 00 00 01 75 00 09",
    "10 0c 00 04 4d 51 54 54 04 02 00 00 00 09",
    "10 07 00 04 4d 51 54 54 04",
    "40 01 00",
    "40 03 00 01 00",
    "b0 03 00 01 00",
    "10 0d 00 04 4d 51 54 54 04 02 00 00 00 00 ff",
    "c0 01 00",
    "e0 01 00",
    "20 03 00 00 00",
    "20 02 00 00",
    "10 0c 00 04 4d 51 54 58 04 02 00 00 00 00",
    "10 0c 00 04 4d 51 54 54 06 02 00 00 00 00",
    "10 0c 00 04 4d 51 54 54 03 02 00 00 00 00",
    "10 0e 00 06 4d 51 49 73 64 70 04 02 00 00 00 00",
    "10 0c 00 04 4d 51 54 54 04 03 00 00 00 00",
    "10 0c 00 04 4d 51 54 54 04 0a 00 00 00 00",
    "10 0c 00 04 4d 51 54 54 04 22 00 00 00 00",
    "10 0c 00 04 4d 51 54 54 04 1e 00 00 00 00",
    "10 0f 00 04 4d 51 54 54 04 42 00 00 00 00 00 01 70",
    "10 12 00 04 4d 51 54 54 04 06 00 00 00 00 00 01 23 00 01 78",
    "20 02 02 00",
    "20 03 01 80 00",
    "20 02 00 06",
    "20 03 00 8e 00",
    "40 03 00 01 92",
    "62 03 00 01 10",
    "90 03 00 01 03",
    "90 04 00 01 00 11",
    "b0 04 00 01 00 02",
    "e0 01 01",
    "f0 02 80 00",
    "90 02 00 01",
};

constexpr protocol_version versions[] = {protocol_version::v311, protocol_version::v5};
constexpr direction directions[] = {direction::to_server, direction::to_client};

// Every property, as packets of each type may carry them.
const properties connect_props = {
    property::integer(property_id::session_expiry_interval, 120),
    property::integer(property_id::receive_maximum, 20),
    property::integer(property_id::maximum_packet_size, 65536),
    property::integer(property_id::topic_alias_maximum, 10),
    property::integer(property_id::request_response_information, 1),
    property::integer(property_id::request_problem_information, 0),
    property::user("k", "v"),
    property::user("k", "w\xC3\xA9"),
    property::string(property_id::authentication_method, "SCRAM"),
    property::binary(property_id::authentication_data, view(std::string_view("\x01\x02", 2))),
};
const properties will_props = {
    property::integer(property_id::will_delay_interval, 5),
    property::integer(property_id::payload_format_indicator, 1),
    property::integer(property_id::message_expiry_interval, 3600),
    property::string(property_id::content_type, "text/plain"),
    property::string(property_id::response_topic, "r/t"),
    property::binary(property_id::correlation_data, view(std::string_view("\xAB\xCD", 2))),
    property::user("a", "b"),
};
const properties connack_props = {
    property::integer(property_id::session_expiry_interval, 0xFFFFFFFF),
    property::integer(property_id::receive_maximum, 65535),
    property::integer(property_id::maximum_qos, 1),
    property::integer(property_id::retain_available, 0),
    property::integer(property_id::maximum_packet_size, 1024),
    property::string(property_id::assigned_client_identifier, "auto-1"),
    property::integer(property_id::topic_alias_maximum, 5),
    property::string(property_id::reason_string, "ok"),
    property::user("x", "y"),
    property::integer(property_id::wildcard_subscription_available, 1),
    property::integer(property_id::subscription_identifier_available, 0),
    property::integer(property_id::shared_subscription_available, 1),
    property::integer(property_id::server_keep_alive, 30),
    property::string(property_id::response_information, "resp/"),
    property::string(property_id::server_reference, "other:1883"),
    property::string(property_id::authentication_method, "m"),
    property::binary(property_id::authentication_data, view(std::string_view("d"))),
};
const properties publish_props = {
    property::integer(property_id::payload_format_indicator, 0),
    property::integer(property_id::message_expiry_interval, 9),
    property::integer(property_id::topic_alias, 3),
    property::string(property_id::response_topic, "reply/\xE2\x82\xAC"),
    property::binary(property_id::correlation_data, view(std::string_view("cd"))),
    property::user("u", "1"),
    property::user("u", "2"),
    property::integer(property_id::subscription_identifier, 1),
    property::integer(property_id::subscription_identifier, 16384),
    property::integer(property_id::subscription_identifier, 268435455),
    property::string(property_id::content_type, "application/json"),
};
const properties ack_props = {property::string(property_id::reason_string, "because"), property::user("k", "v")};
const properties subscribe_props = {property::integer(property_id::subscription_identifier, 127), property::user("k", "v")};
const properties disconnect_props = {
    property::integer(property_id::session_expiry_interval, 60),
    property::string(property_id::reason_string, "bye"),
    property::user("k", "v"),
    property::string(property_id::server_reference, "elsewhere"),
};
const properties auth_props = {
    property::string(property_id::authentication_method, "SCRAM"),
    property::binary(property_id::authentication_data, view(std::string_view("\x00\x01", 2))),
    property::string(property_id::reason_string, "more"),
    property::user("k", "v"),
};

properties only(std::initializer_list<property> list) { return properties(list); }

// Packets of every type in `v`, most of them valid.
std::vector<packet> sample_packets(protocol_version v) {
  const bool v5 = v == protocol_version::v5;
  const auto props = [v5](const properties& p) { return v5 ? p : properties{}; };
  std::vector<packet> out;

  connect_packet c = connect_v(v, "client-\xC3\xA9", true, 60);
  out.push_back(c);
  c.props = props(connect_props);
  c.clean_start = false;
  c.will = will_message{"will/t", view(std::string_view("bye")), qos::at_least_once, true, props(will_props)};
  c.username = "user";
  c.password = view(std::string_view("pass"));
  out.push_back(c);
  c.will->qos = qos::exactly_once;
  c.will->retain = false;
  c.username.reset();
  if (v5) out.push_back(c);  // a password without a user name is 5.0 only
  c.bridge = true;
  c.username = "";
  c.client_id = "";
  c.clean_start = true;
  out.push_back(c);
  connect_packet c31 = connect_v(protocol_version::v31, "c31", true, 10);
  c31.username = "u";
  out.push_back(c31);

  out.push_back(connack_packet{false, reason_code::success, props(connack_props)});
  out.push_back(connack_packet{true, reason_code::success, {}});
  out.push_back(connack_packet{false, v5 ? reason_code::not_authorized : static_cast<reason_code>(5), {}});
  if (v5) out.push_back(connack_packet{false, reason_code::bad_authentication_method, only({property::string(property_id::reason_string, "no")})});

  const bytes_view payload = view(std::string_view("{\"t\":21.5}"));
  out.push_back(publish_packet{"a/b", payload, qos::at_most_once, false, false, 0, {}});
  out.push_back(publish_packet{"a/b/c", {}, qos::at_least_once, true, true, 1, props(publish_props)});
  out.push_back(publish_packet{"\xE2\x82\xAC/x", payload, qos::exactly_once, false, false, 65535, {}});
  out.push_back(publish_packet{"$SYS/a", payload, qos::at_least_once, false, false, 7,
                               props(only({property::integer(property_id::topic_alias, 1)}))});
  if (v5) {
    out.push_back(publish_packet{"", payload, qos::at_most_once, false, false, 0,
                                 only({property::integer(property_id::topic_alias, 2)})});
    out.push_back(publish_packet{"t", payload, qos::at_most_once, false, false, 0,
                                 only({property::integer(property_id::subscription_identifier, 5)})});
  }

  for (reason_code code : {reason_code::success, reason_code::no_matching_subscribers, reason_code::quota_exceeded}) {
    const reason_code c5 = v5 ? code : reason_code::success;
    out.push_back(puback_packet{10, c5, props(ack_props)});
    out.push_back(pubrec_packet{11, c5, {}});
  }
  out.push_back(pubrel_packet{12, reason_code::success, {}});
  out.push_back(pubrel_packet{13, v5 ? reason_code::packet_identifier_not_found : reason_code::success, props(ack_props)});
  out.push_back(pubcomp_packet{14, reason_code::success, props(ack_props)});
  out.push_back(pubcomp_packet{65535, v5 ? reason_code::packet_identifier_not_found : reason_code::success, {}});

  subscribe_packet s{20, {}, props(subscribe_props)};
  s.subscriptions.push_back({"a/+/#", qos::at_least_once, v5, v5, v5 ? retain_handling::do_not_send : retain_handling::send_on_subscribe});
  s.subscriptions.push_back({v5 ? "$share/g/x" : "y", qos::exactly_once, false, false, retain_handling::send_on_subscribe});
  s.subscriptions.push_back({"#", qos::at_most_once, false, false,
                             v5 ? retain_handling::send_if_new_subscription : retain_handling::send_on_subscribe});
  out.push_back(s);
  out.push_back(subscribe_packet{21, {{"+", qos::at_most_once, false, false, retain_handling::send_on_subscribe}}, {}});

  out.push_back(suback_packet{20, {reason_code::granted_qos_1, reason_code::granted_qos_2, reason_code::unspecified_error},
                              props(ack_props)});
  if (v5) {
    out.push_back(suback_packet{21, {reason_code::topic_filter_invalid, reason_code::shared_subscriptions_not_supported,
                                     reason_code::wildcard_subscriptions_not_supported, reason_code::granted_qos_0},
                                {}});
  }
  out.push_back(unsubscribe_packet{22, {"a/+/#", "y", "\xC3\xA9"}, props(only({property::user("k", "v")}))});
  out.push_back(unsuback_packet{22, v5 ? std::vector<reason_code>{reason_code::success, reason_code::no_subscription_existed,
                                                                  reason_code::not_authorized}
                                       : std::vector<reason_code>{},
                                props(ack_props)});
  out.push_back(pingreq_packet{});
  out.push_back(pingresp_packet{});
  out.push_back(disconnect_packet{});
  if (v5) {
    for (const int code : {0x00, 0x04, 0x80, 0x8B, 0x8E, 0x93, 0x9C, 0xA2}) {
      out.push_back(disconnect_packet{static_cast<reason_code>(code), code == 0x9C ? disconnect_props : properties{}});
    }
    out.push_back(disconnect_packet{reason_code::normal_disconnection, only({property::string(property_id::reason_string, "r")})});
    out.push_back(auth_packet{reason_code::continue_authentication, auth_props});
    out.push_back(auth_packet{reason_code::success, {}});
    out.push_back(auth_packet{reason_code::re_authenticate, only({property::string(property_id::authentication_method, "m")})});
  }
  return out;
}

// A packet with this first byte and body, its Remaining Length made to fit.
bytes framed(std::uint8_t first, const std::uint8_t* body, std::size_t size) {
  bytes out{first};
  std::size_t length = size;
  do {
    std::uint8_t byte = length & 0x7F;
    length >>= 7;
    if (length) byte |= 0x80;
    out.push_back(byte);
  } while (length);
  out.insert(out.end(), body, body + size);
  return out;
}

std::size_t header_size(const bytes& packet) {
  std::size_t i = 1;
  while (i < packet.size() && i < 5 && (packet[i] & 0x80)) ++i;
  return i + 1;
}

// A small deterministic generator (xorshift32), the same on every platform.
struct random_bytes {
  std::uint32_t state = 0x2545F491;
  std::uint32_t next() {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
  }
  std::uint8_t byte() { return static_cast<std::uint8_t>(next() >> 24); }
};

// Mutations of one whole packet: byte flips and replacements everywhere, cuts with
// and without the Remaining Length following, bytes added and taken out.
std::vector<bytes> mutations(const bytes& packet, random_bytes& random) {
  std::vector<bytes> out;
  const std::size_t header = std::min(header_size(packet), packet.size());
  for (std::size_t i = 0; i < packet.size(); ++i) {
    bytes flipped = packet;
    flipped[i] ^= static_cast<std::uint8_t>(1u << (random.next() % 8));
    out.push_back(std::move(flipped));
    const std::uint8_t choices[] = {0x00, 0xFF, 0x80, 0x7F, 0x23, 0x2B, random.byte(),
                                    static_cast<std::uint8_t>(packet[i] + 1), static_cast<std::uint8_t>(packet[i] - 1)};
    for (int k = 0; k < 3; ++k) {
      bytes replaced = packet;
      replaced[i] = choices[random.next() % std::size(choices)];
      out.push_back(std::move(replaced));
    }
    bytes twice = packet;  // and one more byte anywhere
    twice[i] = random.byte();
    twice[random.next() % packet.size()] = choices[random.next() % std::size(choices)];
    out.push_back(std::move(twice));
  }
  const std::uint8_t* body = packet.data() + header;
  const std::size_t body_size = packet.size() - header;
  for (std::size_t cut = 0; cut < body_size; ++cut) {
    out.push_back(framed(packet[0], body, cut));
    if (cut % 3 == 0) out.push_back(bytes(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(header + cut)));
  }
  for (int k = 0; k < 4; ++k) {
    bytes longer(body, body + body_size);
    longer.insert(longer.begin() + static_cast<std::ptrdiff_t>(random.next() % (body_size + 1)), random.byte());
    out.push_back(framed(packet[0], longer.data(), longer.size()));
    if (body_size > 0) {
      bytes shorter(body, body + body_size);
      shorter.erase(shorter.begin() + static_cast<std::ptrdiff_t>(random.next() % body_size));
      out.push_back(framed(packet[0], shorter.data(), shorter.size()));
    }
  }
  // Remaining Length one more or one less than the bytes, and in a longer form.
  bytes more = packet;
  more.push_back(random.byte());
  out.push_back(more);
  if (packet.size() > 2) out.push_back(bytes(packet.begin(), packet.end() - 1));
  bytes padded{packet[0]};
  padded.push_back(static_cast<std::uint8_t>(packet[1] | 0x80));
  padded.push_back(0x00);
  padded.insert(padded.end(), packet.begin() + 2, packet.end());
  out.push_back(padded);
  // Every first byte on the same body.
  for (int first = 0; first < 256; first += 1 + static_cast<int>(random.next() % 7)) {
    bytes other = packet;
    other[0] = static_cast<std::uint8_t>(first);
    out.push_back(std::move(other));
  }
  return out;
}

struct tally {
  std::size_t inputs = 0;
  std::size_t accepted = 0;
};

void check_everywhere(const bytes& input, tally& count) {
  ++count.inputs;
  for (protocol_version v : versions) {
    for (direction dir : directions) {
      const std::string why = wire_disagreement(view(input), v, dir);
      if (!why.empty()) {
        std::string hex_text;
        for (std::uint8_t b : input) {
          constexpr char digits[] = "0123456789abcdef";
          hex_text += digits[b >> 4];
          hex_text += digits[b & 15];
          hex_text += ' ';
        }
        INFO("input: " << hex_text);
        INFO("version " << static_cast<int>(v) << (dir == direction::to_server ? ", to_server" : ", to_client"));
        FAIL(why);
      }
      wire::packet_view p;
      if (!wire::read_packet(view(input), v, dir, p)) ++count.accepted;
    }
  }
  SUCCEED();
}

std::vector<bytes> encoded_samples() {
  std::vector<bytes> out;
  for (protocol_version v : versions) {
    for (const packet& p : sample_packets(v)) {
      bytes wire;
      const error err = encode(p, v, wire);
      INFO(err.reason);
      REQUIRE_FALSE(err);
      out.push_back(std::move(wire));
    }
  }
  return out;
}

wire::problem read(const bytes& input, protocol_version v, direction dir, wire::packet_view& p) {
  return wire::read_packet(view(input), v, dir, p);
}

wire::problem read(const bytes& input, protocol_version v, direction dir) {
  wire::packet_view p;
  return wire::read_packet(view(input), v, dir, p);
}

std::string formatted(const wire::problem& p) {
  char text[160];
  return std::string(text, wire::format_problem(p, text, sizeof text));
}

}  // namespace

TEST_CASE("wire: the codec's fixtures read as the decoder reads them", "[wire]") {
  tally count;
  for (const char* fixture : codec_fixtures) check_everywhere(hex(fixture), count);
  CHECK(count.inputs == std::size(codec_fixtures));
  CHECK(count.accepted > 50);
}

TEST_CASE("wire: packets of every type and every property read as the decoder reads them", "[wire]") {
  tally count;
  const std::vector<bytes> samples = encoded_samples();
  for (const bytes& wire : samples) check_everywhere(wire, count);
  CHECK(count.inputs > 70);
  // Each valid sample is accepted in its version in at least one direction.
  CHECK(count.accepted >= samples.size());
  // All of them in one stream, per version: frame by frame.
  for (protocol_version v : versions) {
    bytes stream;
    for (const packet& p : sample_packets(v)) REQUIRE_FALSE(encode(p, v, stream));
    for (direction dir : directions) CHECK(wire_disagreement(view(stream), v, dir) == "");
  }
}

TEST_CASE("wire: mutations of valid packets are refused with the decoder's reason code", "[wire]") {
  const auto start = std::chrono::steady_clock::now();
  random_bytes random;
  tally count;
  std::vector<bytes> bases = encoded_samples();
  for (const char* fixture : codec_fixtures) bases.push_back(hex(fixture));
  for (const bytes& base : bases) {
    if (base.size() < 2) continue;
    for (const bytes& mutant : mutations(base, random)) check_everywhere(mutant, count);
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  WARN(count.inputs << " mutants, " << count.accepted << " accepted reads, " << ms << " ms");
  CHECK(count.inputs > 20000);
  CHECK(count.accepted > 1000);
}

TEST_CASE("wire: every reason code of every packet that has one, as validate.cpp allows them", "[wire]") {
  for (protocol_version v : versions) {
    const bool is_v5 = v == protocol_version::v5;
    for (unsigned value = 0; value < 256; ++value) {
      const auto code = static_cast<std::uint8_t>(value);
      const struct {
        packet_type type;
        bytes wire;
      } shapes[] = {
          {packet_type::connack, is_v5 ? bytes{0x20, 3, 0, code, 0} : bytes{0x20, 2, 0, code}},
          {packet_type::puback, {0x40, 3, 0, 1, code}},
          {packet_type::pubrec, {0x50, 3, 0, 1, code}},
          {packet_type::pubrel, {0x62, 3, 0, 1, code}},
          {packet_type::pubcomp, {0x70, 3, 0, 1, code}},
          {packet_type::suback, is_v5 ? bytes{0x90, 4, 0, 1, 0, code} : bytes{0x90, 3, 0, 1, code}},
          {packet_type::unsuback, {0xB0, 4, 0, 1, 0, code}},
          {packet_type::disconnect, {0xE0, 1, code}},
          {packet_type::auth, {0xF0, 2, code, 0}},
      };
      for (const auto& shape : shapes) {
        INFO(packet_type_name(shape.type) << " code " << value << " version " << static_cast<int>(v));
        bool accepted = false;
        for (direction dir : directions) {
          CHECK(wire_disagreement(view(shape.wire), v, dir) == "");
          accepted = accepted || !read(shape.wire, v, dir);
        }
        // Every code the spec defines for a packet is sent by one side or the other.
        if (is_v5) CHECK(accepted == reason_code_allowed(shape.type, static_cast<reason_code>(code), v));
      }
    }
  }
}

TEST_CASE("wire: frame_size", "[wire]") {
  wire::problem bad;
  const auto size = [&bad](const char* head, std::uint32_t max = max_packet_size_limit) {
    bad = {};
    return wire::frame_size(view(hex(head)), max, bad);
  };
  CHECK(size("") == 0);
  CHECK(size("30") == 0);
  CHECK(size("30 80") == 0);
  CHECK(size("30 ff ff ff") == 0);
  CHECK_FALSE(bad);
  CHECK(size("c0 00") == 2);
  CHECK(size("30 05") == 7);  // the body need not be there
  CHECK(size("30 80 01") == 3 + 128);
  CHECK(size("30 ff ff ff 7f") == 5 + max_varint);
  CHECK_FALSE(bad);

  CHECK(size("30 ff ff ff ff") == 0);  // a fifth Remaining Length byte
  CHECK(bad.code == reason_code::malformed_packet);
  CHECK(formatted(bad) == "PUBLISH: Remaining Length is longer than 4 bytes (section 2.1.4)");
  CHECK(size("30 80 00") == 0);
  CHECK(bad.code == reason_code::malformed_packet);
  CHECK(formatted(bad) == "PUBLISH: Remaining Length is not in its shortest form [MQTT-1.5.5-1]");

  CHECK(size("30 05", 7) == 7);
  CHECK_FALSE(bad);
  CHECK(size("30 05", 6) == 0);
  CHECK(bad.code == reason_code::packet_too_large);
  CHECK(size("30 ff ff ff 7f", 1024) == 0);
  CHECK(bad.code == reason_code::packet_too_large);
}

TEST_CASE("wire: format_problem", "[wire]") {
  CHECK(formatted(read(hex("30 07 00 01 61 03 23 00 00"), v5, direction::to_client)) ==
        "PUBLISH: Topic Alias (0x23): is 0 [MQTT-3.3.2-8]");
  CHECK(formatted(read(hex("30 05 00 03 61 2f 2b"), v311, direction::to_client)) ==
        "PUBLISH: topic name contains a wildcard '+' or '#' [MQTT-3.3.2-2]");
  CHECK(formatted(read(hex("30 06 00 01 61 02 7f 00"), v5, direction::to_client)) ==
        "PUBLISH: property 0x7F: is not a property identifier (section 2.2.2.2)");
  CHECK(formatted(read(hex("30 0b 00 01 61 07 26 00 01 ff 00 01 62"), v5, direction::to_client)) ==
        "PUBLISH: User Property (0x26): name is not well-formed UTF-8: invalid lead byte [MQTT-1.5.4-1]");
  CHECK(formatted(read(hex("00 00"), v311, direction::to_client)) == "packet type 0 is reserved (section 2.1.2)");
  CHECK(formatted(read(hex("82 02 00 01"), v311, direction::to_client)) ==
        "SUBSCRIBE: is sent by a client, not to one (section 2.1.2)");

  // Cut to the room given, no terminator written.
  const wire::problem p = read(hex("30 05 00 03 61 2f 2b"), v311, direction::to_client);
  char text[10];
  std::memset(text, '*', sizeof text);
  CHECK(wire::format_problem(p, text, 9) == 9);
  CHECK(std::string(text, 10) == "PUBLISH: *");
  CHECK(wire::format_problem(p, text, 0) == 0);
  CHECK(wire::format_problem(wire::problem{}, text, sizeof text) == 0);
}

TEST_CASE("wire: find_property and the cursors", "[wire]") {
  const bytes wire = encode_ok(publish_packet{"a", {}, qos::at_least_once, false, false, 3, publish_props}, v5);
  wire::packet_view p;
  REQUIRE_FALSE(read(wire, v5, direction::to_client, p));
  property found;
  REQUIRE(wire::find_property(p.props, property_id::subscription_identifier, found));
  CHECK(found.number == 1);  // the first of three
  REQUIRE(wire::find_property(p.props, property_id::response_topic, found));
  CHECK(found.text == "reply/\xE2\x82\xAC");
  REQUIRE(wire::find_property(p.props, property_id::correlation_data, found));
  CHECK(as_text(found.data) == "cd");
  REQUIRE(wire::find_property(p.props, property_id::user_property, found));
  CHECK((found.text == "u" && found.value == "1"));
  CHECK_FALSE(wire::find_property(p.props, property_id::reason_string, found));
  CHECK_FALSE(wire::find_property({}, property_id::topic_alias, found));
  CHECK(walk_properties(p.props).size() == publish_props.size());

  // Bytes that were not checked stop the cursors instead of running past them.
  const bytes junk = hex("23 00");  // a Topic Alias cut short
  CHECK_FALSE(wire::find_property(view(junk), property_id::topic_alias, found));
  CHECK(walk_properties(view(hex("01 01 7f 00"))).size() == 1);
  subscription sub;
  reason_code code{};
  const bytes filter_list = hex("00 01 61 01  00 05 61");  // the second filter cut short
  wire::entry_cursor filters(packet_type::subscribe, view(filter_list));
  CHECK(filters.next(sub, code));
  CHECK((sub.filter == "a" && sub.max_qos == qos::at_least_once));
  CHECK_FALSE(filters.next(sub, code));
  const bytes code_list = hex("00 80");
  wire::entry_cursor codes(packet_type::suback, view(code_list));
  CHECK((codes.next(sub, code) && code == reason_code::granted_qos_0));
  CHECK((codes.next(sub, code) && code == reason_code::unspecified_error));
  CHECK_FALSE(codes.next(sub, code));
}

TEST_CASE("wire: packet_view of a CONNECT and a PUBLISH", "[wire]") {
  connect_packet c = connect_v(v5, "id", false, 30, connect_props);
  c.will = will_message{"w/t", view(std::string_view("ok")), qos::exactly_once, false, will_props};
  c.username = "u";
  c.password = view(std::string_view("p"));
  const bytes wire = encode_ok(c, v5);
  wire::packet_view p;
  // A 3.1.1 connection: a CONNECT counts its own protocol level.
  REQUIRE_FALSE(read(wire, v311, direction::to_server, p));
  CHECK(p.type == packet_type::connect);
  CHECK(p.version == v5);
  CHECK(p.keep_alive == 30);
  CHECK(p.client_id == "id");
  CHECK((p.has_will && p.will_qos == qos::exactly_once && !p.will_retain && p.will_topic == "w/t"));
  CHECK(walk_properties(p.will_props).size() == will_props.size());
  CHECK((p.has_username && p.username == "u" && p.has_password && as_text(p.password) == "p"));
  CHECK(p.props_at == 2 + 10);  // fixed header, protocol name and level, flags, keep alive

  const bytes pub = encode_ok(publish_packet{"t/1", view(std::string_view("hello")), qos::exactly_once, true, true, 9, {}}, v311);
  REQUIRE_FALSE(read(pub, v311, direction::to_client, p));
  CHECK((p.topic == "t/1" && as_text(p.payload) == "hello" && p.qos == qos::exactly_once && p.retain && p.dup));
  CHECK((p.packet_id == 9 && p.props.empty() && p.props_at == 0 && p.header_size == 2));
  CHECK(p.payload.data() == pub.data() + pub.size() - 5);  // a view, not a copy

  // read_packet takes exactly one packet.
  bytes two = pub;
  two.push_back(0xC0);
  CHECK(read(two, v311, direction::to_client).code == reason_code::malformed_packet);
  CHECK(read(bytes(pub.begin(), pub.end() - 1), v311, direction::to_client).code == reason_code::malformed_packet);
  CHECK(read(bytes{}, v311, direction::to_client).code == reason_code::malformed_packet);
  CHECK(read(bytes{0x30}, v311, direction::to_client).code == reason_code::malformed_packet);
}

TEST_CASE("wire: types the other side never sends are a Protocol Error", "[wire]") {
  const struct {
    const char* wire;
    direction refused_in;
  } rows[] = {
      {"10 0c 00 04 4d 51 54 54 04 02 00 00 00 00", direction::to_client},  // CONNECT
      {"82 06 00 01 00 01 61 00", direction::to_client},                    // SUBSCRIBE
      {"a2 05 00 01 00 01 61", direction::to_client},                       // UNSUBSCRIBE
      {"c0 00", direction::to_client},                                      // PINGREQ
      {"20 02 00 00", direction::to_server},                                // CONNACK
      {"90 03 00 01 00", direction::to_server},                             // SUBACK
      {"b0 02 00 01", direction::to_server},                                // UNSUBACK
      {"d0 00", direction::to_server},                                      // PINGRESP
  };
  for (const auto& row : rows) {
    INFO(row.wire);
    const bytes wire = hex(row.wire);
    CHECK_FALSE(read(wire, v311, row.refused_in == direction::to_client ? direction::to_server : direction::to_client));
    CHECK(read(wire, v311, row.refused_in).code == reason_code::protocol_error);
  }
  // Decided from the fixed header: a malformed body does not change it ...
  CHECK(read(hex("82 03 00 01 00"), v311, direction::to_client).code == reason_code::protocol_error);
  CHECK(read(hex("10 0c 00 04 4d 51 54 58 04 02 00 00 00 00"), v311, direction::to_client).code ==
        reason_code::protocol_error);  // the decoder: 0x84
  // ... but a malformed fixed header stays 0x81, as the decoder says.
  CHECK(read(hex("83 06 00 01 00 01 61 00"), v311, direction::to_client).code == reason_code::malformed_packet);
  CHECK(read(hex("c1 00"), v311, direction::to_client).code == reason_code::malformed_packet);
  CHECK(read(hex("00 00"), v311, direction::to_server).code == reason_code::malformed_packet);
}

TEST_CASE("wire: the rules of each direction", "[wire]") {
  const auto code_to_server = [](const packet& p) { return read(encode_ok(p, v5), v5, direction::to_server).code; };
  const auto code_to_client = [](const packet& p) { return read(encode_ok(p, v5), v5, direction::to_client).code; };
  constexpr auto ok = reason_code::success;
  constexpr auto protocol = reason_code::protocol_error;

  SECTION("[MQTT-3.3.4-6] a Subscription Identifier only in a PUBLISH from the server") {
    const publish_packet p{"t", {}, qos::at_most_once, false, false, 0,
                           only({property::integer(property_id::subscription_identifier, 4)})};
    CHECK(code_to_client(p) == ok);
    CHECK(code_to_server(p) == protocol);
    CHECK(formatted(read(encode_ok(p, v5), v5, direction::to_server)) ==
          "PUBLISH: Subscription Identifier (0x0B): is not allowed from a client [MQTT-3.3.4-6]");
  }
  SECTION("[MQTT-3.14.2-2] a Session Expiry Interval only in a DISCONNECT from the client") {
    const disconnect_packet p{reason_code::success, only({property::integer(property_id::session_expiry_interval, 0)})};
    CHECK(code_to_server(p) == ok);
    CHECK(code_to_client(p) == protocol);
  }
  SECTION("DISCONNECT reason codes by their sender (section 3.14.2.1)") {
    CHECK(code_to_server(disconnect_packet{reason_code::disconnect_with_will_message, {}}) == ok);
    CHECK(code_to_client(disconnect_packet{reason_code::disconnect_with_will_message, {}}) == protocol);
    for (const int code : {0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2}) {
      INFO(static_cast<int>(code));
      CHECK(code_to_client(disconnect_packet{static_cast<reason_code>(code), {}}) == ok);
      CHECK(code_to_server(disconnect_packet{static_cast<reason_code>(code), {}}) == protocol);
    }
    for (const int code : {0x00, 0x80, 0x81, 0x82, 0x83, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99}) {
      INFO(static_cast<int>(code));
      CHECK(code_to_client(disconnect_packet{static_cast<reason_code>(code), {}}) == ok);
      CHECK(code_to_server(disconnect_packet{static_cast<reason_code>(code), {}}) == ok);
    }
  }
  SECTION("AUTH reason codes by their sender (section 3.15.2.1)") {
    const properties method = only({property::string(property_id::authentication_method, "m")});
    CHECK(code_to_client(auth_packet{reason_code::success, method}) == ok);
    CHECK(code_to_server(auth_packet{reason_code::success, method}) == protocol);
    CHECK(code_to_server(auth_packet{reason_code::re_authenticate, method}) == ok);
    CHECK(code_to_client(auth_packet{reason_code::re_authenticate, method}) == protocol);
    CHECK(code_to_server(auth_packet{reason_code::continue_authentication, method}) == ok);
    CHECK(code_to_client(auth_packet{reason_code::continue_authentication, method}) == ok);
  }
  SECTION("a Topic Alias of 0 either way [MQTT-3.3.2-8]") {
    const bytes wire = hex("30 07 00 01 61 03 23 00 00");
    CHECK(read(wire, v5, direction::to_client).code == reason_code::topic_alias_invalid);
    CHECK(read(wire, v5, direction::to_server).code == reason_code::topic_alias_invalid);
  }
  SECTION("a rule of the direction comes after the decoder's") {
    // Subscription Identifier from the client, and a wildcard in the topic: the decoder's 0x82 ...
    CHECK(formatted(read(hex("30 06 00 01 23 02 0b 01"), v5, direction::to_server)) ==
          "PUBLISH: topic name contains a wildcard '+' or '#' [MQTT-3.3.2-2]");
    // ... and a DISCONNECT 0x8B from the client with a bad property: the decoder's 0x81.
    CHECK(read(hex("e0 03 8b 01 24"), v5, direction::to_server).code == reason_code::malformed_packet);
  }
}

TEST_CASE("wire: reason_code_defined is the codec's reason_code_allowed (and 0 in 3.1.1)", "[wire]") {
  for (const protocol_version v : {protocol_version::v311, protocol_version::v5}) {
    for (unsigned type = 1; type <= 15; ++type) {
      for (unsigned code = 0; code < 256; ++code) {
        const auto t = static_cast<packet_type>(type);
        const auto c = static_cast<reason_code>(code);
        INFO("type " << type << " code " << code << " version " << static_cast<unsigned>(v));
        // In 3.1.1 a packet without a reason code has 0 where the reader keeps one;
        // reason_code_allowed answers only for the packets with a code byte.
        const bool expected = (v == protocol_version::v311 && code == 0) || reason_code_allowed(t, c, v);
        CHECK(wire::reason_code_defined(t, c, v) == expected);
      }
    }
  }
}
