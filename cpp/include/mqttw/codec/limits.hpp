// Sizes fixed by the protocol.
#pragma once

#include <cstdint>

namespace mqttw {

// The largest value a Variable Byte Integer can hold (section 1.5.5), and so the
// largest Remaining Length.
inline constexpr std::uint32_t max_varint = 268'435'455;

// The largest whole packet: 1 byte of type and flags, 4 bytes of Remaining Length and
// the largest body.
inline constexpr std::uint32_t max_packet_size_limit = 1 + 4 + max_varint;

}  // namespace mqttw
