#include "tape.hpp"

#include <algorithm>

#include "wasm_words.hpp"

namespace mqttw::binding {

namespace {

// Makes `p` hold an empty T. When it already holds a T its lists keep their
// capacity: the encoder reads one packet after another into the same value.
template <class T>
T& reuse(packet& p) {
  T* body = std::get_if<T>(&p);
  if (!body) return p.template emplace<T>();
  T fresh;
  auto keep = [](auto& from, auto& to) {
    to = std::move(from);
    to.clear();
  };
  if constexpr (requires { body->props; }) keep(body->props, fresh.props);
  if constexpr (requires { body->subscriptions; }) keep(body->subscriptions, fresh.subscriptions);
  if constexpr (requires { body->filters; }) keep(body->filters, fresh.filters);
  if constexpr (requires { body->codes; }) keep(body->codes, fresh.codes);
  *body = std::move(fresh);
  return *body;
}

template <class T>
const T* pointer(std::int32_t address) {
  return reinterpret_cast<const T*>(static_cast<std::uintptr_t>(static_cast<std::uint32_t>(address)));
}

std::int32_t header(packet_type type, protocol_version version) {
  return static_cast<std::int32_t>(type) | static_cast<std::int32_t>(version) << 8;
}

}  // namespace

// ---------------------------------------------------------------- writing

// The most words a packet can take on the tape.
std::size_t tape_words(const packet& p) {
  auto props = [](const properties& list) { return 1 + 7 * list.size(); };
  return std::visit(
      [&](const auto& body) -> std::size_t {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, connect_packet>) {
          return 20 + props(body.props) + (body.will ? props(body.will->props) : 1);
        } else if constexpr (std::is_same_v<T, subscribe_packet>) {
          return 4 + props(body.props) + 4 * body.subscriptions.size();
        } else if constexpr (std::is_same_v<T, unsubscribe_packet>) {
          return 4 + props(body.props) + 3 * body.filters.size();
        } else if constexpr (std::is_same_v<T, suback_packet> || std::is_same_v<T, unsuback_packet>) {
          return 4 + props(body.props) + body.codes.size();
        } else if constexpr (std::is_same_v<T, pingreq_packet> || std::is_same_v<T, pingresp_packet>) {
          return 1;
        } else {
          return 10 + props(body.props);
        }
      },
      p);
}

void tape_writer::room(std::size_t words) {
  const std::size_t used = at_ ? static_cast<std::size_t>(at_ - tape_.data()) : 0;
  if (tape_.size() < used + words) tape_.resize(std::max(used + words, tape_.size() * 2));
  at_ = tape_.data() + used;
}

void tape_writer::bytes(const void* data, std::size_t size) {
  word(address(data));
  word(static_cast<std::int32_t>(size));
}

void tape_writer::text(std::string_view s) {
  bytes(s.data(), s.size());
  bool added = false;
  const std::int32_t id = strings_.lookup(s, added);
  word(added ? (id | string_id_new) : id);
}

void tape_writer::properties(const mqttw::properties& props) {
  word(static_cast<std::int32_t>(props.size()));
  for (const property& prop : props) {
    word(static_cast<std::int32_t>(prop.id));
    switch (find_property_info(static_cast<std::uint8_t>(prop.id))->type) {
      case property_type::utf8_string:
        text(prop.text);
        break;
      case property_type::binary:
        bytes(prop.data.data(), prop.data.size());
        break;
      case property_type::string_pair:
        text(prop.text);
        text(prop.value);
        break;
      default:
        word(static_cast<std::int32_t>(prop.number));
        break;
    }
  }
}

