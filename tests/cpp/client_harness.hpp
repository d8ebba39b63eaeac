// A client session and the server it talks to, in one test: the test plays the server.
//
//   client_harness h(connect_v(v5, "c"));
//   h.connect_ok();                                   // CONNECT out, CONNACK in
//   h.publish(1, "t", "hello", qos::at_least_once);
//   auto p = h.expect<publish_packet>();              // what the server read
//   h.send(puback_packet{p.packet_id, reason_code::success, {}});
//   CHECK(h.expect_event(event_kind::completed).tok == 1);
//
// Every packet goes through bytes both ways: the server decodes the client's output()
// with its own decoder and answers with packets made by the codec's encoder, so a test
// reads what a real server would read. Events and the packets they carry are copied,
// so a test may keep them as long as it likes.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mqttw/client/client.hpp"
#include "mqttw/codec/decoder.hpp"
#include "mqttw/codec/encoder.hpp"
#include "packet_equal.hpp"
#include "test_support.hpp"

namespace mqttw::test {

using mqttw::client::batch;
using mqttw::client::client_options;
using mqttw::client::client_status;
using mqttw::client::event;
using mqttw::client::event_kind;
using mqttw::client::token;

inline const char* event_kind_name(event_kind k) {
  switch (k) {
    case event_kind::connected: return "connected";
    case event_kind::refused: return "refused";
    case event_kind::message: return "message";
    case event_kind::completed: return "completed";
    case event_kind::failed: return "failed";
    case event_kind::stored: return "stored";
    case event_kind::released: return "released";
    case event_kind::auth: return "auth";
    case event_kind::disconnected: return "disconnected";
    case event_kind::resubscribed: return "resubscribed";
  }
  return "?";
}

// Copies of strings and bytes that live as long as the test: packets kept by the
// harness point here.
struct arena {
  std::deque<std::string> texts;

  std::string_view text(std::string_view s) { return texts.emplace_back(s); }
  bytes_view data(bytes_view b) {
    const auto& t = texts.emplace_back(b.begin(), b.end());
    return bytes_view(reinterpret_cast<const std::uint8_t*>(t.data()), t.size());
  }
  properties props(const properties& in) {
    properties out = in;
    for (auto& p : out) {
      p.text = text(p.text);
      p.value = text(p.value);
      p.data = data(p.data);
    }
    return out;
  }
  packet keep(const packet& in) {
    packet out = in;
    std::visit(
        [&](auto& p) {
          using T = std::decay_t<decltype(p)>;
          if constexpr (requires { p.props; }) p.props = props(p.props);
          if constexpr (std::is_same_v<T, connect_packet>) {
            p.client_id = text(p.client_id);
            if (p.will) {
              p.will->topic = text(p.will->topic);
              p.will->payload = data(p.will->payload);
              p.will->props = props(p.will->props);
            }
            if (p.username) p.username = text(*p.username);
            if (p.password) p.password = data(*p.password);
          } else if constexpr (std::is_same_v<T, publish_packet>) {
            p.topic = text(p.topic);
            p.payload = data(p.payload);
          } else if constexpr (std::is_same_v<T, subscribe_packet>) {
            for (auto& s : p.subscriptions) s.filter = text(s.filter);
          } else if constexpr (std::is_same_v<T, unsubscribe_packet>) {
            for (auto& f : p.filters) f = text(f);
          }
        },
        out);
    return out;
  }
};

// An event as the test sees it: the packet it refers to is copied.
struct recorded_event {
  event_kind kind{};
  token tok = 0;
  reason_code code = reason_code::success;
  std::uint16_t packet_id = 0;
  bool session_present = false;
  std::string reason;
  std::optional<packet> pk;

  template <class T>
  const T& packet_as() const {
    REQUIRE(pk.has_value());
    INFO("event packet is " << packet_type_name(type_of(*pk)));
    REQUIRE(std::holds_alternative<T>(*pk));
    return std::get<T>(*pk);
  }
};

inline bool same(const recorded_event& a, const recorded_event& b) {
  return a.kind == b.kind && a.tok == b.tok && a.code == b.code && a.packet_id == b.packet_id &&
         a.session_present == b.session_present && a.reason == b.reason && a.pk.has_value() == b.pk.has_value() &&
         (!a.pk || same(*a.pk, *b.pk));
}

struct client_harness {
  protocol_version version;
  std::unique_ptr<mqttw::client::client> c;
  std::uint64_t now = 1'000'000;
  std::uint64_t timer_at = 0;  // the last one the client asked for

  bool is_open = false;      // on_open was called and on_closed not yet
  bool closed = false;       // the client asked to close the current connection
  reason_code close_reason = reason_code::success;
  std::string close_text;
  bytes wire;                // what the client wrote on the current connection
  std::vector<recorded_event> history;  // every event since the start, in order

