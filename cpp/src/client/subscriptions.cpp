// The subscriptions the server granted, kept from SUBACK and UNSUBACK, so that they
// can be made again after a reconnect on which the session was not present.
#include <algorithm>

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

bool same_bytes(const std::vector<std::uint8_t>& a, bytes_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

std::uint8_t options_byte(const subscription& s) {
  return static_cast<std::uint8_t>(static_cast<unsigned>(s.max_qos) | (s.no_local ? 0x04u : 0u) |
                                   (s.retain_as_published ? 0x08u : 0u) |
                                   static_cast<unsigned>(s.retain_handling) << 4);
}

}  // namespace

// A filter subscribed again replaces its subscription [MQTT-3.8.4-3], so it is kept
// once, with the newest options and properties. After a resubscription a refused
// filter is no longer there at all.
void client::state::record_granted(const wire::packet_view& sent, bytes_view codes, bool fresh) {
  granted_group* group = nullptr;
  for (auto& g : granted) {
    if (same_bytes(g.props, sent.props)) {
      group = &g;
      break;
    }
  }
  subscription s;
  reason_code unused;
  std::size_t i = 0;
  for (wire::entry_cursor c(sent.type, sent.entries); c.next(s, unused); ++i) {
    if (codes[i] >= 0x80) {
      if (fresh) remove_filter(granted, s.filter);
      continue;
    }
    remove_filter(granted, s.filter);
    if (!group) {
      granted.emplace_back().props.assign(sent.props.begin(), sent.props.end());
      group = &granted.back();
    }
    group->filters.push_back({std::string(s.filter), options_byte(s)});
  }
  drop_empty(granted);
}

void client::state::forget_granted(const wire::packet_view& sent, bytes_view codes) {
  subscription s;
  reason_code unused;
  std::size_t i = 0;
  for (wire::entry_cursor c(sent.type, sent.entries); c.next(s, unused); ++i) {
    // 3.1.1 UNSUBACK has no codes: it always succeeds.
    if (i < codes.size() && codes[i] >= 0x80) continue;
    remove_filter(granted, s.filter);
  }
  drop_empty(granted);
}

void client::state::queue_resubscribe() {
  std::vector<outbound> resubscribes;
  resubscribes.reserve(granted.size());
  wire::byte_buffer entries;
  wire::byte_buffer bytes;
  for (const auto& g : granted) {
    entries.clear();
    for (const auto& f : g.filters) {
      entries.push_back(static_cast<std::uint8_t>(f.filter.size() >> 8));
      entries.push_back(static_cast<std::uint8_t>(f.filter.size() & 0xFF));
      entries.insert(entries.end(), f.filter.begin(), f.filter.end());
      entries.push_back(f.options);
    }
    bytes.clear();
    wire::write_subscribe(bytes, 1, g.props, entries, version);
    wire::packet_view p;
    if (wire::read_packet(bytes, version, wire::direction::to_server, p)) continue;  // it was sent before
    outbound o;
    o.kind = request_kind::resubscribe;
    o.req.assign(p);
    resubscribes.push_back(std::move(o));
    ++queued_other;
  }
  queue_first(std::move(resubscribes));
}

}  // namespace mqttw::client
