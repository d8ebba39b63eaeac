// libFuzzer target for the client session: one client, a server played by the input.
//
// Input: [options] then steps, each [op] [arguments...]; op picks the step:
//     0 .. 99    the server sends a packet from a menu: [which] [packet id] [code]
//                [topic] (a CONNACK, PUBLISH QoS 0/1/2, an ack, SUBACK, PINGRESP, ...)
//   100 .. 139   the server sends raw bytes: [length] then that many bytes
//   140 .. 179   the application asks: publish [topic] [flags] [payload length],
//                subscribe [filter] [qos], unsubscribe [filter], ack [packet id] [code],
//                auth [code], disconnect [code], abandon
//   180 .. 209   time passes: [n] x 100 ms
//   210 .. 229   the connection drops (on_closed)
//   230 .. 255   a connection opens (on_open)
//   options bits: 0 protocol 5.0 (else 3.1.1); 1 clean start; 2 manual_ack;
//     3 max_queued 3; 4 queue_qos0 off; 5 auto_topic_alias off; 6 resubscribe off;
//     7 keepalive 0 (else 5 s).
//
// Checked, beyond "no crash and no sanitizer report":
//   1. the output decodes, as whole packets, with a server's decoder: the client writes
//      only valid packets, and CONNECT first on each connection [MQTT-3.1.0-1];
//   2. nothing is written while no connection is open, and nothing follows a
//      DISCONNECT, which closes the connection [MQTT-3.14.4-1];
//   3. every request is answered (completed or failed) at most once, and none is left
//      unanswered after abandon();
//   4. a timer asked for is in the future.
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "mqttw/client/client.hpp"
#include "mqttw/codec/decoder.hpp"
#include "mqttw/codec/encoder.hpp"

using namespace mqttw;
using namespace mqttw::client;

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "fuzz_client: %s %s\n", what, detail.c_str());
  std::abort();
}

const char* const topics[] = {"a", "a/b", "a/+", "#", "$SYS/x", "", "a/b/c/d", "t\xC3\xA9"};

// A request's bytes, as the client takes them: written without the codec's checks, so
// that the client's own are fuzzed, with a packet id of 1 where one is needed.
std::vector<std::uint8_t>& as_bytes(packet p, protocol_version version) {
  static std::vector<std::uint8_t> out;
  if (auto* pub = std::get_if<publish_packet>(&p); pub && pub->qos != qos::at_most_once) pub->packet_id = 1;
  if (auto* sub = std::get_if<subscribe_packet>(&p)) sub->packet_id = 1;
  if (auto* unsub = std::get_if<unsubscribe_packet>(&p)) unsub->packet_id = 1;
  out.clear();
  if (const error& err = encode_unchecked(p, version, out)) fail("a request could not be written:", err.reason);
  return out;
}

struct driver {
  protocol_version version;
  mqttw::client::client c;
  std::uint64_t now = 1'000'000;
  bool open = false;
  bool closing = false;        // the client asked for the close: nothing more may be written
  bool saw_disconnect = false;
  decoder server{decoder_options{}};  // reads CONNECT first, as a server does
  bool saw_connect = false;
  std::set<token> outstanding;
  token next_token = 1;
  std::vector<std::uint16_t> client_ids;  // packet ids the client used, for acks that fit

  driver(protocol_version v, client_options o, const connect_packet& cp)
      : version(v), c(std::move(o), as_bytes(cp, v)) {}

