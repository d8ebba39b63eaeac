#include "mqttw/errors.hpp"

namespace mqttw {

namespace {

struct named_code {
  std::uint8_t value;
  std::string_view name;
};

constexpr named_code reason_code_names[] = {
    {0x00, "Success"},
    {0x01, "Granted QoS 1"},
    {0x02, "Granted QoS 2"},
    {0x04, "Disconnect with Will Message"},
    {0x10, "No matching subscribers"},
    {0x11, "No subscription existed"},
    {0x18, "Continue authentication"},
    {0x19, "Re-authenticate"},
    {0x80, "Unspecified error"},
    {0x81, "Malformed Packet"},
    {0x82, "Protocol Error"},
    {0x83, "Implementation specific error"},
    {0x84, "Unsupported Protocol Version"},
    {0x85, "Client Identifier not valid"},
    {0x86, "Bad User Name or Password"},
    {0x87, "Not authorized"},
    {0x88, "Server unavailable"},
    {0x89, "Server busy"},
    {0x8A, "Banned"},
    {0x8B, "Server shutting down"},
    {0x8C, "Bad authentication method"},
    {0x8D, "Keep Alive timeout"},
    {0x8E, "Session taken over"},
    {0x8F, "Topic Filter invalid"},
    {0x90, "Topic Name invalid"},
    {0x91, "Packet Identifier in use"},
    {0x92, "Packet Identifier not found"},
    {0x93, "Receive Maximum exceeded"},
    {0x94, "Topic Alias invalid"},
    {0x95, "Packet too large"},
    {0x96, "Message rate too high"},
    {0x97, "Quota exceeded"},
    {0x98, "Administrative action"},
    {0x99, "Payload format invalid"},
    {0x9A, "Retain not supported"},
    {0x9B, "QoS not supported"},
    {0x9C, "Use another server"},
    {0x9D, "Server moved"},
    {0x9E, "Shared Subscriptions not supported"},
    {0x9F, "Connection rate exceeded"},
    {0xA0, "Maximum connect time"},
    {0xA1, "Subscription Identifiers not supported"},
    {0xA2, "Wildcard Subscriptions not supported"},
};

const named_code* find_code(std::uint8_t value) {
  for (const auto& entry : reason_code_names) {
    if (entry.value == value) return &entry;
  }
  return nullptr;
}

}  // namespace

std::string_view reason_code_name(reason_code code) {
  const named_code* entry = find_code(static_cast<std::uint8_t>(code));
  return entry ? entry->name : "Unknown reason code";
}

bool is_defined_reason_code(std::uint8_t value) { return find_code(value) != nullptr; }

error make_error(reason_code code, std::string_view reason) {
  return error{code, std::string(reason)};
}

std::string join_reason(std::initializer_list<reason_part> parts) {
  std::string out;
  for (const reason_part& part : parts) {
    if (!part.is_number) {
      out += part.text;
      continue;
    }
    char digits[20];
    std::size_t n = 0;
    std::uint64_t v = part.number;
    do {
      digits[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (n != 0) out += digits[--n];
  }
  return out;
}

std::string reason_code_hex(reason_code code) {
  constexpr char digits[] = "0123456789ABCDEF";
  const auto v = static_cast<std::uint8_t>(code);
  return {'0', 'x', digits[v >> 4], digits[v & 15]};
}

}  // namespace mqttw
