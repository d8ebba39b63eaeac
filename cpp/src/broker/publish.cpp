// PUBLISH in (checks, topic aliases, authorization, QoS 1/2 receipt), routing to the
// matching sessions, and PUBLISH out (flow control, queues, acknowledgements).
#include <algorithm>

#include "state.hpp"

namespace mqttw::broker {

void broker::state::on_publish(connection& c, publish_packet& p, std::uint64_t now) {
  ++stats.messages_received;
  const bool v5 = c.version == protocol_version::v5;
  if (static_cast<std::uint8_t>(p.qos) > static_cast<std::uint8_t>(options.maximum_qos)) {
    return protocol_failure(c, reason_code::qos_not_supported, "PUBLISH QoS above the Maximum QoS [MQTT-3.2.2-11]", now);
  }
  if (p.retain && !options.retain_available) {
    return protocol_failure(c, reason_code::retain_not_supported, "retained PUBLISH, but Retain Available is 0 [MQTT-3.2.2-14]", now);
  }
  std::string_view topic = p.topic;
  if (v5) {
    if (find_property(p.props, property_id::subscription_identifier)) {
      return protocol_failure(c, reason_code::protocol_error, "PUBLISH from a client with a Subscription Identifier [MQTT-3.3.4-6]", now);
    }
    if (const property* a = find_property(p.props, property_id::topic_alias)) {
      if (a->number == 0 || a->number > c.aliases.size()) {
        return protocol_failure(c, reason_code::topic_alias_invalid, "Topic Alias 0 or above the Topic Alias Maximum [MQTT-3.3.2-8] [MQTT-3.3.2-9]", now);
      }
      std::string& slot = c.aliases[a->number - 1];
      if (topic.empty()) {
        if (slot.empty()) return protocol_failure(c, reason_code::protocol_error, "Topic Alias not set yet (section 3.3.4)", now);
        topic = slot;
      } else {
        slot.assign(topic);
      }
    }
  }
  if (topic.empty()) return protocol_failure(c, reason_code::protocol_error, "PUBLISH without a topic [MQTT-3.3.2-1]", now);
  if (topic_levels(topic) > options.max_topic_levels) {
    return protocol_failure(c, reason_code::topic_name_invalid, "PUBLISH topic has more levels than the broker allows", now);
  }
  session& s = *c.sess;
  if (p.qos == qos::exactly_once && s.qos2_received.count(p.packet_id)) {
    send(c, pubrec_packet{p.packet_id, reason_code::success, {}});  // a resent PUBLISH, not a new message [MQTT-4.3.3-10]
    return;
  }
  // Only a 5.0 client is told the Receive Maximum; a 3.1.1 client's QoS 2 ids in flight
  // are bounded by the packet id space anyway.
  if (v5 && p.qos != qos::at_most_once && s.qos2_received.size() - c.carried_qos2.size() + c.unacked_qos1 >= options.receive_maximum) {
    return protocol_failure(c, reason_code::receive_maximum_exceeded, "more unacknowledged QoS 1/2 PUBLISH than Receive Maximum [MQTT-3.3.4-7]", now);
  }
  if (!message_fits(message::counted_size(topic, p.payload))) {
    ++stats.messages_dropped;
    return acknowledge_publish(c, p.qos, p.packet_id, reason_code::quota_exceeded);  // max_message_bytes
  }
  message_ptr m = message::from_publish(topic, p.payload, p.qos, p.retain, p.props, now, &stats.message_bytes);
  if (is_reserved_topic(topic)) return accept_publish(c, m, p.packet_id, reason_code::not_authorized, now);
  if (options.hook_authorize_publish) {
    request r = publish_request(s.client_id, *m);
    pending_request pr{};
    pr.msg = m;
    pr.packet_id = p.packet_id;
    if (p.qos == qos::at_least_once) ++c.unacked_qos1;
    new_request(std::move(r), pr, c);
    return;
  }
  accept_publish(c, m, p.packet_id, reason_code::success, now);
}

// Routes an accepted message and acknowledges it. A refused one is acknowledged with
// the reason in 5.0, and positively in 3.1.1, which has no way to say no [MQTT-3.3.5-2]
// (send writes the 3.1.1 form).
void broker::state::accept_publish(connection& c, const message_ptr& m, std::uint16_t packet_id,
                                   reason_code code, std::uint64_t now) {
  if (code == reason_code::success) publish_internal(m, c.sess, now);
  acknowledge_publish(c, m->qos, packet_id, code);
}

void broker::state::acknowledge_publish(connection& c, mqttw::qos q, std::uint16_t packet_id, reason_code code) {
  if (q == qos::at_least_once) {
    send(c, puback_packet{packet_id, code, {}});
  } else if (q == qos::exactly_once) {
    send(c, pubrec_packet{packet_id, code, {}});
    // After a refusal the packet id is free again [MQTT-4.3.3-9]; a 3.1.1 client was
    // told yes and sends PUBREL, which gets its PUBCOMP either way.
    if (!is_failure(code)) c.sess->qos2_received.insert(packet_id);
  }
}

bool is_reserved_topic(std::string_view topic) {
  bool last = false;
  const std::string_view first = take_topic_level(topic, last);
  if (first == "$share") return true;
  if (first.substr(0, 4) != "$SYS") return false;
  if (first != "$SYS") return true;  // $SYSx/... too, as any topic that starts "$SYS"
  // Level by level against $SYS/broker/connection/+/state; the name may be any level.
  constexpr std::string_view bridge_state[] = {"broker", "connection", "+", "state"};
  for (const std::string_view expected : bridge_state) {
    if (last) return true;  // fewer levels
    const std::string_view level = take_topic_level(topic, last);
    if (expected != "+" && level != expected) return true;
  }
  return !last;  // more levels
}

bool broker::state::message_fits(std::size_t bytes) const {
  return options.max_message_bytes == 0 || stats.message_bytes + bytes <= options.max_message_bytes;
}

void broker::state::release_will(const message_ptr& will, std::uint64_t now) {
  publish_internal(message::will_published(will, now), nullptr, now);
}

// Keeps or clears the retained message, then routes it. `publisher` is null for the
// broker's own messages (wills, $SYS).
void broker::state::publish_internal(const message_ptr& m, const session* publisher, std::uint64_t now) {
  if (m->retain) {
    if (m->payload.empty()) {
      retained.erase(m->topic);  // [MQTT-3.3.1-6] [MQTT-3.3.1-7]
    } else {
      retained.set(m);  // [MQTT-3.3.1-5]
      if (m->expires_at) schedule(m->expires_at);  // to drop it then
    }
    stats.retained = static_cast<std::uint32_t>(retained.size());
  }
  route(m, publisher, now);
}

// ---- routing -----------------------------------------------------------------------

namespace {

// Collects one delivery per session: the highest QoS of its matching subscriptions
// and all their Subscription Identifiers [MQTT-3.3.4-3] [MQTT-3.3.4-4] [MQTT-3.3.4-5].
struct route_visitor {
  broker::state& st;
  const session* publisher;

