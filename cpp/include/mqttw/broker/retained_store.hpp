// Retained messages by topic (section 3.3.1.3), searchable by topic filter.
//
//   store.set(msg);                    // keeps it, replacing the topic's last one
//   store.erase("a/b");                // a retained PUBLISH with an empty payload
//   store.match("a/#", [](const message_ptr& m) { ... });
//
// Matching follows the same rules as subscriptions, including [MQTT-4.7.2-1]: a
// filter starting with a wildcard does not return topics starting with '$'.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "mqttw/broker/message.hpp"

namespace mqttw::broker {

class retained_store {
 public:
  retained_store();
  ~retained_store();
  retained_store(const retained_store&) = delete;
  retained_store& operator=(const retained_store&) = delete;

  // Keeps `m` as the retained message of `m->topic` [MQTT-3.3.1-5].
  void set(message_ptr m);
  // Forgets the topic's retained message [MQTT-3.3.1-6]; true when there was one.
  bool erase(std::string_view topic);
  // Calls `on_message` for every retained message whose topic matches `filter`
  // (a valid, non-shared filter).
  void match(std::string_view filter, const std::function<void(const message_ptr&)>& on_message) const;
  // Drops messages whose expiry time has passed (message::expires_at <= now).
  std::size_t drop_expired(std::uint64_t now);
  // The earliest expiry among the messages kept, or 0 for none. It may be earlier than
  // the truth after an erase (then a drop_expired finds nothing and corrects it).
  std::uint64_t next_expiry() const { return next_expiry_; }

  std::size_t size() const { return size_; }
  std::size_t payload_bytes() const { return bytes_; }

 private:
  struct node;
  std::unique_ptr<node> root_;
  std::size_t size_ = 0;
  std::size_t bytes_ = 0;
  std::uint64_t next_expiry_ = 0;
};

}  // namespace mqttw::broker
