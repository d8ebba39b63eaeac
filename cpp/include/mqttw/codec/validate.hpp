// The rules a packet must follow whatever the direction, checked on its values.
//
// The decoder calls this after it has read a packet's structure, and the encoder
// calls it before it writes anything, so both apply the same rules: UTF-8 strings,
// topic names and filters, packet identifiers, QoS values, reason codes allowed
// for the packet, and the properties allowed (and allowed twice) in it.
// Wire-level rules (reserved bits, lengths, trailing bytes) are the decoder's.
#pragma once

#include "mqttw/codec/packet.hpp"
#include "mqttw/errors.hpp"

namespace mqttw {

error validate(const packet& p, protocol_version version);

// True when `code` is one of the reason codes the spec lists for this packet type in
// this version. For 3.1.1 it checks CONNACK return codes (0..5) and SUBACK return
// codes (0, 1, 2, 0x80).
bool reason_code_allowed(packet_type type, reason_code code, protocol_version version);

}  // namespace mqttw
