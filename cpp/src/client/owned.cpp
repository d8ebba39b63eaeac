// Owned copies of the packets the application hands over: one exactly sized buffer
// each, that the copy's views point into (mqttw/codec/owned.hpp does the copying).
#include "mqttw/codec/owned.hpp"

#include <algorithm>

#include "state.hpp"

namespace mqttw::client {

namespace {

owned_storage allocate(std::size_t size) {
  return size == 0 ? owned_storage() : owned_storage(new std::uint8_t[size]);
}

}  // namespace

void owned_publish::assign(const publish_packet& p, std::string_view full_topic) {
  storage = allocate(full_topic.size() + p.payload.size() + owned_bytes(p.props));
  std::uint8_t* at = storage.get();
  packet = {};
  packet.topic = copy_text(full_topic, at);
  packet.payload = copy_bytes(p.payload, at);
  packet.qos = p.qos;
  packet.retain = p.retain;
  copy_properties(p.props, nullptr, at, packet.props);
}

void owned_subscribe::assign(const subscribe_packet& p) {
  std::size_t size = owned_bytes(p.props);
  for (const auto& s : p.subscriptions) size += s.filter.size();
  storage = allocate(size);
  std::uint8_t* at = storage.get();
  packet = {};
  packet.subscriptions.reserve(p.subscriptions.size());
  for (subscription s : p.subscriptions) {
    s.filter = copy_text(s.filter, at);
    packet.subscriptions.push_back(s);
  }
  copy_properties(p.props, nullptr, at, packet.props);
}

void owned_unsubscribe::assign(const unsubscribe_packet& p) {
  std::size_t size = owned_bytes(p.props);
  for (auto f : p.filters) size += f.size();
  storage = allocate(size);
  std::uint8_t* at = storage.get();
  packet = {};
  packet.filters.reserve(p.filters.size());
  for (auto f : p.filters) packet.filters.push_back(copy_text(f, at));
  copy_properties(p.props, nullptr, at, packet.props);
}

void owned_properties::assign(const properties& p) {
  storage = allocate(owned_bytes(p));
  std::uint8_t* at = storage.get();
  props.clear();
  copy_properties(p, nullptr, at, props);
}

void owned_connect::assign(const connect_packet& p, const properties& extra) {
  std::size_t size = p.client_id.size() + owned_bytes(p.props) + owned_bytes(extra);
  if (p.will) size += p.will->topic.size() + p.will->payload.size() + owned_bytes(p.will->props);
  if (p.username) size += p.username->size();
  if (p.password) size += p.password->size();
  storage = allocate(size);
  std::uint8_t* at = storage.get();
  packet = {};
  packet.version = p.version;
  packet.bridge = p.bridge;
  packet.clean_start = p.clean_start;
  packet.keep_alive = p.keep_alive;
  packet.client_id = copy_text(p.client_id, at);
  if (p.will) {
    will_message w;
    w.topic = copy_text(p.will->topic, at);
    w.payload = copy_bytes(p.will->payload, at);
    w.qos = p.will->qos;
    w.retain = p.will->retain;
    copy_properties(p.will->props, nullptr, at, w.props);
    packet.will = std::move(w);
  }
  if (p.username) packet.username = copy_text(*p.username, at);
  if (p.password) packet.password = copy_bytes(*p.password, at);
  copy_properties(p.props, nullptr, at, packet.props);
  copy_properties(extra, nullptr, at, packet.props);
}

bool same_properties(const properties& a, const properties& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const property& x = a[i];
    const property& y = b[i];
    if (x.id != y.id || x.number != y.number || x.text != y.text || x.value != y.value ||
        x.data.size() != y.data.size() || !std::equal(x.data.begin(), x.data.end(), y.data.begin())) {
      return false;
    }
  }
  return true;
}

}  // namespace mqttw::client