  void take(const batch& out) {
    const auto& bytes = c.output();
    if (!bytes.empty()) {
      if (!open) fail("output while no connection is open");
      std::vector<packet> got;
      if (const error& err = server.push(bytes, got)) fail("the client wrote a packet a server cannot read:", err.reason);
      if (server.buffered() != 0) fail("the client wrote part of a packet");
      for (const packet& p : got) {
        if (saw_disconnect) fail("a packet after DISCONNECT [MQTT-3.14.4-1]");
        const auto type = type_of(p);
        if (!saw_connect && type != packet_type::connect) fail("the first packet is not CONNECT [MQTT-3.1.0-1]");
        saw_connect = true;
        if (type == packet_type::disconnect) saw_disconnect = true;
        if (const auto* pub = std::get_if<publish_packet>(&p); pub && pub->qos != qos::at_most_once) {
          client_ids.push_back(pub->packet_id);
        } else if (const auto* sub = std::get_if<subscribe_packet>(&p)) {
          client_ids.push_back(sub->packet_id);
        } else if (const auto* unsub = std::get_if<unsubscribe_packet>(&p)) {
          client_ids.push_back(unsub->packet_id);
        }
      }
      if (client_ids.size() > 64) client_ids.erase(client_ids.begin(), client_ids.begin() + 32);
      c.clear_output();
    }
    for (const event& e : out.events) {
      if (e.kind == event_kind::completed || e.kind == event_kind::failed) {
        if (outstanding.erase(e.tok) != 1) fail("a request answered twice, or one never made:", std::to_string(e.tok));
      }
      if (e.packet >= static_cast<std::int32_t>(out.packets.size())) fail("an event's packet is not in the batch");
    }
    if (saw_disconnect && !out.close) fail("DISCONNECT without closing the connection [MQTT-3.14.4-2]");
    if (out.timer_at != 0 && out.timer_at <= now) fail("a timer for the past");
    if (out.close) {  // last: on_closed writes its own batch over this one
      open = false;
      take_closed();
    }
  }

  void take_closed() {
    saw_disconnect = false;
    const batch& out = c.on_closed(now);
    if (!c.output().empty()) fail("output after the connection closed");
    take(out);
  }

  void connect() {
    if (open) return;
    open = true;
    saw_connect = false;
    saw_disconnect = false;
    server.reset();
    take(c.on_open(now));
  }

  void drop() {
    if (!open) return;
    open = false;
    take_closed();
  }

  void from_server(const packet& p) {
    std::vector<std::uint8_t> bytes;
    if (encode(p, version, bytes)) return;  // not a packet this level has
    from_server(bytes_view(bytes));
  }

  void from_server(bytes_view bytes) {
    if (!open) return;
    take(c.on_bytes(bytes, now));
  }

  token request() {
    const token t = next_token++;
    outstanding.insert(t);
    return t;
  }
};

std::uint16_t pick_id(const driver& d, std::uint8_t b) {
  if (b < 0xC0 && !d.client_ids.empty()) return d.client_ids[b % d.client_ids.size()];
  return static_cast<std::uint16_t>(b);
}

reason_code pick_code(std::uint8_t b) {
  const std::uint8_t codes[] = {0x00, 0x00, 0x01, 0x02, 0x10, 0x11, 0x18, 0x80, 0x87, 0x8E, 0x92, 0x97};
  return static_cast<reason_code>(b < 0xF0 ? codes[b % std::size(codes)] : b);
}

void server_packet(driver& d, std::uint8_t which, std::uint8_t id_byte, std::uint8_t code_byte, std::uint8_t topic) {
  const std::uint16_t id = pick_id(d, id_byte);
  const reason_code code = pick_code(code_byte);
  const std::string_view t = topics[topic % std::size(topics)];
  static const std::uint8_t payload[] = {'2', '1', '.', '5'};
  switch (which % 14) {
    case 0: {
      connack_packet p;
      p.session_present = code_byte & 1;
      p.code = (code_byte & 0x0E) == 0 ? pick_code(code_byte >> 4) : reason_code::success;
      if (d.version == protocol_version::v5) {
        p.props.push_back(property::integer(property_id::receive_maximum, 1 + (topic & 3)));
        p.props.push_back(property::integer(property_id::topic_alias_maximum, topic >> 4));
        if (topic & 4) p.props.push_back(property::integer(property_id::maximum_packet_size, 64));
        if (topic & 8) p.props.push_back(property::integer(property_id::maximum_qos, 1));
        if (id_byte & 1) p.props.push_back(property::integer(property_id::server_keep_alive, id_byte >> 5));
        if (id_byte & 2) p.props.push_back(property::string(property_id::assigned_client_identifier, "given"));
      }
      d.from_server(p);
      break;
    }
    case 1:
    case 2:
    case 3: {
      publish_packet p;
      p.topic = t;
      p.payload = payload;
      p.qos = static_cast<qos>(which % 14 - 1);
      p.packet_id = p.qos == qos::at_most_once ? 0 : static_cast<std::uint16_t>(id_byte | 1);
      p.dup = code_byte & 1 && p.qos != qos::at_most_once;
      p.retain = code_byte & 2;
      if (d.version == protocol_version::v5 && code_byte & 4) {
        p.props.push_back(property::integer(property_id::topic_alias, 1 + (code_byte >> 5)));
        if (code_byte & 8) p.topic = {};
      }
      d.from_server(p);
      break;
    }
    case 4: d.from_server(puback_packet{id, code, {}}); break;
    case 5: d.from_server(pubrec_packet{id, code, {}}); break;
    case 6: d.from_server(pubrel_packet{static_cast<std::uint16_t>(id_byte | 1), code, {}}); break;
    case 7: d.from_server(pubcomp_packet{id, code, {}}); break;
    case 8: d.from_server(suback_packet{id, {code}, {}}); break;
    case 9: d.from_server(unsuback_packet{id, {code}, {}}); break;
    case 10: d.from_server(pingresp_packet{}); break;
    case 11: d.from_server(disconnect_packet{code, {}}); break;
    case 12: d.from_server(auth_packet{code, {}}); break;
    default: d.from_server(suback_packet{id, {code, code}, {}}); break;
  }
}

