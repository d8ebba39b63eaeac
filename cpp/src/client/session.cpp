// What answers the requests in flight (PUBACK, PUBREC, PUBCOMP, SUBACK, UNSUBACK),
// and what a new connection does to them: resent on a resumed session, sent again as
// new on a fresh one. And abandon(), which ends them all.
#include <algorithm>

#include "state.hpp"

namespace mqttw::client {

namespace {

// The first refusal among an acknowledgement's codes (a byte each), or success.
reason_code first_refusal(bytes_view codes) {
  for (std::uint8_t c : codes) {
    if (c >= 0x80) return static_cast<reason_code>(c);
  }
  return reason_code::success;
}

// The topic filters of a SUBSCRIBE or UNSUBSCRIBE.
std::size_t entry_count(const wire::packet_view& p) {
  std::size_t n = 0;
  subscription filter;
  reason_code code;
  for (wire::entry_cursor c(p.type, p.entries); c.next(filter, code);) ++n;
  return n;
}

}  // namespace

// ---- acknowledgements --------------------------------------------------------------

void client::state::finish_publish(const wire::packet_view& p) {
  const std::uint32_t slot = *ids.find(p.packet_id);
  const token tok = slots[slot].tok;
  free_slot(slot);
  emit(event_kind::completed, tok, p.code, keep_packet(p));
  pump();
}

void client::state::on_puback(const wire::packet_view& a) {
  const outbound* o = inflight(a.packet_id, request_kind::publish);
  if (!o || o->req.view.qos != qos::at_least_once) return;  // not ours: ignored
  finish_publish(a);
}

void client::state::on_pubrec(const wire::packet_view& a) {
  outbound* o = inflight(a.packet_id, request_kind::publish);
  if (!o || o->req.view.qos != qos::exactly_once) {
    // 5.0 answers an unknown one (section 4.3.3); 3.1.1 has no way to say so.
    if (v5 && !ids.contains(a.packet_id)) write_ack(packet_type::pubrel, a.packet_id, reason_code::packet_identifier_not_found);
    return;
  }
  if (is_failure(a.code)) return finish_publish(a);  // the flow ends here [MQTT-4.3.3-4]
  if (!o->released) {
    o->released = true;
    if (store_events) emit(event_kind::released, o->tok).packet_id = a.packet_id;
  }
  o->sent = true;  // a resumed one needs no resend now
  write_ack(packet_type::pubrel, a.packet_id, reason_code::success);
}

void client::state::on_pubcomp(const wire::packet_view& a) {
  const outbound* o = inflight(a.packet_id, request_kind::publish);
  if (!o || o->req.view.qos != qos::exactly_once || !o->released) return;
  finish_publish(a);
}

void client::state::on_suback(const wire::packet_view& a) {
  const outbound* o = inflight(a.packet_id, request_kind::subscribe);
  if (!o) return;
  const wire::packet_view& sent = o->req.view;
  const std::size_t filters = entry_count(sent);
  if (a.entries.size() != filters) {
    return protocol_failure(reason_code::protocol_error,
                            join_reason({"SUBACK has ", a.entries.size(), " reason codes for ", filters,
                                         " topic filters (section 3.9.3)"}));
  }
  const bool resubscribe = o->kind == request_kind::resubscribe;
  record_granted(sent, a.entries, resubscribe);
  const token tok = o->tok;
  const reason_code code = first_refusal(a.entries);
  free_slot(*ids.find(a.packet_id));
  emit(resubscribe ? event_kind::resubscribed : event_kind::completed, tok, code, keep_packet(a));
  pump();
}

void client::state::on_unsuback(const wire::packet_view& a) {
  const outbound* o = inflight(a.packet_id, request_kind::unsubscribe);
  if (!o) return;
  const wire::packet_view& sent = o->req.view;
  const std::size_t filters = entry_count(sent);
  if (v5 && a.entries.size() != filters) {
    return protocol_failure(reason_code::protocol_error,
                            join_reason({"UNSUBACK has ", a.entries.size(), " reason codes for ", filters,
                                         " topic filters (section 3.11.3)"}));
  }
  forget_granted(sent, a.entries);
  const token tok = o->tok;
  const reason_code code = first_refusal(a.entries);
  free_slot(*ids.find(a.packet_id));
  emit(event_kind::completed, tok, code, keep_packet(a));
  pump();
}

// ---- sessions ----------------------------------------------------------------------

void client::state::session_resumed() {
  resend_list = live_slots_in_order();
  resend_pos = 0;
  resend_scanned = false;
}

// The server has no session: what was in flight goes again as new messages, in the
// order it was first sent, before what waits in the queue. A QoS 2 message whose
// PUBREC had come reached the server: it is done [MQTT-4.3.3].
void client::state::session_lost() {
  incoming.clear();
  std::vector<outbound> again;
  for (const std::uint32_t slot : live_slots_in_order()) {
    outbound& o = slots[slot];
    if (o.kind == request_kind::publish && o.released) {
      const token tok = o.tok;
      free_slot(slot);
      emit(event_kind::completed, tok);
      continue;
    }
    if (o.kind == request_kind::resubscribe) {
      free_slot(slot);
      continue;
    }
    outbound moved = std::move(o);  // its packet id and kind stay in the slot for free_slot
    free_slot(slot);
    moved.packet_id = 0;
    moved.released = false;
    moved.sent = false;
    moved.counted = false;
    if (moved.kind != request_kind::publish) ++queued_other;
    again.push_back(std::move(moved));
  }
  queue_first(std::move(again));
  if (options.resubscribe) {
    queue_resubscribe();
  } else {
    granted.clear();
  }
}

void client::state::fail_all(reason_code code, std::string_view reason) {
  const error err = make_error(code, std::string(reason));
  for (const std::uint32_t slot : live_slots_in_order()) {
    const token tok = slots[slot].tok;
    const bool tell = slots[slot].kind != request_kind::resubscribe;
    free_slot(slot);
    if (tell) fail_request(tok, err);
  }
  for (const auto& o : queue) {
    if (o.kind != request_kind::resubscribe) fail_request(o.tok, err);
  }
  queue.clear();
  queued_other = 0;
  resend_list.clear();
  resend_pos = 0;
  granted.clear();
}

}  // namespace mqttw::client
