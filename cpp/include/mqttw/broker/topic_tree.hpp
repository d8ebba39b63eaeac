// The subscription trie: topic filters by level, with '+' and '#' children, and the
// subscribers of each filter. Shared subscriptions ("$share/{group}/{filter}") live
// at their filter's node too, one group per name.
//
//   topic_tree t;
//   t.subscribe("a/+/c", 7, opts);
//   t.match("a/b/c", visitor);   // visitor.on_subscriber(7, opts)
//
// Matching follows section 4.7: '+' matches one whole level, '#' the parent level
// and every level below it, and a topic that starts with '$' is not matched by a
// filter whose first level is '+' or '#' [MQTT-4.7.2-1]. Filters and topics are
// assumed valid (the broker checks them first, see topic.hpp) and no deeper than
// the broker's level limit, which bounds the recursion.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mqttw/codec/packet.hpp"

namespace mqttw::broker {

// Who subscribed: the broker's number for a session.
using subscriber_id = std::uint32_t;

struct subscription_options {
  mqttw::qos max_qos = qos::at_most_once;
  bool no_local = false;
  bool retain_as_published = false;
  mqttw::retain_handling retain_handling = retain_handling::send_on_subscribe;
  std::uint32_t subscription_id = 0;  // 0: none
};

// The members of one shared subscription group at one filter. `next` is the
// broker's round-robin cursor; the tree only keeps it within range.
struct shared_group {
  std::string name;
  struct member {
    subscriber_id who;
    subscription_options options;
  };
  std::vector<member> members;
  std::size_t next = 0;
};

class topic_tree {
 public:
  topic_tree();
  ~topic_tree();
  topic_tree(const topic_tree&) = delete;
  topic_tree& operator=(const topic_tree&) = delete;

  // Adds or replaces `who`'s subscription to `filter`. True when it is new, false
  // when it replaced one [MQTT-3.8.4-3].
  bool subscribe(std::string_view filter, subscriber_id who, const subscription_options& options);
  bool subscribe_shared(std::string_view group, std::string_view filter, subscriber_id who,
                        const subscription_options& options);

  // Removes it; true when there was one. Nodes left empty are freed.
  bool unsubscribe(std::string_view filter, subscriber_id who);
  bool unsubscribe_shared(std::string_view group, std::string_view filter, subscriber_id who);

  // Calls `visitor.on_subscriber(subscriber_id, const subscription_options&)` once for
  // every non-shared subscription whose filter matches `topic`, and
  // `visitor.on_shared_group(shared_group&)` once for every matching shared group.
  // A subscriber with several matching filters is visited once per filter. The
  // visitor must not change the tree.
  template <class Visitor>
  void match(std::string_view topic, Visitor& visitor);

  // Number of (subscriber, filter) pairs, shared ones included.
  std::size_t size() const { return size_; }

 private:
  struct node;
  struct node_deleter { void operator()(node*) const; };
  using node_ptr = std::unique_ptr<node, node_deleter>;
  // Hashes a level as a string_view, so that find() takes one without building a
  // std::string (C++20 heterogeneous lookup, with std::equal_to<>).
  struct level_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view level) const noexcept {
      return std::hash<std::string_view>{}(level);
    }
  };
  struct node {
    std::unordered_map<std::string, node_ptr, level_hash, std::equal_to<>> children;  // exact
    node_ptr plus;  // '+'
    node_ptr hash;  // '#' (a leaf)
    std::vector<shared_group::member> subscribers;
    std::vector<shared_group> groups;
    bool empty() const {
      return children.empty() && !plus && !hash && subscribers.empty() && groups.empty();
    }
  };

  node* find_or_add(std::string_view filter);
  template <class Visitor>
  static void visit_node(node& n, Visitor& visitor);
  template <class Visitor>
  static void match_levels(node& n, std::string_view rest, bool at_end, bool first_level, Visitor& visitor);
  // `group` is null for a plain subscription.
  bool remove_from(node& n, std::string_view rest, bool at_end, const std::string_view* group,
                   subscriber_id who);

  node_ptr root_;
  std::size_t size_ = 0;
};

// ---- template definitions --------------------------------------------------------

template <class Visitor>
void topic_tree::visit_node(node& n, Visitor& visitor) {
  for (const auto& s : n.subscribers) visitor.on_subscriber(s.who, s.options);
  for (auto& g : n.groups) visitor.on_shared_group(g);
}

// `rest` is what is left of the topic after the levels already matched; `at_end`
// is true when no level is left (then `rest` is empty but meaningless).
template <class Visitor>
void topic_tree::match_levels(node& n, std::string_view rest, bool at_end, bool first_level,
                              Visitor& visitor) {
  // '#' matches the parent level too: "a/#" matches "a" (section 4.7.1.2, non-normative).
  const bool dollar = first_level && !at_end && !rest.empty() && rest.front() == '$';
  if (n.hash && !dollar) visit_node(*n.hash, visitor);  // [MQTT-4.7.2-1]
  if (at_end) {
    visit_node(n, visitor);
    return;
  }
  const auto slash = rest.find('/');
  const std::string_view level = rest.substr(0, slash);
  const bool last = slash == std::string_view::npos;
  const std::string_view next = last ? std::string_view{} : rest.substr(slash + 1);
  if (!n.children.empty()) {
    auto it = n.children.find(level);
    if (it != n.children.end()) match_levels(*it->second, next, last, false, visitor);
  }
  if (n.plus && !dollar) match_levels(*n.plus, next, last, false, visitor);  // [MQTT-4.7.2-1]
}

template <class Visitor>
void topic_tree::match(std::string_view topic, Visitor& visitor) {
  match_levels(*root_, topic, false, true, visitor);
}

}  // namespace mqttw::broker
