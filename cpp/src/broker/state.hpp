// The broker's inner state, shared by the files of cpp/src/broker/ (one concern each:
// broker.cpp input and output, connect.cpp, publish.cpp, subscribe.cpp, timers.cpp).
#pragma once

#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "mqttw/broker/broker.hpp"
#include "mqttw/broker/message.hpp"
#include "mqttw/broker/retained_store.hpp"
#include "mqttw/broker/topic_tree.hpp"
#include "mqttw/codec/decoder.hpp"
#include "mqttw/topic.hpp"

namespace mqttw::broker {

inline constexpr std::uint32_t session_never_expires = 0xFFFFFFFF;

struct connection;

// Topics no client publishes to, nor sets a will on, as in Mosquitto (0x87):
// - $SYS is the broker's, except $SYS/broker/connection/{name}/state, where a Mosquitto
//   bridge publishes its state and sets its will (notifications, on by default);
// - $share/... is the syntax of a shared subscription's filter (section 4.8.2): no
//   subscription could receive a message published there.
bool is_reserved_topic(std::string_view topic);

// A QoS 1/2 message on its way to a client, or waiting for room to go.
struct delivery {
  message_ptr msg;
  mqttw::qos qos = qos::at_most_once;
  bool retain = false;
  std::vector<std::uint32_t> subscription_ids;
};

struct inflight_message {
  delivery what;
  bool released = false;    // QoS 2: PUBREC came and PUBREL went; PUBCOMP awaited
  std::uint64_t sent = 0;   // the session's count of first sends: resends keep that order
  bool unsent = false;      // resumed but not resent yet: beyond the new connection's window
};

struct session {
  subscriber_id id = 0;
  std::string client_id;
  connection* conn = nullptr;  // null while offline
  protocol_version version = protocol_version::v311;
  std::uint32_t expiry_interval = 0;  // seconds, or session_never_expires
  std::uint64_t expires_at = 0;       // offline: when it ends (0: never)
  std::map<std::string, subscription_options, std::less<>> subscriptions;  // filter as sent
  std::map<std::uint16_t, inflight_message> inflight;  // by packet id, which wraps: see inflight_message::sent
  std::uint64_t sends = 0;                             // first sends of QoS 1/2 messages so far
  std::size_t unsent = 0;                              // in-flight entries marked unsent
  std::deque<delivery> queue;
  std::uint16_t last_packet_id = 0;
  std::unordered_set<std::uint16_t> qos2_received;  // PUBREL awaited [MQTT-4.3.3-10]
  message_ptr parked_will;        // a delayed will of the last connection
  std::uint64_t parked_will_at = 0;
  // Matching scratch: which delivery slot this session has in the current route().
  std::uint64_t match_epoch = 0;
  std::size_t match_slot = 0;
};

enum class conn_phase : std::uint8_t { awaiting_connect, connecting, connected, closed };

// What a CONNECT asked for, owned while hooks are answered.
struct connect_info {
  std::string client_id;
  bool assigned_id = false;
  bool clean_start = true;
  std::uint16_t keep_alive = 0;
  std::uint32_t session_expiry = 0;
  bool has_username = false;
  std::string username;
  bool has_password = false;
  std::vector<std::uint8_t> password;
  message_ptr will;
  std::uint32_t will_delay = 0;
  std::string auth_method;
  std::vector<std::uint8_t> auth_data;  // the last AUTH data sent back
  bool auth_done = false;               // authenticate or enhanced AUTH accepted
  bool will_checked = false;            // the will's authorization answered
};

struct connection {
  conn_id id = 0;
  decoder dec;
  conn_phase phase = conn_phase::awaiting_connect;
  protocol_version version = protocol_version::v311;
  bool bridge = false;  // a Mosquitto bridge: protocol level with bit 7 set ("try_private")
  session* sess = nullptr;
  std::uint64_t opened_at = 0;
  std::uint64_t last_rx = 0;
  std::uint32_t keep_alive_ms = 0;  // the keepalive in force, 0: none
  std::unique_ptr<connect_info> connecting;  // until CONNACK
  // What the client told us about itself (5.0 CONNECT properties).
  std::uint16_t peer_receive_maximum = 65535;
  std::uint32_t peer_max_packet_size = std::numeric_limits<std::uint32_t>::max();
  bool problem_information = true;
  std::vector<std::string> aliases;  // inbound Topic Aliases, index alias - 1
  std::uint32_t unacked_qos1 = 0;    // QoS 1 PUBLISH awaiting an authorization answer
  // QoS 2 ids the session held from an earlier connection: they do not count against
  // this connection's Receive Maximum, whose quota starts afresh (section 4.9).
  std::unordered_set<std::uint16_t> carried_qos2;
  message_ptr will;
  std::uint32_t will_delay = 0;
  std::string auth_method;  // 5.0 enhanced authentication in use
  bool reauthenticating = false;  // between the client's AUTH 0x19 and the exchange's end
  std::uint32_t connect_session_expiry = 0;
  bool has_username = false;  // from CONNECT, for the requests of an accepted connection
  std::string username;
  // Output of the current call, flushed into the batch at its end.
  std::vector<std::uint8_t> out;
  bool touched = false;
  // Paused input: while requests are unanswered, packets already decoded wait here
  // re-encoded, and later raw bytes behind them.
  std::uint32_t pending_requests = 0;
  std::vector<std::uint8_t> held_packets;
  std::vector<std::uint8_t> held_raw;
  bool reading_paused = false;  // the host was asked to stop reading (batch::pause_reading)
  std::optional<error> held_error;
  std::vector<std::uint8_t> first_bytes;  // the start of the stream, to tell a CONNECT's level

