#include "mqttw/codec/decoder.hpp"

#include <algorithm>
#include <string>

#include "parse.hpp"

namespace mqttw {

namespace {

enum class header_state { complete, need_more, invalid };

// Reads the fixed header at the start of `bytes`: the type byte and the Remaining
// Length (at most 4 bytes, shortest form [MQTT-1.5.5-1]).
header_state read_fixed_header(bytes_view bytes, std::size_t& header_size, std::uint32_t& remaining,
                               const char*& problem) {
  std::uint32_t value = 0;
  for (std::size_t i = 1; i <= 4; ++i) {
    if (i >= bytes.size()) return header_state::need_more;
    const std::uint8_t byte = bytes[i];
    value |= static_cast<std::uint32_t>(byte & 0x7F) << (7 * (i - 1));
    if ((byte & 0x80) == 0) {
      if (i > 1 && byte == 0) {
        problem = "Remaining Length is not in its shortest form [MQTT-1.5.5-1]";
        return header_state::invalid;
      }
      header_size = i + 1;
      remaining = value;
      return header_state::complete;
    }
  }
  problem = "Remaining Length is longer than 4 bytes (section 2.1.4)";
  return header_state::invalid;
}

enum class head_state { complete, need_more, not_external };

// Finds where the payload of a PUBLISH starts: the body bytes of its topic, packet
// identifier and properties (`head`). With need_more, `head` is the least number of
// body bytes needed to tell. not_external: the packet is malformed in a way the
// parser reports (QoS 3, a long property length, a head past the packet's end), so it
// is read whole as any other.
head_state publish_head(bytes_view body, std::uint8_t first_byte, protocol_version version, std::uint32_t remaining,
                        std::size_t& head) {
  // Each need_more asks only for bytes inside the packet (`need` <= `remaining`).
  if ((first_byte & 0x06) == 0x06 || remaining < 2) return head_state::not_external;
  std::size_t need = 2;
  if (body.size() < need) {
    head = need;
    return head_state::need_more;
  }
  need += static_cast<std::size_t>(body[0] << 8 | body[1]);
  if ((first_byte & 0x06) != 0) need += 2;
  if (need > remaining) return head_state::not_external;
  if (version == protocol_version::v5) {
    std::size_t length = 0;
    for (int i = 0;; ++i) {
      if (i == 4 || need >= remaining) return head_state::not_external;
      if (body.size() <= need) {
        head = need + 1;
        return head_state::need_more;
      }
      const std::uint8_t byte = body[need++];
      length |= static_cast<std::size_t>(byte & 0x7F) << (7 * i);
      if ((byte & 0x80) == 0) break;
    }
    need += length;
  }
  if (need > remaining) return head_state::not_external;
  head = need;
  return body.size() < need ? head_state::need_more : head_state::complete;
}

// Buffers above this size are given back once they are no longer needed, so that
// one large packet does not pin its memory for the life of the connection.
constexpr std::size_t keep_capacity = 1 << 20;

void clear_buffer(std::vector<std::uint8_t>& buffer) {
  if (buffer.capacity() > keep_capacity) {
    std::vector<std::uint8_t>().swap(buffer);
  } else {
    buffer.clear();
  }
}

}  // namespace

decoder::decoder(decoder_options options)
    : options_(options),
      version_(options.version.value_or(protocol_version::v311)),
      version_known_(options.version.has_value()) {}

void decoder::reset() {
  version_ = options_.version.value_or(protocol_version::v311);
  version_known_ = options_.version.has_value();
  error_ = {};
  clear_buffer(pending_);
  clear_buffer(completed_);
}

const error& decoder::fail(error err) {
  error_ = std::move(err);
  clear_buffer(pending_);
  return error_;
}

// A packet too large whose first byte is malformed too fails as malformed: that is what
// a push of its first byte alone finds.
const error* decoder::check_size(std::uint8_t first_byte, std::size_t total) {
  if (total <= options_.max_packet_size) return nullptr;
  if (error err = detail::check_first_byte(first_byte, version_)) return &fail(std::move(err));
  return &fail(make_error(reason_code::packet_too_large,
                          "packet of " + std::to_string(total) + " bytes is larger than the maximum of " +
                              std::to_string(options_.max_packet_size) + " bytes"));
}

bool decoder::bytes_to_take(bytes_view held, std::size_t header_size, std::uint32_t remaining,
                            std::size_t& take) const {
  take = header_size + remaining;
  const std::uint32_t min_payload = options_.external_payload_min;
  if (min_payload == 0 || (held[0] >> 4) != static_cast<std::uint8_t>(packet_type::publish) || remaining < min_payload) {
    return true;
  }
  const auto body = held.subspan(header_size, std::min<std::size_t>(remaining, held.size() - header_size));
  std::size_t head = 0;
  const head_state found = publish_head(body, held[0], version_, remaining, head);
  if (found == head_state::need_more) {
    take = header_size + head;
    return false;
  }
  if (found == head_state::complete && remaining - head >= min_payload) take = header_size + head;
  return true;
}

bool decoder::take_packet(bytes_view whole, std::size_t header_size, std::vector<packet>& out) {
  // Starts as the cheapest alternative; parse_packet puts the right one in place.
  packet& p = out.emplace_back(std::in_place_type<pingreq_packet>);
  if (auto err = detail::parse_packet(whole[0], whole.subspan(header_size), version_, p)) {
    out.pop_back();
    fail(std::move(err));
    return false;
  }
  if (!version_known_) {
    if (const auto* connect = std::get_if<connect_packet>(&p)) {
      version_ = connect->version;
      version_known_ = true;
    }
  }
  return true;
}

const error& decoder::stop_at_external(std::size_t head, std::size_t total, std::size_t consumed) {
  external_head_ = head;
  external_ = total - head;
  consumed_ = consumed;
  return error_;
}

const error& decoder::push(bytes_view bytes, std::vector<packet>& out) {
  const std::size_t input_size = bytes.size();
  consumed_ = input_size;
  external_ = 0;
  external_head_ = 0;
  if (error_) return error_;
  clear_buffer(completed_);  // views into it from the previous call end here

  std::size_t header_size = 0;
  std::uint32_t remaining = 0;
  const char* problem = nullptr;

  // Takes `count` bytes of the input into pending_.
  auto hold = [&](std::size_t count) {
    pending_.insert(pending_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(count));
    bytes = bytes.subspan(count);
  };

  // Finish the packet an earlier call left incomplete: take only what its fixed
  // header needs, check the size it declares, then take only what it needs.
  if (!pending_.empty()) {
    header_state state;
    while ((state = read_fixed_header(pending_, header_size, remaining, problem)) == header_state::need_more) {
      if (bytes.empty()) return error_;
      hold(1);
    }
    if (state == header_state::invalid) return fail(make_error(reason_code::malformed_packet, problem));
    const std::size_t total = header_size + remaining;
    if (const error* too_large = check_size(pending_[0], total)) return *too_large;
    std::size_t take = 0;
    while (!bytes_to_take(pending_, header_size, remaining, take)) {
      if (bytes.empty()) return error_;
      hold(std::min(take - pending_.size(), bytes.size()));
    }
    hold(std::min(take - pending_.size(), bytes.size()));
    if (pending_.size() < take) return error_;
    // The packet's views must outlive this call, so it moves to its own buffer and
    // pending_ is free for a packet split at the end of `bytes`.
    completed_.swap(pending_);
    if (!take_packet(completed_, header_size, out)) return error_;
    if (take < total) return stop_at_external(take, total, input_size - bytes.size());
  }

  // Whole packets straight from `bytes`; the views point into the caller's bytes.
  while (!bytes.empty()) {
    const header_state state = read_fixed_header(bytes, header_size, remaining, problem);
    if (state == header_state::invalid) return fail(make_error(reason_code::malformed_packet, problem));
    if (state == header_state::complete) {
      const std::size_t total = header_size + remaining;
      if (const error* too_large = check_size(bytes[0], total)) return *too_large;
      std::size_t take = 0;
      const bool head_known = bytes_to_take(bytes, header_size, remaining, take);
      if (head_known && take <= bytes.size()) {
        if (!take_packet(bytes.first(take), header_size, out)) return error_;
        bytes = bytes.subspan(take);
        if (take < total) return stop_at_external(take, total, input_size - bytes.size());
        continue;
      }
    }
    // Held until the rest comes: unless its first byte says already that it is
    // malformed (whole packets are checked by take_packet).
    if (error err = detail::check_first_byte(bytes[0], version_)) return fail(std::move(err));
    pending_.assign(bytes.begin(), bytes.end());
    break;
  }
  return error_;
}

}  // namespace mqttw
