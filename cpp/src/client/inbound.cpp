// PUBLISH in: incoming Topic Aliases, QoS 1 and 2 receipt (QoS 2 exactly once: its
// packet id is held until PUBREL), acknowledgements now or by ack(), and our own
// Receive Maximum.
#include "state.hpp"

namespace mqttw::client {

void client::state::on_publish(wire::packet_view& p) {
  if (v5) {
    // An alias of 0 is the decoder's to refuse [MQTT-3.3.2-8].
    if (const std::uint32_t n = wire::property_number(p.props, property_id::topic_alias); n != 0) {
      if (n > our_alias_maximum) {
        return protocol_failure(reason_code::topic_alias_invalid,
                                join_reason({"PUBLISH: Topic Alias ", n, " is above our Topic Alias Maximum ",
                                             our_alias_maximum, " [MQTT-3.3.2-11]"}));
      }
      if (aliases_in.size() < n) aliases_in.resize(n);
      text_part& alias = aliases_in[n - 1];
      if (p.topic.empty()) {
        if (alias.size == 0) {
          return protocol_failure(reason_code::protocol_error,
                                  join_reason({"PUBLISH: Topic Alias ", n,
                                               " with an empty topic, but the alias was never set (section 3.3.2.3.4)"}));
        }
        p.topic = std::string_view(aliases_in_text).substr(alias.at, alias.size);
      } else {
        // Within the capacity prepare_aliases_in reserved: views of the text stay valid.
        aliases_in_dead += alias.size;
        alias = {static_cast<std::uint32_t>(aliases_in_text.size()), static_cast<std::uint32_t>(p.topic.size())};
        aliases_in_text.append(p.topic);
      }
    }
  }
  const std::uint16_t id = p.packet_id;
  switch (p.qos) {
    case qos::at_most_once:
      emit(event_kind::message, 0, reason_code::success, keep_packet(p));
      return;
    case qos::at_least_once: {
      const bool known = incoming.contains(id);
      if (!known && our_receive_maximum != 0 && in_unacked >= our_receive_maximum) break;
      emit(event_kind::message, 0, reason_code::success, keep_packet(p)).packet_id = id;
      if (!options.manual_ack) {
        write_ack(packet_type::puback, id, reason_code::success);
      } else if (!known) {
        incoming.set(id, in_counted);
        ++in_unacked;
      }
      return;
    }
    case qos::exactly_once: {
      if (std::uint32_t* flags = incoming.find(id)) {
        if (*flags & in_qos2) {
          // Sent again: the message was delivered already [MQTT-4.3.3-10].
          if (*flags & in_acked) write_ack(packet_type::pubrec, id, reason_code::success);
          return;
        }
        if (*flags & in_counted) --in_unacked;  // a QoS 1 id the server reused
        incoming.erase(id);
      }
      if (our_receive_maximum != 0 && in_unacked >= our_receive_maximum) break;
      emit(event_kind::message, 0, reason_code::success, keep_packet(p)).packet_id = id;
      std::uint32_t flags = in_qos2 | in_counted;
      ++in_unacked;
      if (!options.manual_ack) {
        write_ack(packet_type::pubrec, id, reason_code::success);
        flags |= in_acked;
      }
      incoming.set(id, flags);  // held until PUBREL [MQTT-4.3.3-3]
      return;
    }
  }
  protocol_failure(reason_code::receive_maximum_exceeded,
                   join_reason({"more unacknowledged QoS 1/2 PUBLISH than our Receive Maximum ", our_receive_maximum,
                                " [MQTT-3.3.4-9]"}));
}

// Views of the text handed out in the last call may go now.
void client::state::prepare_aliases_in(std::size_t coming) {
  if (aliases_in_dead > 4096 && aliases_in_dead > aliases_in_text.size() / 2) {
    std::string live;
    live.reserve(aliases_in_text.size() - aliases_in_dead + coming);
    for (text_part& alias : aliases_in) {
      const auto at = static_cast<std::uint32_t>(live.size());
      live.append(aliases_in_text, alias.at, alias.size);
      alias.at = at;
    }
    aliases_in_text.swap(live);
    aliases_in_dead = 0;
  }
  aliases_in_text.reserve(aliases_in_text.size() + coming);
}

void client::state::on_pubrel(const wire::packet_view& p) {
  const std::uint32_t* flags = incoming.find(p.packet_id);
  if (!flags || !(*flags & in_qos2)) {
    write_ack(packet_type::pubcomp, p.packet_id, reason_code::packet_identifier_not_found);  // 3.1.1: plain
    return;
  }
  if (*flags & in_counted) --in_unacked;
  incoming.erase(p.packet_id);  // [MQTT-4.3.3-11]
  write_ack(packet_type::pubcomp, p.packet_id, reason_code::success);
}

void client::state::ack(std::uint16_t id, reason_code code) {
  std::uint32_t* found = incoming.find(id);
  if (!found || (*found & in_acked)) return;  // unknown, or acknowledged already
  const std::uint32_t flags = *found;
  if (!(flags & in_qos2)) {
    if (flags & in_counted) --in_unacked;
    incoming.erase(id);
    // Offline, the PUBACK has nowhere to go: the server sends the message again.
    if (connected) write_ack(packet_type::puback, id, code);
    return;
  }
  if (connected) write_ack(packet_type::pubrec, id, code);
  if (v5 && is_failure(code)) {
    // A refused QoS 2 message is not held: the id is free again [MQTT-4.3.3-9].
    if (flags & in_counted) --in_unacked;
    incoming.erase(id);
  } else {
    // Offline, the PUBREC goes when the server sends the PUBLISH again.
    *found |= in_acked;
  }
}

void client::state::incoming_new_connection() {
  in_unacked = 0;
  std::vector<std::uint16_t> qos1;
  incoming.for_each([&](std::uint16_t id, std::uint32_t& flags) {
    flags &= ~in_counted;
    if (!(flags & in_qos2)) qos1.push_back(id);
  });
  for (std::uint16_t id : qos1) incoming.erase(id);
}

}  // namespace mqttw::client