  explicit client_harness(const connect_packet& connect, client_options options = {})
      : version(connect.version),
        c(std::make_unique<mqttw::client::client>(options, view(request_bytes(connect, connect.version)))),
        dec_(decoder_options{}) {
    INFO(c->init_error().reason);
    REQUIRE_FALSE(c->init_error());
  }

  // ---- the connection --------------------------------------------------------------

  // A network connection is up; the CONNECT goes out.
  void open() {
    REQUIRE_FALSE(is_open);
    is_open = true;
    closed = false;
    close_reason = reason_code::success;
    close_text.clear();
    wire.clear();
    written_.clear();
    dec_.reset();
    take(c->on_open(now));
  }

  // The network connection is gone (the server hung up, or the host closed it).
  void hang_up() {
    REQUIRE(is_open);
    is_open = false;
    take(c->on_closed(now));
  }

  // open() and the server's CONNACK; the connected event is taken.
  recorded_event connect_ok(properties connack_props = {}, bool session_present = false) {
    open();
    expect<connect_packet>();
    const auto before = static_cast<std::ptrdiff_t>(events_.size());
    send(connack_packet{session_present, reason_code::success, std::move(connack_props)});
    const auto it = std::find_if(events_.begin() + before, events_.end(),
                                 [](const recorded_event& e) { return e.kind == event_kind::connected; });
    REQUIRE(it != events_.end());
    CHECK(it == events_.begin() + before);  // CONNACK is told before what it lets go out
    recorded_event e = *it;
    events_.erase(it);
    CHECK(e.session_present == session_present);
    e.packet_as<connack_packet>();
    REQUIRE(c->status().connected);
    return e;
  }

  // hang_up() (if still open) and connect_ok() again.
  recorded_event reconnect(properties connack_props = {}, bool session_present = false) {
    if (is_open) hang_up();
    return connect_ok(std::move(connack_props), session_present);
  }

  // ---- the server sends --------------------------------------------------------------

  void send_bytes(const bytes& b) {
    REQUIRE(is_open);
    take(c->on_bytes(view(b), now));
  }

  // The same bytes, one at a time.
  void send_bytes_one_by_one(const bytes& b) {
    for (std::uint8_t byte : b) send_bytes(bytes{byte});
  }

  void send(const packet& p) { send_bytes(encode_ok(p, version)); }

  void send_publish(std::string_view topic, std::string_view payload, qos q = qos::at_most_once,
                    std::uint16_t packet_id = 0, properties props = {}, bool dup = false, bool retain = false) {
    send(publish_packet{topic, view(payload), q, retain, dup, packet_id, std::move(props)});
  }

  // ---- the application asks -----------------------------------------------------------

  void publish(token tok, const publish_packet& p) { take(c->publish(tok, view(request_bytes(p, version)), now)); }
  void publish(token tok, std::string_view topic, std::string_view payload, qos q = qos::at_most_once,
               bool retain = false, properties props = {}) {
    publish(tok, publish_packet{topic, view(payload), q, retain, false, 0, std::move(props)});
  }
  void subscribe(token tok, const subscribe_packet& p) { take(c->subscribe(tok, view(request_bytes(p, version)), now)); }
  void subscribe(token tok, std::string_view filter, qos q = qos::at_most_once) {
    subscribe(tok, subscribe_packet{0, {{filter, q, false, false, retain_handling::send_on_subscribe}}, {}});
  }
  void unsubscribe(token tok, const unsubscribe_packet& p) {
    take(c->unsubscribe(tok, view(request_bytes(p, version)), now));
  }
  void unsubscribe(token tok, std::string_view filter) { unsubscribe(tok, unsubscribe_packet{0, {filter}, {}}); }
  void ack(std::uint16_t packet_id, reason_code code = reason_code::success) {
    take(c->ack(packet_id, code, now));
  }
  void auth(const auth_packet& p) { take(c->auth(view(request_bytes(p, version)), now)); }
  void disconnect(const disconnect_packet& p = {}) { take(c->disconnect(view(request_bytes(p, version)), now)); }
  void abandon() { take(c->abandon(now)); }
  error check(const packet& p) const { return c->check_control(view(request_bytes(p, version))); }
  void restore(token tok, const publish_packet& p, bool released) {
    take(c->restore(tok, view(request_bytes(p, version)), released, now));
  }

  // Time passes as a host lets it: tick() runs only at the times the client asked for
  // (batch::timer_at), each in turn, up to now + ms.
  void advance(std::uint64_t ms) {
    const std::uint64_t until = now + ms;
    while (timer_at != 0 && timer_at <= until) {
      now = std::max(now, timer_at);
      timer_at = 0;
      take(c->tick(now));
      REQUIRE((timer_at == 0 || timer_at > now));  // a timer for the past would spin the host
    }
    now = until;
  }

  client_status status() const { return c->status(); }

  // ---- what the server read --------------------------------------------------------------

  // The next packet the client wrote, which must be a T.
  template <class T>
  T expect() {
    REQUIRE_FALSE(written_.empty());
    INFO("the client wrote " << packet_type_name(type_of(written_.front())));
    REQUIRE(std::holds_alternative<T>(written_.front()));
    T p = std::get<T>(written_.front());
    written_.pop_front();
    return p;
  }