  void add(session* s, const subscription_options& o) {
    if (!s) return;
    if (o.no_local && s == publisher) return;  // [MQTT-3.8.3-3]
    if (s->match_epoch != st.match_epoch) {
      s->match_epoch = st.match_epoch;
      s->match_slot = st.route_slots.size();
      st.route_slots.push_back({s, o.max_qos, o.retain_as_published});
    } else {
      auto& slot = st.route_slots[s->match_slot];
      slot.qos = std::max(slot.qos, o.max_qos);
      slot.retain_as_published = slot.retain_as_published || o.retain_as_published;
    }
    if (o.subscription_id) {
      st.route_ids.emplace_back(static_cast<std::uint32_t>(s->match_slot), o.subscription_id);
    }
  }
  void on_subscriber(subscriber_id who, const subscription_options& o) { add(st.session_by_id[who], o); }
  void on_shared_group(shared_group& g) {
    // One member per group gets the message, taking turns, online members first (section 4.8.2).
    const std::size_t n = g.members.size();
    if (n == 0) return;
    std::size_t pick = g.next % n;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t k = (g.next + i) % n;
      session* s = st.session_by_id[g.members[k].who];
      if (s && s->conn) {
        pick = k;
        break;
      }
    }
    g.next = (pick + 1) % n;
    subscription_options o = g.members[pick].options;
    o.no_local = false;
    add(st.session_by_id[g.members[pick].who], o);
  }
};

}  // namespace

