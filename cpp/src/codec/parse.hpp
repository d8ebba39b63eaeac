// Reading one whole packet body. Internal to the codec: decoder.cpp frames packets
// and hands each body here.
#pragma once

#include <cstdint>

#include "mqttw/codec/packet.hpp"
#include "mqttw/errors.hpp"

namespace mqttw::detail {

// Reads the packet whose fixed header starts with `first_byte` and whose body is
// `body`, then checks it with validate(). A CONNECT is read with the protocol level
// it names; every other packet with `version`.
error parse_packet(std::uint8_t first_byte, bytes_view body, protocol_version version, packet& out);

// The fixed header's first byte alone: its packet type and flags (section 2.1.2,
// [MQTT-2.1.3-1], [MQTT-3.3.1-4]). The decoder checks it as soon as it arrives, so that
// a packet already known to be malformed is not held while its body comes.
error check_first_byte(std::uint8_t first_byte, protocol_version version);

}  // namespace mqttw::detail