void app_request(driver& d, std::uint8_t kind, std::uint8_t a, std::uint8_t b, std::size_t payload_size) {
  const std::string_view t = topics[a % std::size(topics)];
  static std::vector<std::uint8_t> payload(300, 'x');
  switch (kind % 8) {
    case 0:
    case 1: {
      publish_packet p;
      p.topic = t;
      p.payload = bytes_view(payload.data(), payload_size % payload.size());
      p.qos = static_cast<qos>(b & 3);  // 3 must be refused, not sent
      p.retain = b & 4;
      if (d.version == protocol_version::v5 && b & 8) p.props.push_back(property::integer(property_id::topic_alias, b >> 4));
      d.take(d.c.publish(d.request(), as_bytes(p, d.version), d.now));
      break;
    }
    case 2: {
      subscribe_packet p;
      p.subscriptions.push_back({t, static_cast<qos>(b % 3), (b & 4) != 0, (b & 8) != 0, retain_handling::send_on_subscribe});
      d.take(d.c.subscribe(d.request(), as_bytes(p, d.version), d.now));
      break;
    }
    case 3: {
      unsubscribe_packet p;
      p.filters.push_back(t);
      d.take(d.c.unsubscribe(d.request(), as_bytes(p, d.version), d.now));
      break;
    }
    case 4: d.take(d.c.ack(static_cast<std::uint16_t>(a | 1), pick_code(b), d.now)); break;
    case 5: d.take(d.c.auth(as_bytes(auth_packet{pick_code(b), {}}, d.version), d.now)); break;
    case 6:
      if (d.open) d.take(d.c.disconnect(as_bytes(disconnect_packet{pick_code(b), {}}, d.version), d.now));
      break;
    default:
      d.take(d.c.abandon(d.now));
      if (!d.outstanding.empty()) fail("abandon() left a request unanswered");
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t o = data[0];
  const protocol_version version = (o & 1) ? protocol_version::v5 : protocol_version::v311;
  client_options opts;
  opts.manual_ack = o & 4;
  if (o & 8) opts.max_queued = 3;
  opts.queue_qos0 = !(o & 16);
  opts.auto_topic_alias = !(o & 32);
  opts.resubscribe = !(o & 64);
  opts.max_packet_size = 1024;
  connect_packet cp;
  cp.version = version;
  cp.clean_start = (o & 2) != 0;
  cp.keep_alive = (o & 128) ? 0 : 5;
  cp.client_id = "fuzz";
  driver d(version, opts, cp);
  if (d.c.init_error()) fail("a valid CONNECT refused:", d.c.init_error().reason);

  std::size_t at = 1;
  const auto next = [&]() -> std::uint8_t { return at < size ? data[at++] : 0; };
  while (at < size) {
    const std::uint8_t op = next();
    if (op < 100) {
      const std::uint8_t id = next(), code = next(), topic = next();
      server_packet(d, op, id, code, topic);
    } else if (op < 140) {
      const std::size_t len = std::min<std::size_t>(next(), size - at);
      d.from_server(bytes_view(data + at, len));
      at += len;
    } else if (op < 180) {
      const std::uint8_t a = next(), b = next(), n = next();
      app_request(d, static_cast<std::uint8_t>(op - 140), a, b, n);
    } else if (op < 210) {
      d.now += std::uint64_t{next()} * 100;
      d.take(d.c.tick(d.now));
    } else if (op < 230) {
      d.drop();
    } else {
      d.connect();
    }
  }
  return 0;
}
