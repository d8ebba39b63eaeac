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

}  // namespace mqttw::detail