void tape_writer::write(const packet& p, protocol_version version) {
  room(tape_words(p));
  const packet_type type = type_of(p);
  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, connect_packet>) {
          word(header(type, body.version) | (body.bridge ? 0x8000 : 0));
          std::int32_t flags = body.clean_start ? clean_start : 0;
          if (body.will) flags |= has_will | (body.will->retain ? will_retain : 0);
          if (body.username) flags |= has_username;
          if (body.password) flags |= has_password;
          word(flags);
          word(body.will ? static_cast<std::int32_t>(body.will->qos) : 0);
          word(body.keep_alive);
          text(body.client_id);
          text(body.username.value_or(std::string_view{}));
          const bytes_view password = body.password.value_or(bytes_view{});
          bytes(password.data(), password.size());
          properties(body.props);
          if (body.will) {
            text(body.will->topic);
            bytes(body.will->payload.data(), body.will->payload.size());
            properties(body.will->props);
          }
        } else if constexpr (std::is_same_v<T, connack_packet>) {
          word(header(type, version));
          word(body.session_present ? 1 : 0);
          word(static_cast<std::int32_t>(body.code));
          properties(body.props);
        } else if constexpr (std::is_same_v<T, publish_packet>) {
          word(header(type, version));
          word((body.dup ? 8 : 0) | static_cast<std::int32_t>(body.qos) << 1 | (body.retain ? 1 : 0));
          word(body.packet_id);
          text(body.topic);
          bytes(body.payload.data(), body.payload.size());
          properties(body.props);
        } else if constexpr (std::is_same_v<T, subscribe_packet>) {
          word(header(type, version));
          word(body.packet_id);
          properties(body.props);
          word(static_cast<std::int32_t>(body.subscriptions.size()));
          for (const subscription& sub : body.subscriptions) {
            text(sub.filter);
            word(static_cast<std::int32_t>(sub.max_qos) | (sub.no_local ? 4 : 0) | (sub.retain_as_published ? 8 : 0) |
                 static_cast<std::int32_t>(sub.retain_handling) << 4);
          }
        } else if constexpr (std::is_same_v<T, suback_packet> || std::is_same_v<T, unsuback_packet>) {
          word(header(type, version));
          word(body.packet_id);
          properties(body.props);
          word(static_cast<std::int32_t>(body.codes.size()));
          for (reason_code code : body.codes) word(static_cast<std::int32_t>(code));
        } else if constexpr (std::is_same_v<T, unsubscribe_packet>) {
          word(header(type, version));
          word(body.packet_id);
          properties(body.props);
          word(static_cast<std::int32_t>(body.filters.size()));
          for (std::string_view filter : body.filters) text(filter);
        } else if constexpr (std::is_same_v<T, pingreq_packet> || std::is_same_v<T, pingresp_packet>) {
          word(header(type, version));
        } else if constexpr (std::is_same_v<T, disconnect_packet> || std::is_same_v<T, auth_packet>) {
          word(header(type, version));
          word(static_cast<std::int32_t>(body.code));
          properties(body.props);
        } else {  // PUBACK, PUBREC, PUBREL, PUBCOMP
          word(header(type, version));
          word(body.packet_id);
          word(static_cast<std::int32_t>(body.code));
          properties(body.props);
        }
      },
      p);
}

std::size_t tape_writer::size() const {
  return at_ ? static_cast<std::size_t>(at_ - tape_.data()) : 0;
}

// ---------------------------------------------------------------- reading

bool tape_reader::word(std::int32_t& out) {
  if (w_ >= end_) return fail("the tape ends early");
  out = *w_++;
  return true;
}

// Failures build messages; out of line, so that the reads stay small.
bool tape_reader::fail(std::string_view problem) {
  problem_ = problem;
  return false;
}

bool tape_reader::out_of_range(std::int32_t value, std::int32_t max, const char* what) {
  return fail(std::string(what) + " " + std::to_string(value) + " is not between 0 and " + std::to_string(max));
}

bool tape_reader::ranged(std::int32_t& out, std::int32_t max, const char* what) {
  if (!word(out)) return false;
  if (out < 0 || out > max) return out_of_range(out, max, what);
  return true;
}

