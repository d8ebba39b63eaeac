// The encoder: packet values to bytes.
//
//   std::vector<std::uint8_t> out;
//   if (auto err = mqttw::encode(packet, mqttw::protocol_version::v311, out)) { ... }
//
// The packet is checked first with the same rules the decoder applies (see
// validate.hpp); an invalid packet is refused and nothing is written. The Remaining
// Length uses the fewest bytes it can [MQTT-1.5.5-1]. A 5.0 reason code of 0x00
// with no properties is left out where the spec allows it, except in AUTH, which
// mqtt-packet-based peers cannot read without them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mqttw/codec/packet.hpp"
#include "mqttw/errors.hpp"

namespace mqttw {

// Appends the encoded packet to `out`. For a CONNECT, the packet's own `version` is
// the protocol written and `version` is not used.
error encode(const packet& p, protocol_version version, std::vector<std::uint8_t>& out);

// The same without any check but the Remaining Length's: for tests and tools that
// need packets the rules refuse. A string or binary field longer than 65,535 bytes
// is written with its length cut to 16 bits.
error encode_unchecked(const packet& p, protocol_version version, std::vector<std::uint8_t>& out);

// The size in bytes (fixed header included) of what encode() writes for `p`. It
// checks nothing: for a packet that encode() refuses, the figure means nothing.
std::size_t encoded_size(const packet& p, protocol_version version);

}  // namespace mqttw
