// A connection's start and end: CONNECT out, CONNACK in (its values applied, the
// session resumed or started afresh), AUTH and DISCONNECT from the server.
#include "state.hpp"

namespace mqttw::client {

namespace {

// The 3.1.1 CONNACK return codes 1..5 (3.1.1 section 3.2.2.3) in words.
std::string connack_text(reason_code code, bool v5) {
  if (v5) return "reason code " + reason_code_hex(code);
  switch (static_cast<std::uint8_t>(code)) {
    case 1: return "return code 1, unacceptable protocol version";
    case 2: return "return code 2, identifier rejected";
    case 3: return "return code 3, server unavailable";
    case 4: return "return code 4, bad user name or password";
    case 5: return "return code 5, not authorized";
    default: return join_reason({"return code ", static_cast<unsigned>(code)});
  }
}

}  // namespace

void client::state::open_connection() {
  pending.clear();
  output.clear();  // anything left was for the connection before
  open = true;
  connected = false;
  ping_pending = false;
  auth_answer_due = false;
  window_used = 0;
  keep_alive = connect.view.keep_alive;
  // Topic Aliases, both ways, live as long as one connection [MQTT-3.3.2-7].
  aliases_out.reset(0);
  aliases_in_text.clear();
  aliases_in.clear();
  aliases_in_dead = 0;
  resend_list.clear();
  resend_pos = 0;
  for (auto& o : slots) {
    o.sent = false;
    o.counted = false;
  }
  incoming_new_connection();
  if (init_err) return close(init_err.code, init_err.reason);
  // A session the server named keeps its name (5.0 Assigned Client Identifier).
  wire::write_connect(output, connect.view, client_id, {});
  wrote();
}

void client::state::on_connack(const wire::packet_view& p) {
  if (connected) return protocol_failure(reason_code::protocol_error, "a second CONNACK [MQTT-3.2.0-2]");
  const reason_code code = p.code;
  if (code != reason_code::success) {
    emit(event_kind::refused, 0, code, keep_packet(p));
    return close(code, "the server refused the connection: " + connack_text(code, v5));
  }
  const bool present = p.session_present;
  if (present && connect.view.clean_start) {
    return protocol_failure(reason_code::protocol_error,
                            "CONNACK says a session is present, but CONNECT asked for a clean start [MQTT-3.2.2-4]");
  }
  if (wire::problem bad = auth_method_problem(p, true)) return protocol_failure(bad);
  apply_connack(p);
  connected = true;
  emit(event_kind::connected, 0, code, keep_packet(p)).session_present = present;
  if (present) {
    session_resumed();
  } else {
    session_lost();
  }
  pump();
}

// The server's limits for this connection: its 5.0 CONNACK properties, or the
// defaults where it sent none.
void client::state::apply_connack(const wire::packet_view& p) {
  receive_maximum = 65535;
  alias_maximum = 0;
  max_packet_size = max_packet_size_limit;
  max_qos = qos::exactly_once;
  retain_available = true;
  keep_alive = connect.view.keep_alive;
  if (v5) {
    property prop;
    for (wire::property_cursor c(p.props); c.next(prop);) {
      switch (prop.id) {
        case property_id::assigned_client_identifier: client_id.assign(prop.text); break;
        // The client uses the server's keepalive instead of its own [MQTT-3.2.2-21].
        case property_id::server_keep_alive: keep_alive = static_cast<std::uint16_t>(prop.number); break;
        case property_id::receive_maximum: receive_maximum = static_cast<std::uint16_t>(prop.number); break;
        case property_id::topic_alias_maximum: alias_maximum = static_cast<std::uint16_t>(prop.number); break;
        case property_id::maximum_packet_size: max_packet_size = prop.number; break;
        case property_id::maximum_qos: max_qos = static_cast<mqttw::qos>(prop.number); break;
        case property_id::retain_available: retain_available = prop.number != 0; break;
        default: break;
      }
    }
  }
  aliases_out.reset(alias_maximum);
}

void client::state::on_server_disconnect(const wire::packet_view& p) {
  const reason_code code = p.code;
  std::string text = "the server sent DISCONNECT";
  if (v5) {
    text += " with reason code ";
    text += reason_code_hex(code);
    if (property r; wire::find_property(p.props, property_id::reason_string, r)) {
      text += ": ";
      text += r.text;
    }
  }
  emit(event_kind::disconnected, 0, code, keep_packet(p));
  close(code, std::move(text));
}

void client::state::on_server_auth(const wire::packet_view& p) {
  if (wire::problem bad = auth_method_problem(p, true)) return protocol_failure(bad);
  auth_answer_due = p.code == reason_code::continue_authentication;
  emit(event_kind::auth, 0, p.code, keep_packet(p));
}

wire::problem client::state::auth_method_problem(const wire::packet_view& p, bool from_server) const {
  constexpr auto id = property_id::authentication_method;
  property ours, theirs;
  const bool has_ours = wire::find_property(connect.view.props, id, ours);
  const bool has_theirs = wire::find_property(p.props, id, theirs);
  wire::problem bad{reason_code::protocol_error, static_cast<std::uint8_t>(p.type), static_cast<std::uint8_t>(id)};
  if (!has_ours) {
    if (p.type == packet_type::auth) {
      bad.property = 0;
      bad.text = from_server ? "is not allowed, as CONNECT has no Authentication Method [MQTT-4.12.0-6]"
                             : "is not allowed, as CONNECT has no Authentication Method [MQTT-4.12.0-7]";
    } else if (has_theirs) {
      bad.text = "is not allowed, as CONNECT has none [MQTT-4.12.0-6]";
    }
  } else if (!has_theirs) {
    bad.text = "is missing, but CONNECT has one [MQTT-4.12.0-5]";
  } else if (theirs.text != ours.text) {
    bad.text = "is not CONNECT's [MQTT-4.12.0-5]";
  }
  if (bad.text == nullptr) bad.code = reason_code::success;
  return bad;
}

}  // namespace mqttw::client
