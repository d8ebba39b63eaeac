// Writing the client's packets: the few it makes itself (acknowledgements, PINGREQ,
// DISCONNECT, a resubscription) and the ones it was handed as checked bytes and sends
// changed (a PUBLISH with its packet id, DUP and Topic Alias; a SUBSCRIBE or
// UNSUBSCRIBE with its packet id; the CONNECT with its client id). Every function
// appends one whole packet to `out`. Nothing here checks MQTT's rules: the caller
// hands over what wire::read_packet accepted and values it chose within them.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "mqttw/wire/read.hpp"

namespace mqttw::wire {

using byte_buffer = std::vector<std::uint8_t>;

// Bytes of a Variable Byte Integer (section 1.5.5).
std::size_t varint_size(std::uint32_t n);

// PUBACK, PUBREC, PUBREL or PUBCOMP. In 5.0 a 0x00 code goes in the short form, as
// the codec's encoder writes it (section 3.4.2.1); 3.1.1 has no code.
void write_ack(byte_buffer& out, packet_type type, std::uint16_t id, reason_code code, protocol_version version);
void write_pingreq(byte_buffer& out);
// DISCONNECT without properties; in 5.0 with `code` (none for 0x00, section 3.14.2.1).
void write_disconnect(byte_buffer& out, reason_code code, protocol_version version);

// How a PUBLISH goes out: `topic` in place of its own (empty when a Topic Alias stands
// for it), this packet id and DUP, and its properties without any Topic Alias of its
// own unless `keep_alias`, then `alias` as one when it is not 0.
struct publish_change {
  std::string_view topic;
  std::uint16_t packet_id = 0;
  bool dup = false;
  bool keep_alias = false;
  std::uint16_t alias = 0;
};

// The size of the whole PUBLISH write_publish would write.
std::size_t publish_size(const packet_view& p, const publish_change& c, protocol_version version);
void write_publish(byte_buffer& out, const packet_view& p, const publish_change& c, protocol_version version);

// A SUBSCRIBE or UNSUBSCRIBE as it came, with this packet id.
void write_with_id(byte_buffer& out, const packet_view& p, std::uint16_t id);

// The CONNECT as it came, with this client id and (5.0) `extra` appended to its
// properties (property bytes, as on the wire).
void write_connect(byte_buffer& out, const packet_view& c, std::string_view client_id, bytes_view extra);

// A SUBSCRIBE made from parts: properties as on the wire (5.0), then each filter with
// its options byte (entries: a 2-byte length, the filter, the options byte, as
// packet_view::entries holds them).
void write_subscribe(byte_buffer& out, std::uint16_t id, bytes_view props, bytes_view entries,
                     protocol_version version);

// Points every view of `p` that lies in [from, from + p.whole.size()) at the same
// offset from `to`: for a packet whose bytes were copied there.
void rebase(packet_view& p, const std::uint8_t* to);

}  // namespace mqttw::wire
