// The MQTT client session, 3.1.1 or 5.0, sans-I/O.
//
// The client never touches a socket, a clock or a timer. The host (js/client/, or a
// test) opens a network connection, tells the client, feeds it what arrives, carries
// out the batch every call returns, and writes `output()` to the connection:
//
//   mqttw::client::client c(options, connect);        // connect: the CONNECT to send
//   c.on_open(now);                                     // a connection is up: CONNECT goes out
//   const auto& out = c.on_bytes(bytes, now);           // CONNACK, messages, acks ...
//   for (auto& e : out.events) handle(e, out.packets);  // tell the application
//   write(c.output()); c.clear_output();                // whenever convenient
//   if (out.close) close_socket();                      // after writing the output
//   if (out.timer_at) call c.tick() at out.timer_at;
//
// Output accumulates across calls until `clear_output()`, so a host may write once for
// many publishes. A batch is valid until the next call.
//
// The session outlives connections: what is in flight when a connection is lost
// waits in the client, and on the next connection it is resent with DUP (session
// resumed) or sent again as new messages (session not present), in the order it was
// first asked for. Publishes, subscribes and unsubscribes made while no connection is
// up wait in one bounded queue, in order, and go out once CONNACK has come. A QoS 1/2
// publish beyond the server's Receive Maximum waits there too, and the publishes
// behind it with it; subscribes and unsubscribes do not wait for that window
// [MQTT-3.3.4-8].
//
// Every application request carries a `token` chosen by the host; the events that
// answer it (completed, failed) carry the same token.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mqttw/codec/packet.hpp"

namespace mqttw::client {

using token = std::uint32_t;

struct client_options {
  // A PUBLISH whose encoded size exceeds the server's Maximum Packet Size is refused
  // locally (failed, 0x95). This one bounds what the client accepts: it is sent as
  // the CONNECT's Maximum Packet Size when the connect packet has none, and a bigger
  // incoming packet closes the connection with DISCONNECT 0x95.
  std::uint32_t max_packet_size = 268'435'460;
  // Requests waiting in the queue while no connection is accepted. Past it a request
  // made then fails at once with 0x97 Quota Exceeded. 0: no limit. While connected,
  // requests beyond the in-flight window wait without a limit.
  std::uint32_t max_queued = 10'000;
  // QoS 0 publishes made while no connection is up are queued too (MQTT.js's
  // `queueQoSZero`); otherwise they fail at once.
  bool queue_qos0 = true;
  // Outgoing Topic Aliases are chosen automatically, least recently used within the
  // server's Topic Alias Maximum (5.0).
  bool auto_topic_alias = true;
  // Incoming QoS 1/2 messages are acknowledged only when the host calls ack().
  bool manual_ack = false;
  // Subscriptions that the server granted are sent again after a reconnect on which
  // the session was not present (MQTT.js's `resubscribe`).
  bool resubscribe = true;
  // A PINGREQ that gets no PINGRESP within this long closes the connection as dead
  // (0x8D Keep Alive Timeout). 0: as long as the keepalive itself.
  std::uint32_t ping_timeout_ms = 0;
};

enum class event_kind : std::uint8_t {
  // CONNACK accepted the connection. packet: the CONNACK. session_present says
  // whether the session was resumed.
  connected = 1,
  // CONNACK refused it (code is its reason or 3.1.1 return code). packet: the
  // CONNACK. The batch closes the connection.
  refused,
  // An application message. packet: the PUBLISH, its topic resolved when it came
  // with a Topic Alias; packet_id: its packet id (QoS 1/2). With manual_ack and
  // QoS 1/2, ack(packet_id) must follow.
  message,
  // The request `tok` is done: QoS 0 publish written to the output, QoS 1 PUBACK,
  // QoS 2 PUBCOMP, SUBACK or UNSUBACK (packet: the SUBACK / UNSUBACK). code is the
  // ack's reason code (0 or >= 0x80 for a refusal in 5.0).
  completed,
  // The request `tok` failed locally and nothing was sent for it: code and reason
  // say why (0x95 too large for the server, 0x9B QoS above the server's maximum,
  // 0x9A retain not available, 0x94 a Topic Alias above the server's maximum or
  // standing for no topic, 0x97 queue full, 0x80 a QoS 0 publish while offline
  // without queue_qos0, 0x8B client ended, or the wire reader's reason for an invalid
  // packet).
  failed,
  // A QoS 1/2 publish got its packet id and went out for the first time (for an
  // application store of in-flight messages), or a QoS 2 one got its PUBREC
  // (released: only PUBREL and PUBCOMP remain). Reported when report_store_events.
  stored,
  released,
  // The server sent AUTH (packet). Answer with auth().
  auth,
  // The server sent DISCONNECT (packet). The batch closes the connection.
  disconnected,
  // Resubscribing after a reconnect got its SUBACK (packet).
  resubscribed,
};

struct event {
  event_kind kind;
  token tok = 0;
  reason_code code = reason_code::success;
  std::uint16_t packet_id = 0;
  bool session_present = false;
  // Index into batch::packets, or -1.
  std::int32_t packet = -1;
  // failed: why. stored: the topic, when the request gave an empty one with a Topic
  // Alias (a store keeps the message without the alias, which ends with the connection).
  std::string text;
};

// A packet an event refers to, as it came: its bytes, fixed header included, checked
// (mqttw/wire/read.hpp reads them again without checks). For a PUBLISH, `topic` is
// its topic, resolved when the packet came with a Topic Alias in place of one; empty
// for other packets.
struct received_packet {
  bytes_view bytes;
  std::string_view topic;
};

struct batch {
  std::vector<event> events;
  // Packets events refer to. Their views point into the client's buffers or into the
  // bytes given to on_bytes, and stay valid until the next call.
  std::vector<received_packet> packets;
  // Close the connection once the output is written: the server refused or ended
  // it, it broke the protocol (the output then ends with a DISCONNECT for 5.0), the
  // keepalive found it dead, or disconnect() was called.
  bool close = false;
  reason_code close_reason = reason_code::success;
  std::string close_text;
  // When non-zero, call tick() at this time (ms). It replaces any earlier one. Every
  // batch carries the next deadline while one is set (keepalive, connected); any
  // call made after a deadline runs it too, so a late tick() loses nothing.
  std::uint64_t timer_at = 0;

