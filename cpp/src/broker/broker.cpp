// The broker's entry points, its input (decoding, pausing for hooks) and output
// (per-connection bytes flushed into one batch per call), and closing connections.
#include "mqttw/broker/broker.hpp"

#include <algorithm>
#include <type_traits>

#include "mqttw/codec/encoder.hpp"
#include "state.hpp"

namespace mqttw::broker {

namespace {

// The 3.1.1 CONNACK return code that means most nearly what a 5.0 reason code says.
reason_code v311_connack_code(reason_code code) {
  switch (code) {
    case reason_code::success: return code;
    case reason_code::unsupported_protocol_version: return static_cast<reason_code>(1);
    case reason_code::client_identifier_not_valid: return static_cast<reason_code>(2);
    case reason_code::bad_user_name_or_password: return static_cast<reason_code>(4);
    case reason_code::not_authorized:
    case reason_code::banned:
    case reason_code::bad_authentication_method: return static_cast<reason_code>(5);
    default: return static_cast<reason_code>(3);  // server unavailable
  }
}

// The handlers build every packet in its 5.0 form. This is the same packet as 3.1.1 can
// say it: no properties, no reason code on acknowledgements (a refused PUBLISH is
// acknowledged positively [MQTT-3.3.5-2]) nor in UNSUBACK, one SUBACK failure code
// [MQTT-3.9.3-2], and CONNACK return codes 0 to 5.
packet for_v311(const packet& p) {
  packet out = p;
  std::visit(
      [](auto& q) {
        using T = std::decay_t<decltype(q)>;
        if constexpr (requires { q.props; }) q.props.clear();
        if constexpr (std::is_same_v<T, connack_packet>) {
          q.code = v311_connack_code(q.code);
        } else if constexpr (std::is_same_v<T, suback_packet>) {
          for (auto& code : q.codes) {
            if (is_failure(code)) code = reason_code::unspecified_error;
          }
        } else if constexpr (std::is_same_v<T, unsuback_packet>) {
          q.codes.clear();
        } else if constexpr (std::is_same_v<T, puback_packet> || std::is_same_v<T, pubrec_packet> ||
                             std::is_same_v<T, pubrel_packet> || std::is_same_v<T, pubcomp_packet>) {
          q.code = reason_code::success;
        }
      },
      out);
  return out;
}

}  // namespace

broker::state::state(broker_options o) : options(std::move(o)) {}

broker::broker(broker_options options) : state_(std::make_unique<state>(std::move(options))) {}
broker::~broker() = default;

const broker_stats& broker::stats() const { return state_->stats; }
const broker_options& broker::options() const { return state_->options; }

// ---- entry points ------------------------------------------------------------------

const batch& broker::on_open(conn_id conn, std::uint64_t now) {
  auto& s = *state_;
  s.begin_call();
  s.open(conn, now);
  return s.end_call(now);
}

const batch& broker::on_bytes(conn_id conn, bytes_view bytes, std::uint64_t now) {
  auto& s = *state_;
  s.begin_call();
  connection* c = s.find(conn);
  if (!c && !s.shut_down) c = s.open(conn, now);  // a host may skip on_open
  if (c) {
    s.stats.bytes_received += bytes.size();
    if (c->paused()) {
      // Held unread, so no packet can be told apart: the client is not blamed for the
      // broker's wait, and these bytes count as heard.
      c->last_rx = now;
      c->held_raw.insert(c->held_raw.end(), bytes.begin(), bytes.end());
      if (!c->reading_paused && c->held_raw.size() >= s.options.held_input_limit) {
        c->reading_paused = true;  // the rest waits in the socket, not here
        s.out.pause_reading.push_back(conn);
      }
    } else {
      s.feed(*c, bytes, now);
    }
  }
  return s.end_call(now);
}

const batch& broker::on_closed(conn_id conn, std::uint64_t now) {
  auto& s = *state_;
  s.begin_call();
  if (connection* c = s.find(conn)) {
    s.close(*c, reason_code::unspecified_error, true, now, /*tell_host=*/false);  // the host knows already
  }
  return s.end_call(now);
}

const batch& broker::tick(std::uint64_t now) {
  auto& s = *state_;
  s.begin_call();
  s.next_tick = 0;
  s.run_timers(now);
  return s.end_call(now);
}

const batch& broker::answer(std::uint32_t id, reason_code code, bytes_view auth_data, std::uint64_t now) {
  auto& s = *state_;
  s.begin_call();
  auto it = s.requests.find(id);
  if (it == s.requests.end()) return s.end_call(now);
  const pending_request r = std::move(it->second);
  s.requests.erase(it);
  connection* c = s.find(r.conn);
  if (!c) return s.end_call(now);
  --c->pending_requests;
  switch (r.kind) {
    case request_kind::authenticate:
    case request_kind::enhanced_auth:
      s.answer_connect_request(*c, r, code, auth_data, now);
      break;
    case request_kind::authorize_publish:
      if (c->phase == conn_phase::connecting) {
        s.answer_connect_request(*c, r, code, auth_data, now);
      } else {
        if (r.msg->qos == qos::at_least_once) --c->unacked_qos1;
        s.accept_publish(*c, r.msg, r.packet_id, code, now);
      }
      break;
    case request_kind::authorize_subscribe: {
      auto sub = s.subscribes.find(r.subscribe);
      if (sub == s.subscribes.end()) break;
      auto& e = sub->second.entries[r.entry];
      const auto answered = static_cast<std::uint8_t>(code);
      // A QoS answer may lower the QoS asked for, never raise it; >= 0x80 refuses.
      e.code = answered >= 0x80 ? code
                                : static_cast<reason_code>(std::min(answered, static_cast<std::uint8_t>(e.options.max_qos)));
      if (--sub->second.unanswered == 0) s.finish_subscribe(sub->first, now);
      break;
    }
  }
  if (c->phase != conn_phase::closed && !c->paused()) s.resume(*c, now);
  return s.end_call(now);
}

const batch& broker::shutdown(std::uint64_t now) {
  auto& s = *state_;
  s.begin_call();
  s.shutdown_all(now);
  return s.end_call(now);
}

// ---- calls -------------------------------------------------------------------------

void broker::state::begin_call() { out.clear(); }

const batch& broker::state::end_call(std::uint64_t now) {
  (void)now;
  for (connection* c : touched) {
    c->touched = false;
    if (c->out.empty()) continue;
    const auto offset = static_cast<std::uint32_t>(out.bytes.size());
    out.bytes.insert(out.bytes.end(), c->out.begin(), c->out.end());
    out.sends.push_back({c->id, offset, static_cast<std::uint32_t>(c->out.size())});
    stats.bytes_sent += c->out.size();
    c->out.clear();
  }
  touched.clear();
  closed.clear();
  return out;
}

connection* broker::state::open(conn_id id, std::uint64_t now) {
  if (stats.started_at == 0) stats.started_at = now;
  if (shut_down || connections.count(id)) {
    out.closes.push_back({id, reason_code::server_unavailable});
    return nullptr;
  }
  decoder_options o;
  o.max_packet_size = options.max_packet_size;
  auto c = std::make_unique<connection>(o);
  c->id = id;
  c->opened_at = now;
  c->last_rx = now;
  if (options.connect_timeout_ms) schedule(now + options.connect_timeout_ms);
  return connections.emplace(id, std::move(c)).first->second.get();
}

connection* broker::state::find(conn_id id) {
  auto it = connections.find(id);
  return it == connections.end() ? nullptr : it->second.get();
}

void broker::state::schedule(std::uint64_t at) {
  if (next_tick == 0 || at < next_tick) {
    next_tick = at;
    out.timer_at = at;
  }
}

request publish_request(const std::string& client_id, const message& m) {
  request r{};
  r.kind = request_kind::authorize_publish;
  r.client_id = client_id;
  r.topic = m.topic;
  r.qos = m.qos;
  r.retain = m.retain;
  r.payload = m.payload;
  return r;
}

std::uint32_t broker::state::new_request(request r, pending_request p, connection& c) {
  const std::uint32_t id = next_request++;
  if (next_request == 0) next_request = 1;
  r.id = id;
  r.conn = c.id;
  // Every request names the user of its connection: from the CONNECT still being
  // answered, or from the connection it made.
  const bool connecting = c.phase == conn_phase::connecting && c.connecting;
  r.has_username = connecting ? c.connecting->has_username : c.has_username;
  r.username = connecting ? c.connecting->username : c.username;
  p.conn = c.id;
  p.kind = r.kind;
  ++c.pending_requests;
  requests.emplace(id, std::move(p));
  out.requests.push_back(std::move(r));
  return id;
}

// ---- input -------------------------------------------------------------------------

void broker::state::feed(connection& c, bytes_view bytes, std::uint64_t now) {
  if (c.phase == conn_phase::awaiting_connect && c.first_bytes.empty() && !bytes.empty() && (bytes[0] >> 4) != 1) {
    // Not a CONNECT, as its first byte tells: no need to wait for the rest [MQTT-3.1.0-1].
    close(c, reason_code::protocol_error, false, now);
    return;
  }
  if (c.phase == conn_phase::awaiting_connect && c.first_bytes.size() < 16) {
    const auto take = std::min<std::size_t>(16 - c.first_bytes.size(), bytes.size());
    c.first_bytes.insert(c.first_bytes.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(take));
  }
  packets.clear();
  const error err = c.dec.push(bytes, packets);
  // Keepalive hears whole packets only [MQTT-3.1.2-22]: a trickle of bytes that never
  // completes one does not hold the connection open.
  if (!packets.empty()) c.last_rx = now;
  auto batch_packets = std::move(packets);  // process() may feed nothing else, but stay safe
  for (std::size_t i = 0; i < batch_packets.size(); ++i) {
    if (c.phase == conn_phase::closed) return;
    if (c.paused()) {
      // Keep what follows, in order, until the answers come.
      for (std::size_t j = i; j < batch_packets.size(); ++j) {
        if (encode(batch_packets[j], c.version, c.held_packets)) {
          protocol_failure(c, reason_code::implementation_specific_error, "cannot hold a packet", now);
          return;
        }
      }
      if (err) c.held_error = err;
      packets = std::move(batch_packets);
      return;
    }
    process(c, batch_packets[i], now);
  }
  packets = std::move(batch_packets);
  if (c.phase == conn_phase::closed) return;
  if (err) {
    if (c.paused()) {
      c.held_error = err;
    } else {
      input_error(c, err, now);
    }
  }
}

// One whole packet at the front of `bytes`: its size, or 0 when it is not whole.
static std::size_t whole_packet_size(bytes_view bytes) {
  std::uint32_t remaining = 0;
  for (std::size_t i = 1; i < bytes.size() && i <= 4; ++i) {
    remaining |= static_cast<std::uint32_t>(bytes[i] & 0x7F) << (7 * (i - 1));
    if (!(bytes[i] & 0x80)) {
      const std::size_t total = i + 1 + remaining;
      return total <= bytes.size() ? total : 0;
    }
  }
  return 0;
}

void broker::state::resume(connection& c, std::uint64_t now) {
  std::size_t read = 0;
  std::vector<packet> one;
  decoder_options o;
  o.version = c.version;
  decoder held(o);
  while (!c.paused() && c.phase != conn_phase::closed && read < c.held_packets.size()) {
    const bytes_view rest{c.held_packets.data() + read, c.held_packets.size() - read};
    const std::size_t size = whole_packet_size(rest);
    if (size == 0) break;
    one.clear();
    held.reset();
    if (held.push(rest.first(size), one) || one.size() != 1) {
      protocol_failure(c, reason_code::implementation_specific_error, "cannot resume a held packet", now);
      return;
    }
    read += size;
    // The packet's views point into held_packets: keep them valid while it is
    // processed, then drop the bytes that were read.
    process(c, one.front(), now);
  }
  if (c.phase == conn_phase::closed) return;
  c.held_packets.erase(c.held_packets.begin(), c.held_packets.begin() + static_cast<std::ptrdiff_t>(read));
  if (c.paused() || !c.held_packets.empty()) return;
  if (c.held_error) {
    const error err = *c.held_error;
    c.held_error.reset();
    input_error(c, err, now);
    return;
  }
  if (c.reading_paused) {
    c.reading_paused = false;  // what was held is taken now
    out.resume_reading.push_back(c.id);
  }
  if (!c.held_raw.empty()) {
    std::vector<std::uint8_t> raw = std::move(c.held_raw);
    c.held_raw.clear();
    feed(c, raw, now);
  }
}

// A CONNECT's protocol level from the first bytes of a stream, or 0 when they do not
// reach it (used to answer a malformed CONNECT in its own version).
static std::uint8_t sniff_connect_level(const std::vector<std::uint8_t>& b) {
  std::size_t i = 1;
  while (i < b.size() && i <= 4 && (b[i] & 0x80)) ++i;
  ++i;  // past the Remaining Length
  if (i + 2 > b.size()) return 0;
  const std::size_t name = static_cast<std::size_t>(b[i] << 8 | b[i + 1]);
  const std::size_t level = i + 2 + name;
  return level < b.size() ? static_cast<std::uint8_t>(b[level] & 0x7F) : 0;
}

void broker::state::input_error(connection& c, const error& err, std::uint64_t now) {
  if (c.phase == conn_phase::awaiting_connect) {
    const bool first_is_connect = !c.first_bytes.empty() && (c.first_bytes[0] >> 4) == 1;
    const bool says_v5 = first_is_connect && sniff_connect_level(c.first_bytes) == 5;
    if (first_is_connect && err.code == reason_code::unsupported_protocol_version && !says_v5) {
      // [MQTT-3.1.2-2]: answer in the 3.1.1 form (return code 1), which every level can read.
      // A level-5 CONNECT with another protocol name gets the 5.0 form, 0x84, below.
      c.version = protocol_version::v311;
      send(c, connack_packet{false, reason_code::unsupported_protocol_version, {}});
    } else if (says_v5) {
      c.version = protocol_version::v5;
      send(c, connack_packet{false, err.code, {}});  // [MQTT-3.1.4-1]
    }
    close(c, err.code, false, now);
    return;
  }
  protocol_failure(c, err.code, err.reason, now);
}

void broker::state::process(connection& c, packet& p, std::uint64_t now) {
  const auto type = type_of(p);
  if (c.phase == conn_phase::awaiting_connect && type != packet_type::connect) {
    close(c, reason_code::protocol_error, false, now);  // [MQTT-3.1.0-1]
    return;
  }
  if (c.phase == conn_phase::connecting && type != packet_type::auth && type != packet_type::disconnect) {
    // Only AUTH may come before CONNACK [MQTT-3.1.2-30]; a client that
    // does not wait is told so.
    protocol_failure(c, reason_code::protocol_error, "packet before CONNACK", now);
    return;
  }
  switch (type) {
    case packet_type::connect:
      if (c.phase != conn_phase::awaiting_connect) {
        protocol_failure(c, reason_code::protocol_error, "second CONNECT [MQTT-3.1.0-2]", now);
        return;
      }
      on_connect(c, std::get<connect_packet>(p), now);
      return;
    case packet_type::publish: on_publish(c, std::get<publish_packet>(p), now); return;
    case packet_type::puback: on_puback(c, std::get<puback_packet>(p), now); return;
    case packet_type::pubrec: on_pubrec(c, std::get<pubrec_packet>(p), now); return;
    case packet_type::pubrel: on_pubrel(c, std::get<pubrel_packet>(p), now); return;
    case packet_type::pubcomp: on_pubcomp(c, std::get<pubcomp_packet>(p), now); return;
    case packet_type::subscribe: on_subscribe(c, std::get<subscribe_packet>(p), now); return;
    case packet_type::unsubscribe: on_unsubscribe(c, std::get<unsubscribe_packet>(p), now); return;
    case packet_type::pingreq: send(c, pingresp_packet{}); return;  // [MQTT-3.12.4-1]
    case packet_type::disconnect: on_disconnect(c, std::get<disconnect_packet>(p), now); return;
    case packet_type::auth: on_auth(c, std::get<auth_packet>(p), now); return;
    case packet_type::connack:
    case packet_type::suback:
    case packet_type::unsuback:
    case packet_type::pingresp:
      protocol_failure(c, reason_code::protocol_error,
                       std::string(packet_type_name(type)) + " is sent by a server, not to one", now);
      return;
  }
}

// ---- output and closing ------------------------------------------------------------

void broker::state::send(connection& c, const packet& p) {
  if (!c.touched) {
    c.touched = true;
    touched.push_back(&c);
  }
  // A PUBLISH is built for the connection's version already (send_publish).
  if (c.version == protocol_version::v5 || std::holds_alternative<publish_packet>(p)) {
    (void)encode(p, c.version, c.out);
  } else {
    (void)encode(for_v311(p), c.version, c.out);
  }
}

void broker::state::send_disconnect(connection& c, reason_code code, std::string_view reason) {
  if (c.version != protocol_version::v5) return;  // 3.1.1 has no server DISCONNECT
  disconnect_packet d{code, {}};
  // A reason string only when the client did not ask us to keep quiet [MQTT-3.1.2-29],
  // and when it fits the client's Maximum Packet Size [MQTT-3.14.2-3].
  if (c.problem_information && !reason.empty() && reason.size() + 16 < c.peer_max_packet_size) {
    d.props.push_back(property::string(property_id::reason_string, reason.substr(0, 200)));
  }
  send(c, d);
}

void broker::state::protocol_failure(connection& c, reason_code code, std::string_view reason, std::uint64_t now) {
  if (c.phase == conn_phase::closed) return;
  if (c.phase == conn_phase::connected) {
    send_disconnect(c, code, reason);
  } else if (c.phase == conn_phase::connecting && c.version == protocol_version::v5) {
    send(c, connack_packet{false, code, {}});
  }
  close(c, code, true, now);
}

// Detaches the connection from its session (publishing or parking the will), queues
// the close event (unless the host closed it) and frees the connection at the end of
// the call.
void broker::state::close(connection& c, reason_code reason, bool publish_will, std::uint64_t now, bool tell_host) {
  if (c.phase == conn_phase::closed) return;
  const bool was_connected = c.phase == conn_phase::connected;
  c.phase = conn_phase::closed;
  if (tell_host) out.closes.push_back({c.id, reason});
  for (auto it = requests.begin(); it != requests.end();) {
    it = it->second.conn == c.id ? requests.erase(it) : std::next(it);
  }
  for (auto it = subscribes.begin(); it != subscribes.end();) {
    it = it->second.conn == c.id ? subscribes.erase(it) : std::next(it);
  }
  if (was_connected) {
    --stats.clients_connected;
    session& s = *c.sess;
    s.conn = nullptr;
    message_ptr will = publish_will ? c.will : nullptr;
    if (will) {
      const bool session_ends = s.expiry_interval == 0;
      if (c.will_delay == 0 || session_ends) {
        release_will(will, now);  // [MQTT-3.1.2-8]
      } else {
        s.parked_will = will;  // [MQTT-3.1.3-9]
        s.parked_will_at = now + std::uint64_t{c.will_delay} * 1000;
        schedule(s.parked_will_at);
      }
    }
    if (s.expiry_interval == 0) {
      end_session(s, now);  // [MQTT-3.1.2-23]
    } else if (s.expiry_interval != session_never_expires) {
      s.expires_at = now + std::uint64_t{s.expiry_interval} * 1000;
      schedule(s.expires_at);
    }
  }
  auto it = connections.find(c.id);
  if (it != connections.end()) {
    closed.push_back(std::move(it->second));
    connections.erase(it);
  }
}

}  // namespace mqttw::broker
