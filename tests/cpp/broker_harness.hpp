// A broker and its clients in one test: every packet goes through bytes both ways.
//
//   broker_harness h;
//   auto a = h.connect("a", protocol_version::v5);
//   h.send(a, subscribe_packet{1, {{"t/#", qos::at_least_once}}, {}});
//   h.expect<suback_packet>(a);
//
// Clients encode with the codec's encoder and decode the broker's sends with their
// own decoder, so a test reads what a real client would read.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "mqttw/broker/broker.hpp"
#include "mqttw/codec/decoder.hpp"
#include "mqttw/codec/encoder.hpp"
#include "test_support.hpp"

namespace mqttw::test {

using namespace mqttw::broker;

struct broker_harness {
  struct peer {
    protocol_version version;
    decoder dec;
    std::deque<std::vector<std::uint8_t>> storage;  // received bytes; packet views point here
    std::deque<packet> inbox;
    bool closed = false;
    reason_code close_reason = reason_code::success;
    explicit peer(protocol_version v) : version(v), dec(decoder_options{v, max_packet_size_limit, 0}) {}
  };

  mqttw::broker::broker b;
  std::uint64_t now = 1'000'000;
  conn_id next_id = 1;
  std::map<conn_id, peer> peers;
  std::vector<request> requests;  // the broker's questions, oldest first (see next_request)
  std::vector<conn_id> paused_reading, resumed_reading;  // backpressure asked for, in order
  std::uint64_t timer_at = 0;
  bool session_present = false;  // of the last CONNACK that connect() read
  std::uint64_t bytes_to_broker = 0, bytes_from_broker = 0;  // on every connection

  explicit broker_harness(broker_options o = {}) : b(std::move(o)) { take(b.tick(now)); }

  // A new connection; `reuse` gives it the id of one that is closed.
  conn_id open(protocol_version v = protocol_version::v5, conn_id reuse = 0) {
    const conn_id id = reuse ? reuse : next_id++;
    if (reuse) {
      REQUIRE(peers.at(reuse).closed);
      peers.erase(reuse);
    }
    peers.emplace(id, peer(v));
    take(b.on_open(id, now));
    return id;
  }

  void send_bytes(conn_id id, const std::vector<std::uint8_t>& bytes) {
    bytes_to_broker += bytes.size();
    take(b.on_bytes(id, bytes_view(bytes.data(), bytes.size()), now));
  }

  void send(conn_id id, const packet& p) {
    std::vector<std::uint8_t> bytes;
    const auto v = peers.at(id).version;
    const error err = encode(p, v, bytes);
    INFO(err.reason);
    REQUIRE_FALSE(err);
    send_bytes(id, bytes);
  }

  // The client side hangs up.
  void hang_up(conn_id id) {
    peers.at(id).closed = true;
    take(b.on_closed(id, now));
  }

  // Time passes as a host lets it: tick() runs only at the times the broker asked for
  // (batch::timer_at), each in turn, up to now + ms.
  void advance(std::uint64_t ms) {
    const std::uint64_t until = now + ms;
    while (timer_at != 0 && timer_at <= until) {
      now = std::max(now, timer_at);
      timer_at = 0;
      take(b.tick(now));
      REQUIRE((timer_at == 0 || timer_at > now));  // a timer for the past would spin the host
    }
    now = until;
  }

  void shutdown() { take(b.shutdown(now)); }

  void answer(std::uint32_t request_id, reason_code code, std::vector<std::uint8_t> data = {}) {
    take(b.answer(request_id, code, bytes_view(data.data(), data.size()), now));
  }

  // A new connection that sends this CONNECT; the test reads the answer.
  conn_id open_with(const connect_packet& p) {
    const conn_id id = open(p.version);
    send(id, p);
    return id;
  }

  // CONNECT and expect a successful CONNACK; returns the connection.
  conn_id connect(std::string_view client_id, protocol_version v = protocol_version::v5, bool clean = true,
                  properties props = {}, std::uint16_t keep_alive = 0) {
    const conn_id id = open_with(connect_v(v, client_id, clean, keep_alive, std::move(props)));
    auto& ack = expect<connack_packet>(id);
    REQUIRE(ack.code == reason_code::success);
    session_present = ack.session_present;
    return id;
  }

  void subscribe(conn_id id, std::string_view filter, qos q = qos::at_most_once, std::uint16_t packet_id = 1) {
    subscribe_packet s{packet_id, {{filter, q, false, false, retain_handling::send_on_subscribe}}, {}};
    send(id, s);
    auto& ack = expect<suback_packet>(id);
    REQUIRE(ack.codes.size() == 1);
    REQUIRE(static_cast<int>(ack.codes[0]) == static_cast<int>(q));
  }

  void publish(conn_id id, std::string_view topic, std::string_view payload, qos q = qos::at_most_once,
               bool retain = false, std::uint16_t packet_id = 0, properties props = {}) {
    publish_packet p{topic, bytes_view(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()),
                     q, retain, false, packet_id, std::move(props)};
    send(id, p);
  }

  // The next packet the client received, which must be a T.
  template <class T>
  T& expect(conn_id id) {
    auto& p = peers.at(id);
    INFO("connection " << id);
    REQUIRE_FALSE(p.inbox.empty());
    INFO("received " << packet_type_name(type_of(p.inbox.front())));
    REQUIRE(std::holds_alternative<T>(p.inbox.front()));
    last_ = std::move(p.inbox.front());
    p.inbox.pop_front();
    return std::get<T>(last_);
  }

  // The oldest unanswered request, taken off the list.
  request next_request() {
    REQUIRE_FALSE(requests.empty());
    request r = std::move(requests.front());
    requests.erase(requests.begin());
    return r;
  }

  // Forgets what the client received so far.
  void drain(conn_id id) { peers.at(id).inbox.clear(); }

  bool nothing_for(conn_id id) const { return peers.at(id).inbox.empty(); }
  bool is_closed(conn_id id) const { return peers.at(id).closed; }
  reason_code close_reason(conn_id id) const { return peers.at(id).close_reason; }
  std::size_t waiting(conn_id id) const { return peers.at(id).inbox.size(); }

  static std::string text(bytes_view b) { return std::string(b.begin(), b.end()); }

 private:
  packet last_{std::in_place_type<pingreq_packet>};

  void take(const batch& out) {
    for (const auto& s : out.sends) {
      auto it = peers.find(s.conn);
      REQUIRE(it != peers.end());
      peer& p = it->second;
      REQUIRE_FALSE(p.closed);
      bytes_from_broker += s.length;
      p.storage.emplace_back(out.bytes.begin() + s.offset, out.bytes.begin() + s.offset + s.length);
      std::vector<packet> got;
      const auto& bytes = p.storage.back();
      const auto& err = p.dec.push(bytes_view(bytes.data(), bytes.size()), got);
      INFO(err.reason);
      REQUIRE_FALSE(err);
      REQUIRE(p.dec.buffered() == 0);  // the broker sends whole packets
      for (auto& pk : got) p.inbox.push_back(std::move(pk));
    }
    for (const auto& c : out.closes) {
      auto it = peers.find(c.conn);
      REQUIRE(it != peers.end());
      it->second.closed = true;
      it->second.close_reason = c.reason;
    }
    for (const auto& r : out.requests) requests.push_back(r);
    paused_reading.insert(paused_reading.end(), out.pause_reading.begin(), out.pause_reading.end());
    resumed_reading.insert(resumed_reading.end(), out.resume_reading.begin(), out.resume_reading.end());
    if (out.timer_at) timer_at = out.timer_at;
  }
};

}  // namespace mqttw::test

