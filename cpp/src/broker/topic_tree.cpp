// The subscription trie: adding and removing subscriptions. Matching is a template
// in the header.
#include "mqttw/broker/topic_tree.hpp"

#include <algorithm>

#include "mqttw/topic.hpp"

namespace mqttw::broker {

namespace {

template <class Members>
auto find_member(Members& members, subscriber_id who) {
  return std::find_if(members.begin(), members.end(),
                      [who](const shared_group::member& m) { return m.who == who; });
}

template <class Groups>
auto find_group(Groups& groups, std::string_view name) {
  return std::find_if(groups.begin(), groups.end(),
                      [name](const shared_group& g) { return g.name == name; });
}

}  // namespace

void topic_tree::node_deleter::operator()(node* n) const { delete n; }

topic_tree::topic_tree() : root_(new node()) {}

topic_tree::~topic_tree() = default;

topic_tree::node* topic_tree::find_or_add(std::string_view filter) {
  node* n = root_.get();
  bool last = false;
  while (!last) {
    const std::string_view level = take_topic_level(filter, last);
    node_ptr* slot;
    if (level == "+") {
      slot = &n->plus;
    } else if (level == "#") {
      slot = &n->hash;  // the last level of a valid filter [MQTT-4.7.1-1]
    } else {
      auto it = n->children.find(level);
      if (it == n->children.end()) it = n->children.emplace(std::string(level), nullptr).first;
      slot = &it->second;
    }
    if (!*slot) slot->reset(new node());
    n = slot->get();
  }
  return n;
}

bool topic_tree::subscribe(std::string_view filter, subscriber_id who,
                           const subscription_options& options) {
  node* n = find_or_add(filter);
  auto it = find_member(n->subscribers, who);
  if (it != n->subscribers.end()) {
    // The same client and filter: the new subscription replaces the old one
    // [MQTT-3.8.4-3].
    it->options = options;
    return false;
  }
  n->subscribers.push_back({who, options});
  ++size_;
  return true;
}

bool topic_tree::subscribe_shared(std::string_view group, std::string_view filter,
                                  subscriber_id who, const subscription_options& options) {
  node* n = find_or_add(filter);
  auto g = find_group(n->groups, group);
  if (g == n->groups.end()) {
    n->groups.push_back(shared_group{std::string(group), {{who, options}}, 0});
    ++size_;
    return true;
  }
  auto it = find_member(g->members, who);
  if (it != g->members.end()) {
    it->options = options;  // [MQTT-3.8.4-3]
    return false;
  }
  g->members.push_back({who, options});
  ++size_;
  return true;
}

bool topic_tree::unsubscribe(std::string_view filter, subscriber_id who) {
  return remove_from(*root_, filter, false, nullptr, who);
}

bool topic_tree::unsubscribe_shared(std::string_view group, std::string_view filter,
                                    subscriber_id who) {
  return remove_from(*root_, filter, false, &group, who);
}

// Removes `who` from the node that `rest` leads to: from its plain subscribers when
// `group` is null, else from that shared group. On the way back, frees every node
// the removal left empty.
bool topic_tree::remove_from(node& n, std::string_view rest, bool at_end,
                             const std::string_view* group, subscriber_id who) {
  if (at_end) {
    if (!group) {
      auto it = find_member(n.subscribers, who);
      if (it == n.subscribers.end()) return false;
      n.subscribers.erase(it);
      --size_;
      return true;
    }
    auto g = find_group(n.groups, *group);
    if (g == n.groups.end()) return false;
    auto it = find_member(g->members, who);
    if (it == g->members.end()) return false;
    const auto index = static_cast<std::size_t>(it - g->members.begin());
    g->members.erase(it);
    --size_;
    if (g->members.empty()) {
      n.groups.erase(g);
    } else {
      // The member the cursor pointed at keeps its turn: members after the removed
      // one moved down by one.
      if (index < g->next) --g->next;
      if (g->next >= g->members.size()) g->next = 0;
    }
    return true;
  }

  bool last = false;
  const std::string_view level = take_topic_level(rest, last);
  if (level == "+" || level == "#") {
    node_ptr& slot = level == "+" ? n.plus : n.hash;
    if (!slot || !remove_from(*slot, rest, last, group, who)) return false;
    if (slot->empty()) slot.reset();
    return true;
  }
  auto it = n.children.find(level);
  if (it == n.children.end() || !remove_from(*it->second, rest, last, group, who)) return false;
  if (it->second->empty()) n.children.erase(it);
  return true;
}

}  // namespace mqttw::broker
