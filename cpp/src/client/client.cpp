// The client's entry points, its input (decoding and dispatch), its output and the
// events of a call.
#include "mqttw/client/client.hpp"

#include <algorithm>

#include "mqttw/codec/encoder.hpp"
#include "mqttw/codec/validate.hpp"
#include "state.hpp"

namespace mqttw::client {

namespace {

decoder_options decoder_for(const client_options& o, const connect_packet& c) {
  decoder_options d;
  d.version = c.version;
  d.max_packet_size = o.max_packet_size == 0 ? max_packet_size_limit : std::min(o.max_packet_size, max_packet_size_limit);
  return d;
}

}  // namespace

client::state::state(client_options o, const connect_packet& c)
    : options(o), version(c.version), v5(c.version == protocol_version::v5), dec(decoder_for(o, c)) {
  // The options bound what the client accepts; the server hears of it in 5.0
  // (section 3.1.2.11.4).
  properties extra;
  const std::uint32_t limit = decoder_for(o, c).max_packet_size;
  if (v5 && limit < max_packet_size_limit && !find_property(c.props, property_id::maximum_packet_size)) {
    extra.push_back(property::integer(property_id::maximum_packet_size, limit));
  }
  connect.assign(c, extra);
  std::vector<std::uint8_t> scratch;
  init_err = encode(connect.packet, version, scratch);
  client_id.assign(connect.packet.client_id);
  keep_alive = c.keep_alive;
  if (v5) {
    if (const property* p = find_property(c.props, property_id::receive_maximum)) {
      our_receive_maximum = static_cast<std::uint16_t>(p->number);
    }
    if (const property* p = find_property(c.props, property_id::topic_alias_maximum)) {
      our_alias_maximum = static_cast<std::uint16_t>(p->number);
    }
  }
}

client::client(client_options options, const connect_packet& connect)
    : state_(std::make_unique<state>(options, connect)) {}
client::~client() = default;

const error& client::init_error() const { return state_->init_err; }

// ---- entry points ------------------------------------------------------------------

const batch& client::on_open(std::uint64_t now) {
  auto& s = *state_;
  s.begin(now);
  s.open_connection();
  return s.end();
}

const batch& client::on_bytes(bytes_view bytes, std::uint64_t now) {
  auto& s = *state_;
  s.begin(now);
  if (s.open) s.feed(bytes);  // bytes after a close are not read
  return s.end();
}

const batch& client::on_closed(std::uint64_t now) {
  auto& s = *state_;
  s.begin(now);
  s.open = false;
  s.connected = false;
  s.ping_pending = false;
  s.output.clear();  // bytes for a connection that is gone
  s.dec.reset();
  return s.end();
}

const batch& client::tick(std::uint64_t now) {
  auto& s = *state_;
  s.begin(now);
  s.run_keepalive();
  return s.end();
}

const batch& client::publish(token tok, const publish_packet& p, std::uint64_t now) {
  auto& s = *state_;
  s.begin(now);
  s.publish(tok, p);
  return s.end();
}

const batch& client::subscribe(token tok, const subscribe_packet& p, std::uint64_t now) {
  auto& s = *state_;
  s.begin(now);
  s.subscribe(request_kind::subscribe, tok, p);
  return s.end();
}

const batch& client::unsubscribe(token tok, const unsubscribe_packet& p, std::uint64_t now) {
  auto& s = *state_;
  s.begin(now);
  s.unsubscribe(tok, p);
  return s.end();
}

const batch& client::ack(std::uint16_t packet_id, reason_code code, std::uint64_t now) {
  auto& s = *state_;
  s.begin(now);
  s.ack(packet_id, code);
  return s.end();
}

const batch& client::auth(const auth_packet& p, std::uint64_t now) {
  auto& s = *state_;
  s.begin(now);
  if (s.open && s.v5) s.write(p);  // also before CONNACK: the exchange happens there
  return s.end();
}

const batch& client::disconnect(const disconnect_packet& p, std::uint64_t now) {
  auto& s = *state_;
  s.begin(now);
  if (s.open) {
    // 3.1.1 has no reason code; a 5.0 one the codec refuses goes as a plain DISCONNECT.
    if (!s.v5 || !s.write(p)) s.write(disconnect_packet{});
    s.close(s.v5 ? p.code : reason_code::normal_disconnection, "disconnect() was called");
  }
  return s.end();
}

const batch& client::abandon(std::uint64_t now) {
  auto& s = *state_;
  s.begin(now);
  s.fail_all(reason_code::server_shutting_down, "client ended");
  return s.end();
}

const batch& client::restore(token tok, const publish_packet& p, bool released, std::uint64_t now) {
  auto& s = *state_;
  s.begin(now);
  s.restore(tok, p, released);
  return s.end();
}

const std::vector<std::uint8_t>& client::output() const { return state_->output; }
void client::clear_output() { state_->output.clear(); }
void client::report_store_events(bool on) { state_->store_events = on; }

client_status client::status() const {
  const auto& s = *state_;
  client_status st;
  st.connected = s.connected;
  st.inflight = s.inflight_publishes;
  st.queued = static_cast<std::uint32_t>(s.queue.size());
  st.receive_maximum = s.receive_maximum;
  st.topic_alias_maximum = s.alias_maximum;
  st.maximum_packet_size = s.max_packet_size;
  st.maximum_qos = s.max_qos;
  st.retain_available = s.retain_available;
  st.keep_alive = s.keep_alive;
  st.client_id = s.client_id;
  return st;
}

// ---- calls -------------------------------------------------------------------------

void client::state::begin(std::uint64_t t) {
  out.clear();
  now = t;
  ++call;
  retired_aliases.clear();  // views handed out in the last call may go now
}

const batch& client::state::end() {
  // Any call may find the keepalive due: a host whose timers run late (a background
  // browser tab) still pings while anything else happens.
  if (const std::uint64_t due = deadline(); due != 0 && now >= due) run_keepalive();
  out.timer_at = deadline();
  return out;
}

std::int32_t client::state::keep_packet(packet&& p) {
  out.packets.push_back(std::move(p));
  return static_cast<std::int32_t>(out.packets.size() - 1);
}

event& client::state::emit(event_kind kind, token tok, reason_code code, std::int32_t packet) {
  event& e = out.events.emplace_back();
  e.kind = kind;
  e.tok = tok;
  e.code = code;
  e.packet = packet;
  return e;
}

void client::state::fail_request(token tok, const error& err) {
  emit(event_kind::failed, tok, err.code).reason = err.reason;
}

// ---- input -------------------------------------------------------------------------

void client::state::feed(bytes_view bytes) {
  in_packets.clear();
  const error& err = dec.push(bytes, in_packets);
  for (auto& p : in_packets) {
    if (!open) return;
    dispatch(p);
  }
  if (err && open) protocol_failure(err.code, err.reason);
}

void client::state::dispatch(packet& p) {
  const packet_type type = type_of(p);
  if (!connected && type != packet_type::connack && type != packet_type::auth && type != packet_type::disconnect) {
    return protocol_failure(reason_code::protocol_error,
                            std::string(packet_type_name(type)) + " before CONNACK [MQTT-3.2.0-1]");
  }
  switch (type) {
    case packet_type::connack: return on_connack(std::get<connack_packet>(p), p);
    case packet_type::publish: return on_publish(std::get<publish_packet>(p), p);
    case packet_type::puback: return on_puback(p);
    case packet_type::pubrec: return on_pubrec(p);
    case packet_type::pubrel: return on_pubrel(std::get<pubrel_packet>(p));
    case packet_type::pubcomp: return on_pubcomp(p);
    case packet_type::suback: return on_suback(p);
    case packet_type::unsuback: return on_unsuback(p);
    case packet_type::pingresp: ping_pending = false; return;
    case packet_type::disconnect: return on_server_disconnect(p);
    case packet_type::auth: return on_server_auth(p);
    case packet_type::connect:
    case packet_type::subscribe:
    case packet_type::unsubscribe:
    case packet_type::pingreq:
      return protocol_failure(reason_code::protocol_error,
                              std::string(packet_type_name(type)) + " is sent by a client, not to one");
  }
}

// ---- output and closing ------------------------------------------------------------

void client::state::write_ack(packet_type type, std::uint16_t id, reason_code code) {
  const auto ack = [&](reason_code c) -> packet {
    switch (type) {
      case packet_type::puback: return puback_packet{id, c, {}};
      case packet_type::pubrec: return pubrec_packet{id, c, {}};
      case packet_type::pubrel: return pubrel_packet{id, c, {}};
      default: return pubcomp_packet{id, c, {}};
    }
  };
  // 3.1.1 has no reason codes; one the codec refuses for this packet becomes 0.
  if (!write(ack(v5 ? code : reason_code::success))) write(ack(reason_code::success));
}

bool client::state::write(const packet& p) {
  if (!open) return false;
  if (encode(p, version, output)) return false;
  last_write = now;
  return true;
}

void client::state::protocol_failure(reason_code code, std::string_view text) {
  if (!open) return;
  if (v5) {
    // The codes a DISCONNECT may carry; any other failure is a protocol error to it.
    const reason_code sent = reason_code_allowed(packet_type::disconnect, code, version) && code != reason_code::success
                                 ? code
                                 : reason_code::protocol_error;
    write(disconnect_packet{sent, {}});
  }
  close(code, text);
}

void client::state::close(reason_code code, std::string_view text) {
  open = false;
  connected = false;
  ping_pending = false;
  out.close = true;
  out.close_reason = code;
  out.close_text = text;
}

}  // namespace mqttw::client
