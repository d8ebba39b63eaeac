// Outgoing Topic Aliases: topic -> alias within the server's Topic Alias Maximum,
// the least recently used one replaced when all are taken. One table per connection
// [MQTT-3.3.2-7].
#include <algorithm>

#include "mqttw/text_hash.hpp"
#include "state.hpp"

namespace mqttw::client {

void alias_table::reset(std::uint16_t max) {
  max_ = max;
  nodes_.clear();
  index_.clear();
  mapped_ = 0;
  head_ = tail_ = 0;
  next_free_ = 1;
}

std::uint16_t alias_table::find(std::string_view topic) {
  if (mapped_ == 0) return 0;
  const std::uint16_t alias = index_[slot_of(topic)];
  if (alias == 0) return 0;
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
    index_remove(slot_of(n.topic));
    unlink(alias);
    n.topic.clear();
  }
  // A topic has one alias at a time here: the newest.
  if (mapped_ != 0) {
    const std::size_t slot = slot_of(topic);
    if (const std::uint16_t old = index_[slot]; old != 0) {
      index_remove(slot);
      unlink(old);
      at(old).topic.clear();
      if (old < next_free_) next_free_ = old;
    }
  }
  n.topic.assign(topic);
  index_add(alias);
  push_front(alias);
}

std::size_t alias_table::slot_of(std::string_view topic) const {
  const std::size_t mask = index_.size() - 1;
  std::size_t i = text_hash(topic) & mask;
  while (index_[i] != 0 && at(index_[i]).topic != topic) i = (i + 1) & mask;
  return i;
}

void alias_table::index_add(std::uint16_t alias) {
  if ((mapped_ + 1) * 2 > index_.size()) {  // grow: twice the size, everything placed again
    std::vector<std::uint16_t> old(std::max<std::size_t>(16, index_.size() * 2), 0);
    old.swap(index_);
    for (const std::uint16_t a : old) {
      if (a != 0) index_[slot_of(at(a).topic)] = a;
    }
  }
  index_[slot_of(at(alias).topic)] = alias;
  ++mapped_;
}

// Empties `slot`, moving back the later entries of its run that may fill the hole, so
// that every lookup still reaches its entry (no tombstones).
void alias_table::index_remove(std::size_t slot) {
  if (index_[slot] == 0) return;  // not indexed: nothing to remove (keeps mapped_ exact)
  const std::size_t mask = index_.size() - 1;
  std::size_t hole = slot;
  for (std::size_t j = (slot + 1) & mask; index_[j] != 0; j = (j + 1) & mask) {
    const std::size_t home = text_hash(at(index_[j]).topic) & mask;
    // It stays when its home lies cyclically in (hole, j].
    const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (!stays) {
      index_[hole] = index_[j];
      hole = j;
    }
  }
  index_[hole] = 0;
  --mapped_;
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
