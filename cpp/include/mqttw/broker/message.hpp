// An application message as the broker keeps it: owned bytes, shared by every
// queue, in-flight slot and the retained store that holds it. Immutable once made.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mqttw/codec/packet.hpp"

namespace mqttw::broker {

struct message {
  std::string topic;
  std::vector<std::uint8_t> payload;
  mqttw::qos qos = qos::at_most_once;
  bool retain = false;
  // Absolute time (ms, the broker's clock) after which the message is not delivered,
  // from the Message Expiry Interval; 0 when it never expires [MQTT-3.3.2-5]. With
  // the property present it is at least 1, even for an interval of 0 at time 0.
  std::uint64_t expires_at = 0;
  // The Message Expiry Interval as received (seconds), when expires_at is set.
  std::uint32_t expiry_interval = 0;
  // The properties forwarded to subscribers unchanged [MQTT-3.3.2-4] [MQTT-3.3.2-20]
  // [MQTT-3.3.2-15] [MQTT-3.3.2-16] [MQTT-3.3.2-17] [MQTT-3.3.2-18]: Payload Format
  // Indicator, Content Type, Response Topic, Correlation Data and User Properties, in
  // the order received. Their views point into `storage_`, so they live as long as
  // the message.
  properties props;

  message() = default;
  message(const message&) = delete;
  message& operator=(const message&) = delete;
  ~message();

  // Copies a PUBLISH (or a will) into an owned message. `topic` replaces the packet's
  // topic (a PUBLISH that used a Topic Alias has an empty one). Only the
  // pass-through properties are kept; the expiry is computed from `now`. `held`, when
  // not null, counts the bytes of every message alive: this one's are added now and
  // taken off when it is freed, so it must outlive the message.
  static std::shared_ptr<const message> from_publish(std::string_view topic, bytes_view payload,
                                                     mqttw::qos q, bool retain,
                                                     const properties& props, std::uint64_t now,
                                                     std::uint64_t* held = nullptr);

  // A will as the broker publishes it, at `now`: its Message Expiry Interval runs
  // from its publication, not from the CONNECT that carried it (section 3.1.3.2.4).
  // `will` itself when it has no expiry (else a copy counted in the will's `held`).
  static std::shared_ptr<const message> will_published(const std::shared_ptr<const message>& will,
                                                       std::uint64_t now);

  // The bytes a message of this topic and payload is counted as, properties aside.
  static std::size_t counted_size(std::string_view topic, bytes_view payload) {
    return sizeof(message) + topic.size() + payload.size();
  }

 private:
  static std::shared_ptr<const message> make(std::string_view topic, bytes_view payload, mqttw::qos q,
                                             bool retain, const properties& props, bool expires,
                                             std::uint32_t interval, std::uint64_t now, std::uint64_t* held);

  std::size_t counted() const { return counted_size(topic, payload) + storage_.size(); }

  std::uint64_t* held_ = nullptr;

  std::vector<std::uint8_t> storage_;
};

using message_ptr = std::shared_ptr<const message>;

}  // namespace mqttw::broker
