// The client session's inner state, shared by the files of cpp/src/client/ (one
// concern each: client.cpp entry points, input and output; connect.cpp CONNECT,
// CONNACK, AUTH and DISCONNECT; outbound.cpp requests, packet ids, the Receive
// Maximum window and resending; session.cpp acknowledgements of requests, resuming
// or starting a session; aliases.cpp outgoing Topic Aliases; subscriptions.cpp
// the granted subscriptions and resubscribing; inbound.cpp incoming PUBLISH and its
// acknowledgements; keepalive.cpp; owned.cpp owned copies of packets).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "id_map.hpp"
#include "mqttw/client/client.hpp"
#include "mqttw/codec/limits.hpp"
#include "mqttw/wire/read.hpp"
#include "mqttw/wire/write.hpp"

namespace mqttw::client {

// ---- owned.cpp: copies of what the application hands over ---------------------------

// Bytes in one allocation, exactly sized, that views point into. Moving it keeps them.
using owned_storage = std::unique_ptr<std::uint8_t[]>;

// A request's packet, as the application's bytes (checked by wire::read_packet), in
// one allocation that its view points into.
struct owned_packet {
  owned_storage storage;
  wire::packet_view view;
  // PUBLISH: the full topic, also when the request came with an alias and an empty
  // one (then copied after the packet's bytes).
  std::string_view topic;

  void assign(const wire::packet_view& p, std::string_view full_topic = {});
};

// ---- outbound.cpp: requests ---------------------------------------------------------

enum class request_kind : std::uint8_t { publish, subscribe, unsubscribe, resubscribe };

// A request from the application (or a resubscription), waiting in the queue or in
// flight with its packet id.
struct outbound {
  request_kind kind = request_kind::publish;
  token tok = 0;
  std::uint16_t packet_id = 0;  // in flight; 0 in the queue and in a free slot
  bool released = false;        // QoS 2: PUBREC came, PUBREL went; PUBCOMP awaited
  bool sent = false;            // sent on the current connection
  bool counted = false;         // counts in this connection's Receive Maximum window
  std::uint64_t order = 0;      // first-send order: resends keep it [MQTT-4.4.0-1]
  owned_packet req;             // the PUBLISH, SUBSCRIBE or UNSUBSCRIBE
};

// ---- aliases.cpp: outgoing Topic Aliases, per connection [MQTT-3.3.2-7] -------------

class alias_table {
 public:
  // A new connection: nothing is mapped; the server allows aliases 1..max.
  void reset(std::uint16_t max);
  std::uint16_t max() const { return max_; }
  // The alias that stands for `topic` now (marked most recently used), or 0.
  std::uint16_t find(std::string_view topic);
  // True when `alias` stands for `topic` now.
  bool maps(std::uint16_t alias, std::string_view topic) const;
  // The topic `alias` stands for now, or an empty one.
  std::string_view topic_of(std::uint16_t alias) const;
  // The alias a topic not mapped yet would take: a free one, or the least recently
  // used. 0 when max() is 0.
  std::uint16_t pick();
  // Maps `alias` to `topic`, most recently used; its old topic and the topic's old
  // alias are forgotten.
  void set(std::uint16_t alias, std::string_view topic);

 private:
  struct node {
    std::string topic;  // empty: free
    std::uint16_t prev = 0, next = 0;  // LRU list (aliases, 0 ends it)
  };
  void unlink(std::uint16_t alias);
  void push_front(std::uint16_t alias);
  node& at(std::uint16_t alias) { return nodes_[alias - 1]; }
  const node& at(std::uint16_t alias) const { return nodes_[alias - 1]; }

  std::uint16_t max_ = 0;
  std::vector<node> nodes_;  // index alias - 1, grown as aliases are used
  // topic -> alias: open addressing with linear probing over the aliases in use, at
  // most half full; a slot holds an alias (its topic is at(alias).topic) or 0. With a
  // std::unordered_map the client module was 3.3 kB larger (docs/BENCHMARKS.md).
  std::vector<std::uint16_t> index_;
  std::size_t mapped_ = 0;  // aliases in index_
  // The slot of `topic`'s alias, or the empty slot where it would go.
  std::size_t slot_of(std::string_view topic) const;
  void index_add(std::uint16_t alias);  // at(alias).topic is set, and not in the index
  void index_remove(std::size_t slot);
  std::uint16_t head_ = 0, tail_ = 0;  // most and least recently used
  std::uint32_t next_free_ = 1;        // no alias below it is free
};

// ---- inbound.cpp --------------------------------------------------------------------

// Flags of an incoming packet id (state::incoming).
enum : std::uint32_t {
  in_qos2 = 1,      // QoS 2, held until PUBREL [MQTT-4.3.3-3]
  in_acked = 2,     // PUBACK / PUBREC sent
  in_counted = 4,   // counts against our Receive Maximum on this connection
};

// ---- the state ----------------------------------------------------------------------

struct client::state {
  state(client_options o, bytes_view connect_bytes);

