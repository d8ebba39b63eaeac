// The in-memory MQTT broker: 3.1.1 and 5.0 clients at once, sans-I/O.
//
// The broker never touches a socket or a clock. The host (js/broker/broker.js, or a test)
// numbers each network connection, hands the broker what happens to it, and carries
// out the batch of events every call returns:
//
//   mqttw::broker::broker b({.max_packet_size = 1 << 20});
//   const auto& out = b.on_bytes(conn, bytes, now_ms);
//   for (auto& s : out.sends) write(s.conn, out.bytes.subspan(s.offset, s.length));
//   for (auto& c : out.closes) close_socket(c.conn);
//   for (auto& r : out.requests) ask_the_application(r);  // answered by b.answer(...)
//   if (out.timer_at) call b.tick() at out.timer_at;
//
// Sends come before closes in the same batch: a connection's last packets (a
// DISCONNECT with a reason code, a refusing CONNACK) are written, then it closes.
// The batch stays valid until the next call.
//
// Hooks: when an option says the application wants to decide (authentication,
// authorization, enhanced AUTH), the broker returns a request and pauses the
// connection's input, in order, until `answer` arrives. Connections without
// pending requests carry on meanwhile.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mqttw/codec/packet.hpp"

namespace mqttw::broker {

using conn_id = std::uint32_t;

struct broker_options {
  // Connections past this many get CONNACK 0x97 Quota Exceeded (0 = no limit).
  std::uint32_t max_connections = 0;
  // The largest packet accepted from a client; bigger ones close the connection with
  // 0x95 Packet Too Large. Advertised in a 5.0 CONNACK.
  std::uint32_t max_packet_size = 16 * 1024 * 1024;
  // How many QoS 1/2 PUBLISH a 5.0 client may have unacknowledged towards the broker
  // (advertised as Receive Maximum; exceeding it closes with 0x93). 3.1.1 clients are
  // not told it, and not held to it.
  std::uint16_t receive_maximum = 100;
  // How many QoS 1/2 messages the broker has in flight to one client, further capped by
  // the client's own Receive Maximum. The rest waits in the session's queue.
  std::uint16_t max_inflight = 100;
  // Messages queued per session, while offline or beyond the in-flight window. Past
  // it, new messages for that session are dropped (and counted).
  std::uint32_t max_queued = 10000;
  // Bytes of messages the broker holds at once (0 = no limit): queued, in flight,
  // retained and wills, each counted once however many queues share it (its topic,
  // payload and properties). Past it a PUBLISH is refused (5.0: 0x97 Quota exceeded;
  // 3.1.1 is acknowledged and the message dropped, and counted), and so is a CONNECT
  // whose will would pass it. The default leaves room in the wasm build's 2 GiB.
  std::uint32_t max_message_bytes = 1024 * 1024 * 1024;
  // Topic aliases a client may use towards the broker (0 = none), advertised.
  std::uint16_t topic_alias_maximum = 10;
  // When non-zero, a client asking for a longer keepalive (or none) is told this one
  // (5.0 Server Keep Alive); a 3.1.1 client asking for more is refused (return code 2,
  // Identifier rejected, as Mosquitto answers it).
  std::uint16_t max_keepalive = 0;
  mqttw::qos maximum_qos = qos::exactly_once;
  bool retain_available = true;
  // Topic names and filters with more levels are refused. It bounds the trie's depth,
  // and so the depth of its recursion: the JS host allows at most 1,000, for the wasm
  // build on a JS stack (about a third of Node's 1 MB stack at 1,000).
  std::uint32_t max_topic_levels = 200;
  // Subscriptions one session may hold (0 = no limit); past it SUBACK 0x97.
  std::uint32_t max_subscriptions = 0;
  // A connection that is not accepted (CONNACK) within this long is closed (0 = never):
  // no CONNECT came, or the AUTH exchange or a hook's answer did not finish.
  std::uint32_t connect_timeout_ms = 30'000;
  // Period of the $SYS/broker/... statistics, in seconds (0 = none).
  std::uint32_t sys_interval = 10;
  // Bytes a connection may hold while it waits for a hook's answer before the batch
  // asks the host to stop reading it (see batch::pause_reading).
  std::uint32_t held_input_limit = 1024 * 1024;
  // Which hooks the application provides: each turns on a kind of request.
  bool hook_authenticate = false;
  bool hook_authorize_publish = false;
  bool hook_authorize_subscribe = false;
  bool hook_enhanced_auth = false;
  // Text of $SYS/broker/version.
  std::string version_text = "mqtt-wasm";
};

// Write `length` bytes of the batch's `bytes` from `offset` to the connection.
struct send_event {
  conn_id conn;
  std::uint32_t offset;
  std::uint32_t length;
};

// Close the connection (after writing what the batch sends it). `reason` says why, for
// logs: 0 for a normal end.
struct close_event {
  conn_id conn;
  reason_code reason;
};

enum class request_kind : std::uint8_t {
  authenticate = 1,         // client_id, username, password: answer 0 or a CONNACK reason
  authorize_publish = 2,    // topic, qos, retain, payload: answer 0 or 0x87
  authorize_subscribe = 3,  // topic (the filter), qos: answer a granted QoS or a failure >= 0x80
  enhanced_auth = 4,        // auth_method, auth_data, reauth: answer 0x00 or 0x18 with data, or a failure
};

// A question for the application, answered by broker::answer(id, ...).
struct request {
  std::uint32_t id;
  request_kind kind;
  conn_id conn;
  std::string client_id;
  bool has_username = false;
  std::string username;
  bool has_password = false;
  std::vector<std::uint8_t> password;
  std::string topic;
  mqttw::qos qos = qos::at_most_once;
  bool retain = false;
  bool is_will = false;        // authorize_publish of a will, asked at CONNECT
  bool reauthenticate = false;  // enhanced_auth after the connection was accepted
  std::vector<std::uint8_t> payload;
  std::string auth_method;
  std::vector<std::uint8_t> auth_data;
};

struct batch {
  std::vector<std::uint8_t> bytes;
  std::vector<send_event> sends;
  std::vector<close_event> closes;
  std::vector<request> requests;
  // When non-zero, call tick() at this time (ms). It replaces any earlier request.
  std::uint64_t timer_at = 0;
  // Backpressure: stop reading these connections' sockets, or read them again. A
  // connection waiting for a hook's answer holds what arrives meanwhile; past
  // `held_input_limit` bytes the host should stop reading it until it is resumed.
  std::vector<conn_id> pause_reading;
  std::vector<conn_id> resume_reading;

