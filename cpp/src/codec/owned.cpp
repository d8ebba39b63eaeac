#include "mqttw/codec/owned.hpp"

#include <cstring>

namespace mqttw {

std::size_t owned_bytes(const properties& props, property_filter keep) {
  std::size_t bytes = 0;
  for (const property& p : props) {
    if (!keep || keep(p.id)) bytes += p.text.size() + p.value.size() + p.data.size();
  }
  return bytes;
}

std::string_view copy_text(std::string_view text, std::uint8_t*& at) {
  if (text.empty()) return {};
  std::memcpy(at, text.data(), text.size());  // never memcpy from a null view
  std::string_view copy(reinterpret_cast<const char*>(at), text.size());
  at += text.size();
  return copy;
}

bytes_view copy_bytes(bytes_view data, std::uint8_t*& at) {
  if (data.empty()) return {};
  std::memcpy(at, data.data(), data.size());
  bytes_view copy(at, data.size());
  at += data.size();
  return copy;
}

void copy_properties(const properties& from, property_filter keep, std::uint8_t*& at, properties& to) {
  std::size_t kept = 0;
  for (const property& p : from) kept += !keep || keep(p.id);
  to.reserve(to.size() + kept);
  for (const property& p : from) {
    if (keep && !keep(p.id)) continue;
    property owned;
    owned.id = p.id;
    owned.number = p.number;
    owned.text = copy_text(p.text, at);
    owned.value = copy_text(p.value, at);
    owned.data = copy_bytes(p.data, at);
    to.push_back(owned);
  }
}

}  // namespace mqttw
