// The subscriptions the server granted, kept from SUBACK and UNSUBACK, so that they
// can be made again after a reconnect on which the session was not present.
#include "state.hpp"

namespace mqttw::client {

namespace {

void remove_filter(std::vector<granted_group>& groups, std::string_view filter) {
  for (auto& g : groups) {
    std::erase_if(g.filters, [&](const granted_filter& f) { return f.filter == filter; });
  }
}

void drop_empty(std::vector<granted_group>& groups) {
  std::erase_if(groups, [](const granted_group& g) { return g.filters.empty(); });
}

}  // namespace

// A filter subscribed again replaces its subscription [MQTT-3.8.4-3], so it is kept
// once, with the newest options and properties. After a resubscription a refused
// filter is no longer there at all.
void client::state::record_granted(const subscribe_packet& sent, const suback_packet& ack, bool fresh) {
  granted_group* group = nullptr;
  for (auto& g : granted) {
    if (same_properties(g.props.props, sent.props)) {
      group = &g;
      break;
    }
  }
  for (std::size_t i = 0; i < sent.subscriptions.size(); ++i) {
    const subscription& s = sent.subscriptions[i];
    if (is_failure(ack.codes[i])) {
      if (fresh) remove_filter(granted, s.filter);
      continue;
    }
    remove_filter(granted, s.filter);
    if (!group) {
      granted.emplace_back().props.assign(sent.props);
      group = &granted.back();
    }
    granted_filter f;
    f.filter.assign(s.filter);
    f.options = s;
    f.options.filter = {};
    group->filters.push_back(std::move(f));
  }
  drop_empty(granted);
}

void client::state::forget_granted(const unsubscribe_packet& sent, const unsuback_packet& ack) {
  for (std::size_t i = 0; i < sent.filters.size(); ++i) {
    // 3.1.1 UNSUBACK has no codes: it always succeeds.
    if (i < ack.codes.size() && is_failure(ack.codes[i])) continue;
    remove_filter(granted, sent.filters[i]);
  }
  drop_empty(granted);
}

void client::state::queue_resubscribe() {
  std::vector<outbound> resubscribes;
  resubscribes.reserve(granted.size());
  for (const auto& g : granted) {
    subscribe_packet p;
    p.props = g.props.props;
    p.subscriptions.reserve(g.filters.size());
    for (const auto& f : g.filters) {
      subscription s = f.options;
      s.filter = f.filter;
      p.subscriptions.push_back(s);
    }
    outbound o;
    o.kind = request_kind::resubscribe;
    o.sub = std::make_unique<owned_subscribe>();
    o.sub->assign(p);
    resubscribes.push_back(std::move(o));
    ++queued_other;
  }
  queue_first(std::move(resubscribes));
}

}  // namespace mqttw::client