void broker::state::route(const message_ptr& m, const session* publisher, std::uint64_t now) {
  ++match_epoch;
  route_slots.clear();
  route_ids.clear();
  route_visitor v{*this, publisher};
  subscriptions.match(m->topic, v);
  // A session's identifiers come from every filter that matched it, in any order of
  // visits: sorted by slot, they are read in one pass.
  std::sort(route_ids.begin(), route_ids.end());
  std::size_t next_id = 0;
  for (std::size_t i = 0; i < route_slots.size(); ++i) {
    const match_slot& slot = route_slots[i];
    ids_scratch.clear();
    for (; next_id < route_ids.size() && route_ids[next_id].first == i; ++next_id) {
      ids_scratch.push_back(route_ids[next_id].second);
    }
    const auto q = std::min(m->qos, slot.qos);  // [MQTT-3.8.4-8]
    const bool retain = slot.retain_as_published && m->retain;  // [MQTT-3.3.1-12] [MQTT-3.3.1-13]
    deliver(*slot.who, m, q, retain, ids_scratch.data(), ids_scratch.size(), now);
  }
}

std::size_t broker::state::inflight_window(const session& s) const {
  const std::size_t peer = s.conn ? s.conn->peer_receive_maximum : 65535;
  return std::min<std::size_t>(peer, options.max_inflight);  // [MQTT-3.3.4-9]
}

void broker::state::deliver(session& s, const message_ptr& m, mqttw::qos q, bool retain,
                            const std::uint32_t* ids, std::size_t id_count, std::uint64_t now) {
  delivery d{m, q, retain, std::vector<std::uint32_t>(ids, ids + id_count)};
  if (q == qos::at_most_once) {
    if (s.conn) send_publish(*s.conn, d, false, 0, now);  // QoS 0 is not kept for an offline session
    return;
  }
  if (s.conn && s.queue.empty() && s.unsent == 0 && s.inflight.size() < inflight_window(s)) {
    const std::uint16_t id = next_packet_id(s);
    if (send_publish(*s.conn, d, false, id, now)) s.inflight.emplace(id, inflight_message{std::move(d), false, s.sends++});
    return;
  }
  if (s.queue.size() >= options.max_queued) {
    ++stats.messages_dropped;
    return;
  }
  s.queue.push_back(std::move(d));
}

std::uint16_t broker::state::next_packet_id(session& s) {
  do {
    if (++s.last_packet_id == 0) s.last_packet_id = 1;  // [MQTT-2.2.1-4]
  } while (s.inflight.count(s.last_packet_id));
  return s.last_packet_id;
}

// Encodes the PUBLISH into the connection's output. False when it was not sent: it
// expired before its first send [MQTT-3.3.2-5], or it is larger than the client
// accepts [MQTT-3.1.2-24] [MQTT-3.1.2-25]. A resend (`dup`) is never expired: its
// onward delivery has started [MQTT-4.3.3-7].
bool broker::state::send_publish(connection& c, const delivery& d, bool dup, std::uint16_t packet_id,
                                 std::uint64_t now) {
  const message& m = *d.msg;
  if (!dup && m.expires_at && now > m.expires_at) {  // an interval of 0 still reaches who is online now
    ++stats.messages_dropped;
    return false;
  }
  publish_packet p{m.topic, m.payload, d.qos, d.retain, dup, packet_id, {}};
  if (c.version == protocol_version::v5) {
    props.assign(m.props.begin(), m.props.end());
    if (m.expires_at) {
      // The time left, rounded up [MQTT-3.3.2-6]; none for a resend that outlived it.
      const std::uint64_t left = m.expires_at > now ? (m.expires_at - now + 999) / 1000 : 0;
      props.push_back(property::integer(property_id::message_expiry_interval, static_cast<std::uint32_t>(left)));
    }
    for (std::uint32_t id : d.subscription_ids) props.push_back(property::integer(property_id::subscription_identifier, id));
    p.props = std::move(props);
  }
  const std::size_t before = c.out.size();
  send(c, p);
  if (c.version == protocol_version::v5) props = std::move(p.props);
  if (c.out.size() - before > c.peer_max_packet_size) {
    c.out.resize(before);
    ++stats.messages_dropped;
    return false;
  }
  ++stats.messages_sent;
  return true;
}