  client_options options;
  protocol_version version;
  bool v5;
  owned_packet connect;  // with the Maximum Packet Size the options add
  error init_err;
  std::uint32_t max_in;  // the largest packet accepted from the server (options)
  bool store_events = false;

  batch out;
  wire::byte_buffer output;
  std::uint64_t now = 0;
  // Input: a packet that the chunks so far have begun but not completed, and the last
  // one completed from there (events may point into it until the next call).
  std::vector<std::uint8_t> pending;
  std::vector<std::uint8_t> completed;

  // Session
  std::string client_id;  // the CONNECT's, or the one the server assigned
  // Waiting requests, in order. A vector, not a deque: pump() compacts it in one pass,
  // and a deque's code made the client module 11 kB larger (docs/BENCHMARKS.md).
  std::vector<outbound> queue;
  std::size_t queued_other = 0;  // SUBSCRIBE and UNSUBSCRIBE in the queue
  std::vector<outbound> slots;  // in flight, by slot; a free slot has packet_id 0
  std::vector<std::uint32_t> free_slots;
  id_map ids;  // packet id -> slot, for every request in flight [MQTT-2.2.1-3]
  std::uint16_t last_packet_id = 0;
  std::uint16_t inflight_publishes = 0;
  std::uint64_t next_order = 0;
  std::vector<std::uint32_t> resend_list;  // session resumed: slots to resend, in order
  std::size_t resend_pos = 0;
  bool resend_scanned = false;  // what is left in resend_list is PUBLISH only
  wire::byte_buffer granted;  // the granted subscriptions, as subscriptions.cpp keeps them
  id_map incoming;  // incoming QoS 1/2 packet ids -> in_* flags

  // Connection
  bool open = false;       // a network connection is up and not being closed
  bool connected = false;  // and CONNACK accepted it
  std::uint16_t window_used = 0;  // QoS 1/2 PUBLISH sent on this connection, unacknowledged
  std::uint32_t in_unacked = 0;   // incoming QoS 1/2 unacknowledged on this connection
  alias_table aliases_out;
  // Incoming Topic Aliases: alias n stands for the part aliases_in[n - 1] of
  // aliases_in_text (size 0: not set). A topic set again is appended, so a
  // view handed out in this call stays valid; inbound.cpp's prepare_aliases_in, at the
  // start of each chunk, drops the dead bytes and reserves what the chunk may append.
  // (With a std::string per alias the client module was 0.2 kB larger, gzipped.)
  std::string aliases_in_text;
  struct text_part {
    std::uint32_t at = 0, size = 0;
  };
  std::vector<text_part> aliases_in;
  std::size_t aliases_in_dead = 0;  // bytes of aliases_in_text no alias stands for

  // What we told the server (CONNECT properties).
  std::uint16_t our_receive_maximum = 0;  // 0: not enforced
  std::uint16_t our_alias_maximum = 0;

  // The server's (CONNACK).
  std::uint16_t receive_maximum = 65535;
  std::uint16_t alias_maximum = 0;
  std::uint32_t max_packet_size = max_packet_size_limit;
  mqttw::qos max_qos = qos::exactly_once;
  bool retain_available = true;
  std::uint16_t keep_alive = 0;  // seconds, in force

  // The server's AUTH 0x18 awaits the client's answer [MQTT-4.12.0-3].
  bool auth_answer_due = false;

  // Keepalive
  std::uint64_t last_write = 0;
  bool ping_pending = false;  // a PINGREQ awaits its PINGRESP
  std::uint64_t ping_sent_at = 0;

  // ---- client.cpp: calls, input, output, events
  void begin(std::uint64_t t);
  const batch& end();
  void feed(bytes_view bytes);
  // The next whole packet of the input, from `pending` or from `bytes` at `at`
  // (advanced); false when there is none yet (what is left waits in `pending`) or
  // when `bad` was set.
  bool next_packet(bytes_view bytes, std::size_t& at, bytes_view& whole, wire::problem& bad);
  void dispatch(wire::packet_view& p);
  std::int32_t keep_packet(const wire::packet_view& p);
  // Not inlined: it is called from dozens of places, and a call costs less than its copies.
  [[gnu::noinline]] event& emit(event_kind kind, token tok, reason_code code = reason_code::success,
                                std::int32_t packet = -1);
  [[gnu::noinline]] void fail_request(token tok, const error& err);
  [[gnu::noinline]] void fail_request(token tok, const wire::problem& bad);
  // Reads a request's bytes: a whole packet of `type` that the rules allow the client
  // to send. Otherwise the request `tok` fails, and false.
  bool read_request(token tok, bytes_view packet, packet_type type, wire::packet_view& out);
  // client::check_control, leaving the packet read in `out`.
  wire::problem check_control(bytes_view packet, wire::packet_view& out) const;
  // Bytes went to the output (or not, when no connection is open: false).
  bool wrote();
  // PUBACK, PUBREC, PUBREL or PUBCOMP (`type`); one function for the four.
  void write_ack(packet_type type, std::uint16_t id, reason_code code);
  // The peer broke the protocol: DISCONNECT with `code` in 5.0, then close.
  void protocol_failure(reason_code code, std::string_view text);
  void protocol_failure(const wire::problem& bad);
  // Closes the connection (the host does it once the output is written).
  void close(reason_code code, std::string_view text);

