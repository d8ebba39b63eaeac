// The client session's wasm boundary, wrapped by js/client/core.js. One call per
// chunk, tick or application request returns one batch, laid out in wasm memory as
// Int32 words that JS reads in place (see `batch_view`); the layout is shared with
// js/client/core.js and must change with it.
//
// Packets cross as MQTT's own bytes both ways. Requests (the CONNECT, PUBLISH,
// SUBSCRIBE ...) are whole packets that js/client/wire-write.js wrote into the
// handle's request buffer, and the client checks them as a server would. The packets
// a batch's events refer to are the bytes that came, which the client has checked:
// js/client/wire-read.js turns them into mqtt-packet-shaped objects.
//
// Every entry point is a plain C export (cheaper per call than Embind, see
// codec_api.cpp). Times cross as doubles: milliseconds fit exactly. An entry point
// that returns a batch returns its address.
#include <emscripten.h>

#include <optional>
#include <string>
#include <vector>

#include "mqttw/client/client.hpp"
#include "wasm_words.hpp"

namespace mqttw::binding {

namespace {

using namespace mqttw::client;

// Words of a batch, read by JS at the address an entry point returns.
struct batch_view {
  std::int32_t event_count;   // 0
  std::int32_t events;        // 1: event_words words each
  std::int32_t packet_count;  // 2
  std::int32_t packets;       // 3: packet_words words each
  std::int32_t texts;         // 4: the bytes of reasons and the close text
  std::int32_t timer_low;     // 5: timer_at as two 32-bit halves, 0 for none
  std::int32_t timer_high;    // 6
  std::int32_t close;         // 7: 1 when the connection is to be closed
  std::int32_t close_reason;  // 8
  std::int32_t close_text;    // 9: offset into texts
  std::int32_t close_length;  // 10
  std::int32_t output_length; // 11: bytes waiting in output()
};

// One event: kind, token, code, packet id, session present, packet (index into the
// batch's packets, or -1), then the reason text's offset into texts and its length.
constexpr std::size_t event_words = 8;

// One packet: its bytes' address and length, then its topic's (a PUBLISH's topic,
// resolved when it came with a Topic Alias; 0 and 0 for other packets).
constexpr std::size_t packet_words = 4;

struct client_handle {
  std::optional<mqttw::client::client> core;
  std::vector<std::uint8_t> input;
  std::vector<std::uint8_t> request;  // the packet of the next request
  std::vector<std::int32_t> events;
  std::vector<std::int32_t> packets;
  std::vector<char> texts;
  batch_view view{};
  std::int32_t answer[3]{};  // of mqttw_client_error, mqttw_client_check and mqttw_client_output
  error checked;             // mqttw_client_check's, whose reason the answer points into
  client_status status;
  std::int32_t status_words[11]{};

  std::int32_t text(std::string_view s) {
    const auto offset = static_cast<std::int32_t>(texts.size());
    texts.insert(texts.end(), s.begin(), s.end());
    return offset;
  }

  std::int32_t publish(const batch& b) {
    texts.clear();
    if (events.size() < b.events.size() * event_words) events.resize(b.events.size() * event_words);
    std::int32_t* w = events.data();
    for (const event& e : b.events) {
      w[0] = static_cast<std::int32_t>(e.kind);
      w[1] = static_cast<std::int32_t>(e.tok);
      w[2] = static_cast<std::int32_t>(e.code);
      w[3] = e.packet_id;
      w[4] = e.session_present ? 1 : 0;
      w[5] = e.packet;
      w[6] = e.text.empty() ? 0 : text(e.text);
      w[7] = static_cast<std::int32_t>(e.text.size());
      w += event_words;
    }
    if (packets.size() < b.packets.size() * packet_words) packets.resize(b.packets.size() * packet_words);
    w = packets.data();
    for (const received_packet& p : b.packets) {
      w[0] = address(p.bytes.data());
      w[1] = static_cast<std::int32_t>(p.bytes.size());
      w[2] = address(p.topic.data());
      w[3] = static_cast<std::int32_t>(p.topic.size());
      w += packet_words;
    }
    view.event_count = static_cast<std::int32_t>(b.events.size());
    view.events = address(events.data());
    view.packet_count = static_cast<std::int32_t>(b.packets.size());
    view.packets = address(packets.data());
    view.close = b.close ? 1 : 0;
    view.close_reason = static_cast<std::int32_t>(b.close_reason);
    view.close_text = b.close_text.empty() ? 0 : text(b.close_text);
    view.close_length = static_cast<std::int32_t>(b.close_text.size());
    view.texts = address(texts.data());  // after the last text: texts may have moved
    view.timer_low = static_cast<std::int32_t>(b.timer_at & 0xFFFFFFFFu);
    view.timer_high = static_cast<std::int32_t>(b.timer_at >> 32);
    view.output_length = static_cast<std::int32_t>(core->output().size());
    return address(&view);
  }

