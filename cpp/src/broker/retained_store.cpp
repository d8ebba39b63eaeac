// Retained messages in a trie of topic levels.
#include "mqttw/broker/retained_store.hpp"

#include <iterator>
#include <utility>

#include "mqttw/topic.hpp"

namespace mqttw::broker {

namespace {

// Lets find() take a string_view without building a std::string.
struct level_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view level) const noexcept {
    return std::hash<std::string_view>{}(level);
  }
};

using on_message_fn = std::function<void(const message_ptr&)>;

}  // namespace

// One topic level. The root stands for no level and never holds a message.
struct retained_store::node {
  std::unordered_map<std::string, std::unique_ptr<node>, level_hash, std::equal_to<>> children;
  message_ptr msg;

  bool empty() const { return children.empty() && !msg; }

  // Calls `on_message` for this node's message and every one below it. At the
  // root, children whose level starts with '$' are left out [MQTT-4.7.2-1].
  void visit_all(bool skip_dollar, const on_message_fn& on_message) const {
    if (msg) on_message(msg);
    for (const auto& [level, child] : children) {
      if (skip_dollar && !level.empty() && level.front() == '$') continue;
      child->visit_all(false, on_message);
    }
  }

  // `rest` is what is left of the filter; `first` is true at the root.
  void match(std::string_view rest, bool first, const on_message_fn& on_message) const {
    bool last = false;
    const std::string_view level = take_topic_level(rest, last);
    if (level == "#") {
      // '#' matches the parent level too: "a/#" matches "a" (section 4.7.1.2).
      visit_all(first, on_message);
      return;
    }
    if (level == "+") {
      for (const auto& [name, child] : children) {
        if (first && !name.empty() && name.front() == '$') continue;  // [MQTT-4.7.2-1]
        child->match_below(rest, last, on_message);
      }
      return;
    }
    auto it = children.find(level);
    if (it != children.end()) it->second->match_below(rest, last, on_message);
  }

  // This node matched a filter level: it is the match when that was the last one.
  void match_below(std::string_view rest, bool last, const on_message_fn& on_message) const {
    if (!last) {
      match(rest, false, on_message);
    } else if (msg) {
      on_message(msg);
    }
  }

  // Removes the message of the topic `rest` below this node and frees the nodes
  // that leaves empty. Returns the removed message, or null.
  message_ptr erase_below(std::string_view rest) {
    bool last = false;
    const std::string_view level = take_topic_level(rest, last);
    auto it = children.find(level);
    if (it == children.end()) return nullptr;
    message_ptr removed = last ? std::move(it->second->msg) : it->second->erase_below(rest);
    if (it->second->empty()) children.erase(it);
    return removed;
  }

  // Removes every message below this node that has expired by `now`, adding to
  // `count` and `bytes`, and frees the nodes that leaves empty.
  // `next` becomes the earliest expiry among the messages left.
  void drop_below(std::uint64_t now, std::size_t& count, std::size_t& bytes, std::uint64_t& next) {
    for (auto it = children.begin(); it != children.end();) {
      node& child = *it->second;
      if (child.msg && child.msg->expires_at != 0) {
        if (child.msg->expires_at <= now) {
          ++count;
          bytes += child.msg->payload.size();
          child.msg.reset();
        } else if (next == 0 || child.msg->expires_at < next) {
          next = child.msg->expires_at;
        }
      }
      child.drop_below(now, count, bytes, next);
      it = child.empty() ? children.erase(it) : std::next(it);
    }
  }
};

retained_store::retained_store() : root_(std::make_unique<node>()) {}

retained_store::~retained_store() = default;

void retained_store::set(message_ptr m) {
  if (!m) return;
  node* n = root_.get();
  std::string_view rest = m->topic;
  bool last = false;
  while (!last) {
    const std::string_view level = take_topic_level(rest, last);
    auto it = n->children.find(level);
    if (it == n->children.end()) {
      it = n->children.emplace(std::string(level), std::make_unique<node>()).first;
    }
    n = it->second.get();
  }
  if (n->msg) {
    bytes_ -= n->msg->payload.size();  // a new retained message replaces the topic's last one
  } else {
    ++size_;
  }
  bytes_ += m->payload.size();
  if (m->expires_at && (next_expiry_ == 0 || m->expires_at < next_expiry_)) next_expiry_ = m->expires_at;
  n->msg = std::move(m);
}

bool retained_store::erase(std::string_view topic) {
  const message_ptr removed = root_->erase_below(topic);
  if (!removed) return false;
  --size_;
  bytes_ -= removed->payload.size();
  return true;
}

void retained_store::match(std::string_view filter, const on_message_fn& on_message) const {
  root_->match(filter, true, on_message);
}

std::size_t retained_store::drop_expired(std::uint64_t now) {
  if (next_expiry_ == 0 || next_expiry_ > now) return 0;  // nothing is due: no walk
  std::size_t count = 0;
  std::size_t bytes = 0;
  next_expiry_ = 0;
  root_->drop_below(now, count, bytes, next_expiry_);
  size_ -= count;
  bytes_ -= bytes;
  return count;
}

}  // namespace mqttw::broker