  void clear() {
    bytes.clear();
    sends.clear();
    closes.clear();
    requests.clear();
    timer_at = 0;
    pause_reading.clear();
    resume_reading.clear();
  }
};

// Counters for $SYS and for the host.
struct broker_stats {
  std::uint64_t started_at = 0;
  std::uint32_t clients_connected = 0;
  std::uint32_t sessions = 0;
  std::uint64_t messages_received = 0;  // PUBLISH from clients
  std::uint64_t messages_sent = 0;      // PUBLISH to clients
  std::uint64_t messages_dropped = 0;   // queue full, too large for the client, expired
  std::uint64_t bytes_received = 0;
  std::uint64_t bytes_sent = 0;
  std::uint32_t retained = 0;
  std::uint32_t subscriptions = 0;
  std::uint64_t message_bytes = 0;  // the messages held, as max_message_bytes counts them
};

class broker {
 public:
  explicit broker(broker_options options = {});
  ~broker();
  broker(const broker&) = delete;
  broker& operator=(const broker&) = delete;

  // A network connection was accepted. Ids are the host's; they must not be reused
  // while the broker knows the connection.
  const batch& on_open(conn_id conn, std::uint64_t now);
  // Bytes arrived on it, in any chunking.
  const batch& on_bytes(conn_id conn, bytes_view bytes, std::uint64_t now);
  // The connection is gone (the peer closed it, or the host did after a close event).
  const batch& on_closed(conn_id conn, std::uint64_t now);
  // Time passed: keepalive, will delays, session expiry, $SYS.
  const batch& tick(std::uint64_t now);
  // The application's answer to request `id`. `code` is 0 for yes, or the reason code
  // to refuse with; for authorize_subscribe it is the QoS granted (0, 1, 2) or a
  // failure (>= 0x80); for enhanced_auth, 0x18 Continue Authentication carries
  // `auth_data` to the client. Answers to requests of closed connections are ignored.
  const batch& answer(std::uint32_t id, reason_code code, bytes_view auth_data, std::uint64_t now);
  // Graceful shutdown: every client gets DISCONNECT 0x8B (5.0) and is closed.
  const batch& shutdown(std::uint64_t now);

  const broker_stats& stats() const;
  const broker_options& options() const;

  // The implementation (cpp/src/broker/state.hpp); public only so that its own files
  // can name it.
  struct state;

 private:
  std::unique_ptr<state> state_;
};

}  // namespace mqttw::broker