  explicit connection(decoder_options o) : dec(o) {}
  bool paused() const { return pending_requests != 0; }
};

// A request in flight to the application.
struct pending_request {
  conn_id conn = 0;
  request_kind kind = request_kind::authenticate;
  message_ptr msg;               // authorize_publish
  std::uint16_t packet_id = 0;   // authorize_publish
  std::uint32_t subscribe = 0;   // authorize_subscribe: the key in broker::state::subscribes
  std::size_t entry = 0;         // and the filter's index in it
};

// A SUBSCRIBE whose filters are being authorized.
struct pending_subscribe {
  conn_id conn = 0;
  std::uint16_t packet_id = 0;
  struct entry {
    std::string filter;
    subscription_options options;
    reason_code code = reason_code::success;  // a failure, or the QoS granted
    bool asked = false;
  };
  std::vector<entry> entries;
  std::uint32_t unanswered = 0;
};

// The authorize_publish request for a message (a PUBLISH, or a will at CONNECT).
request publish_request(const std::string& client_id, const message& m);

struct broker::state {
  explicit state(broker_options o);

  broker_options options;
  // stats.message_bytes counts the bytes of every message alive (message::from_publish's
  // `held`): declared before everything that holds messages, so that it outlives them.
  broker_stats stats;
  batch out;
  topic_tree subscriptions;
  retained_store retained;
  std::unordered_map<conn_id, std::unique_ptr<connection>> connections;
  std::vector<std::unique_ptr<connection>> closed;  // freed at the end of the call
  std::unordered_map<std::string, std::unique_ptr<session>> sessions;
  std::vector<session*> session_by_id;  // index: subscriber_id
  std::vector<subscriber_id> free_session_ids;
  std::unordered_map<std::uint32_t, pending_request> requests;
  std::unordered_map<std::uint32_t, pending_subscribe> subscribes;  // by request id of its first entry
  std::uint32_t next_request = 1;
  std::uint64_t next_assigned_id = 1;
  std::vector<connection*> touched;
  std::vector<packet> packets;  // decode scratch
  properties props;             // encode scratch
  std::vector<std::uint32_t> ids_scratch;
  std::uint64_t next_tick = 0;   // the timer asked of the host, 0: none
  std::uint64_t next_sys = 0;
  std::uint64_t match_epoch = 0;
  bool shut_down = false;
  struct match_slot {
    session* who;
    mqttw::qos qos;
    bool retain_as_published;
  };
  std::vector<match_slot> route_slots;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> route_ids;  // (slot, Subscription Identifier)

