// MQTT 5.0 properties (section 2.2.2): identifiers, wire types, and the rules on which
// packet may carry which property and which may appear more than once.
//
// A property is stored as a small tagged value. Strings and binary data are views:
// in a decoded packet they point into the decoder's buffers, and in a packet given to
// the encoder they point wherever the caller keeps them.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace mqttw {

enum class property_id : std::uint8_t {
  payload_format_indicator = 0x01,
  message_expiry_interval = 0x02,
  content_type = 0x03,
  response_topic = 0x08,
  correlation_data = 0x09,
  subscription_identifier = 0x0B,
  session_expiry_interval = 0x11,
  assigned_client_identifier = 0x12,
  server_keep_alive = 0x13,
  authentication_method = 0x15,
  authentication_data = 0x16,
  request_problem_information = 0x17,
  will_delay_interval = 0x18,
  request_response_information = 0x19,
  response_information = 0x1A,
  server_reference = 0x1C,
  reason_string = 0x1F,
  receive_maximum = 0x21,
  topic_alias_maximum = 0x22,
  topic_alias = 0x23,
  maximum_qos = 0x24,
  retain_available = 0x25,
  user_property = 0x26,
  maximum_packet_size = 0x27,
  wildcard_subscription_available = 0x28,
  subscription_identifier_available = 0x29,
  shared_subscription_available = 0x2A,
};

// Wire types of section 1.5.
enum class property_type : std::uint8_t {
  byte,              // 1 byte
  two_byte_integer,  // big-endian uint16
  four_byte_integer, // big-endian uint32
  varint,            // Variable Byte Integer, up to 268,435,455
  utf8_string,       // 2-byte length + UTF-8
  binary,            // 2-byte length + bytes
  string_pair,       // two UTF-8 strings (User Property)
};

// Where a property may appear. The will's properties sit in the CONNECT payload and
// have a set of their own, so "will" counts as a place here.
enum class property_place : std::uint8_t {
  connect = 1, connack, publish, puback, pubrec, pubrel, pubcomp,
  subscribe, suback, unsubscribe, unsuback, pingreq, pingresp, disconnect, auth,
  will = 16,
};

struct property_info {
  property_id id;
  property_type type;
  std::string_view name;   // the spec's name, e.g. "Topic Alias"
  std::uint32_t places;    // bit (1 << place) for every place the property may appear
};

// The spec's description of a property, or nullptr when `id` is not a property.
const property_info* find_property_info(std::uint8_t id);

bool property_allowed_in(property_id id, property_place place);

// True when the property may appear more than once in that place: User Property
// anywhere, and Subscription Identifier in a PUBLISH (one per matching subscription).
bool property_may_repeat(property_id id, property_place place);

// One property. Which member holds the value depends on the property's type:
// `number` for byte, integers and varints; `text` for UTF-8 strings and a User
// Property's name; `value` for a User Property's value; `data` for binary data.
struct property {
  property_id id{};
  std::uint32_t number = 0;
  std::string_view text;
  std::string_view value;
  std::span<const std::uint8_t> data;

  static property integer(property_id id, std::uint32_t n) { return {id, n, {}, {}, {}}; }
  static property string(property_id id, std::string_view s) { return {id, 0, s, {}, {}}; }
  static property binary(property_id id, std::span<const std::uint8_t> d) { return {id, 0, {}, {}, d}; }
  static property user(std::string_view name, std::string_view val) {
    return {property_id::user_property, 0, name, val, {}};
  }
};

// Properties in the order they were read or are to be written.
using properties = std::vector<property>;

// The first property with this id, or nullptr.
const property* find_property(const properties& props, property_id id);

}  // namespace mqttw
