// What time does: CONNECT and keepalive deadlines, delayed wills, session expiry,
// retained message expiry and the $SYS statistics; and the graceful shutdown.
#include <string>

#include "state.hpp"

namespace mqttw::broker {

void broker::state::run_timers(std::uint64_t now) {
  std::uint64_t next = 0;
  const auto want = [&](std::uint64_t at) {
    if (next == 0 || at < next) next = at;
  };
  std::vector<connection*> due;
  for (auto& [id, c] : connections) {
    // The deadline runs until CONNACK: a client that stalls an AUTH exchange, or a hook
    // that is never answered, does not hold the connection for good either.
    const bool unaccepted = c->phase == conn_phase::awaiting_connect || c->phase == conn_phase::connecting;
    if (unaccepted && options.connect_timeout_ms) {
      const std::uint64_t at = c->opened_at + options.connect_timeout_ms;
      if (now >= at) {
        due.push_back(c.get());
      } else {
        want(at);
      }
    } else if (c->phase == conn_phase::connected && c->keep_alive_ms) {
      const std::uint64_t at = c->last_rx + c->keep_alive_ms;
      if (now >= at) {
        due.push_back(c.get());
      } else {
        want(at);
      }
    }
  }
  for (connection* c : due) {
    if (c->phase == conn_phase::connected) {
      // [MQTT-3.1.2-22] (3.1.1: [MQTT-3.1.2-24]): one and a half keepalives without a packet.
      protocol_failure(*c, reason_code::keep_alive_timeout, "no packet within 1.5 x keepalive", now);
    } else {
      close(*c, reason_code::maximum_connect_time, false, now);
    }
  }
  std::vector<session*> ending;
  for (auto& [client_id, s] : sessions) {
    if (s->conn) continue;
    if (s->parked_will) {
      if (now >= s->parked_will_at) {
        message_ptr will = std::move(s->parked_will);
        s->parked_will = nullptr;
        release_will(will, now);  // the will delay passed [MQTT-3.1.3-9]
      } else {
        want(s->parked_will_at);
      }
    }
    if (s->expires_at) {
      if (now >= s->expires_at) {
        ending.push_back(s.get());
      } else {
        want(s->expires_at);
      }
    }
  }
  for (session* s : ending) end_session(*s, now);  // [MQTT-3.1.2-23]
  if (retained.drop_expired(now)) stats.retained = static_cast<std::uint32_t>(retained.size());
  if (retained.next_expiry()) want(retained.next_expiry());
  if (options.sys_interval) {
    if (next_sys == 0 || now >= next_sys) {
      if (stats.started_at == 0) stats.started_at = now;
      publish_sys(now);
      next_sys = now + std::uint64_t{options.sys_interval} * 1000;
    }
    want(next_sys);
  }
  if (next) schedule(next);
}

// Retained statistics under $SYS/broker/, named as Mosquitto names them so that
// dashboards written for it read ours too.
void broker::state::publish_sys(std::uint64_t now) {
  const auto put = [&](std::string_view topic, const std::string& value) {
    const bytes_view payload{reinterpret_cast<const std::uint8_t*>(value.data()), value.size()};
    publish_internal(message::from_publish(topic, payload, qos::at_most_once, true, {}, now, &stats.message_bytes), nullptr, now);
  };
  const auto n = [](std::uint64_t v) { return std::to_string(v); };
  put("$SYS/broker/version", options.version_text);
  put("$SYS/broker/uptime", n((now - stats.started_at) / 1000) + " seconds");
  put("$SYS/broker/clients/connected", n(stats.clients_connected));
  put("$SYS/broker/clients/total", n(stats.sessions));
  put("$SYS/broker/messages/received", n(stats.messages_received));
  put("$SYS/broker/messages/sent", n(stats.messages_sent));
  put("$SYS/broker/publish/messages/dropped", n(stats.messages_dropped));
  put("$SYS/broker/bytes/received", n(stats.bytes_received));
  put("$SYS/broker/bytes/sent", n(stats.bytes_sent));
  put("$SYS/broker/subscriptions/count", n(stats.subscriptions));
  put("$SYS/broker/retained messages/count", n(retained.size()));
  put("$SYS/broker/store/messages/bytes", n(stats.message_bytes));
}

void broker::state::shutdown_all(std::uint64_t now) {
  shut_down = true;
  std::vector<connection*> all;
  for (auto& [id, c] : connections) all.push_back(c.get());
  for (connection* c : all) {
    if (c->phase == conn_phase::connected) send_disconnect(*c, reason_code::server_shutting_down, "");
    close(*c, reason_code::server_shutting_down, false, now);
  }
  next_tick = 0;
}

}  // namespace mqttw::broker
