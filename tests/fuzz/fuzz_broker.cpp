// libFuzzer target for the broker: three connections, driven step by step.
//
// Input: [options] [more options] then steps, each [op] [arguments...]:
//   op & 3 picks the connection (0, 1, 2; 3 is 0 again); op >> 2 picks the step:
//     0 .. 39   bytes: [length] then that many bytes, to on_bytes (most steps)
//     40 .. 47  tick after [n] x 100 ms (x 10 s for 44 .. 47)
//     48 .. 55  answer: [which pending request] [which code] [auth data length] data
//     56 .. 59  on_closed: the client hangs up
//     60 .. 62  on_open: a closed connection comes back with the same id
//     63        shutdown
//   options bits: 0 authenticate, 1 authorize_publish, 2 authorize_subscribe,
//     3 enhanced_auth hooks; 4 max_packet_size 256; 5 small windows and queues;
//     6 no retained messages; 7 maximum QoS 1.
//   more options bits: 0-1 topic_alias_maximum (10, 0, 1, 65535); 2 max_subscriptions 3;
//     3 max_connections 2; 4 max_keepalive 5; 5 max_topic_levels 4; 6 sys_interval 1;
//     7 connect_timeout_ms 2000.
//
// Checked, beyond "no crash and no sanitizer report":
//   1. every send is inside the batch's bytes and goes to a connection that is open;
//   2. what each connection receives decodes, as whole packets, with a client's decoder
//      of the connection's protocol level: the broker writes only valid packets;
//   3. CONNACK comes first (AUTH may come before it) and once [MQTT-3.2.0-1]
//      [MQTT-3.2.0-2]; nothing follows a DISCONNECT, and the connection closes in the
//      same batch [MQTT-3.14.4-1] [MQTT-3.14.4-2];
//   4. a timer asked for is in the future; no more clients are connected than are open.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <string>
#include <vector>

#include "mqttw/broker/broker.hpp"
#include "mqttw/codec/decoder.hpp"

using namespace mqttw;
using namespace mqttw::broker;

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "fuzz_broker: %s %s\n", what, detail.c_str());
  std::abort();
}

broker_options options_from(std::uint8_t a, std::uint8_t b) {
  broker_options o;
  o.hook_authenticate = a & 1;
  o.hook_authorize_publish = a & 2;
  o.hook_authorize_subscribe = a & 4;
  o.hook_enhanced_auth = a & 8;
  if (a & 16) o.max_packet_size = 256;
  if (a & 32) {
    o.receive_maximum = 2;
    o.max_inflight = 2;
    o.max_queued = 4;
  }
  o.retain_available = !(a & 64);
  if (a & 128) o.maximum_qos = qos::at_least_once;
  const std::uint16_t aliases[] = {10, 0, 1, 65535};
  o.topic_alias_maximum = aliases[b & 3];
  if (b & 4) o.max_subscriptions = 3;
  if (b & 8) o.max_connections = 2;
  if (b & 16) o.max_keepalive = 5;
  if (b & 32) o.max_topic_levels = 4;
  o.sys_interval = (b & 64) ? 1 : 0;
  o.connect_timeout_ms = (b & 128) ? 2000 : 0;
  return o;
}

// The client side of one connection.
struct client {
  bool open = false;
  std::vector<std::uint8_t> sent;  // what it sent, for the level of its CONNECT
  std::vector<std::uint8_t> received;
  bool got_connack = false;
  bool got_disconnect = false;

  void reset() {
    sent.clear();
    received.clear();
    got_connack = false;
    got_disconnect = false;
  }

  // The level whose packets the client reads: its CONNECT's, as the decoder (with the
  // broker's size limit) reads it. A CONNECT the broker refuses before knowing it is
  // answered in the 5.0 form when a level byte of 5 is within the first 16 bytes (the
  // broker looks no further: "MQTT" and "MQIsdp" put it at byte 8 to 13), otherwise in
  // the 3.1.1 form, which every level reads [MQTT-3.1.2-2].
  protocol_version version(std::uint32_t max_packet_size) const {
    decoder d({.max_packet_size = max_packet_size});
    std::vector<packet> got;
    (void)d.push(sent, got);
    if (!got.empty() && std::holds_alternative<connect_packet>(got.front())) {
      return std::get<connect_packet>(got.front()).version;
    }
    const auto head = static_cast<std::ptrdiff_t>(std::min<std::size_t>(16, sent.size()));
    const std::vector<std::uint8_t> b(sent.begin(), sent.begin() + head);
    std::size_t i = 1;
    while (i < b.size() && i <= 4 && (b[i] & 0x80)) ++i;
    ++i;  // past the Remaining Length
    if (i + 2 > b.size()) return protocol_version::v311;
    const std::size_t level_at = i + 2 + static_cast<std::size_t>(b[i] << 8 | b[i + 1]);
    return level_at < b.size() && (b[level_at] & 0x7F) == 5 ? protocol_version::v5 : protocol_version::v311;
  }
};

struct driver {
  mqttw::broker::broker b;
  std::uint64_t now = 1'000'000;
  client clients[3];
  std::vector<request> requests;