  bool nothing_written() const { return written_.empty(); }
  std::size_t written_count() const { return written_.size(); }
  std::deque<packet> take_written() {
    auto out = std::move(written_);
    written_.clear();
    return out;
  }

  // ---- events --------------------------------------------------------------

  recorded_event next_event() {
    REQUIRE_FALSE(events_.empty());
    recorded_event e = events_.front();
    events_.pop_front();
    return e;
  }

  recorded_event expect_event(event_kind kind) {
    REQUIRE_FALSE(events_.empty());
    INFO("next event is " << event_kind_name(events_.front().kind) << " (tok " << events_.front().tok << ", code "
                          << static_cast<int>(events_.front().code) << ", " << events_.front().reason << ")");
    REQUIRE(events_.front().kind == kind);
    return next_event();
  }

  bool no_events() const { return events_.empty(); }
  // Events of one kind taken out of those waiting, the others staying in order.
  std::vector<recorded_event> take_events(event_kind kind) {
    std::vector<recorded_event> out;
    for (auto it = events_.begin(); it != events_.end();) {
      if (it->kind == kind) {
        out.push_back(*it);
        it = events_.erase(it);
      } else {
        ++it;
      }
    }
    return out;
  }

  static std::uint32_t number(const properties& props, property_id id) {
    const property* p = find_property(props, id);
    INFO("property " << static_cast<int>(id));
    REQUIRE(p);
    return p->number;
  }

  // The Topic Alias of a PUBLISH, or 0.
  static std::uint16_t alias_of(const publish_packet& p) {
    const property* a = find_property(p.props, property_id::topic_alias);
    return a ? static_cast<std::uint16_t>(a->number) : 0;
  }

  arena store;

 private:
  decoder dec_;
  std::deque<packet> written_;
  std::deque<recorded_event> events_;

  // A packet an event refers to, as the codec decodes its bytes (whole and valid:
  // the client checked them), with the topic the client resolved; copied.
  packet received(const mqttw::client::received_packet& rp) {
    decoder d(decoder_options{.version = version});
    std::vector<packet> got;
    const error& err = d.push(rp.bytes, got);
    INFO(err.reason);
    REQUIRE_FALSE(err);
    REQUIRE(got.size() == 1);
    REQUIRE(d.buffered() == 0);
    if (auto* p = std::get_if<publish_packet>(&got[0])) {
      CHECK((p->topic.empty() || p->topic == rp.topic));  // empty: it came with an alias
      p->topic = rp.topic;
    } else {
      CHECK(rp.topic.empty());
    }
    return store.keep(got[0]);
  }

  void take(const batch& out) {
    const bool was_closed = closed;
    for (const auto& e : out.events) {
      recorded_event r{e.kind, e.tok, e.code, e.packet_id, e.session_present, e.text, std::nullopt};
      if (e.packet >= 0) {
        REQUIRE(static_cast<std::size_t>(e.packet) < out.packets.size());
        r.pk = received(out.packets[static_cast<std::size_t>(e.packet)]);
      }
      events_.push_back(r);
      history.push_back(r);
    }
    const auto& output = c->output();
    if (!output.empty()) {
      INFO("the client wrote " << output.size() << " bytes");
      REQUIRE(is_open);  // no connection, nowhere to write
      // A host closes the connection once it has written what the closing batch made;
      // anything written later would be lost [MQTT-3.14.4-1].
      CHECK_FALSE(was_closed);
      const auto& chunk = store.texts.emplace_back(output.begin(), output.end());
      c->clear_output();
      wire.insert(wire.end(), chunk.begin(), chunk.end());
      std::vector<packet> got;
      const error& err = dec_.push(
          bytes_view(reinterpret_cast<const std::uint8_t*>(chunk.data()), chunk.size()), got);
      INFO(err.reason);
      REQUIRE_FALSE(err);
      REQUIRE(dec_.buffered() == 0);  // the client writes whole packets
      for (auto& p : got) written_.push_back(store.keep(p));
    }
    CHECK(c->output().empty());
    if (out.close) {
      REQUIRE(is_open);
      closed = true;
      close_reason = out.close_reason;
      close_text = out.close_text;
    }
    if (out.timer_at) {
      CHECK(out.timer_at >= now);
      timer_at = out.timer_at;
    }
  }
};

inline std::string payload_of(const publish_packet& p) { return as_text(p.payload); }

inline void append(bytes& to, const bytes& more) { to.insert(to.end(), more.begin(), more.end()); }

inline property prop(property_id id, std::uint32_t n) { return property::integer(id, n); }

}  // namespace mqttw::test


template <>
struct Catch::StringMaker<mqttw::client::event_kind> {
  static std::string convert(mqttw::client::event_kind k) { return mqttw::test::event_kind_name(k); }
};