  void clear() {
    events.clear();
    packets.clear();
    close = false;
    close_reason = reason_code::success;
    close_text.clear();
    timer_at = 0;
  }
};

// What the session holds right now, for the host and for tests.
struct client_status {
  bool connected = false;          // CONNACK accepted the current connection
  std::uint16_t inflight = 0;      // QoS 1/2 publishes awaiting their ack
  std::uint32_t queued = 0;        // requests waiting to go
  std::uint16_t receive_maximum = 65535;        // the server's, from CONNACK
  std::uint16_t topic_alias_maximum = 0;        // the server's
  std::uint32_t maximum_packet_size = 268'435'460;  // the server's
  mqttw::qos maximum_qos = qos::exactly_once;   // the server's
  bool retain_available = true;
  std::uint16_t keep_alive = 0;    // in force: the CONNECT's, or the Server Keep Alive
  std::string client_id;           // the CONNECT's, or the one the server assigned
};

class client {
 public:
  // `connect` is the CONNECT to send on each connection, as a whole packet's bytes;
  // they are copied. Check init_error() before use: a CONNECT the rules refuse (3.1.1
  // with an empty client id and clean session off, a bad will topic, ...) is an
  // error here.
  client(client_options options, bytes_view connect);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  const error& init_error() const;

  // A network connection is up: the CONNECT goes to the output.
  const batch& on_open(std::uint64_t now);
  // Bytes arrived, in any chunking.
  const batch& on_bytes(bytes_view bytes, std::uint64_t now);
  // The connection is gone. In-flight messages and the queue stay for the next one.
  const batch& on_closed(std::uint64_t now);
  // Time passed: keepalive (PINGREQ when nothing was sent for keep_alive seconds,
  // and the PINGRESP deadline).
  const batch& tick(std::uint64_t now);

  // Application requests, each a whole packet's bytes (wire::read_packet checks them
  // as sent to a server: one it refuses fails at once, with its reason); what must be
  // kept is copied. Their packet id and DUP are ignored (any non-zero id will do where
  // the rules want one): the client allocates ids and sets DUP on resends only.
  const batch& publish(token tok, bytes_view packet, std::uint64_t now);
  const batch& subscribe(token tok, bytes_view packet, std::uint64_t now);
  const batch& unsubscribe(token tok, bytes_view packet, std::uint64_t now);
  // With manual_ack: acknowledge the message with this packet id (PUBACK or PUBREC
  // with `code`, 0 or a 5.0 refusal >= 0x80). Unknown ids are ignored.
  const batch& ack(std::uint16_t packet_id, reason_code code, std::uint64_t now);
  // Sends AUTH (0x18 to answer the server's AUTH 0x18, or 0x19 to re-authenticate);
  // one check_control() refuses is not sent.
  const batch& auth(bytes_view packet, std::uint64_t now);
  // Sends DISCONNECT (reason and properties in 5.0; one check_control() refuses goes
  // as a plain DISCONNECT) and closes.
  const batch& disconnect(bytes_view packet, std::uint64_t now);
  // Why auth() or disconnect() would not send this AUTH or DISCONNECT as it is, or no
  // error; a host calls it to refuse the request at once. The rules: those of
  // wire::read_packet for a packet sent to a server, and the session's:
  //   - DISCONNECT: no Session Expiry Interval when CONNECT's was 0 [MQTT-3.14.2-2];
  //   - AUTH: only when CONNECT has an Authentication Method [MQTT-4.12.0-7], and with
  //     the same one [MQTT-4.12.0-5]; 0x18 only to answer the server's AUTH 0x18
  //     [MQTT-4.12.0-3], 0x19 only once CONNACK has come [MQTT-4.12.1-1].
  error check_control(bytes_view packet) const;
  // The application ends the session: every queued and in-flight request fails with
  // 0x8B (nothing is sent).
  const batch& abandon(std::uint64_t now);

  // A QoS 1/2 publish from an earlier life of the session (an application store):
  // in flight with this packet id, released when its PUBREC had come. Call before
  // the first on_open; it is resent like any in-flight message.
  const batch& restore(token tok, bytes_view packet, bool released, std::uint64_t now);

  // Bytes to write to the connection, accumulated since the last clear_output().
  const std::vector<std::uint8_t>& output() const;
  void clear_output();

  // Turns on the stored / released events.
  void report_store_events(bool on);

  client_status status() const;

  // The implementation (cpp/src/client/state.hpp); public only so that its own files
  // can name it.
  struct state;

 private:
  std::unique_ptr<state> state_;
};

}  // namespace mqttw::client
