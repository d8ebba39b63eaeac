// The client session's wasm boundary, wrapped by js/client/core.js. One call per
// chunk, tick or application request returns one batch, laid out in wasm memory as
// Int32 words that JS reads in place (see `batch_view`); the layout is shared with
// js/client/core.js and must change with it.
//
// Packets cross on the codec's tape (tape.hpp) both ways: requests (the CONNECT,
// PUBLISH, SUBSCRIBE ...) are read from a tape JS wrote with js/wasm/tape-write.js,
// and the packets a batch's events refer to are written to a tape that
// js/wasm/tape-read.js turns into mqtt-packet-shaped objects, as the decoder's are.
//
// Every entry point is a plain C export (cheaper per call than Embind, see
// codec_api.cpp). Times cross as doubles: milliseconds fit exactly. An entry point
// that returns a batch returns its address, or 0 when the request tape could not be
// read (a bug on the JS side): mqttw_client_error() then says why.
#include <emscripten.h>

#include <optional>
#include <string>
#include <vector>

#include "mqttw/client/client.hpp"
#include "tape.hpp"
#include "wasm_words.hpp"

namespace mqttw::binding {

namespace {

using namespace mqttw::client;

// Words of a batch, read by JS at the address an entry point returns.
struct batch_view {
  std::int32_t event_count;   // 0
  std::int32_t events;        // 1: event_words words each
  std::int32_t packet_count;  // 2
  std::int32_t tape;          // 3: the packets, on the tape
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

struct client_handle {
  std::optional<mqttw::client::client> core;
  protocol_version version = protocol_version::v311;
  error problem;  // the CONNECT tape's, or the last request tape's
  std::vector<std::uint8_t> input;
  std::vector<std::int32_t> events;
  std::vector<std::int32_t> tape;
  std::vector<char> texts;
  string_cache strings;
  packet request{std::in_place_type<pingreq_packet>};  // reused by every request
  publish_packet quick;                                // mqttw_client_publish_quick's
  batch_view view{};
  std::int32_t answer[3]{};  // of mqttw_client_error and mqttw_client_output
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
      w[6] = e.reason.empty() ? 0 : text(e.reason);
      w[7] = static_cast<std::int32_t>(e.reason.size());
      w += event_words;
    }
    tape_writer writer(tape, strings);
    for (const packet& p : b.packets) writer.write(p, version);
    view.event_count = static_cast<std::int32_t>(b.events.size());
    view.events = address(events.data());
    view.packet_count = static_cast<std::int32_t>(b.packets.size());
    view.tape = address(tape.data());
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

  // Reads the request tape into `request`; null (and `problem` set) when it does not
  // hold one packet of type T.
  template <class T>
  const T* read(const std::int32_t* words, std::uint32_t count, const char* name) {
    tape_reader reader(words, count);
    protocol_version ignored;
    if (!reader.read(request, ignored)) {
      unreadable(name, reader.problem());
      return nullptr;
    }
    const T* p = std::get_if<T>(&request);
    if (!p) wrong_packet(name);
    return p;
  }