  bytes_view requested(std::uint32_t at, std::uint32_t length) const {
    return bytes_view(request.data() + at, length);
  }
};

client_handle& handle(std::uint32_t h) { return from_handle<client_handle>(h); }


}  // namespace

// Options as words, in this order (js/client/core.js writes them):
//  0 max_packet_size   1 max_queued   2 ping_timeout_ms
//  3 flags: 1 queue_qos0, 2 auto_topic_alias, 4 manual_ack, 8 resubscribe
// and the CONNECT's `length` bytes. Always returns a handle: check
// mqttw_client_error() before anything else, and free it either way.
extern "C" EMSCRIPTEN_KEEPALIVE std::uint32_t mqttw_client_new(const std::uint32_t* o, const std::uint8_t* connect,
                                                               std::uint32_t length) {
  client_options options;
  options.max_packet_size = o[0];
  options.max_queued = o[1];
  options.ping_timeout_ms = o[2];
  options.queue_qos0 = (o[3] & 1) != 0;
  options.auto_topic_alias = (o[3] & 2) != 0;
  options.manual_ack = (o[3] & 4) != 0;
  options.resubscribe = (o[3] & 8) != 0;
  auto* h = new client_handle();
  h->core.emplace(options, bytes_view(connect, length));
  return to_handle(h);
}

extern "C" EMSCRIPTEN_KEEPALIVE void mqttw_client_free(std::uint32_t h) { delete &handle(h); }

// Why the client cannot be used (the init error: read it after mqttw_client_new), as
// words: reason code (0 for none), then the reason text's address and length.
static std::int32_t answer_error(client_handle& c, const error& err) {
  c.answer[0] = static_cast<std::int32_t>(err.code);
  c.answer[1] = address(err.reason.data());
  c.answer[2] = static_cast<std::int32_t>(err.reason.size());
  return address(c.answer);
}

extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_error(std::uint32_t h) {
  auto& c = handle(h);
  return answer_error(c, c.core->init_error());
}

// Why auth() or disconnect() would not send the AUTH or DISCONNECT of `length` bytes
// at `at` in the request buffer (client::check_control), as mqttw_client_error's words.
extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_check(std::uint32_t h, std::uint32_t at, std::uint32_t length) {
  auto& c = handle(h);
  c.checked = c.core->check_control(c.requested(at, length));
  return answer_error(c, c.checked);
}

// The input buffer, grown to at least `size` bytes; JS writes a chunk there before
// mqttw_client_on_bytes.
extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_input(std::uint32_t h, std::uint32_t size) {
  auto& c = handle(h);
  if (c.input.size() < size) c.input.resize(size);
  return address(c.input.data());
}

// The request buffer, grown to at least `size` bytes, or given back with 0; JS writes
// a request's packet there before the call that takes it (`length` bytes from `at`).
extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_request(std::uint32_t h, std::uint32_t size) {
  auto& c = handle(h);
  if (size == 0) {
    std::vector<std::uint8_t>().swap(c.request);
  } else if (c.request.size() < size) {
    c.request.resize(size);
  }
  return address(c.request.data());
}

extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_on_open(std::uint32_t h, double now) {
  auto& c = handle(h);
  return c.publish(c.core->on_open(milliseconds(now)));
}

extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_on_bytes(std::uint32_t h, std::uint32_t length, double now) {
  auto& c = handle(h);
  return c.publish(c.core->on_bytes(bytes_view(c.input.data(), length), milliseconds(now)));
}

extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_on_closed(std::uint32_t h, double now) {
  auto& c = handle(h);
  return c.publish(c.core->on_closed(milliseconds(now)));
}

extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_tick(std::uint32_t h, double now) {
  auto& c = handle(h);
  return c.publish(c.core->tick(milliseconds(now)));
}

// Requests: the packet is `length` bytes of the request buffer, from `at`.
extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_publish(std::uint32_t h, std::uint32_t tok,
                                                                  std::uint32_t at, std::uint32_t length, double now) {
  auto& c = handle(h);
  return c.publish(c.core->publish(tok, c.requested(at, length), milliseconds(now)));
}

extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_subscribe(std::uint32_t h, std::uint32_t tok,
                                                                    std::uint32_t at, std::uint32_t length, double now) {
  auto& c = handle(h);
  return c.publish(c.core->subscribe(tok, c.requested(at, length), milliseconds(now)));
}

extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_unsubscribe(std::uint32_t h, std::uint32_t tok,
                                                                      std::uint32_t at, std::uint32_t length, double now) {
  auto& c = handle(h);
  return c.publish(c.core->unsubscribe(tok, c.requested(at, length), milliseconds(now)));
}

extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_auth(std::uint32_t h, std::uint32_t at, std::uint32_t length, double now) {
  auto& c = handle(h);
  return c.publish(c.core->auth(c.requested(at, length), milliseconds(now)));
}

extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_disconnect(std::uint32_t h, std::uint32_t at,
                                                                     std::uint32_t length, double now) {
  auto& c = handle(h);
  return c.publish(c.core->disconnect(c.requested(at, length), milliseconds(now)));
}

// A PUBLISH from an application store, with its packet id; `released` when its PUBREC
// had come.
extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_restore(std::uint32_t h, std::uint32_t tok,
                                                                  std::uint32_t at, std::uint32_t length,
                                                                  std::uint32_t released,
                                                                  double now) {
  auto& c = handle(h);
  return c.publish(c.core->restore(tok, c.requested(at, length), released != 0, milliseconds(now)));
}

extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_ack(std::uint32_t h, std::uint32_t packet_id,
                                                              std::uint32_t code, double now) {
  auto& c = handle(h);
  return c.publish(
      c.core->ack(static_cast<std::uint16_t>(packet_id), static_cast<reason_code>(code), milliseconds(now)));
}

extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_abandon(std::uint32_t h, double now) {
  auto& c = handle(h);
  return c.publish(c.core->abandon(milliseconds(now)));
}

extern "C" EMSCRIPTEN_KEEPALIVE void mqttw_client_report_store_events(std::uint32_t h, std::uint32_t on) {
  handle(h).core->report_store_events(on != 0);
}

// The bytes to write, as words: address, length. Valid until the next call.
extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_output(std::uint32_t h) {
  auto& c = handle(h);
  const std::vector<std::uint8_t>& out = c.core->output();
  c.answer[0] = address(out.data());
  c.answer[1] = static_cast<std::int32_t>(out.size());
  return address(c.answer);
}

extern "C" EMSCRIPTEN_KEEPALIVE void mqttw_client_clear_output(std::uint32_t h) { handle(h).core->clear_output(); }

// client_status as words: connected, inflight, queued, receive maximum, topic alias
// maximum, maximum packet size, maximum qos, retain available, keep alive, then the
// client id's address and length.
extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_status(std::uint32_t h) {
  auto& c = handle(h);
  c.status = c.core->status();
  const client_status& s = c.status;
  std::int32_t* w = c.status_words;
  w[0] = s.connected ? 1 : 0;
  w[1] = s.inflight;
  w[2] = static_cast<std::int32_t>(s.queued);
  w[3] = s.receive_maximum;
  w[4] = s.topic_alias_maximum;
  w[5] = static_cast<std::int32_t>(s.maximum_packet_size);
  w[6] = static_cast<std::int32_t>(s.maximum_qos);
  w[7] = s.retain_available ? 1 : 0;
  w[8] = s.keep_alive;
  w[9] = address(s.client_id.data());
  w[10] = static_cast<std::int32_t>(s.client_id.size());
  return address(w);
}

}  // namespace mqttw::binding