// Moves what waits into flight while the window has room: first the resumed messages not
// resent yet, in their first-send order, then the queue.
void broker::state::send_queued(session& s, std::uint64_t now) {
  if (!s.conn) return;
  const std::size_t window = inflight_window(s);
  while (s.unsent && s.inflight.size() - s.unsent < window) {
    auto next = s.inflight.end();
    for (auto it = s.inflight.begin(); it != s.inflight.end(); ++it) {
      if (it->second.unsent && (next == s.inflight.end() || it->second.sent < next->second.sent)) next = it;
    }
    next->second.unsent = false;
    --s.unsent;
    resend(s, next, now);
  }
  while (s.unsent == 0 && !s.queue.empty() && s.inflight.size() < window) {
    delivery d = std::move(s.queue.front());
    s.queue.pop_front();
    if (d.qos == qos::at_most_once) {
      send_publish(*s.conn, d, false, 0, now);
      continue;
    }
    const std::uint16_t id = next_packet_id(s);
    if (send_publish(*s.conn, d, false, id, now)) s.inflight.emplace(id, inflight_message{std::move(d), false, s.sends++});
  }
}

// Resends one in-flight entry: PUBREL when PUBREC came, else the PUBLISH with DUP
// [MQTT-3.3.1-1]. False when it was dropped, being now too large for the client (as if
// it was sent [MQTT-3.1.2-25]).
bool broker::state::resend(session& s, std::map<std::uint16_t, inflight_message>::iterator it, std::uint64_t now) {
  if (it->second.released) {
    send(*s.conn, pubrel_packet{it->first, reason_code::success, {}});
    return true;
  }
  if (send_publish(*s.conn, it->second.what, true, it->first, now)) return true;
  erase_inflight(s, it);
  return false;
}

void broker::state::erase_inflight(session& s, std::map<std::uint16_t, inflight_message>::iterator it) {
  if (it->second.unsent) --s.unsent;
  s.inflight.erase(it);
}

// Resends what is in flight, in the order it was first sent [MQTT-4.6.0-5] (packet ids
// wrap, so the map's order is not that order), as far as the new connection's Receive
// Maximum allows [MQTT-3.3.4-9]; the rest follows as acknowledgements make room.
void broker::state::resend_inflight(session& s, std::uint64_t now) {
  std::vector<std::map<std::uint16_t, inflight_message>::iterator> order;
  order.reserve(s.inflight.size());
  for (auto it = s.inflight.begin(); it != s.inflight.end(); ++it) order.push_back(it);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a->second.sent < b->second.sent; });
  const std::size_t window = inflight_window(s);
  std::size_t resent = 0;
  s.unsent = 0;
  for (const auto& it : order) {
    it->second.unsent = resent >= window;
    if (it->second.unsent) {
      ++s.unsent;
    } else if (resend(s, it, now)) {
      ++resent;
    }
  }
}

// ---- acknowledgements --------------------------------------------------------------

void broker::state::on_puback(connection& c, const puback_packet& p, std::uint64_t now) {
  session& s = *c.sess;
  auto it = s.inflight.find(p.packet_id);
  if (it == s.inflight.end() || it->second.what.qos != qos::at_least_once) return;  // unknown: ignored
  erase_inflight(s, it);
  send_queued(s, now);
}

void broker::state::on_pubrec(connection& c, const pubrec_packet& p, std::uint64_t now) {
  session& s = *c.sess;
  auto it = s.inflight.find(p.packet_id);
  if (it == s.inflight.end() || it->second.what.qos != qos::exactly_once) {
    send(c, pubrel_packet{p.packet_id, reason_code::packet_identifier_not_found, {}});
    return;
  }
  if (is_failure(p.code)) {  // the client refused it: the exchange ends
    erase_inflight(s, it);
    send_queued(s, now);
    return;
  }
  it->second.released = true;
  it->second.what.msg = nullptr;  // only the packet id is needed now
  if (it->second.unsent) {  // the client had it from the last connection: PUBREL goes now
    it->second.unsent = false;
    --s.unsent;
  }
  send(c, pubrel_packet{p.packet_id, reason_code::success, {}});  // [MQTT-4.3.3-4]
}

void broker::state::on_pubrel(connection& c, const pubrel_packet& p, std::uint64_t) {
  const bool known = c.sess->qos2_received.erase(p.packet_id) != 0;
  c.carried_qos2.erase(p.packet_id);
  send(c, pubcomp_packet{p.packet_id, known ? reason_code::success : reason_code::packet_identifier_not_found, {}});
}

void broker::state::on_pubcomp(connection& c, const pubcomp_packet& p, std::uint64_t now) {
  session& s = *c.sess;
  auto it = s.inflight.find(p.packet_id);
  if (it == s.inflight.end() || !it->second.released) return;
  erase_inflight(s, it);
  send_queued(s, now);
}

}  // namespace mqttw::broker
