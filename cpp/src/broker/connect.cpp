// CONNECT to CONNACK: validation, the hooks (authenticate, the will's authorization,
// enhanced AUTH), session takeover and resumption; AUTH and DISCONNECT afterwards.
#include <algorithm>

#include "state.hpp"

namespace mqttw::broker {

namespace {

std::uint32_t number_property(const properties& props, property_id id, std::uint32_t otherwise) {
  const property* p = find_property(props, id);
  return p ? p->number : otherwise;
}

}  // namespace

void broker::state::on_connect(connection& c, const connect_packet& p, std::uint64_t now) {
  c.version = p.version;
  c.bridge = p.bridge;
  c.phase = conn_phase::connecting;
  auto info = std::make_unique<connect_info>();
  info->client_id = std::string(p.client_id);
  info->clean_start = p.clean_start;
  info->keep_alive = p.keep_alive;
  info->has_username = p.username.has_value();
  if (p.username) info->username = std::string(*p.username);
  info->has_password = p.password.has_value();
  if (p.password) info->password.assign(p.password->begin(), p.password->end());
  const bool v5 = p.version == protocol_version::v5;
  if (v5) {
    info->session_expiry = number_property(p.props, property_id::session_expiry_interval, 0);
    c.peer_receive_maximum = static_cast<std::uint16_t>(number_property(p.props, property_id::receive_maximum, 65535));
    c.peer_max_packet_size = number_property(p.props, property_id::maximum_packet_size, c.peer_max_packet_size);
    c.problem_information = number_property(p.props, property_id::request_problem_information, 1) != 0;
    if (const property* m = find_property(p.props, property_id::authentication_method)) {
      info->auth_method = std::string(m->text);
      if (const property* d = find_property(p.props, property_id::authentication_data)) {
        info->auth_data.assign(d->data.begin(), d->data.end());
      }
    }
  } else {
    info->session_expiry = p.clean_start ? 0 : session_never_expires;  // 3.1.1 clean session
  }
  c.connect_session_expiry = info->session_expiry;
  c.connecting = std::move(info);
  connect_info& ci = *c.connecting;

  if (ci.client_id.empty()) {
    if (!v5 && !p.clean_start) return refuse_connect(c, reason_code::client_identifier_not_valid, now);  // [MQTT-3.1.3-8]
    do {
      ci.client_id = "auto-" + std::to_string(next_assigned_id++);  // [MQTT-3.1.3-6]
    } while (sessions.count(ci.client_id));  // not one a session uses [MQTT-3.2.2-16]
    ci.assigned_id = v5;
  }
  const std::uint16_t max_ka = options.max_keepalive;
  if (max_ka && (p.keep_alive == 0 || p.keep_alive > max_ka)) {
    // 5.0 is told the keepalive in the CONNACK; 3.1.1 has no way to be told.
    if (!v5) return refuse_connect(c, reason_code::client_identifier_not_valid, now);
    ci.keep_alive = max_ka;
  }
  if (p.will) {
    const will_message& w = *p.will;
    if (v5 && static_cast<std::uint8_t>(w.qos) > static_cast<std::uint8_t>(options.maximum_qos)) {
      return refuse_connect(c, reason_code::qos_not_supported, now);  // [MQTT-3.2.2-12]
    }
    if (v5 && w.retain && !options.retain_available) {
      return refuse_connect(c, reason_code::retain_not_supported, now);  // [MQTT-3.2.2-13]
    }
    if (topic_levels(w.topic) > options.max_topic_levels) return refuse_connect(c, reason_code::topic_name_invalid, now);
    if (is_reserved_topic(w.topic)) return refuse_connect(c, reason_code::not_authorized, now);
    if (!message_fits(message::counted_size(w.topic, w.payload))) {
      return refuse_connect(c, reason_code::quota_exceeded, now);  // max_message_bytes
    }
    const auto q = std::min(w.qos, options.maximum_qos);
    ci.will = message::from_publish(w.topic, w.payload, q, w.retain && options.retain_available, w.props, now,
                                    &stats.message_bytes);
    ci.will_delay = number_property(w.props, property_id::will_delay_interval, 0);
  }
  if (!ci.auth_method.empty() && !options.hook_enhanced_auth) {
    return refuse_connect(c, reason_code::bad_authentication_method, now);  // [MQTT-4.12.0-1]
  }
  continue_connect(c, now);
}

// Asks the next hook the CONNECT needs, or accepts it when none is left.
void broker::state::continue_connect(connection& c, std::uint64_t now) {
  connect_info& ci = *c.connecting;
  if (!ci.auth_done) {
    if (!ci.auth_method.empty()) {
      request r{};
      r.kind = request_kind::enhanced_auth;
      r.client_id = ci.client_id;
      r.auth_method = ci.auth_method;
      r.auth_data = ci.auth_data;
      new_request(std::move(r), {}, c);
      return;
    }
    if (options.hook_authenticate) {
      request r{};
      r.kind = request_kind::authenticate;
      r.client_id = ci.client_id;
      r.has_password = ci.has_password;
      r.password = ci.password;
      new_request(std::move(r), {}, c);
      return;
    }
    ci.auth_done = true;
  }
  if (!ci.will_checked) {
    ci.will_checked = true;
    if (ci.will && options.hook_authorize_publish) {
      request r = publish_request(ci.client_id, *ci.will);
      r.is_will = true;
      pending_request pr{};
      pr.msg = ci.will;
      new_request(std::move(r), pr, c);
      return;
    }
  }
  accept_connect(c, now);
}

void broker::state::answer_connect_request(connection& c, const pending_request& r, reason_code code,
                                           bytes_view data, std::uint64_t now) {
  if (c.phase == conn_phase::connected && r.kind == request_kind::enhanced_auth) {
    // Re-authentication [MQTT-4.12.1-1]: continue, succeed or disconnect [MQTT-4.12.1-2].
    if (code == reason_code::success || code == reason_code::continue_authentication) {
      c.reauthenticating = code == reason_code::continue_authentication;
      auth_packet a{code, {}};
      a.props.push_back(property::string(property_id::authentication_method, c.auth_method));
      if (!data.empty()) a.props.push_back(property::binary(property_id::authentication_data, data));
      send(c, a);
    } else {
      protocol_failure(c, code, "re-authentication failed", now);
    }
    return;
  }
  if (c.phase != conn_phase::connecting || !c.connecting) return;
  connect_info& ci = *c.connecting;
  if (r.kind == request_kind::authorize_publish) {
    if (code != reason_code::success) return refuse_connect(c, reason_code::not_authorized, now);
    return continue_connect(c, now);
  }
  if (r.kind == request_kind::enhanced_auth && code == reason_code::continue_authentication) {
    auth_packet a{reason_code::continue_authentication, {}};
    a.props.push_back(property::string(property_id::authentication_method, ci.auth_method));
    if (!data.empty()) a.props.push_back(property::binary(property_id::authentication_data, data));
    send(c, a);  // the client's AUTH comes back through on_auth
    return;
  }
  if (code != reason_code::success) return refuse_connect(c, code, now);
  ci.auth_done = true;
  ci.auth_data.assign(data.begin(), data.end());
  continue_connect(c, now);
}

void broker::state::refuse_connect(connection& c, reason_code code, std::uint64_t now) {
  send(c, connack_packet{false, code, {}});  // 3.1.1 gets the nearest return code (send)
  close(c, code, false, now);  // [MQTT-3.2.2-7]
}

session& broker::state::new_session(const std::string& client_id) {
  auto s = std::make_unique<session>();
  if (!free_session_ids.empty()) {
    s->id = free_session_ids.back();
    free_session_ids.pop_back();
  } else {
    s->id = static_cast<subscriber_id>(session_by_id.size());
    session_by_id.push_back(nullptr);
  }
  s->client_id = client_id;
  session_by_id[s->id] = s.get();
  session& ref = *s;
  sessions[client_id] = std::move(s);
  ++stats.sessions;
  return ref;
}

void broker::state::end_session(session& s, std::uint64_t now) {
  if (s.parked_will) release_will(s.parked_will, now);  // the session ends first [MQTT-3.1.3-9]
  remove_subscriptions(s);
  session_by_id[s.id] = nullptr;
  free_session_ids.push_back(s.id);
  --stats.sessions;
  sessions.erase(s.client_id);  // frees s
}

void broker::state::accept_connect(connection& c, std::uint64_t now) {
  if (options.max_connections && stats.clients_connected >= options.max_connections) {
    // Checked here, when the connection would count: CONNECTs can wait for hooks side by
    // side. A takeover replaces a connection, so it is let in.
    const auto same = sessions.find(c.connecting->client_id);
    if (same == sessions.end() || !same->second->conn) return refuse_connect(c, reason_code::quota_exceeded, now);
  }
  std::unique_ptr<connect_info> info = std::move(c.connecting);
  connect_info& ci = *info;
  const bool v5 = c.version == protocol_version::v5;
  session* s = nullptr;
  bool present = false;
  if (auto it = sessions.find(ci.client_id); it != sessions.end()) {
    s = it->second.get();
    if (s->conn) {
      // Session takeover [MQTT-3.1.4-3]. The old will goes unless the session lives on
      // and the will was to wait [MQTT-3.1.3-9].
      connection& old = *s->conn;
      const bool keep_waiting = !ci.clean_start && old.will_delay > 0;
      send_disconnect(old, reason_code::session_taken_over, "another connection uses this client id");
      if (keep_waiting) old.will = nullptr;
      const auto expiry = s->expiry_interval;
      s->expiry_interval = session_never_expires;  // the new connection decides its fate
      close(old, reason_code::session_taken_over, true, now);
      s->expiry_interval = expiry;
      s->expires_at = 0;
    }
    if (ci.clean_start) {
      end_session(*s, now);  // [MQTT-3.1.2-4]
      s = nullptr;
    } else {
      present = true;  // [MQTT-3.2.2-3]
      s->parked_will = nullptr;  // reconnected in time [MQTT-3.1.3-9]
      s->expires_at = 0;
    }
  }
  if (!s) s = &new_session(ci.client_id);
  s->conn = &c;
  s->version = c.version;
  s->expiry_interval = ci.session_expiry;
  c.sess = s;
  c.phase = conn_phase::connected;
  c.will = ci.will;
  c.will_delay = ci.will_delay;
  c.auth_method = ci.auth_method;
  c.has_username = ci.has_username;
  c.username = ci.username;
  c.keep_alive_ms = std::uint32_t{ci.keep_alive} * 1500;  // [MQTT-3.1.2-22] (3.1.1: [MQTT-3.1.2-24])
  if (c.keep_alive_ms) schedule(now + c.keep_alive_ms);
  if (v5 && options.topic_alias_maximum) c.aliases.assign(options.topic_alias_maximum, std::string());
  ++stats.clients_connected;

  connack_packet ack{present, reason_code::success, {}};
  if (v5) {
    auto& p = ack.props;
    if (options.receive_maximum != 65535) p.push_back(property::integer(property_id::receive_maximum, options.receive_maximum));
    if (options.maximum_qos != qos::exactly_once) {
      p.push_back(property::integer(property_id::maximum_qos, static_cast<std::uint32_t>(options.maximum_qos)));
    }
    if (!options.retain_available) p.push_back(property::integer(property_id::retain_available, 0));
    p.push_back(property::integer(property_id::maximum_packet_size, options.max_packet_size));
    if (ci.assigned_id) p.push_back(property::string(property_id::assigned_client_identifier, ci.client_id));
    if (options.topic_alias_maximum) {
      p.push_back(property::integer(property_id::topic_alias_maximum, options.topic_alias_maximum));
    }
    // on_connect set the keepalive to max_keepalive when the client asked for more or none.
    if (options.max_keepalive && ci.keep_alive == options.max_keepalive) {
      p.push_back(property::integer(property_id::server_keep_alive, ci.keep_alive));  // [MQTT-3.2.2-21]
    }
    if (!ci.auth_method.empty()) {
      p.push_back(property::string(property_id::authentication_method, ci.auth_method));
      if (!ci.auth_data.empty()) p.push_back(property::binary(property_id::authentication_data, ci.auth_data));
    }
  }
  send(c, ack);
  if (present) {
    c.carried_qos2 = s->qos2_received;
    resend_inflight(*s, now);  // [MQTT-4.4.0-1]
  }
  send_queued(*s, now);
}

void broker::state::on_auth(connection& c, const auth_packet& p, std::uint64_t now) {
  const property* m = find_property(p.props, property_id::authentication_method);
  const std::string_view method = c.phase == conn_phase::connecting && c.connecting ? c.connecting->auth_method
                                                                                    : c.auth_method;
  if (method.empty() || !m || m->text != method) {
    return protocol_failure(c, reason_code::protocol_error, "AUTH without the CONNECT's authentication method [MQTT-4.12.0-5]", now);
  }
  const bool connecting = c.phase == conn_phase::connecting;
  // Before CONNACK only 0x18 continues the exchange; afterwards 0x19 starts a
  // re-authentication and 0x18 continues only that one (section 4.12.1).
  const bool expected = connecting ? p.code == reason_code::continue_authentication
                                   : p.code == reason_code::re_authenticate ||
                                         (c.reauthenticating && p.code == reason_code::continue_authentication);
  if (!expected) return protocol_failure(c, reason_code::protocol_error, "unexpected AUTH reason code (section 4.12)", now);
  if (!connecting) c.reauthenticating = true;
  request r{};
  r.kind = request_kind::enhanced_auth;
  r.client_id = connecting ? c.connecting->client_id : c.sess->client_id;
  r.auth_method = std::string(method);
  r.reauthenticate = !connecting;
  if (const property* d = find_property(p.props, property_id::authentication_data)) {
    r.auth_data.assign(d->data.begin(), d->data.end());
  }
  new_request(std::move(r), {}, c);
}

void broker::state::on_disconnect(connection& c, const disconnect_packet& p, std::uint64_t now) {
  if (c.phase == conn_phase::connected && c.version == protocol_version::v5) {
    if (const property* e = find_property(p.props, property_id::session_expiry_interval)) {
      if (c.connect_session_expiry == 0 && e->number != 0) {
        return protocol_failure(c, reason_code::protocol_error, "DISCONNECT sets a session expiry after CONNECT had none (section 3.14.2.2.2)", now);
      }
      c.sess->expiry_interval = e->number;
    }
  }
  // The will goes only with 0x04 [MQTT-3.14.4-3] [MQTT-3.1.2-10].
  close(c, reason_code::success, p.code == reason_code::disconnect_with_will_message, now);
}

}  // namespace mqttw::broker