  explicit driver(broker_options o) : b(std::move(o)), max_packet_size(b.options().max_packet_size) {
    take(b.tick(now), -1);
  }
  std::uint32_t max_packet_size;

  // `opened`: the connection the call opened (on_open, or on_bytes of a closed one).
  void take(const batch& out, int opened) {
    bool sent_disconnect[3] = {false, false, false};
    for (const send_event& s : out.sends) {
      if (s.conn >= 3) fail("a send to a connection that never was");
      client& c = clients[s.conn];
      if (!c.open && static_cast<int>(s.conn) != opened) fail("a send to a closed connection");
      if (std::size_t{s.offset} + s.length > out.bytes.size()) fail("a send outside the batch's bytes");
      c.received.assign(out.bytes.begin() + s.offset, out.bytes.begin() + s.offset + s.length);
      decoder d({.version = c.version(max_packet_size)});
      std::vector<packet> got;
      if (const error& err = d.push(c.received, got)) fail("the broker sent a packet a client cannot read:", err.reason);
      if (d.buffered() != 0) fail("the broker sent part of a packet");
      for (const packet& p : got) {
        const auto type = type_of(p);
        if (c.got_disconnect) fail("a packet after DISCONNECT [MQTT-3.14.4-1]");
        if (type == packet_type::connack) {
          if (c.got_connack) fail("a second CONNACK [MQTT-3.2.0-2]");
          c.got_connack = true;
        } else if (!c.got_connack && type != packet_type::auth) {
          fail("a packet before CONNACK [MQTT-3.2.0-1]:", std::string(packet_type_name(type)));
        }
        if (type == packet_type::disconnect) {
          c.got_disconnect = true;
          sent_disconnect[s.conn] = true;
        }
      }
    }
    for (const close_event& cl : out.closes) {
      if (cl.conn < 3) {
        clients[cl.conn].open = false;
        sent_disconnect[cl.conn] = false;
      }
    }
    for (int i = 0; i < 3; ++i) {
      if (sent_disconnect[i]) fail("DISCONNECT without closing the connection [MQTT-3.14.4-2]");
    }
    for (const request& r : out.requests) requests.push_back(r);
    if (out.timer_at != 0 && out.timer_at <= now) fail("a timer for the past");
    std::uint32_t open = 0;
    for (const client& c : clients) open += c.open ? 1 : 0;
    if (b.stats().clients_connected > open) fail("more clients connected than connections open");
  }

  void bytes(conn_id id, bytes_view chunk) {
    client& c = clients[id];
    int opened = -1;
    if (!c.open) {  // a host may skip on_open: the broker opens it
      c.reset();
      c.open = true;
      opened = static_cast<int>(id);
    }
    c.sent.insert(c.sent.end(), chunk.begin(), chunk.end());
    take(b.on_bytes(id, chunk, now), opened);
  }

  void open(conn_id id) {
    if (clients[id].open) return;  // ids are not reused while open
    clients[id].reset();
    clients[id].open = true;
    take(b.on_open(id, now), static_cast<int>(id));
  }

  void hang_up(conn_id id) {
    if (!clients[id].open) return;
    clients[id].open = false;
    take(b.on_closed(id, now), -1);
  }

  void answer(std::uint8_t which, std::uint8_t code, bytes_view data) {
    if (requests.empty()) return;
    const std::size_t i = which % requests.size();
    const std::uint32_t id = requests[i].id;
    if (which & 0x80) requests.erase(requests.begin() + static_cast<std::ptrdiff_t>(i));  // else it may be answered twice
    const std::uint8_t codes[] = {0x00, 0x00, 0x01, 0x02, 0x18, 0x87, 0x86, 0x80, 0x8C, 0x97};
    const auto rc = static_cast<reason_code>(code < 0xF0 ? codes[code % std::size(codes)] : code);
    take(b.answer(id, rc, data, now), -1);
  }

  void advance(std::uint64_t ms) {
    now += ms;
    take(b.tick(now), -1);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  driver d(options_from(data[0], data[1]));
  std::size_t at = 2;
  const auto next = [&]() -> std::uint8_t { return at < size ? data[at++] : 0; };
  const auto take_bytes = [&](std::size_t n) {
    const std::size_t len = std::min(n, size - at);
    const bytes_view v(data + at, len);
    at += len;
    return v;
  };
  while (at < size) {
    const std::uint8_t op = next();
    const conn_id conn = (op & 3) == 3 ? 0 : op & 3;
    const unsigned step = op >> 2;
    if (step < 40) {
      d.bytes(conn, take_bytes(next()));
    } else if (step < 44) {
      d.advance(std::uint64_t{next()} * 100 * (step - 39));
    } else if (step < 48) {
      d.advance(std::uint64_t{next()} * 10'000);
    } else if (step < 56) {
      const std::uint8_t which = next();
      const std::uint8_t code = next();
      d.answer(which, code, take_bytes(next() % 16));
    } else if (step < 60) {
      d.hang_up(conn);
    } else if (step < 63) {
      d.open(conn);
    } else {
      d.take(d.b.shutdown(d.now), -1);
      for (client& c : d.clients) c.open = false;
    }
  }
  return 0;
}
