// Reading the client's packets straight off the wire, without building them.
//
// The codec (mqttw/codec) turns bytes into `mqttw::packet` values: a variant of every
// packet type, with vectors of properties and subscriptions. That is what a broker
// and the codec API need, and it costs code for every packet type in every module
// that links it. A client reads only what a server sends it and checks only what it
// sends itself, so this layer checks a whole packet where it lies and hands out
// views into its bytes:
//
//   mqttw::wire::packet_view p;
//   if (auto bad = mqttw::wire::read_packet(whole, version, wire::direction::to_client, p)) {
//     /* bad.code, and format_problem(bad, ...) for words: close with DISCONNECT bad.code */
//   }
//   if (p.type == packet_type::publish) use(p.topic, p.payload, p.props);
//
// A packet that read_packet accepts is one the codec's decoder accepts in the same
// protocol version, with the same fields, and one it refuses is refused with the same
// reason code (tests/cpp/test_wire_read.cpp checks both on the codec's vectors and
// on mutations of them, tests/fuzz/fuzz_wire.cpp on any bytes). The only differences
// are the rules that depend on who sent the packet, which the decoder cannot know;
// they are listed at `direction`. Framing is frame_size's: it refuses what the
// decoder refuses from a fixed header (a bad Remaining Length, a packet above the
// Maximum Packet Size), and read_packet takes the one packet it cut.
//
// Nothing here allocates, throws or builds a string: a problem is a reason code and
// static texts, to be put in words where they are shown (`problem`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mqttw/codec/packet.hpp"
#include "mqttw/errors.hpp"

namespace mqttw::wire {

// Who sends the packet. The client reads packets sent to_client and checks those it
// is about to send to_server. Beyond what the codec's decoder checks, read_packet
// applies the rules that depend on the sender, after every codec check has passed
// (so a packet both break gets the decoder's reason code):
//
//   - a type the other side never sends is 0x82 Protocol Error (section 2.1.2): a
//     server does not send CONNECT, SUBSCRIBE, UNSUBSCRIBE or PINGREQ; a client does
//     not send CONNACK, SUBACK, UNSUBACK or PINGRESP. This is decided from the fixed
//     header alone, after the decoder's fixed-header checks (Remaining Length, types
//     0 and 15, reserved flags, which stay 0x81); the body is not read, so such a
//     packet is 0x82 even where its body would make the decoder say 0x81 or 0x84;
//   - to_server: a PUBLISH with a Subscription Identifier is 0x82 [MQTT-3.3.4-6];
//   - to_client: a DISCONNECT with a Session Expiry Interval is 0x82 [MQTT-3.14.2-2];
//   - a 5.0 DISCONNECT reason code that the spec lists for the other side only is
//     0x82 (section 3.14.2.1): 0x04 from a server; 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F
//     and 0x9A..0xA2 from a client;
//   - the same for AUTH (section 3.15.2.1): 0x00 Success from a client, 0x19
//     Re-authenticate from a server;
//   - a CONNECT (to_server only) with an empty client identifier is 0x85 Client
//     Identifier not valid in 3.1, and in 3.1.1 without a clean session
//     [MQTT-3.1.3-7]: what a server may accept, a client must not send.
//
// A Topic Alias of 0 is refused either way, as the decoder does [MQTT-3.3.2-8].
// Session rules (aliases above the maximum, Receive Maximum, packet identifiers in
// use) are not the reader's: they need the connection's state.
enum class direction : std::uint8_t { to_server, to_client };

// Why a packet was refused. `text` is a static phrase naming the rule, as the
// codec's reasons do ("contains a wildcard '+' or '#' [MQTT-3.3.2-2]"); `field` the
// field it is about ("topic name"; nullptr for the packet as a whole); `type` the
// packet's type (its first byte's high nibble, so 0 for a reserved type 0 or an empty
// input); `property` the property identifier the problem is about (0 for none). The
// reader of the problem puts them in words (see `format_problem`).
struct problem {
  reason_code code = reason_code::success;
  std::uint8_t type = 0;
  std::uint8_t property = 0;
  const char* field = nullptr;
  const char* text = nullptr;

