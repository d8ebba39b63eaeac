// Owned copies of the strings and binary data a packet's views point to.
//
// A packet from the decoder, or one an application hands over, points into memory
// that goes away. To keep it, size the bytes its views hold, allocate one buffer of
// that size, and copy each view into it; the copies are views into the buffer, valid
// as long as it lives (a std::vector or std::unique_ptr buffer keeps its address when
// moved):
//
//   std::size_t size = topic.size() + mqttw::owned_bytes(props);
//   std::unique_ptr<std::uint8_t[]> buffer(new std::uint8_t[size]);
//   std::uint8_t* at = buffer.get();
//   kept_topic = mqttw::copy_text(topic, at);
//   mqttw::copy_properties(props, nullptr, at, kept_props);
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mqttw/codec/packet.hpp"

namespace mqttw {

// Which properties to keep; null keeps them all.
using property_filter = bool (*)(property_id);

// The bytes the strings and binary data of the properties that `keep` accepts take.
std::size_t owned_bytes(const properties& props, property_filter keep = nullptr);

// Copies `text` to `at` and advances it past the copy; returns the copy.
std::string_view copy_text(std::string_view text, std::uint8_t*& at);
bytes_view copy_bytes(bytes_view data, std::uint8_t*& at);

// Appends to `to` the properties of `from` that `keep` accepts, their strings and
// data copied to `at` (which must have owned_bytes(from, keep) bytes of room), in
// their order.
void copy_properties(const properties& from, property_filter keep, std::uint8_t*& at, properties& to);

}  // namespace mqttw
