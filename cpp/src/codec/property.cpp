#include "mqttw/codec/property.hpp"

#include <array>

namespace mqttw {

namespace {

constexpr std::uint32_t in(std::initializer_list<property_place> places) {
  std::uint32_t bits = 0;
  for (auto place : places) bits |= 1u << static_cast<unsigned>(place);
  return bits;
}

using place = property_place;
using type = property_type;
using id = property_id;

// Section 2.2.2.2, table 2-4, with the places each property is defined for.
constexpr property_info property_table[] = {
    {id::payload_format_indicator, type::byte, "Payload Format Indicator", in({place::publish, place::will})},
    {id::message_expiry_interval, type::four_byte_integer, "Message Expiry Interval", in({place::publish, place::will})},
    {id::content_type, type::utf8_string, "Content Type", in({place::publish, place::will})},
    {id::response_topic, type::utf8_string, "Response Topic", in({place::publish, place::will})},
    {id::correlation_data, type::binary, "Correlation Data", in({place::publish, place::will})},
    {id::subscription_identifier, type::varint, "Subscription Identifier", in({place::publish, place::subscribe})},
    {id::session_expiry_interval, type::four_byte_integer, "Session Expiry Interval",
     in({place::connect, place::connack, place::disconnect})},
    {id::assigned_client_identifier, type::utf8_string, "Assigned Client Identifier", in({place::connack})},
    {id::server_keep_alive, type::two_byte_integer, "Server Keep Alive", in({place::connack})},
    {id::authentication_method, type::utf8_string, "Authentication Method",
     in({place::connect, place::connack, place::auth})},
    {id::authentication_data, type::binary, "Authentication Data",
     in({place::connect, place::connack, place::auth})},
    {id::request_problem_information, type::byte, "Request Problem Information", in({place::connect})},
    {id::will_delay_interval, type::four_byte_integer, "Will Delay Interval", in({place::will})},
    {id::request_response_information, type::byte, "Request Response Information", in({place::connect})},
    {id::response_information, type::utf8_string, "Response Information", in({place::connack})},
    {id::server_reference, type::utf8_string, "Server Reference", in({place::connack, place::disconnect})},
    {id::reason_string, type::utf8_string, "Reason String",
     in({place::connack, place::puback, place::pubrec, place::pubrel, place::pubcomp, place::suback,
         place::unsuback, place::disconnect, place::auth})},
    {id::receive_maximum, type::two_byte_integer, "Receive Maximum", in({place::connect, place::connack})},
    {id::topic_alias_maximum, type::two_byte_integer, "Topic Alias Maximum", in({place::connect, place::connack})},
    {id::topic_alias, type::two_byte_integer, "Topic Alias", in({place::publish})},
    {id::maximum_qos, type::byte, "Maximum QoS", in({place::connack})},
    {id::retain_available, type::byte, "Retain Available", in({place::connack})},
    {id::user_property, type::string_pair, "User Property",
     in({place::connect, place::connack, place::publish, place::will, place::puback, place::pubrec,
         place::pubrel, place::pubcomp, place::subscribe, place::suback, place::unsubscribe,
         place::unsuback, place::disconnect, place::auth})},
    {id::maximum_packet_size, type::four_byte_integer, "Maximum Packet Size", in({place::connect, place::connack})},
    {id::wildcard_subscription_available, type::byte, "Wildcard Subscription Available", in({place::connack})},
    {id::subscription_identifier_available, type::byte, "Subscription Identifier Available", in({place::connack})},
    {id::shared_subscription_available, type::byte, "Shared Subscription Available", in({place::connack})},
};

constexpr auto make_index() {
  std::array<const property_info*, 64> index{};
  for (const auto& info : property_table) index[static_cast<std::size_t>(info.id)] = &info;
  return index;
}

constexpr auto property_index = make_index();

}  // namespace

const property_info* find_property_info(std::uint8_t value) {
  return value < property_index.size() ? property_index[value] : nullptr;
}

bool property_allowed_in(property_id pid, property_place where) {
  const property_info* info = find_property_info(static_cast<std::uint8_t>(pid));
  return info && (info->places & (1u << static_cast<unsigned>(where))) != 0;
}

bool property_may_repeat(property_id pid, property_place where) {
  if (pid == property_id::user_property) return true;
  // A PUBLISH sent to a subscriber carries one identifier per matching subscription
  // [MQTT-3.3.4-3]; a SUBSCRIBE may carry only one.
  return pid == property_id::subscription_identifier && where == property_place::publish;
}

const property* find_property(const properties& props, property_id pid) {
  for (const auto& prop : props) {
    if (prop.id == pid) return &prop;
  }
  return nullptr;
}

}  // namespace mqttw
