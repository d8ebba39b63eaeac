// Outgoing Topic Aliases: topic -> alias within the server's Topic Alias Maximum,
// the least recently used one replaced when all are taken. One table per connection
// [MQTT-3.3.2-7].
#include "state.hpp"

namespace mqttw::client {

void alias_table::reset(std::uint16_t max) {
  max_ = max;
  nodes_.clear();
  by_topic_.clear();
  head_ = tail_ = 0;
  next_free_ = 1;
}

std::uint16_t alias_table::find(std::string_view topic) {
  if (by_topic_.empty()) return 0;
  auto it = by_topic_.find(topic);
  if (it == by_topic_.end()) return 0;
  const std::uint16_t alias = it->second;
  if (alias != head_) {
    unlink(alias);
    push_front(alias);
  }
  return alias;
}

bool alias_table::maps(std::uint16_t alias, std::string_view topic) const {
  return alias != 0 && alias <= nodes_.size() && !at(alias).topic.empty() && at(alias).topic == topic;
}

std::string_view alias_table::topic_of(std::uint16_t alias) const {
  if (alias == 0 || alias > nodes_.size()) return {};
  return at(alias).topic;
}

std::uint16_t alias_table::pick() {
  if (max_ == 0) return 0;
  while (next_free_ <= max_ && next_free_ <= nodes_.size() && !at(static_cast<std::uint16_t>(next_free_)).topic.empty()) {
    ++next_free_;
  }
  if (next_free_ <= max_) return static_cast<std::uint16_t>(next_free_);
  return tail_;
}

void alias_table::set(std::uint16_t alias, std::string_view topic) {
  if (alias > nodes_.size()) nodes_.resize(alias);
  node& n = at(alias);
  if (!n.topic.empty()) {
    if (n.topic == topic) {
      if (alias != head_) {
        unlink(alias);
        push_front(alias);
      }
      return;
    }
    by_topic_.erase(by_topic_.find(n.topic));
    unlink(alias);
    n.topic.clear();
  }
  // A topic has one alias at a time here: the newest.
  if (auto it = by_topic_.find(topic); it != by_topic_.end()) {
    const std::uint16_t old = it->second;
    by_topic_.erase(it);
    unlink(old);
    at(old).topic.clear();
    if (old < next_free_) next_free_ = old;
  }
  n.topic.assign(topic);
  by_topic_.emplace(n.topic, alias);
  push_front(alias);
}

void alias_table::unlink(std::uint16_t alias) {
  node& n = at(alias);
  if (n.prev) {
    at(n.prev).next = n.next;
  } else {
    head_ = n.next;
  }
  if (n.next) {
    at(n.next).prev = n.prev;
  } else {
    tail_ = n.prev;
  }
  n.prev = n.next = 0;
}

void alias_table::push_front(std::uint16_t alias) {
  node& n = at(alias);
  n.prev = 0;
  n.next = head_;
  if (head_) at(head_).prev = alias;
  head_ = alias;
  if (!tail_) tail_ = alias;
}

}  // namespace mqttw::client
