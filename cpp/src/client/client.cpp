// The client's entry points, its input (decoding and dispatch), its output and the
// events of a call.
#include "mqttw/client/client.hpp"

#include <algorithm>

#include "state.hpp"

namespace mqttw::client {

namespace {

// A problem of the wire reader in words, as the codec's errors have them.
std::string problem_text(const wire::problem& bad) {
  char text[256];
  return std::string(text, wire::format_problem(bad, text, sizeof text));
}

std::uint32_t largest_accepted(const client_options& o) {
  return o.max_packet_size == 0 ? max_packet_size_limit : std::min(o.max_packet_size, max_packet_size_limit);
}

}  // namespace

client::state::state(client_options o, bytes_view connect_bytes)
    : options(o), version(protocol_version::v311), v5(false), max_in(largest_accepted(o)) {
  wire::packet_view c;
  if (wire::problem bad = wire::read_packet(connect_bytes, version, wire::direction::to_server, c)) {
    init_err = make_error(bad.code, problem_text(bad));
    return;
  }
  if (c.type != packet_type::connect) {
    init_err = make_error(reason_code::malformed_packet,
                          join_reason({"the CONNECT to send is a ", packet_type_name(c.type)}));
    return;
  }
  version = c.version;
  v5 = version == protocol_version::v5;
  // The options bound what the client accepts; the server hears of it in 5.0
  // (section 3.1.2.11.4).
  std::uint8_t extra[5];
  std::size_t extra_size = 0;
  property found;
  if (v5 && max_in < max_packet_size_limit &&
      !wire::find_property(c.props, property_id::maximum_packet_size, found)) {
    extra[0] = static_cast<std::uint8_t>(property_id::maximum_packet_size);
    for (int i = 0; i < 4; ++i) extra[1 + i] = static_cast<std::uint8_t>(max_in >> (24 - 8 * i));
    extra_size = 5;
  }
  wire::byte_buffer bytes;
  wire::write_connect(bytes, c, c.client_id, bytes_view(extra, extra_size));
  if (wire::problem bad = wire::read_packet(bytes, version, wire::direction::to_server, c)) {
    init_err = make_error(bad.code, problem_text(bad));
    return;
  }
  connect.assign(c);
  client_id.assign(c.client_id);
  keep_alive = c.keep_alive;
  if (v5) {
    our_receive_maximum = static_cast<std::uint16_t>(wire::property_number(c.props, property_id::receive_maximum));
    our_alias_maximum = static_cast<std::uint16_t>(wire::property_number(c.props, property_id::topic_alias_maximum));
  }
}

client::client(client_options options, bytes_view connect)
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
  s.pending.clear();
  return s.end();
}

const batch& client::tick(std::uint64_t now) {
  auto& s = *state_;
  s.begin(now);
  s.run_keepalive();
  return s.end();
}

const batch& client::publish(token tok, bytes_view packet, std::uint64_t now) {
  auto& s = *state_;
  s.begin(now);
  if (wire::packet_view p; s.read_request(tok, packet, packet_type::publish, p)) s.publish(tok, p);
  return s.end();
}

const batch& client::subscribe(token tok, bytes_view packet, std::uint64_t now) {
  auto& s = *state_;
  s.begin(now);
  if (wire::packet_view p; s.read_request(tok, packet, packet_type::subscribe, p)) {
    s.control(request_kind::subscribe, tok, p);
  }
  return s.end();
}

const batch& client::unsubscribe(token tok, bytes_view packet, std::uint64_t now) {
  auto& s = *state_;
  s.begin(now);
  if (wire::packet_view p; s.read_request(tok, packet, packet_type::unsubscribe, p)) {
    s.control(request_kind::unsubscribe, tok, p);
  }
  return s.end();
}

const batch& client::ack(std::uint16_t packet_id, reason_code code, std::uint64_t now) {
  auto& s = *state_;
  s.begin(now);
  s.ack(packet_id, code);
  return s.end();
}

