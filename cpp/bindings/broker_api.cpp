// The broker's wasm boundary, wrapped by js/broker/core.js. One call per socket chunk
// (or tick, or hook answer) returns one batch, laid out in wasm memory as Int32 words
// that JS reads in place (see `batch_view`); the layout is shared with
// js/broker/core.js and must change with it.
//
// Every entry point is a plain C export (cheaper per call than Embind, see
// codec_api.cpp). Times cross as doubles: milliseconds fit exactly.
#include <emscripten.h>

#include <cstring>
#include <memory>
#include <vector>

#include "mqttw/broker/broker.hpp"
#include "wasm_words.hpp"

namespace mqttw::binding {

namespace {

using namespace mqttw::broker;

// Words of a batch, read by JS at the address an entry point returns.
struct batch_view {
  std::int32_t send_count;     // 0
  std::int32_t sends;          // 1: (conn, offset, length) triples
  std::int32_t bytes;          // 2: the bytes the sends point into
  std::int32_t close_count;    // 3
  std::int32_t closes;         // 4: (conn, reason) pairs
  std::int32_t request_count;  // 5
  std::int32_t requests;       // 6: request_words words each
  std::int32_t request_bytes;  // 7: the bytes the requests' fields point into
  std::int32_t timer_low;      // 8: timer_at as two 32-bit halves, 0 for none
  std::int32_t timer_high;     // 9
  std::int32_t pause_count;    // 10: connections whose reading should stop
  std::int32_t pauses;         // 11: conn ids
  std::int32_t resume_count;   // 12: connections to read again
  std::int32_t resumes;        // 13: conn ids
};

// One request: id, kind, conn, qos, flags (1 retain, 2 will, 4 reauthenticate,
// 8 has user name, 16 has password), then (offset, length) for client id, user name,
// password, topic, payload, authentication method and authentication data: 19 words.

struct broker_handle {
  mqttw::broker::broker core;
  std::vector<std::uint8_t> input;
  batch_view view{};
  std::vector<std::int32_t> sends, closes, requests;
  std::vector<std::uint8_t> request_bytes;

  explicit broker_handle(broker_options o) : core(std::move(o)) {}

  void put(const std::string& s) { put(s.data(), s.size()); }
  void put(const std::vector<std::uint8_t>& b) { put(b.data(), b.size()); }
  void put(const void* data, std::size_t size) {
    requests.push_back(static_cast<std::int32_t>(request_bytes.size()));
    requests.push_back(static_cast<std::int32_t>(size));
    const auto* p = static_cast<const std::uint8_t*>(data);
    request_bytes.insert(request_bytes.end(), p, p + size);
  }