bool tape_reader::bytes(bytes_view& out) {
  std::int32_t at = 0;
  std::int32_t size = 0;
  if (!word(at) || !word(size)) return false;
  if (size < 0) return fail("the tape holds a negative length");
  out = bytes_view(pointer<std::uint8_t>(at), static_cast<std::size_t>(size));
  return true;
}

bool tape_reader::text(std::string_view& out) {
  bytes_view raw;
  std::int32_t ignored_cache_id = 0;
  if (!bytes(raw) || !word(ignored_cache_id)) return false;
  out = std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size());
  return true;
}

bool tape_reader::properties(mqttw::properties& out) {
  std::int32_t count = 0;
  if (!word(count)) return false;
  if (count > 0 && count <= 1024) out.reserve(static_cast<std::size_t>(count));
  for (std::int32_t i = 0; i < count; ++i) {
    std::int32_t id = 0;
    if (!word(id)) return false;
    const property_info* info = id >= 0 && id < 256 ? find_property_info(static_cast<std::uint8_t>(id)) : nullptr;
    if (!info) {
      problem_ = "unknown property identifier " + std::to_string(id);
      return false;
    }
    property prop;
    prop.id = info->id;
    bool ok = true;
    switch (info->type) {
      case property_type::utf8_string:
        ok = text(prop.text);
        break;
      case property_type::binary:
        ok = bytes(prop.data);
        break;
      case property_type::string_pair:
        ok = text(prop.text) && text(prop.value);
        break;
      default: {
        std::int32_t n = 0;
        ok = word(n);
        prop.number = static_cast<std::uint32_t>(n);
        break;
      }
    }
    if (!ok) return false;
    out.push_back(prop);
  }
  return true;
}

