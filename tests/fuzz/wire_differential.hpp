// The wire reader (mqttw/wire/read.hpp) checked against the codec's decoder, on any
// bytes: shared by tests/cpp/test_wire_read.cpp and tests/fuzz/fuzz_wire.cpp.
//
// wire_disagreement(input, version, dir, max) cuts `input` into packets with
// frame_size and reads each with read_packet, and decodes the same input with a
// decoder of that version and maximum size. It returns "" when they agree, or what
// differs:
//   - frame_size refuses where the decoder does, with the same code, and says "need
//     more" where the decoder buffers; the decoder refuses a packet whose first
//     byte is malformed (0x81) at that byte, before its rest has come and before
//     its size is found too large;
//   - for a type the direction has, read_packet accepts exactly what the decoder
//     accepts, except a packet that breaks one of the direction's rules (refused
//     with 0x82), and refuses with the decoder's reason code; every field it gives
//     equals the decoded packet's;
//   - for a type the direction does not have, read_packet answers 0x82, or the
//     decoder's 0x81 where the fixed header is malformed;
//   - every problem has a text and formats to a sentence.
#pragma once

#include <string>
#include <vector>

#include "../cpp/packet_equal.hpp"
#include "mqttw/codec/decoder.hpp"
#include "mqttw/wire/read.hpp"

