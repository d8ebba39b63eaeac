// Keepalive: a PINGREQ when nothing was written for the keepalive in force
// [MQTT-3.1.2-20], and a connection without PINGRESP in time is dead. Everything is
// computed from `now`, so tick() may come late or early.
#include "state.hpp"

namespace mqttw::client {

std::uint64_t client::state::ping_timeout_ms() const {
  return options.ping_timeout_ms != 0 ? options.ping_timeout_ms : std::uint64_t{keep_alive} * 1000;
}

std::uint64_t client::state::deadline() const {
  if (!connected || keep_alive == 0) return 0;
  if (ping_pending) return ping_sent_at + ping_timeout_ms();
  return last_write + std::uint64_t{keep_alive} * 1000;
}

void client::state::run_keepalive() {
  if (!connected || keep_alive == 0) return;
  if (ping_pending) {
    if (now >= ping_sent_at + ping_timeout_ms()) {
      close(reason_code::keep_alive_timeout, join_reason({"no PINGRESP within ", ping_timeout_ms(), " ms"}));
    }
    return;
  }
  if (now >= last_write + std::uint64_t{keep_alive} * 1000 && open) {
    wire::write_pingreq(output);
    wrote();
    ping_pending = true;
    ping_sent_at = now;
  }
}

}  // namespace mqttw::client
