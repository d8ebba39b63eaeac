// Requests out: PUBLISH, SUBSCRIBE and UNSUBSCRIBE checked, queued in order or sent
// at once, packet ids, the server's Receive Maximum window, first sends and resends.
#include <algorithm>

#include "state.hpp"

namespace mqttw::client {

namespace {

error too_large(packet_type type, std::size_t size, std::uint32_t max) {
  return make_error(reason_code::packet_too_large,
                    join_reason({packet_type_name(type), " of ", size,
                                 " bytes is larger than the server's Maximum Packet Size of ", max,
                                 " bytes [MQTT-3.2.2-15]"}));
}

// A PUBLISH's own Topic Alias (5.0), or 0.
std::uint32_t own_alias(const wire::packet_view& p) { return wire::property_number(p.props, property_id::topic_alias); }

}  // namespace

// ---- requests ----------------------------------------------------------------------

void client::state::publish(token tok, const wire::packet_view& p) {
  // An application's Topic Alias with an empty topic stands for the topic it was
  // given on this connection: that is the message's topic, kept for resends.
  std::string_view topic = p.topic;
  if (topic.empty() && v5) {
    if (const std::uint32_t alias = own_alias(p); alias != 0) {
      if (connected && alias <= 0xFFFF) topic = aliases_out.topic_of(static_cast<std::uint16_t>(alias));
      if (topic.empty()) {
        return fail_request(tok, make_error(reason_code::topic_alias_invalid,
                                            join_reason({"PUBLISH: Topic Alias ", alias,
                                                         " with an empty topic, but the alias stands for no topic on "
                                                         "this connection"})));
      }
    }
  }
  const bool at_once = connected && queue.empty() && resend_pos >= resend_list.size();
  if (at_once && p.qos == qos::at_most_once) {
    // The common case: straight into the output.
    if (error err = publish_limits(topic, p, false)) return fail_request(tok, err);
    if (error err = write_publish(topic, p, false, 0, true)) return fail_request(tok, err);
    emit(event_kind::completed, tok);
    return;
  }
  if (at_once && p.qos != qos::at_most_once && window_open() && ids.size() < 0xFFFF) {
    if (error err = publish_limits(topic, p, true)) return fail_request(tok, err);
    outbound o;
    o.tok = tok;
    o.req.assign(p, topic);
    send(take_slot(std::move(o), next_packet_id()), false);
    return;
  }
  if (connected) {
    if (error err = publish_limits(topic, p, p.qos != qos::at_most_once)) return fail_request(tok, err);
  }
  if (!connected && p.qos == qos::at_most_once && !options.queue_qos0) {
    return fail_request(tok, make_error(reason_code::unspecified_error,
                                        "PUBLISH: not connected, and QoS 0 messages wait only with queueQoSZero: true"));
  }
  outbound o;
  o.tok = tok;
  o.req.assign(p, topic);
  enqueue(std::move(o));
}

void client::state::control(request_kind kind, token tok, const wire::packet_view& p) {
  outbound o;
  o.kind = kind;
  o.tok = tok;
  o.req.assign(p);
  send_or_queue_control(std::move(o));
}

// Only PUBLISH waits for the window: what waits in the queue while connected does not
// hold a SUBSCRIBE or UNSUBSCRIBE back [MQTT-3.3.4-8].
void client::state::send_or_queue_control(outbound o) {
  if (connected) {
    if (const std::uint16_t id = next_packet_id()) {
      send(take_slot(std::move(o), id), false);
      return;
    }
  }
  enqueue(std::move(o));
}

void client::state::restore(token tok, const wire::packet_view& p, bool released) {
  if (p.qos == qos::at_most_once || p.topic.empty()) {
    return fail_request(tok, make_error(reason_code::protocol_error,
                                        "restore(): needs a QoS 1 or 2 PUBLISH with its topic and packet identifier"));
  }
  if (ids.contains(p.packet_id)) {
    return fail_request(tok, make_error(reason_code::packet_identifier_in_use,
                                        join_reason({"restore(): packet identifier ", p.packet_id, " is in use"})));
  }
  outbound o;
  o.tok = tok;
  o.req.assign(p, p.topic);
  o.released = released && p.qos == qos::exactly_once;
  o.order = next_order++;
  const std::uint32_t slot = take_slot(std::move(o), p.packet_id);
  if (connected) {
    resend_list.push_back(slot);
    resend_scanned = false;
    pump();
  }
}

// Appends the queue to `first` and makes that the queue: push_back only, whose code the
// client has anyway (a vector's range insert is 1.4 kB more in wasm).
void client::state::queue_first(std::vector<outbound>&& first) {
  first.reserve(first.size() + queue.size());
  for (outbound& o : queue) first.push_back(std::move(o));
  queue = std::move(first);
}

bool client::state::enqueue(outbound&& o) {
  // Only while offline: beyond the in-flight window a burst waits its turn, as much of
  // it as the application makes (MQTT.js sends a burst whole; none of it may be lost).
  if (options.max_queued != 0 && !connected && queue.size() >= options.max_queued) {
    fail_request(o.tok, make_error(reason_code::quota_exceeded,
                                   join_reason({"the queue is full: ", options.max_queued,
                                                " requests are waiting already (maxQueued)"})));
    return false;
  }
  if (o.kind != request_kind::publish) ++queued_other;
  queue.push_back(std::move(o));
  return true;
}

// ---- checks ------------------------------------------------------------------------

error client::state::publish_limits(std::string_view topic, const wire::packet_view& p, bool size) {
  if (static_cast<std::uint8_t>(p.qos) > static_cast<std::uint8_t>(max_qos)) {
    return make_error(reason_code::qos_not_supported,
                      join_reason({"PUBLISH: QoS ", static_cast<unsigned>(p.qos), " is above the server's Maximum QoS ",
                                   static_cast<unsigned>(max_qos), " [MQTT-3.2.2-11]"}));
  }
  if (p.retain && !retain_available) {
    return make_error(reason_code::retain_not_supported,
                      "PUBLISH: retained, but the server's Retain Available is 0 [MQTT-3.2.2-14]");
  }
  if (v5) {
    if (const std::uint32_t alias = own_alias(p); alias > alias_maximum) {
      return make_error(reason_code::topic_alias_invalid,
                        join_reason({"PUBLISH: Topic Alias ", alias, " is above the server's Topic Alias Maximum ",
                                     alias_maximum, " [MQTT-3.2.2-17]"}));
    }
  }
  if (size && max_packet_size < max_packet_size_limit) {
    // The size with the full topic, as a resend on another connection goes.
    const std::size_t n = wire::publish_size(p, {topic, 1, false, true, 0}, version);
    if (n > max_packet_size) return too_large(packet_type::publish, n, max_packet_size);
  }
  return {};
}

// ---- output ------------------------------------------------------------------------

error client::state::write_publish(std::string_view topic, const wire::packet_view& p, bool dup, std::uint16_t id,
                                   bool aliases) {
  wire::publish_change c{topic, id, dup, aliases, 0};
  const std::uint32_t app_alias = v5 ? own_alias(p) : 0;
  std::uint16_t new_alias = 0;  // mapped to the topic once the packet is written
  bool auto_alias = false;
  if (aliases && v5 && !topic.empty()) {
    if (app_alias != 0 && app_alias <= aliases_out.max()) {
      const auto a = static_cast<std::uint16_t>(app_alias);
      if (aliases_out.maps(a, topic)) {
        c.topic = {};
      } else {
        new_alias = a;
      }
    } else if (app_alias == 0 && options.auto_topic_alias && aliases_out.max() > 0) {
      auto_alias = true;
      if (const std::uint16_t known = aliases_out.find(topic)) {
        c.topic = {};  // the alias alone stands for the topic
        c.alias = known;
      } else {
        new_alias = aliases_out.pick();
        c.alias = new_alias;
      }
    }
  }
  std::size_t size = wire::publish_size(p, c, version);
  if (size > max_packet_size && auto_alias && new_alias != 0) {
    // A first use carries topic and alias; the topic alone may still fit.
    c.alias = 0;
    new_alias = 0;
    size = wire::publish_size(p, c, version);
  }
  if (size > max_packet_size) return too_large(packet_type::publish, size, max_packet_size);
  if (!open) return {};
  wire::write_publish(output, p, c, version);
  if (new_alias != 0) aliases_out.set(new_alias, topic);
  last_write = now;
  return {};
}

error client::state::write_with_id(const wire::packet_view& p, std::uint16_t id) {
  if (p.whole.size() > max_packet_size) return too_large(p.type, p.whole.size(), max_packet_size);
  if (!open) return {};
  wire::write_with_id(output, p, id);
  last_write = now;
  return {};
}

// ---- in flight ---------------------------------------------------------------------

// The client may not have more QoS 1/2 PUBLISH unacknowledged than the server's
// Receive Maximum [MQTT-4.9.0-2].
bool client::state::window_open() const { return window_used < receive_maximum; }

// Round robin from the last one, never one in use [MQTT-2.2.1-3].
std::uint16_t client::state::next_packet_id() {
  if (ids.size() >= 0xFFFF) return 0;
  std::uint16_t id = last_packet_id;
  do {
    if (++id == 0) id = 1;
  } while (ids.contains(id));
  last_packet_id = id;
  return id;
}

std::uint32_t client::state::take_slot(outbound&& o, std::uint16_t id) {
  std::uint32_t slot;
  if (!free_slots.empty()) {
    slot = free_slots.back();
    free_slots.pop_back();
    slots[slot] = std::move(o);
  } else {
    slot = static_cast<std::uint32_t>(slots.size());
    slots.push_back(std::move(o));
  }
  slots[slot].packet_id = id;
  ids.set(id, slot);
  if (slots[slot].kind == request_kind::publish) ++inflight_publishes;
  return slot;
}

void client::state::free_slot(std::uint32_t slot) {
  outbound& o = slots[slot];
  ids.erase(o.packet_id);
  if (o.kind == request_kind::publish) {
    --inflight_publishes;
    if (o.counted) --window_used;
  }
  o = outbound{};
  free_slots.push_back(slot);
}

outbound* client::state::inflight(std::uint16_t id, request_kind kind) {
  const std::uint32_t* slot = ids.find(id);
  if (!slot) return nullptr;
  outbound& o = slots[*slot];
  const bool subscribe_kind = o.kind == request_kind::subscribe || o.kind == request_kind::resubscribe;
  if (o.kind == kind || (kind == request_kind::subscribe && subscribe_kind)) return &o;
  return nullptr;
}

std::vector<std::uint32_t> client::state::live_slots_in_order() {
  std::vector<std::uint32_t> live;
  live.reserve(ids.size());
  for (std::uint32_t i = 0; i < slots.size(); ++i) {
    if (slots[i].packet_id != 0) live.push_back(i);
  }
  // A heap sort: std::sort's code is several times larger, and this runs only when a
  // session is resumed, lost or failed. Orders are unique, so stability is moot.
  auto by_order = [this](std::uint32_t a, std::uint32_t b) { return slots[a].order < slots[b].order; };
  std::make_heap(live.begin(), live.end(), by_order);
  std::sort_heap(live.begin(), live.end(), by_order);
  return live;
}

// Writes the request in `slot`: its first send, or (`again`) the resend of a resumed
// session with its packet id: PUBLISH with DUP and its full topic, since aliases do
// not outlive a connection [MQTT-3.3.2-7], or PUBREL once PUBREC had come
// [MQTT-4.4.0-1]. A request the codec or the server's Maximum Packet Size refuses is
// dropped and fails (a resend only when this connection's maximum is smaller).
bool client::state::send(std::uint32_t slot, bool again) {
  outbound& o = slots[slot];
  error err;
  if (o.kind == request_kind::publish) {
    if (o.released) {
      write_ack(packet_type::pubrel, o.packet_id, reason_code::success);
    } else {
      err = write_publish(o.req.topic, o.req.view, again, o.packet_id, !again);
      if (!err) {
        o.counted = true;
        ++window_used;
      }
    }
  } else {
    err = write_with_id(o.req.view, o.packet_id);
  }
  if (err) {
    const token tok = o.tok;
    const bool tell = o.kind != request_kind::resubscribe;
    free_slot(slot);
    if (tell) fail_request(tok, err);
    return false;
  }
  o.sent = true;
  if (!again) {
    o.order = next_order++;
    if (o.kind == request_kind::publish && store_events) {
      event& e = emit(event_kind::stored, o.tok);
      e.packet_id = o.packet_id;
      if (o.req.view.topic.empty()) e.text = o.req.topic;
    }
  }
  return true;
}

// PUBLISH beyond the window waits, and the PUBLISH behind it wait too, to keep their
// order; nothing else waits for the window [MQTT-3.3.4-8].
void client::state::pump() {
  bool blocked = false;  // a PUBLISH to resend waits for the window
  for (std::size_t i = resend_pos; connected && i < resend_list.size(); ++i) {
    if (blocked && resend_scanned) break;  // only PUBLISH is left to resend
    const std::uint32_t slot = resend_list[i];
    const outbound& o = slots[slot];
    if (o.packet_id == 0 || o.sent) {
      if (!blocked) resend_pos = i + 1;
      continue;
    }
    const bool is_publish = o.kind == request_kind::publish && !o.released;
    if (is_publish && (blocked || !window_open())) {
      blocked = true;
      continue;
    }
    if (!blocked) resend_pos = i + 1;
    send(slot, true);
  }
  if (connected) resend_scanned = true;
  if (resend_pos >= resend_list.size()) {
    resend_list.clear();
    resend_pos = 0;
  }
  // One pass over the queue: what stays moves down to queue[0, kept), in order, and
  // the rest is cut off at the end (erasing one by one would make a long queue
  // quadratic). Nothing called here adds to the queue.
  std::size_t kept = 0;
  const auto keep = [&](std::size_t i) {
    if (kept != i) queue[kept] = std::move(queue[i]);
    ++kept;
  };
  std::size_t i = 0;
  for (; connected && i < queue.size(); ++i) {
    if (blocked && queued_other == 0) break;  // only PUBLISH is left, behind the blocked one
    outbound& o = queue[i];
    if (o.kind == request_kind::publish) {
      if (blocked) {
        keep(i);
        continue;
      }
      const wire::packet_view& p = o.req.view;
      // The limits of this connection's server, which may not be the one that was
      // there when the request came.
      if (error err = publish_limits(o.req.topic, p, p.qos != qos::at_most_once)) {
        fail_request(o.tok, err);
        continue;
      }
      if (p.qos == qos::at_most_once) {
        if (error err = write_publish(o.req.topic, p, false, 0, true)) {
          fail_request(o.tok, err);
        } else {
          emit(event_kind::completed, o.tok);
        }
        continue;
      }
      if (!window_open()) {
        blocked = true;
        keep(i);
        continue;
      }
    }
    const std::uint16_t id = next_packet_id();
    if (id == 0) break;  // this one and the rest wait for a free id
    if (o.kind != request_kind::publish) --queued_other;
    send(take_slot(std::move(o), id), false);
  }
  for (; i < queue.size(); ++i) keep(i);
  queue.erase(queue.begin() + static_cast<std::ptrdiff_t>(kept), queue.end());
}

}  // namespace mqttw::client
