// Field-by-field equality of packets, for round-trip checks in the Catch2 suites and
// the fuzzers. Views compare by content.
#pragma once

#include <algorithm>

#include "mqttw/codec/packet.hpp"

namespace mqttw::test {

inline bool same_bytes(bytes_view a, bytes_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

inline bool same(const property& a, const property& b) {
  return a.id == b.id && a.number == b.number && a.text == b.text && a.value == b.value &&
         same_bytes(a.data, b.data);
}

inline bool same(const properties& a, const properties& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!same(a[i], b[i])) return false;
  }
  return true;
}

inline bool same(const will_message& a, const will_message& b) {
  return a.topic == b.topic && same_bytes(a.payload, b.payload) && a.qos == b.qos && a.retain == b.retain &&
         same(a.props, b.props);
}

inline bool same(const connect_packet& a, const connect_packet& b) {
  return a.version == b.version && a.bridge == b.bridge && a.clean_start == b.clean_start &&
         a.keep_alive == b.keep_alive && a.client_id == b.client_id && a.will.has_value() == b.will.has_value() &&
         (!a.will || same(*a.will, *b.will)) && a.username == b.username &&
         a.password.has_value() == b.password.has_value() && (!a.password || same_bytes(*a.password, *b.password)) &&
         same(a.props, b.props);
}

inline bool same(const connack_packet& a, const connack_packet& b) {
  return a.session_present == b.session_present && a.code == b.code && same(a.props, b.props);
}

inline bool same(const publish_packet& a, const publish_packet& b) {
  return a.topic == b.topic && same_bytes(a.payload, b.payload) && a.qos == b.qos && a.retain == b.retain &&
         a.dup == b.dup && (a.qos == qos::at_most_once || a.packet_id == b.packet_id) && same(a.props, b.props);
}

template <packet_type T>
bool same(const ack_packet<T>& a, const ack_packet<T>& b) {
  return a.packet_id == b.packet_id && a.code == b.code && same(a.props, b.props);
}

inline bool same(const subscription& a, const subscription& b) {
  return a.filter == b.filter && a.max_qos == b.max_qos && a.no_local == b.no_local &&
         a.retain_as_published == b.retain_as_published && a.retain_handling == b.retain_handling;
}

inline bool same(const subscribe_packet& a, const subscribe_packet& b) {
  if (a.packet_id != b.packet_id || !same(a.props, b.props) || a.subscriptions.size() != b.subscriptions.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.subscriptions.size(); ++i) {
    if (!same(a.subscriptions[i], b.subscriptions[i])) return false;
  }
  return true;
}

inline bool same(const suback_packet& a, const suback_packet& b) {
  return a.packet_id == b.packet_id && a.codes == b.codes && same(a.props, b.props);
}

inline bool same(const unsubscribe_packet& a, const unsubscribe_packet& b) {
  return a.packet_id == b.packet_id && a.filters == b.filters && same(a.props, b.props);
}

inline bool same(const unsuback_packet& a, const unsuback_packet& b) {
  return a.packet_id == b.packet_id && a.codes == b.codes && same(a.props, b.props);
}

inline bool same(const pingreq_packet&, const pingreq_packet&) { return true; }
inline bool same(const pingresp_packet&, const pingresp_packet&) { return true; }

inline bool same(const disconnect_packet& a, const disconnect_packet& b) {
  return a.code == b.code && same(a.props, b.props);
}

inline bool same(const auth_packet& a, const auth_packet& b) { return a.code == b.code && same(a.props, b.props); }

inline bool same(const packet& a, const packet& b) {
  if (a.index() != b.index()) return false;
  return std::visit(
      [&](const auto& left) {
        using T = std::decay_t<decltype(left)>;
        return same(left, std::get<T>(b));
      },
      a);
}

}  // namespace mqttw::test
