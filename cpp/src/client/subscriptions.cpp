// The subscriptions the server granted, kept from SUBACK and UNSUBACK, so that they
// can be made again after a reconnect on which the session was not present.
//
// They are kept as the parts of the SUBSCRIBEs that would make them again, in one
// byte buffer (state::granted). A group is the filters sent with the same properties:
// 4 bytes of the properties' length, the properties as on the wire, 4 bytes of the
// entries' length, then the entries as a SUBSCRIBE carries them (a 2-byte length, the
// filter, the options byte). Groups with no entries are dropped. One buffer rather
// than vectors of strings: the client module is 1.1 kB (gzipped) smaller.
#include <cstring>

#include "state.hpp"

namespace mqttw::client {

namespace {

using buffer = wire::byte_buffer;

std::uint32_t length_at(const buffer& b, std::size_t at) {
  std::uint32_t n;
  std::memcpy(&n, b.data() + at, 4);
  return n;
}

void set_length_at(buffer& b, std::size_t at, std::uint32_t n) { std::memcpy(b.data() + at, &n, 4); }

// Where a group's parts lie in the buffer: the group starts at `start`.
struct group {
  std::size_t start, props, props_size, entries, entries_size;
  std::size_t end() const { return entries + entries_size; }
};

group group_at(const buffer& b, std::size_t start) {
  group g;
  g.start = start;
  g.props = start + 4;
  g.props_size = length_at(b, start);
  g.entries = g.props + g.props_size + 4;
  g.entries_size = length_at(b, g.entries - 4);
  return g;
}

// A SUBSCRIBE's or UNSUBSCRIBE's entry at `at`: its filter's length.
std::size_t filter_size(const std::uint8_t* at) { return static_cast<std::size_t>(at[0]) << 8 | at[1]; }

// The filter is in one group at most: the entry goes, and its group when it was the last.
void remove_filter(buffer& b, std::string_view filter) {
  for (std::size_t at = 0; at < b.size();) {
    const group g = group_at(b, at);
    for (std::size_t e = g.entries; e < g.end();) {
      const std::size_t size = filter_size(&b[e]);
      if (std::string_view(reinterpret_cast<const char*>(&b[e + 2]), size) == filter) {
        if (g.entries_size == size + 3) {
          b.erase(b.begin() + g.start, b.begin() + g.end());
        } else {
          b.erase(b.begin() + e, b.begin() + e + size + 3);
          set_length_at(b, g.entries - 4, static_cast<std::uint32_t>(g.entries_size - size - 3));
        }
        return;
      }
      e += size + 3;
    }
    at = g.end();
  }
}

// Appends an entry to the group with these properties, made when there is none.
void add_entry(buffer& b, bytes_view props, const std::uint8_t* entry, std::size_t size) {
  std::size_t at = 0;
  group g{};
  for (; at < b.size(); at = g.end()) {
    g = group_at(b, at);
    if (g.props_size == props.size() && (props.empty() || std::memcmp(&b[g.props], props.data(), props.size()) == 0)) break;
  }
  if (at == b.size()) {
    b.resize(at + 8 + props.size());
    set_length_at(b, at, static_cast<std::uint32_t>(props.size()));
    if (!props.empty()) std::memcpy(&b[at + 4], props.data(), props.size());
    set_length_at(b, at + 4 + props.size(), 0);
    g = group_at(b, at);
  }
  b.insert(b.begin() + g.end(), entry, entry + size);
  set_length_at(b, g.entries - 4, static_cast<std::uint32_t>(g.entries_size + size));
}

}  // namespace

// A filter subscribed again replaces its subscription [MQTT-3.8.4-3], so it is kept
// once, with the newest options and properties. After a resubscription a refused
// filter is no longer there at all.
void client::state::record_granted(const wire::packet_view& sent, bytes_view codes, bool fresh) {
  const std::uint8_t* e = sent.entries.data();
  const std::uint8_t* end = e + sent.entries.size();
  for (std::size_t i = 0; e < end; ++i) {
    const std::size_t size = filter_size(e) + 3;
    const std::string_view filter(reinterpret_cast<const char*>(e + 2), size - 3);
    if (codes[i] < 0x80 || fresh) remove_filter(granted, filter);
    if (codes[i] < 0x80) add_entry(granted, sent.props, e, size);
    e += size;
  }
}

void client::state::forget_granted(const wire::packet_view& sent, bytes_view codes) {
  const std::uint8_t* e = sent.entries.data();
  const std::uint8_t* end = e + sent.entries.size();
  for (std::size_t i = 0; e < end; ++i) {
    const std::size_t size = filter_size(e);
    // 3.1.1 UNSUBACK has no codes: it always succeeds.
    if (i >= codes.size() || codes[i] < 0x80) remove_filter(granted, std::string_view(reinterpret_cast<const char*>(e + 2), size));
    e += size + 2;
  }
}

void client::state::queue_resubscribe() {
  std::vector<outbound> resubscribes;
  buffer bytes;
  for (std::size_t at = 0; at < granted.size();) {
    const group g = group_at(granted, at);
    at = g.end();
    bytes.clear();
    wire::write_subscribe(bytes, 1, bytes_view(&granted[g.props], g.props_size),
                          bytes_view(&granted[g.entries], g.entries_size), version);
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