  // The failures of read(), out of line: it is expanded once per packet type.
  [[gnu::noinline]] void unreadable(const char* name, std::string_view why) {
    problem = make_error(reason_code::malformed_packet, std::string("the ") + name + " could not be read: " +
                                                            std::string(why));
  }
  [[gnu::noinline]] void wrong_packet(const char* name) {
    problem = make_error(reason_code::malformed_packet,
                         std::string("the tape holds ") + std::string(packet_type_name(type_of(request))) + ", not " + name);
  }
};

client_handle& handle(std::uint32_t h) { return from_handle<client_handle>(h); }


}  // namespace

// Options as words, in this order (js/client/core.js writes them):
//  0 max_packet_size   1 max_queued   2 ping_timeout_ms
//  3 flags: 1 queue_qos0, 2 auto_topic_alias, 4 manual_ack, 8 resubscribe
// and the CONNECT on a tape of `words` words. Always returns a handle: check
// mqttw_client_error() before anything else, and free it either way.
extern "C" EMSCRIPTEN_KEEPALIVE std::uint32_t mqttw_client_new(const std::uint32_t* o, const std::int32_t* tape,
                                                               std::uint32_t words) {
  client_options options;
  options.max_packet_size = o[0];
  options.max_queued = o[1];
  options.ping_timeout_ms = o[2];
  options.queue_qos0 = (o[3] & 1) != 0;
  options.auto_topic_alias = (o[3] & 2) != 0;
  options.manual_ack = (o[3] & 4) != 0;
  options.resubscribe = (o[3] & 8) != 0;
  auto* h = new client_handle();
  if (const auto* connect = h->read<connect_packet>(tape, words, "CONNECT")) {
    h->version = connect->version;
    h->core.emplace(options, *connect);
  }
  return to_handle(h);
}

extern "C" EMSCRIPTEN_KEEPALIVE void mqttw_client_free(std::uint32_t h) { delete &handle(h); }

// Why the client cannot be used (the init error: read it after mqttw_client_new), or
// why the last request tape could not be read (after a call returned 0), as words:
// reason code (0 for none), then the reason text's address and length.
extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_error(std::uint32_t h) {
  auto& c = handle(h);
  const error& err = c.problem || !c.core ? c.problem : c.core->init_error();
  c.answer[0] = static_cast<std::int32_t>(err.code);
  c.answer[1] = address(err.reason.data());
  c.answer[2] = static_cast<std::int32_t>(err.reason.size());
  return address(c.answer);
}

// The input buffer, grown to at least `size` bytes; JS writes a chunk there before
// mqttw_client_on_bytes.
extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_input(std::uint32_t h, std::uint32_t size) {
  auto& c = handle(h);
  if (c.input.size() < size) c.input.resize(size);
  return address(c.input.data());
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

// Requests: the packet is on a tape of `words` words at `tape`.
extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_publish(std::uint32_t h, std::uint32_t tok,
                                                                  const std::int32_t* tape, std::uint32_t words,
                                                                  double now) {
  auto& c = handle(h);
  const auto* p = c.read<publish_packet>(tape, words, "PUBLISH");
  return p ? c.publish(c.core->publish(tok, *p, milliseconds(now))) : 0;
}

// The common PUBLISH without properties, without a tape: flags are
// dup << 3 | qos << 1 | retain, and the topic and payload lie in wasm memory.
extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_publish_quick(std::uint32_t h, std::uint32_t tok,
                                                                        std::uint32_t flags, const char* topic,
                                                                        std::uint32_t topic_length,
                                                                        const std::uint8_t* payload,
                                                                        std::uint32_t payload_length, double now) {
  auto& c = handle(h);
  publish_packet& p = c.quick;
  p.topic = std::string_view(topic, topic_length);
  p.payload = bytes_view(payload, payload_length);
  p.qos = static_cast<qos>((flags >> 1) & 3);
  p.retain = (flags & 1) != 0;
  p.dup = (flags & 8) != 0;
  return c.publish(c.core->publish(tok, p, milliseconds(now)));
}

extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_subscribe(std::uint32_t h, std::uint32_t tok,
                                                                    const std::int32_t* tape, std::uint32_t words,
                                                                    double now) {
  auto& c = handle(h);
  const auto* p = c.read<subscribe_packet>(tape, words, "SUBSCRIBE");
  return p ? c.publish(c.core->subscribe(tok, *p, milliseconds(now))) : 0;
}

extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_unsubscribe(std::uint32_t h, std::uint32_t tok,
                                                                      const std::int32_t* tape, std::uint32_t words,
                                                                      double now) {
  auto& c = handle(h);
  const auto* p = c.read<unsubscribe_packet>(tape, words, "UNSUBSCRIBE");
  return p ? c.publish(c.core->unsubscribe(tok, *p, milliseconds(now))) : 0;
}

extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_auth(std::uint32_t h, const std::int32_t* tape,
                                                               std::uint32_t words, double now) {
  auto& c = handle(h);
  const auto* p = c.read<auth_packet>(tape, words, "AUTH");
  return p ? c.publish(c.core->auth(*p, milliseconds(now))) : 0;
}

extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_disconnect(std::uint32_t h, const std::int32_t* tape,
                                                                     std::uint32_t words, double now) {
  auto& c = handle(h);
  const auto* p = c.read<disconnect_packet>(tape, words, "DISCONNECT");
  return p ? c.publish(c.core->disconnect(*p, milliseconds(now))) : 0;
}

// A PUBLISH from an application store, with its packet id; `released` when its PUBREC
// had come.
extern "C" EMSCRIPTEN_KEEPALIVE std::int32_t mqttw_client_restore(std::uint32_t h, std::uint32_t tok,
                                                                  const std::int32_t* tape, std::uint32_t words,
                                                                  std::uint32_t released, double now) {
  auto& c = handle(h);
  const auto* p = c.read<publish_packet>(tape, words, "PUBLISH");
  return p ? c.publish(c.core->restore(tok, *p, released != 0, milliseconds(now))) : 0;
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
