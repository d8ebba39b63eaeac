// What the wire layer's files share: the data types of section 1.5 read from plain
// byte ranges, and the property checks. Internal to cpp/src/wire.
#pragma once

#include <cstdint>

#include "mqttw/wire/read.hpp"

namespace mqttw::wire::detail {

// Phrases more than one file uses.
inline constexpr const char* past_end = "runs past the end of the packet";
inline constexpr const char* not_shortest_text = "is not in its shortest form [MQTT-1.5.5-1]";

// The fixed header at the start of `bytes`: its size (2 to 5) and the Remaining Length
// in `remaining`. 0 when `bytes` ends first, or when the Remaining Length is too long
// or not in its shortest form: then `bad` is 0x81 Malformed Packet.
std::size_t read_fixed_header(bytes_view bytes, std::uint32_t& remaining, problem& bad);

enum class varint_result : std::uint8_t { ok, incomplete, not_shortest, too_long };

// A Variable Byte Integer at `at` (section 1.5.5): at most 4 bytes, in its shortest
// form. `at` moves past it when ok.
varint_result take_varint(const std::uint8_t*& at, const std::uint8_t* end, std::uint32_t& value);

// A 2-byte length and that many bytes at `at` (sections 1.5.4 and 1.5.6); false when
// they do not fit before `end`. `at` moves past them when true.
bool take_prefixed(const std::uint8_t*& at, const std::uint8_t* end, bytes_view& out);

// The property at `at` (at < end) into `out`, `at` moved past it. Returns nullptr, or
// why it cannot be read: an unknown identifier, a value past `end`.
const char* take_property(const std::uint8_t*& at, const std::uint8_t* end, property& out);

// The value rules of a property block that take_property reads to its end, in the
// codec's order (validate.cpp): each property allowed in `place`, not repeated unless
// it may be, its value's rules; then Authentication Data only with its Method.
// `bad` gets the first problem (its type is left for the caller); false then.
bool check_properties(bytes_view block, property_place place, problem& bad);

}  // namespace mqttw::wire::detail
