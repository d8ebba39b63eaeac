// Reason codes and error values shared by the codec, the client and the broker.
//
// Errors are values, never exceptions. An `error` carries the MQTT 5.0 reason code
// that a peer would be sent for it (0x81 Malformed Packet, 0x82 Protocol Error, ...)
// and a readable sentence that names the rule it broke, for example
// "PUBLISH topic name contains a wildcard [MQTT-3.3.2-2]".
#pragma once

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace mqttw {

// Every reason code of MQTT 5.0 (section 2.4). Several names share a value: 0x00 is
// Success, Normal disconnection and Granted QoS 0. The 3.1.1 CONNACK return codes
// (0..5) and SUBACK return codes (0, 1, 2, 0x80) are plain numbers in the same byte
// and are checked per packet by the codec.
enum class reason_code : std::uint8_t {
  success = 0x00,
  normal_disconnection = 0x00,
  granted_qos_0 = 0x00,
  granted_qos_1 = 0x01,
  granted_qos_2 = 0x02,
  disconnect_with_will_message = 0x04,
  no_matching_subscribers = 0x10,
  no_subscription_existed = 0x11,
  continue_authentication = 0x18,
  re_authenticate = 0x19,
  unspecified_error = 0x80,
  malformed_packet = 0x81,
  protocol_error = 0x82,
  implementation_specific_error = 0x83,
  unsupported_protocol_version = 0x84,
  client_identifier_not_valid = 0x85,
  bad_user_name_or_password = 0x86,
  not_authorized = 0x87,
  server_unavailable = 0x88,
  server_busy = 0x89,
  banned = 0x8A,
  server_shutting_down = 0x8B,
  bad_authentication_method = 0x8C,
  keep_alive_timeout = 0x8D,
  session_taken_over = 0x8E,
  topic_filter_invalid = 0x8F,
  topic_name_invalid = 0x90,
  packet_identifier_in_use = 0x91,
  packet_identifier_not_found = 0x92,
  receive_maximum_exceeded = 0x93,
  topic_alias_invalid = 0x94,
  packet_too_large = 0x95,
  message_rate_too_high = 0x96,
  quota_exceeded = 0x97,
  administrative_action = 0x98,
  payload_format_invalid = 0x99,
  retain_not_supported = 0x9A,
  qos_not_supported = 0x9B,
  use_another_server = 0x9C,
  server_moved = 0x9D,
  shared_subscriptions_not_supported = 0x9E,
  connection_rate_exceeded = 0x9F,
  maximum_connect_time = 0xA0,
  subscription_identifiers_not_supported = 0xA1,
  wildcard_subscriptions_not_supported = 0xA2,
};

// The spec's name for a reason code ("Malformed Packet"), or "Unknown reason code"
// for a value the spec does not define. For 0x00 it answers "Success".
std::string_view reason_code_name(reason_code code);

// True when the spec defines this value as a reason code of some packet.
bool is_defined_reason_code(std::uint8_t value);

// Codes from 0x80 up are failures (section 2.4); below, success and its variants.
inline bool is_failure(reason_code code) { return static_cast<std::uint8_t>(code) >= 0x80; }

// The code in hex, for readable reasons: "0x95". (The client's texts name codes so:
// its module then needs no table of names, and the JS layer names codes itself.)
std::string reason_code_hex(reason_code code);

// An outcome: `code == success` means no error. `reason` says what went wrong in
// words a user can act on.
struct error {
  reason_code code = reason_code::success;
  std::string reason;

  explicit operator bool() const { return code != reason_code::success; }
};

// Out of line, taking a view: the reason's string is made here, not at each of the
// many places that can fail (which kept kilobytes of string code in the wasm).
[[gnu::noinline]] error make_error(reason_code code, std::string_view reason);

// A piece of a reason: text, or a whole number written in decimal.
struct reason_part {
  reason_part(std::string_view t) : text(t) {}
  reason_part(const char* t) : text(t) {}
  template <std::integral N>
  reason_part(N n) : number(static_cast<std::uint64_t>(n)), is_number(true) {}

  std::string_view text;
  std::uint64_t number = 0;
  bool is_number = false;
};

// The pieces joined: join_reason({"Topic Alias ", n, " is above ", max}). Out of
// line, like make_error: a chain of std::to_string and + at each caller cost kilobytes
// of string code in the wasm.
[[gnu::noinline]] std::string join_reason(std::initializer_list<reason_part> parts);

}  // namespace mqttw