  explicit operator bool() const { return code != reason_code::success; }
};

// The problem as one sentence: "PUBLISH: Topic Alias (0x23): is 0 [MQTT-3.3.2-8]",
// "PUBLISH: topic name contains a wildcard '+' or '#' [MQTT-3.3.2-2]", that is the
// type's name and ": " (when `type` is not 0), the property's name and identifier and
// ": " (when `property` is not 0), the field and " " (when there is one), the text.
// For tests and hosts that want the codec's kind of sentence. Writes at most `size`
// bytes (no terminator) and returns how many.
std::size_t format_problem(const problem& p, char* out, std::size_t size);

// The size of the whole packet that starts at `head` (fixed header included), once
// its fixed header is complete: 0 when more bytes are needed to tell. A Remaining
// Length of more than 4 bytes is 0x81 Malformed Packet, and a packet bigger than
// `max_packet_size` 0x95 Packet Too Large, both set in `bad` (then 0 is returned).
std::size_t frame_size(bytes_view head, std::uint32_t max_packet_size, problem& bad);

// Where the fields of a packet read by read_packet are. Every view points into the
// packet's bytes; a field the packet type does not have is left as it is here.
struct packet_view {
  packet_type type{};
  std::uint8_t flags = 0;      // the low nibble of the first byte
  bytes_view whole;            // the packet, fixed header included
  std::uint32_t header_size = 0;  // bytes of the fixed header

  std::uint16_t packet_id = 0;    // PUBLISH (QoS > 0), acks, SUBSCRIBE ... UNSUBACK
  // CONNACK's code or 3.1.1 return code, the 5.0 acks', DISCONNECT's and AUTH's
  // (0x00 when left out of the packet).
  reason_code code = reason_code::success;
  bool session_present = false;   // CONNACK

  // PUBLISH
  mqttw::qos qos = qos::at_most_once;
  bool retain = false;
  bool dup = false;
  std::string_view topic;         // may be empty in 5.0 with a Topic Alias
  bytes_view payload;

  // The packet's properties (5.0; empty otherwise): the bytes after their length,
  // checked. Walk them with property_cursor. `props_at` is the offset in `whole` of
  // the property length's first byte (0 when the packet has none on the wire).
  bytes_view props;
  std::uint32_t props_at = 0;

  // The payload's list, checked: SUBSCRIBE's filters (each a 2-byte length, the
  // filter, the options byte), UNSUBSCRIBE's filters (length and filter), SUBACK's
  // and UNSUBACK's reason codes (one byte each). Walk them with entry_cursor.
  bytes_view entries;

  // CONNECT
  protocol_version version{};  // CONNECT only (0 in other packets: all-zero defaults are cheap to reset)
  bool bridge = false;
  bool clean_start = false;
  std::uint16_t keep_alive = 0;
  std::string_view client_id;
  bool has_will = false;
  mqttw::qos will_qos = qos::at_most_once;
  bool will_retain = false;
  bytes_view will_props;          // 5.0
  std::string_view will_topic;
  bytes_view will_payload;
  bool has_username = false;
  std::string_view username;
  bool has_password = false;
  bytes_view password;
};

// Checks the whole packet `whole` (fixed header included, exactly one packet) sent in
// `dir` and fills `out` (reset first, so a field the packet does not have keeps its
// default). `version` is the connection's protocol; for a CONNECT the packet's own
// protocol level counts, and out.version gives it. A Remaining Length that does not
// say `whole.size()` is 0x81 Malformed Packet (use frame_size to cut packets out of
// a stream). On a problem `out` holds what had been read: use none of it.
problem read_packet(bytes_view whole, protocol_version version, direction dir, packet_view& out);

// Walks properties that read_packet has checked, in their order on the wire.
//
//   for (wire::property_cursor c(p.props); c.next(prop);) ...
class property_cursor {
 public:
  explicit property_cursor(bytes_view props) : at_(props.data()), end_(props.data() + props.size()) {}
  // The next property into `out` (the codec's property struct: views into the
  // bytes), or false at the end.
  bool next(property& out);
  // Where the next property starts.
  const std::uint8_t* position() const { return at_; }

 private:
  const std::uint8_t* at_;
  const std::uint8_t* end_;
};

// True when the spec defines `code` for this packet type in this version (section
// 2.4; in 3.1.1 the CONNACK return codes 0..5 and the SUBACK codes 0, 1, 2, 0x80, and
// 0 for every other packet); for the packets with a code byte, as the codec's
// reason_code_allowed says, in a table.
bool reason_code_defined(packet_type type, reason_code code, protocol_version version);

// The first property with this id in checked properties, into `out`; false if none.
// Not inlined: LTO copied its walk into each caller.
[[gnu::noinline]] bool find_property(bytes_view props, property_id id, property& out);
// The number of the first property with this id (an integer property), 0 if none.
std::uint32_t property_number(bytes_view props, property_id id);

// Walks a checked packet's `entries`.
class entry_cursor {
 public:
  entry_cursor(packet_type type, bytes_view entries)
      : type_(type), at_(entries.data()), end_(entries.data() + entries.size()) {}
  // SUBSCRIBE: filter and its options (subscription's fields); UNSUBSCRIBE: filter
  // only; SUBACK / UNSUBACK: `code` only.
  bool next(subscription& filter_out, reason_code& code_out);

 private:
  packet_type type_;
  const std::uint8_t* at_;
  const std::uint8_t* end_;
};

}  // namespace mqttw::wire
