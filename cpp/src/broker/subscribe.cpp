// SUBSCRIBE (limits, authorization, retained messages on subscribe) and UNSUBSCRIBE.
#include <algorithm>

#include "mqttw/topic.hpp"
#include "state.hpp"

namespace mqttw::broker {

void broker::state::on_subscribe(connection& c, const subscribe_packet& p, std::uint64_t now) {
  const bool v5 = c.version == protocol_version::v5;
  // A 3.1.1 bridge has no subscription options to ask for what a bridge needs: not its
  // own messages back (a loop), and the retain flag as published (so that the other
  // broker keeps retained messages). Mosquitto grants both to such a bridge.
  const bool bridge311 = c.bridge && !v5;
  session& s = *c.sess;
  std::uint32_t sub_id = 0;
  if (v5) {
    if (const property* id = find_property(p.props, property_id::subscription_identifier)) sub_id = id->number;
  }
  pending_subscribe ps{};
  ps.conn = c.id;
  ps.packet_id = p.packet_id;
  std::size_t held = s.subscriptions.size();
  for (const subscription& sub : p.subscriptions) {
    pending_subscribe::entry e{};
    e.filter = std::string(sub.filter);
    e.options = {std::min(sub.max_qos, options.maximum_qos), sub.no_local || bridge311,
                 sub.retain_as_published || bridge311, sub.retain_handling, sub_id};
    shared_filter shared{};
    const bool is_shared = split_shared_filter(sub.filter, shared);
    if (is_shared && sub.no_local) {
      return protocol_failure(c, reason_code::protocol_error, "No Local on a shared subscription [MQTT-3.8.3-4]", now);
    }
    const std::string_view plain = is_shared ? shared.filter : sub.filter;
    if (topic_levels(plain) > options.max_topic_levels) {
      e.code = reason_code::topic_filter_invalid;
    } else if (options.max_subscriptions && held >= options.max_subscriptions && !s.subscriptions.count(e.filter)) {
      e.code = reason_code::quota_exceeded;
    } else {
      if (!s.subscriptions.count(e.filter)) ++held;
      e.code = static_cast<reason_code>(e.options.max_qos);  // granted QoS [MQTT-3.8.4-7]
      e.asked = options.hook_authorize_subscribe;
    }
    ps.entries.push_back(std::move(e));
  }
  const std::uint32_t key = next_request;  // unique while in use: request ids never repeat soon
  auto& stored = subscribes.emplace(key, std::move(ps)).first->second;
  for (std::size_t i = 0; i < stored.entries.size(); ++i) {
    auto& e = stored.entries[i];
    if (!e.asked) continue;
    request r{};
    r.kind = request_kind::authorize_subscribe;
    r.client_id = s.client_id;
    r.topic = e.filter;
    r.qos = e.options.max_qos;
    pending_request pr{};
    pr.subscribe = key;
    pr.entry = i;
    ++stored.unanswered;
    new_request(std::move(r), pr, c);
  }
  if (stored.unanswered == 0) finish_subscribe(key, now);
}

void broker::state::finish_subscribe(std::uint32_t key, std::uint64_t now) {
  auto it = subscribes.find(key);
  if (it == subscribes.end()) return;
  pending_subscribe ps = std::move(it->second);
  subscribes.erase(it);
  connection* c = find(ps.conn);
  if (!c || c->phase != conn_phase::connected) return;
  session& s = *c->sess;
  suback_packet ack{ps.packet_id, {}, {}};
  struct retained_due {
    std::string filter;
    subscription_options options;
  };
  std::vector<retained_due> due;
  for (auto& e : ps.entries) {
    const bool ok = !is_failure(e.code);
    ack.codes.push_back(e.code);  // 3.1.1 gets 0x80 for every failure (send)
    if (!ok) continue;
    e.options.max_qos = static_cast<mqttw::qos>(e.code);
    shared_filter shared{};
    const bool is_shared = split_shared_filter(e.filter, shared);
    const bool fresh = is_shared ? subscriptions.subscribe_shared(shared.group, shared.filter, s.id, e.options)
                                 : subscriptions.subscribe(e.filter, s.id, e.options);
    s.subscriptions[e.filter] = e.options;  // replaces an existing one [MQTT-3.8.4-3]
    // Retained messages: not for shared subscriptions (section 4.8.2), and by Retain
    // Handling [MQTT-3.3.1-9] [MQTT-3.3.1-10] [MQTT-3.3.1-11].
    const auto rh = e.options.retain_handling;
    if (!is_shared && (rh == retain_handling::send_on_subscribe ||
                       (rh == retain_handling::send_if_new_subscription && fresh))) {
      due.push_back({e.filter, e.options});
    }
  }
  stats.subscriptions = static_cast<std::uint32_t>(subscriptions.size());
  send(*c, ack);
  for (const auto& d : due) {
    std::vector<message_ptr> found;
    retained.match(d.filter, [&](const message_ptr& m) { found.push_back(m); });
    const std::uint32_t ids[1] = {d.options.subscription_id};
    for (const auto& m : found) {
      // A retained message keeps its retain flag when sent for a subscription (section 3.3.1.3;
      // 3.1.1: [MQTT-3.3.1-8]).
      deliver(s, m, std::min(m->qos, d.options.max_qos), true, ids, d.options.subscription_id ? 1 : 0, now);
    }
  }
}

void broker::state::on_unsubscribe(connection& c, const unsubscribe_packet& p, std::uint64_t) {
  session& s = *c.sess;
  unsuback_packet ack{p.packet_id, {}, {}};
  for (std::string_view filter : p.filters) {
    auto it = s.subscriptions.find(filter);
    if (it == s.subscriptions.end()) {
      ack.codes.push_back(reason_code::no_subscription_existed);
      continue;
    }
    shared_filter shared{};
    if (split_shared_filter(filter, shared)) {
      subscriptions.unsubscribe_shared(shared.group, shared.filter, s.id);
    } else {
      subscriptions.unsubscribe(filter, s.id);
    }
    s.subscriptions.erase(it);
    ack.codes.push_back(reason_code::success);
  }
  stats.subscriptions = static_cast<std::uint32_t>(subscriptions.size());
  send(c, ack);  // [MQTT-3.10.4-4]
}

void broker::state::remove_subscriptions(session& s) {
  for (const auto& [filter, options_] : s.subscriptions) {
    shared_filter shared{};
    if (split_shared_filter(filter, shared)) {
      subscriptions.unsubscribe_shared(shared.group, shared.filter, s.id);
    } else {
      subscriptions.unsubscribe(filter, s.id);
    }
  }
  s.subscriptions.clear();
  stats.subscriptions = static_cast<std::uint32_t>(subscriptions.size());
}

}  // namespace mqttw::broker