const batch& client::auth(bytes_view packet, std::uint64_t now) {
  auto& s = *state_;
  s.begin(now);
  wire::packet_view p;
  // Also before CONNACK: the exchange happens there.
  if (s.open && !s.check_control(packet, p) && p.type == packet_type::auth) {
    s.output.insert(s.output.end(), p.whole.begin(), p.whole.end());
    s.wrote();
    s.auth_answer_due = false;
  }
  return s.end();
}

const batch& client::disconnect(bytes_view packet, std::uint64_t now) {
  auto& s = *state_;
  s.begin(now);
  if (s.open) {
    // 3.1.1 has no reason code.
    wire::packet_view p;
    const bool as_given = s.v5 && !s.check_control(packet, p) && p.type == packet_type::disconnect;
    if (as_given) {
      s.output.insert(s.output.end(), p.whole.begin(), p.whole.end());
    } else {
      wire::write_disconnect(s.output, reason_code::normal_disconnection, s.version);
    }
    s.wrote();
    s.close(as_given ? p.code : reason_code::normal_disconnection, "disconnect() was called");
  }
  return s.end();
}

error client::check_control(bytes_view packet) const {
  wire::packet_view p;
  const wire::problem bad = state_->check_control(packet, p);
  return bad ? make_error(bad.code, problem_text(bad)) : error{};
}

const batch& client::abandon(std::uint64_t now) {
  auto& s = *state_;
  s.begin(now);
  s.fail_all(reason_code::server_shutting_down, "client ended");
  return s.end();
}

const batch& client::restore(token tok, bytes_view packet, bool released, std::uint64_t now) {
  auto& s = *state_;
  s.begin(now);
  if (wire::packet_view p; s.read_request(tok, packet, packet_type::publish, p)) s.restore(tok, p, released);
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
}

const batch& client::state::end() {
  // Any call may find the keepalive due: a host whose timers run late (a background
  // browser tab) still pings while anything else happens.
  if (const std::uint64_t due = deadline(); due != 0 && now >= due) run_keepalive();
  out.timer_at = deadline();
  return out;
}

std::int32_t client::state::keep_packet(const wire::packet_view& p) {
  out.packets.push_back({p.whole, p.type == packet_type::publish ? p.topic : std::string_view{}});
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
  emit(event_kind::failed, tok, err.code).text = err.reason;
}

void client::state::fail_request(token tok, const wire::problem& bad) {
  emit(event_kind::failed, tok, bad.code).text = problem_text(bad);
}

bool client::state::read_request(token tok, bytes_view packet, packet_type type, wire::packet_view& view) {
  if (wire::problem bad = wire::read_packet(packet, version, wire::direction::to_server, view)) {
    fail_request(tok, bad);
    return false;
  }
  if (view.type != type) {
    fail_request(tok, make_error(reason_code::malformed_packet, join_reason({"the request is a ", packet_type_name(view.type),
                                                                             ", not a ", packet_type_name(type)})));
    return false;
  }
  return true;
}

wire::problem client::state::check_control(bytes_view packet, wire::packet_view& p) const {
  if (wire::problem bad = wire::read_packet(packet, version, wire::direction::to_server, p)) return bad;
  constexpr auto expiry = property_id::session_expiry_interval;
  wire::problem bad{reason_code::protocol_error, static_cast<std::uint8_t>(p.type)};
  if (p.type == packet_type::disconnect) {
    if (wire::property_number(p.props, expiry) != 0 && wire::property_number(connect.view.props, expiry) == 0) {
      bad.property = static_cast<std::uint8_t>(expiry);
      bad.text = "is not 0, but CONNECT's was: the session ends with the connection [MQTT-3.14.2-2]";
    }
  } else if (p.type == packet_type::auth) {
    if (wire::problem method = auth_method_problem(p, false)) return method;
    bad.field = "reason code";
    if (p.code != reason_code::re_authenticate) {
      if (!auth_answer_due) bad.text = "0x18 answers the server's AUTH 0x18, and none awaits an answer [MQTT-4.12.0-3]";
    } else if (!connected) {
      bad.text = "0x19 re-authenticates once CONNACK has come [MQTT-4.12.1-1]";
    }
  } else {
    bad.code = reason_code::malformed_packet;
    bad.text = "is not a DISCONNECT or AUTH";
  }
  if (bad.text == nullptr) bad.code = reason_code::success;
  return bad;
}