namespace mqttw::test {

// The 0x82 ones.
inline bool breaks_direction_rule(const packet& p, wire::direction dir) {
  const bool to_server = dir == wire::direction::to_server;
  if (const auto* pub = std::get_if<publish_packet>(&p)) {
    return to_server && find_property(pub->props, property_id::subscription_identifier);  // [MQTT-3.3.4-6]
  }
  if (const auto* d = std::get_if<disconnect_packet>(&p)) {
    const auto code = static_cast<std::uint8_t>(d->code);
    if (!to_server) return code == 0x04 || find_property(d->props, property_id::session_expiry_interval);
    return code == 0x87 || code == 0x89 || code == 0x8B || code == 0x8D || code == 0x8E || code == 0x8F ||
           (code >= 0x9A && code <= 0xA2);
  }
  if (const auto* a = std::get_if<auth_packet>(&p)) {
    return a->code == (to_server ? reason_code::success : reason_code::re_authenticate);
  }
  return false;
}

// The direction rules of read.hpp, restated on a decoded packet: the reason code a
// packet that breaks one is refused with, or success.
inline reason_code direction_rule_code(const packet& p, wire::direction dir) {
  if (const auto* c = std::get_if<connect_packet>(&p); c && c->client_id.empty()) {
    if (c->version == protocol_version::v31 || (c->version == protocol_version::v311 && !c->clean_start)) {
      return reason_code::client_identifier_not_valid;
    }
  }
  return breaks_direction_rule(p, dir) ? reason_code::protocol_error : reason_code::success;
}

// Section 2.1.2's direction of flow, restated.
inline bool sent_in(std::uint8_t type, wire::direction dir) {
  if (dir == wire::direction::to_server) return type == 1 || (type >= 3 && type <= 8) || type == 10 || type == 12 || type >= 14;
  return type == 2 || (type >= 3 && type <= 7) || type == 9 || type == 11 || type == 13 || type >= 14;
}

// What the decoder refuses from the first byte alone, before the body.
inline bool fixed_header_malformed(std::uint8_t first, protocol_version version) {
  const std::uint8_t type = first >> 4;
  const std::uint8_t flags = first & 0x0F;
  if (type == 0 || (type == 15 && version != protocol_version::v5)) return true;
  if (type == 3) return (flags & 0x06) == 0x06;
  return flags != (type == 6 || type == 8 || type == 10 ? 0x02 : 0x00);
}

inline std::string problem_text(const wire::problem& p) {
  char text[200];
  const std::size_t n = wire::format_problem(p, text, sizeof text);
  return std::string(text, n) + " (" + reason_code_hex(p.code) + ")";
}

inline properties walk_properties(bytes_view block) {
  properties out;
  property prop;
  for (wire::property_cursor c(block); c.next(prop);) out.push_back(prop);
  return out;
}

// "" when the view shows the decoded packet's fields.
inline std::string field_disagreement(const packet& decoded, const wire::packet_view& v, bytes_view frame) {
  if (v.type != type_of(decoded)) return "type";
  if (v.whole.data() != frame.data() || v.whole.size() != frame.size()) return "whole";
  if (v.flags != (frame[0] & 0x0F)) return "flags";
  if (v.header_size < 2 || v.header_size > 5) return "header_size";
  // props_at: the property length's first byte, and `props` right after it.
  if (v.props_at == 0) {
    if (!v.props.empty()) return "props without props_at";
  } else {
    std::uint32_t length = 0;
    std::size_t at = v.props_at;
    for (int shift = 0;; shift += 7) {
      const std::uint8_t byte = frame[at++];
      length |= static_cast<std::uint32_t>(byte & 0x7F) << shift;
      if (!(byte & 0x80)) break;
    }
    if (v.props.data() != frame.data() + at || v.props.size() != length) return "props_at";
  }
  const properties* props = nullptr;
  std::string why;
  std::visit(
      [&](const auto& p) {
        using T = std::decay_t<decltype(p)>;
        auto check = [&](bool ok, const char* what) {
          if (!ok && why.empty()) why = what;
        };
        if constexpr (std::is_same_v<T, connect_packet>) {
          check(v.version == p.version && v.bridge == p.bridge && v.clean_start == p.clean_start &&
                    v.keep_alive == p.keep_alive && v.client_id == p.client_id,
                "CONNECT fields");
          check(v.has_will == p.will.has_value(), "has_will");
          if (p.will) {
            check(v.will_qos == p.will->qos && v.will_retain == p.will->retain && v.will_topic == p.will->topic &&
                      same_bytes(v.will_payload, p.will->payload),
                  "will");
            check(same(walk_properties(v.will_props), p.will->props), "will properties");
          } else {
            check(v.will_props.empty() && v.will_topic.empty() && v.will_payload.empty(), "no will");
          }
          check(v.has_username == p.username.has_value() && (!p.username || v.username == *p.username), "user name");
          check(v.has_password == p.password.has_value() && (!p.password || same_bytes(v.password, *p.password)),
                "password");
          props = &p.props;
        } else if constexpr (std::is_same_v<T, connack_packet>) {
          check(v.session_present == p.session_present && v.code == p.code, "CONNACK fields");
          props = &p.props;
        } else if constexpr (std::is_same_v<T, publish_packet>) {
          check(v.topic == p.topic && same_bytes(v.payload, p.payload) && v.qos == p.qos && v.retain == p.retain &&
                    v.dup == p.dup && v.packet_id == p.packet_id,
                "PUBLISH fields");
          props = &p.props;
        } else if constexpr (std::is_same_v<T, subscribe_packet>) {
          check(v.packet_id == p.packet_id, "packet id");
          std::size_t i = 0;
          subscription sub;
          reason_code code{};
          for (wire::entry_cursor c(v.type, v.entries); c.next(sub, code); ++i) {
            if (i >= p.subscriptions.size()) break;
            const subscription& s = p.subscriptions[i];
            check(sub.filter == s.filter && sub.max_qos == s.max_qos && sub.no_local == s.no_local &&
                      sub.retain_as_published == s.retain_as_published && sub.retain_handling == s.retain_handling,
                  "subscription");
          }
          check(i == p.subscriptions.size(), "subscription count");
          props = &p.props;
        } else if constexpr (std::is_same_v<T, unsubscribe_packet>) {
          check(v.packet_id == p.packet_id, "packet id");
          std::size_t i = 0;
          subscription sub;
          reason_code code{};
          for (wire::entry_cursor c(v.type, v.entries); c.next(sub, code); ++i) {
            if (i >= p.filters.size()) break;
            check(sub.filter == p.filters[i], "filter");
          }
          check(i == p.filters.size(), "filter count");
          props = &p.props;
        } else if constexpr (std::is_same_v<T, suback_packet> || std::is_same_v<T, unsuback_packet>) {
          check(v.packet_id == p.packet_id, "packet id");
          std::size_t i = 0;
          subscription sub;
          reason_code code{};
          for (wire::entry_cursor c(v.type, v.entries); c.next(sub, code); ++i) {
            if (i >= p.codes.size()) break;
            check(code == p.codes[i], "reason code");
          }
          check(i == p.codes.size(), "reason code count");
          props = &p.props;
        } else if constexpr (std::is_same_v<T, disconnect_packet> || std::is_same_v<T, auth_packet>) {
          check(v.code == p.code, "reason code");
          props = &p.props;
        } else if constexpr (std::is_same_v<T, pingreq_packet> || std::is_same_v<T, pingresp_packet>) {
          check(v.whole.size() == 2, "ping size");
        } else {  // PUBACK, PUBREC, PUBREL, PUBCOMP
          check(v.packet_id == p.packet_id && v.code == p.code, "ack fields");
          props = &p.props;
        }
      },
      decoded);
  if (!why.empty()) return why;
  if (props) {
    if (!same(walk_properties(v.props), *props)) return "properties";
    for (const property& expected : *props) {
      property found;
      if (!wire::find_property(v.props, expected.id, found) || !same(found, *find_property(*props, expected.id))) {
        return "find_property";
      }
    }
  } else if (!v.props.empty()) {
    return "properties on a packet without";
  }
  return {};
}

inline std::string wire_disagreement(bytes_view input, protocol_version version, wire::direction dir,
                                     std::uint32_t max_size = max_packet_size_limit) {
  decoder d({.version = version, .max_packet_size = max_size});
  std::vector<packet> decoded;
  const error err = d.push(input, decoded);
  std::size_t next = 0;
  std::size_t offset = 0;
  while (offset < input.size()) {
    const bytes_view rest = input.subspan(offset);
    wire::problem bad;
    const std::size_t size = wire::frame_size(rest, max_size, bad);
    if (bad) {
      if (!bad.text) return "frame_size: a problem without a text";
      if (next != decoded.size()) return "frame_size refused a packet the decoder decoded: " + problem_text(bad);
      // The decoder says a malformed first byte before the size of a packet too large.
      const bool first_byte = bad.code == reason_code::packet_too_large && fixed_header_malformed(rest[0], version) &&
                              err.code == reason_code::malformed_packet;
      if (err.code != bad.code && !first_byte) return "frame_size said " + problem_text(bad) + ", the decoder " + err.reason;
      return {};
    }
    if (size == 0 || size > rest.size()) {
      if (next != decoded.size()) return "frame_size needs more bytes, the decoder decoded the packet";
      // The decoder refuses an incomplete packet whose first byte is malformed at once.
      const bool early = fixed_header_malformed(rest[0], version) && err.code == reason_code::malformed_packet;
      if (err && !early) return "frame_size needs more bytes, the decoder did not: " + err.reason;
      return {};
    }
    const bytes_view frame = rest.first(size);
    wire::packet_view view;
    const wire::problem p = wire::read_packet(frame, version, dir, view);
    if (p && !p.text) return "read_packet: a problem without a text";
    if (p && problem_text(p).size() < 10) return "format_problem: too short";
    const bool accepted = next < decoded.size();
    if (!accepted && !err) return "the decoder neither decoded nor refused a whole packet";
    const std::uint8_t type = frame[0] >> 4;
    if (!sent_in(type, dir)) {
      const reason_code expected =
          fixed_header_malformed(frame[0], version) ? reason_code::malformed_packet : reason_code::protocol_error;
      if (p.code != expected) return "a type not of this direction: " + problem_text(p);
      if (expected == reason_code::malformed_packet && (accepted || err.code != expected)) {
        return "a malformed fixed header the decoder took otherwise";
      }
    } else if (accepted) {
      const reason_code rule = direction_rule_code(decoded[next], dir);
      if (rule != reason_code::success) {
        if (p.code != rule) return "a direction rule not applied: " + problem_text(p);
      } else if (p) {
        return "read_packet refused what the decoder accepted: " + problem_text(p);
      } else if (std::string why = field_disagreement(decoded[next], view, frame); !why.empty()) {
        return "a field differs: " + why;
      }
    } else if (p.code != err.code) {
      return "read_packet said " + problem_text(p) + ", the decoder " + reason_code_hex(err.code) + " " + err.reason;
    }
    if (!accepted) return {};
    ++next;
    offset += size;
  }
  if (next != decoded.size()) return "the decoder decoded more packets";
  return {};
}

}  // namespace mqttw::test
