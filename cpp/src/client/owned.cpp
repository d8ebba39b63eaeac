// Owned copies of the packets the application hands over: one exactly sized buffer
// each, that the copy's view points into.
#include <cstring>

#include "state.hpp"

namespace mqttw::client {

void owned_packet::assign(const wire::packet_view& p, std::string_view full_topic) {
  const bool topic_inside = full_topic.empty() || full_topic.data() == p.topic.data();
  const std::size_t size = p.whole.size() + (topic_inside ? 0 : full_topic.size());
  storage = owned_storage(new std::uint8_t[size]);
  std::memcpy(storage.get(), p.whole.data(), p.whole.size());
  view = p;
  wire::rebase(view, storage.get());
  if (topic_inside) {
    topic = view.topic;
  } else {
    std::uint8_t* at = storage.get() + p.whole.size();
    std::memcpy(at, full_topic.data(), full_topic.size());
    topic = std::string_view(reinterpret_cast<const char*>(at), full_topic.size());
  }
}

}  // namespace mqttw::client