  std::int32_t publish(const batch& b) {
    sends.clear();
    for (const auto& s : b.sends) {
      sends.push_back(static_cast<std::int32_t>(s.conn));
      sends.push_back(static_cast<std::int32_t>(s.offset));
      sends.push_back(static_cast<std::int32_t>(s.length));
    }
    closes.clear();
    for (const auto& c : b.closes) {
      closes.push_back(static_cast<std::int32_t>(c.conn));
      closes.push_back(static_cast<std::int32_t>(c.reason));
    }
    requests.clear();
    request_bytes.clear();
    for (const auto& r : b.requests) {
      requests.push_back(static_cast<std::int32_t>(r.id));
      requests.push_back(static_cast<std::int32_t>(r.kind));
      requests.push_back(static_cast<std::int32_t>(r.conn));
      requests.push_back(static_cast<std::int32_t>(r.qos));
      requests.push_back((r.retain ? 1 : 0) | (r.is_will ? 2 : 0) | (r.reauthenticate ? 4 : 0) |
                         (r.has_username ? 8 : 0) | (r.has_password ? 16 : 0));
      put(r.client_id);
      put(r.username);
      put(r.password);
      put(r.topic);
      put(r.payload);
      put(r.auth_method);
      put(r.auth_data);
    }
    view.send_count = static_cast<std::int32_t>(b.sends.size());
    view.sends = address(sends.data());
    view.bytes = address(b.bytes.data());
    view.close_count = static_cast<std::int32_t>(b.closes.size());
    view.closes = address(closes.data());
    view.request_count = static_cast<std::int32_t>(b.requests.size());
    view.requests = address(requests.data());
    view.request_bytes = address(request_bytes.data());
    view.timer_low = static_cast<std::int32_t>(b.timer_at & 0xFFFFFFFFu);
    view.timer_high = static_cast<std::int32_t>(b.timer_at >> 32);
    view.pause_count = static_cast<std::int32_t>(b.pause_reading.size());
    view.pauses = address(b.pause_reading.data());
    view.resume_count = static_cast<std::int32_t>(b.resume_reading.size());
    view.resumes = address(b.resume_reading.data());
    return address(&view);
  }
};

broker_handle& handle(std::uint32_t h) { return from_handle<broker_handle>(h); }


}  // namespace

// Options as words, in this order (js/broker/core.js writes them):
//  0 max_connections        1 max_packet_size     2 receive_maximum    3 max_inflight
//  4 max_queued             5 topic_alias_maximum 6 max_keepalive      7 maximum_qos
//  8 retain_available       9 max_topic_levels   10 max_subscriptions 11 connect_timeout_ms
// 12 sys_interval          13 hook flags (1 authenticate, 2 authorize publish,
//                             4 authorize subscribe, 8 enhanced auth)
// 14 max_message_bytes
// 15.. the $SYS/broker/version text's length, then its bytes from word 16.
extern "C" EMSCRIPTEN_KEEPALIVE std::uint32_t mqttw_broker_new(const std::uint32_t* w) {
  broker_options o;
  o.max_connections = w[0];
  o.max_packet_size = w[1];
  o.receive_maximum = static_cast<std::uint16_t>(w[2]);
  o.max_inflight = static_cast<std::uint16_t>(w[3]);
  o.max_queued = w[4];
  o.topic_alias_maximum = static_cast<std::uint16_t>(w[5]);
  o.max_keepalive = static_cast<std::uint16_t>(w[6]);
  o.maximum_qos = static_cast<qos>(w[7]);
  o.retain_available = w[8] != 0;
  o.max_topic_levels = w[9];
  o.max_subscriptions = w[10];
  o.connect_timeout_ms = w[11];
  o.sys_interval = w[12];
  o.hook_authenticate = (w[13] & 1) != 0;
  o.hook_authorize_publish = (w[13] & 2) != 0;
  o.hook_authorize_subscribe = (w[13] & 4) != 0;
  o.hook_enhanced_auth = (w[13] & 8) != 0;
  o.max_message_bytes = w[14];
  o.version_text.assign(reinterpret_cast<const char*>(w + 16), w[15]);
  return to_handle(new broker_handle(std::move(o)));
}

extern "C" EMSCRIPTEN_KEEPALIVE void mqttw_broker_free(std::uint32_t h) { delete &handle(h); }

// The input buffer, grown to at least `size` bytes; JS writes a chunk or an answer's
// data there before the call that reads it.
extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_broker_input(std::uint32_t h, std::uint32_t size) {
  auto& b = handle(h);
  if (b.input.size() < size) b.input.resize(size);
  return address(b.input.data());
}

extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_broker_on_open(std::uint32_t h, std::uint32_t conn, double now) {
  auto& b = handle(h);
  return b.publish(b.core.on_open(conn, milliseconds(now)));
}

extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_broker_on_bytes(std::uint32_t h, std::uint32_t conn,
                                                                   std::uint32_t length, double now) {
  auto& b = handle(h);
  return b.publish(b.core.on_bytes(conn, bytes_view(b.input.data(), length), milliseconds(now)));
}

extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_broker_on_closed(std::uint32_t h, std::uint32_t conn, double now) {
  auto& b = handle(h);
  return b.publish(b.core.on_closed(conn, milliseconds(now)));
}

extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_broker_tick(std::uint32_t h, double now) {
  auto& b = handle(h);
  return b.publish(b.core.tick(milliseconds(now)));
}

// `length` bytes of authentication data are in the input buffer.
extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_broker_answer(std::uint32_t h, std::uint32_t id, std::uint32_t code,
                                                                 std::uint32_t length, double now) {
  auto& b = handle(h);
  return b.publish(b.core.answer(id, static_cast<reason_code>(code), bytes_view(b.input.data(), length), milliseconds(now)));
}

extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_broker_shutdown(std::uint32_t h, double now) {
  auto& b = handle(h);
  return b.publish(b.core.shutdown(milliseconds(now)));
}

// Statistics as doubles: started_at, clients_connected, sessions, messages_received,
// messages_sent, messages_dropped, bytes_received, bytes_sent, retained, subscriptions,
// message_bytes.
extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_broker_stats(std::uint32_t h) {
  static double words[11];
  const broker_stats& s = handle(h).core.stats();
  const double values[11] = {static_cast<double>(s.started_at), static_cast<double>(s.clients_connected),
                             static_cast<double>(s.sessions), static_cast<double>(s.messages_received),
                             static_cast<double>(s.messages_sent), static_cast<double>(s.messages_dropped),
                             static_cast<double>(s.bytes_received), static_cast<double>(s.bytes_sent),
                             static_cast<double>(s.retained), static_cast<double>(s.subscriptions),
                             static_cast<double>(s.message_bytes)};
  std::memcpy(words, values, sizeof words);
  return address(words);
}

}  // namespace mqttw::binding