  // ---- broker.cpp: input, output, closing
  void begin_call();
  const batch& end_call(std::uint64_t now);
  connection* open(conn_id id, std::uint64_t now);  // null when refused (a close event says so)
  connection* find(conn_id id);
  void feed(connection& c, bytes_view bytes, std::uint64_t now);
  void process(connection& c, packet& p, std::uint64_t now);
  void resume(connection& c, std::uint64_t now);
  void input_error(connection& c, const error& err, std::uint64_t now);
  void send(connection& c, const packet& p);
  void send_disconnect(connection& c, reason_code code, std::string_view reason);
  // Fails the connection: DISCONNECT with `code` in 5.0, then close. The will goes.
  void protocol_failure(connection& c, reason_code code, std::string_view reason, std::uint64_t now);
  void close(connection& c, reason_code reason, bool publish_will, std::uint64_t now, bool tell_host = true);
  void schedule(std::uint64_t at);
  // Queues `r` for the application and pauses `c` until it is answered; `p` (whose
  // kind is taken from `r`) keeps what the answer needs.
  std::uint32_t new_request(request r, pending_request p, connection& c);

  // ---- connect.cpp
  void on_connect(connection& c, const connect_packet& p, std::uint64_t now);
  void continue_connect(connection& c, std::uint64_t now);
  void refuse_connect(connection& c, reason_code code, std::uint64_t now);
  void accept_connect(connection& c, std::uint64_t now);
  void on_auth(connection& c, const auth_packet& p, std::uint64_t now);
  void on_disconnect(connection& c, const disconnect_packet& p, std::uint64_t now);
  session& new_session(const std::string& client_id);
  void end_session(session& s, std::uint64_t now);
  void answer_connect_request(connection& c, const pending_request& r, reason_code code,
                              bytes_view data, std::uint64_t now);

  // ---- publish.cpp
  void on_publish(connection& c, publish_packet& p, std::uint64_t now);
  void accept_publish(connection& c, const message_ptr& m, std::uint16_t packet_id,
                      reason_code code, std::uint64_t now);
  // The PUBACK or PUBREC of a PUBLISH of QoS `q` (none for QoS 0).
  void acknowledge_publish(connection& c, mqttw::qos q, std::uint16_t packet_id, reason_code code);
  void route(const message_ptr& m, const session* publisher, std::uint64_t now);
  void deliver(session& s, const message_ptr& m, mqttw::qos q, bool retain,
               const std::uint32_t* ids, std::size_t id_count, std::uint64_t now);
  bool send_publish(connection& c, const delivery& d, bool dup, std::uint16_t packet_id, std::uint64_t now);
  void send_queued(session& s, std::uint64_t now);
  void resend_inflight(session& s, std::uint64_t now);
  bool resend(session& s, std::map<std::uint16_t, inflight_message>::iterator it, std::uint64_t now);
  void erase_inflight(session& s, std::map<std::uint16_t, inflight_message>::iterator it);
  std::uint16_t next_packet_id(session& s);
  std::size_t inflight_window(const session& s) const;
  void on_puback(connection& c, const puback_packet& p, std::uint64_t now);
  void on_pubrec(connection& c, const pubrec_packet& p, std::uint64_t now);
  void on_pubrel(connection& c, const pubrel_packet& p, std::uint64_t now);
  void on_pubcomp(connection& c, const pubcomp_packet& p, std::uint64_t now);
  void publish_internal(const message_ptr& m, const session* publisher, std::uint64_t now);
  // Whether a new message of `bytes` fits within max_message_bytes.
  bool message_fits(std::size_t bytes) const;
  // A will, with its expiry counted from now.
  void release_will(const message_ptr& will, std::uint64_t now);

  // ---- subscribe.cpp
  void on_subscribe(connection& c, const subscribe_packet& p, std::uint64_t now);
  void finish_subscribe(std::uint32_t key, std::uint64_t now);
  void on_unsubscribe(connection& c, const unsubscribe_packet& p, std::uint64_t now);
  void remove_subscriptions(session& s);

  // ---- timers.cpp
  void run_timers(std::uint64_t now);
  void publish_sys(std::uint64_t now);
  void shutdown_all(std::uint64_t now);
};


}  // namespace mqttw::broker
