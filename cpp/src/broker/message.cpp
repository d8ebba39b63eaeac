// Owned application messages, made from a PUBLISH or a will.
#include "mqttw/broker/message.hpp"

#include <algorithm>

#include "mqttw/codec/owned.hpp"

namespace mqttw::broker {

namespace {

// The properties a server forwards unchanged to the subscribers of a message.
// Message Expiry Interval is sent with the time left instead [MQTT-3.3.2-6], Topic
// Alias is per connection [MQTT-3.3.2-7], and Subscription Identifiers come from
// each receiver's own subscriptions [MQTT-3.3.4-3].
bool passes_through(property_id id) {
  switch (id) {
    case property_id::payload_format_indicator:  // [MQTT-3.3.2-4]
    case property_id::content_type:              // [MQTT-3.3.2-20]
    case property_id::response_topic:            // [MQTT-3.3.2-15]
    case property_id::correlation_data:          // [MQTT-3.3.2-16]
    case property_id::user_property:             // [MQTT-3.3.2-17] [MQTT-3.3.2-18]
      return true;
    default:
      return false;
  }
}

}  // namespace

std::shared_ptr<const message> message::from_publish(std::string_view topic, bytes_view payload,
                                                     mqttw::qos q, bool retain,
                                                     const properties& props,
                                                     std::uint64_t now, std::uint64_t* held) {
  bool expires = false;
  std::uint32_t interval = 0;
  for (const auto& p : props) {
    if (p.id == property_id::message_expiry_interval) {
      expires = true;
      interval = p.number;
    }
  }
  return make(topic, payload, q, retain, props, expires, interval, now, held);
}

std::shared_ptr<const message> message::will_published(const std::shared_ptr<const message>& will,
                                                       std::uint64_t now) {
  if (!will->expires_at) return will;
  return make(will->topic, will->payload, will->qos, will->retain, will->props, true, will->expiry_interval, now,
              will->held_);
}

std::shared_ptr<const message> message::make(std::string_view topic, bytes_view payload, mqttw::qos q,
                                              bool retain, const properties& props, bool expires,
                                              std::uint32_t interval, std::uint64_t now,
                                              std::uint64_t* held) {
  auto m = std::make_shared<message>();
  m->topic.assign(topic);
  m->payload.assign(payload.begin(), payload.end());
  m->qos = q;
  m->retain = retain;
  if (expires) {
    // The message expires this many seconds after it was received [MQTT-3.3.2-5].
    // At least 1: 0 means "never", even for an interval of 0 at time 0.
    m->expires_at = std::max<std::uint64_t>(1, now + 1000 * std::uint64_t{interval});
    m->expiry_interval = interval;
  }
  // One buffer of the exact size for every kept string and binary value, so that
  // the views made below never move.
  m->storage_.resize(owned_bytes(props, passes_through));
  std::uint8_t* at = m->storage_.data();
  copy_properties(props, passes_through, at, m->props);
  if (held) {
    m->held_ = held;
    *held += m->counted();
  }
  return m;
}

message::~message() {
  if (held_) *held_ -= counted();
}

}  // namespace mqttw::broker