  // ---- connect.cpp
  void open_connection();
  void on_connack(const wire::packet_view& p);
  void apply_connack(const wire::packet_view& p);
  void on_server_disconnect(const wire::packet_view& p);
  void on_server_auth(const wire::packet_view& p);
  // What is wrong with the Authentication Method of `p` (an AUTH, or a successful
  // CONNACK) against CONNECT's, or no problem [MQTT-4.12.0-5..7].
  wire::problem auth_method_problem(const wire::packet_view& p, bool from_server) const;

  // ---- outbound.cpp
  void publish(token tok, const wire::packet_view& p);
  // SUBSCRIBE or UNSUBSCRIBE (kind), read and checked already.
  void control(request_kind kind, token tok, const wire::packet_view& p);
  void send_or_queue_control(outbound o);
  void restore(token tok, const wire::packet_view& p, bool released);
  bool enqueue(outbound&& o);  // false: failed (queue full)
  void queue_first(std::vector<outbound>&& first);  // ahead of what waits, in their order
  // Sends what waits: resends of a resumed session, then the queue, in order, as far
  // as packet ids and the Receive Maximum window allow.
  void pump();
  bool window_open() const;
  std::uint16_t next_packet_id();  // 0: none free
  std::uint32_t take_slot(outbound&& o, std::uint16_t id);
  void free_slot(std::uint32_t slot);
  outbound* inflight(std::uint16_t id, request_kind kind);
  // Writes the outbound in `slot`, first sent or (`again`) resent; false when it
  // failed (and was dropped).
  bool send(std::uint32_t slot, bool again);
  // The server's limits (from CONNACK) for a PUBLISH, the size one when `size`.
  error publish_limits(std::string_view topic, const wire::packet_view& p, bool size);
  // Writes a PUBLISH to the output. With `aliases`, an application's Topic Alias is
  // honoured or one is chosen (auto_topic_alias); without, the full topic goes and no
  // Topic Alias.
  error write_publish(std::string_view topic, const wire::packet_view& p, bool dup, std::uint16_t id, bool aliases);
  // Writes a SUBSCRIBE or UNSUBSCRIBE with this packet id unless the server's Maximum
  // Packet Size refuses it.
  error write_with_id(const wire::packet_view& p, std::uint16_t id);
  std::vector<std::uint32_t> live_slots_in_order();

  // ---- session.cpp
  void session_resumed();
  void session_lost();
  void fail_all(reason_code code, std::string_view reason);
  void on_puback(const wire::packet_view& p);
  void on_pubrec(const wire::packet_view& p);
  void on_pubcomp(const wire::packet_view& p);
  void on_suback(const wire::packet_view& p);
  void on_unsuback(const wire::packet_view& p);
  void finish_publish(const wire::packet_view& p);

  // ---- subscriptions.cpp
  // `codes`: the SUBACK's or UNSUBACK's reason codes, a byte each (wire::packet_view
  // entries).
  void record_granted(const wire::packet_view& sent, bytes_view codes, bool fresh);
  void forget_granted(const wire::packet_view& sent, bytes_view codes);
  // Queues a SUBSCRIBE per granted group, at the front of the queue.
  void queue_resubscribe();

  // ---- inbound.cpp
  void on_publish(wire::packet_view& p);
  // Before `coming` bytes are read: at most that many may become alias topics.
  void prepare_aliases_in(std::size_t coming);
  void on_pubrel(const wire::packet_view& p);
  void ack(std::uint16_t id, reason_code code);
  // A new connection: QoS 1 messages not acknowledged yet will come again, and
  // nothing counts against our Receive Maximum yet.
  void incoming_new_connection();

  // ---- keepalive.cpp
  void run_keepalive();
  std::uint64_t deadline() const;
  std::uint64_t ping_timeout_ms() const;
};

}  // namespace mqttw::client
