// What every wasm export needs to hand values to JS as 32-bit words: addresses in wasm
// memory, handles to the objects it made, and times in milliseconds.
#pragma once

#include <cstdint>

namespace mqttw::binding {

// The address of `p` in wasm memory, as JS indexes HEAPU8 with it.
inline std::int32_t address(const void* p) { return static_cast<std::int32_t>(reinterpret_cast<std::uintptr_t>(p)); }

// An object made for JS, and back: JS holds it as a number.
inline std::uint32_t to_handle(const void* p) { return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(p)); }
template <class T>
T& from_handle(std::uint32_t h) {
  return *reinterpret_cast<T*>(static_cast<std::uintptr_t>(h));
}

// Times cross as doubles (milliseconds fit exactly); one that is no number of
// milliseconds (NaN, negative, past 2^64) counts as 0.
inline std::uint64_t milliseconds(double now) {
  return now > 0 && now < 1.8e19 ? static_cast<std::uint64_t>(now) : 0;
}

}  // namespace mqttw::binding