// ---- input -------------------------------------------------------------------------

void client::state::feed(bytes_view bytes) {
  if (our_alias_maximum != 0) prepare_aliases_in(pending.size() + bytes.size());
  std::size_t at = 0;
  bytes_view whole;
  wire::problem bad;
  while (open && next_packet(bytes, at, whole, bad)) {
    wire::packet_view p;
    bad = wire::read_packet(whole, version, wire::direction::to_client, p);
    if (bad) break;
    dispatch(p);
  }
  if (bad) protocol_failure(bad);
}

bool client::state::next_packet(bytes_view bytes, std::size_t& at, bytes_view& whole, wire::problem& bad) {
  if (pending.empty()) {
    const bytes_view rest = bytes.subspan(at);
    if (rest.empty()) return false;
    const std::size_t size = wire::frame_size(rest, max_in, bad);
    if (bad) return false;
    if (size == 0 || size > rest.size()) {
      // Only the bytes that came are kept, not the declared size (checked above).
      pending.assign(rest.begin(), rest.end());
      return false;
    }
    whole = rest.first(size);
    at += size;
    return true;
  }
  // A packet begun in an earlier chunk: its fixed header first, a byte at a time.
  std::size_t size = wire::frame_size(pending, max_in, bad);
  while (size == 0 && !bad && at < bytes.size()) {
    pending.push_back(bytes[at++]);
    size = wire::frame_size(pending, max_in, bad);
  }
  if (bad || size == 0) return false;
  const std::size_t take = std::min(size - pending.size(), bytes.size() - at);
  pending.insert(pending.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at),
                 bytes.begin() + static_cast<std::ptrdiff_t>(at + take));
  at += take;
  if (pending.size() < size) return false;
  // At most one packet a call completes from `pending`; the next one may begin there.
  completed.swap(pending);
  pending.clear();
  whole = completed;
  return true;
}

void client::state::dispatch(wire::packet_view& p) {
  const packet_type type = p.type;
  if (!connected && type != packet_type::connack && type != packet_type::auth && type != packet_type::disconnect) {
    return protocol_failure(reason_code::protocol_error,
                            join_reason({packet_type_name(type), " before CONNACK [MQTT-3.2.0-1]"}));
  }
  switch (type) {
    case packet_type::connack: return on_connack(p);
    case packet_type::publish: return on_publish(p);
    case packet_type::puback: return on_puback(p);
    case packet_type::pubrec: return on_pubrec(p);
    case packet_type::pubrel: return on_pubrel(p);
    case packet_type::pubcomp: return on_pubcomp(p);
    case packet_type::suback: return on_suback(p);
    case packet_type::unsuback: return on_unsuback(p);
    case packet_type::pingresp: ping_pending = false; return;
    case packet_type::disconnect: return on_server_disconnect(p);
    case packet_type::auth: return on_server_auth(p);
    default: return;  // the reader refuses what a server does not send
  }
}

// ---- output and closing ------------------------------------------------------------

void client::state::write_ack(packet_type type, std::uint16_t id, reason_code code) {
  if (!open) return;
  // 3.1.1 has no reason codes; one the rules refuse for this packet becomes 0.
  if (!v5 || !wire::reason_code_defined(type, code, version)) code = reason_code::success;
  wire::write_ack(output, type, id, code, version);
  wrote();
}

bool client::state::wrote() {
  if (!open) return false;
  last_write = now;
  return true;
}

void client::state::protocol_failure(const wire::problem& bad) {
  if (open) protocol_failure(bad.code, problem_text(bad));
}

void client::state::protocol_failure(reason_code code, std::string_view text) {
  if (!open) return;
  if (v5) {
    // The codes a DISCONNECT may carry; any other failure is a protocol error to it.
    const reason_code sent = wire::reason_code_defined(packet_type::disconnect, code, version) && code != reason_code::success
                                 ? code
                                 : reason_code::protocol_error;
    wire::write_disconnect(output, sent, version);
    wrote();
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