template <class Body>
bool tape_reader::body(Body& b, std::int32_t version_word) {
  std::int32_t a = 0;
  std::int32_t c = 0;
  if constexpr (std::is_same_v<Body, connect_packet>) {
    b.version = static_cast<protocol_version>(version_word & 0x7F);
    b.bridge = (version_word & 0x80) != 0;
    std::int32_t flags = 0;
    std::int32_t will_qos = 0;
    std::int32_t keep_alive = 0;
    std::string_view username;
    bytes_view password;
    if (!word(flags) || !word(will_qos) || !word(keep_alive) || !text(b.client_id) || !text(username) ||
        !bytes(password) || !properties(b.props)) {
      return false;
    }
    if (keep_alive < 0 || keep_alive > 0xFFFF) {
      problem_ = "keep alive is not between 0 and 65535";
      return false;
    }
    b.keep_alive = static_cast<std::uint16_t>(keep_alive);
    b.clean_start = (flags & clean_start) != 0;
    if (flags & has_username) b.username = username;
    if (flags & has_password) b.password = password;
    if (flags & has_will) {
      will_message& w = b.will.emplace();
      w.qos = static_cast<qos>(will_qos);
      w.retain = (flags & will_retain) != 0;
      if (!text(w.topic) || !bytes(w.payload) || !properties(w.props)) return false;
    }
    return true;
  } else if constexpr (std::is_same_v<Body, connack_packet>) {
    if (!word(a) || !ranged(c, 255, "reason code")) return false;
    b.session_present = a != 0;
    b.code = static_cast<reason_code>(c);
    return properties(b.props);
  } else if constexpr (std::is_same_v<Body, publish_packet>) {
    std::int32_t flags = 0;
    if (!word(flags) || !ranged(a, 0xFFFF, "packet identifier") || !text(b.topic) || !bytes(b.payload)) return false;
    b.dup = (flags & 8) != 0;
    b.qos = static_cast<qos>((flags >> 1) & 3);
    b.retain = (flags & 1) != 0;
    b.packet_id = static_cast<std::uint16_t>(a);
    return properties(b.props);
  } else if constexpr (std::is_same_v<Body, subscribe_packet>) {
    if (!ranged(a, 0xFFFF, "packet identifier") || !properties(b.props) || !word(c)) return false;
    b.packet_id = static_cast<std::uint16_t>(a);
    for (std::int32_t i = 0; i < c; ++i) {
      subscription& sub = b.subscriptions.emplace_back();
      std::int32_t options = 0;
      if (!text(sub.filter) || !word(options)) return false;
      sub.max_qos = static_cast<qos>(options & 3);
      sub.no_local = (options & 4) != 0;
      sub.retain_as_published = (options & 8) != 0;
      sub.retain_handling = static_cast<retain_handling>((options >> 4) & 3);
    }
    return true;
  } else if constexpr (std::is_same_v<Body, suback_packet> || std::is_same_v<Body, unsuback_packet>) {
    if (!ranged(a, 0xFFFF, "packet identifier") || !properties(b.props) || !word(c)) return false;
    b.packet_id = static_cast<std::uint16_t>(a);
    for (std::int32_t i = 0; i < c; ++i) {
      std::int32_t code = 0;
      if (!ranged(code, 255, "reason code")) return false;
      b.codes.push_back(static_cast<reason_code>(code));
    }
    return true;
  } else if constexpr (std::is_same_v<Body, unsubscribe_packet>) {
    if (!ranged(a, 0xFFFF, "packet identifier") || !properties(b.props) || !word(c)) return false;
    b.packet_id = static_cast<std::uint16_t>(a);
    for (std::int32_t i = 0; i < c; ++i) {
      if (!text(b.filters.emplace_back())) return false;
    }
    return true;
  } else if constexpr (std::is_same_v<Body, pingreq_packet> || std::is_same_v<Body, pingresp_packet>) {
    return true;
  } else if constexpr (std::is_same_v<Body, disconnect_packet> || std::is_same_v<Body, auth_packet>) {
    if (!ranged(c, 255, "reason code")) return false;
    b.code = static_cast<reason_code>(c);
    return properties(b.props);
  } else {  // PUBACK, PUBREC, PUBREL, PUBCOMP
    if (!ranged(a, 0xFFFF, "packet identifier") || !ranged(c, 255, "reason code")) return false;
    b.packet_id = static_cast<std::uint16_t>(a);
    b.code = static_cast<reason_code>(c);
    return properties(b.props);
  }
}

bool tape_reader::read(packet& out, protocol_version& version) {
  std::int32_t head = 0;
  if (!word(head)) return false;
  const std::int32_t type = head & 0xFF;
  const std::int32_t version_word = (head >> 8) & 0xFF;
  if (type < 1 || type > 15) {
    problem_ = "unknown packet type " + std::to_string(type);
    return false;
  }
  version = static_cast<protocol_version>(version_word & 0x7F);
  switch (type) {
    case 1: return body(reuse<connect_packet>(out), version_word);
    case 2: return body(reuse<connack_packet>(out), version_word);
    case 3: return body(reuse<publish_packet>(out), version_word);
    case 4: return body(reuse<puback_packet>(out), version_word);
    case 5: return body(reuse<pubrec_packet>(out), version_word);
    case 6: return body(reuse<pubrel_packet>(out), version_word);
    case 7: return body(reuse<pubcomp_packet>(out), version_word);
    case 8: return body(reuse<subscribe_packet>(out), version_word);
    case 9: return body(reuse<suback_packet>(out), version_word);
    case 10: return body(reuse<unsubscribe_packet>(out), version_word);
    case 11: return body(reuse<unsuback_packet>(out), version_word);
    case 12: return body(reuse<pingreq_packet>(out), version_word);
    case 13: return body(reuse<pingresp_packet>(out), version_word);
    case 14: return body(reuse<disconnect_packet>(out), version_word);
    default: return body(reuse<auth_packet>(out), version_word);
  }
}

}  // namespace mqttw::binding
