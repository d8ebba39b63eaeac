// Owned application messages, made from a PUBLISH or a will.
#include "mqttw/broker/message.hpp"

#include <algorithm>
#include <cstring>

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

// The bytes a kept property's strings and binary data take.
std::size_t owned_size(const property& p) { return p.text.size() + p.value.size() + p.data.size(); }

}  // namespace

std::shared_ptr<const message> message::from_publish(std::string_view topic, bytes_view payload,
                                                     mqttw::qos q, bool retain,
                                                     const properties& props,
                                                     std::uint64_t now) {
  auto m = std::make_shared<message>();
  m->topic.assign(topic);
  m->payload.assign(payload.begin(), payload.end());
  m->qos = q;
  m->retain = retain;

  // One buffer of the exact size for every kept string and binary value, so that
  // the views made below never move.
  std::size_t kept = 0;
  std::size_t bytes = 0;
  for (const auto& p : props) {
    if (p.id == property_id::message_expiry_interval) {
      // The message expires this many seconds after it was received [MQTT-3.3.2-5].
      // At least 1: 0 means "never", even for an interval of 0 at time 0.
      m->expires_at = std::max<std::uint64_t>(1, now + 1000 * std::uint64_t{p.number});
    } else if (passes_through(p.id)) {
      ++kept;
      bytes += owned_size(p);
    }
  }
  m->storage_.resize(bytes);
  m->props.reserve(kept);

  std::uint8_t* out = m->storage_.data();
  const auto keep = [&out](const void* from, std::size_t size) {
    std::uint8_t* copy = out;
    if (size != 0) std::memcpy(out, from, size);  // never memcpy from a null view
    out += size;
    return copy;
  };
  const auto keep_text = [&keep](std::string_view s) {
    return std::string_view(reinterpret_cast<const char*>(keep(s.data(), s.size())), s.size());
  };
  const auto keep_data = [&keep](bytes_view d) { return bytes_view(keep(d.data(), d.size()), d.size()); };
  for (const auto& p : props) {
    if (!passes_through(p.id)) continue;
    property owned;
    owned.id = p.id;
    owned.number = p.number;
    owned.text = keep_text(p.text);
    owned.value = keep_text(p.value);
    owned.data = keep_data(p.data);
    m->props.push_back(owned);
  }
  return m;
}

}  // namespace mqttw::broker
