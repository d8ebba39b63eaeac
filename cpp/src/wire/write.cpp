#include "mqttw/wire/write.hpp"

#include <cstring>

namespace mqttw::wire {

namespace {

// Writes go through a cursor into room made once per packet: a push_back per byte
// would put a vector's growth code at every one of them.
struct cursor {
  std::uint8_t* at;

  void u8(std::uint32_t b) { *at++ = static_cast<std::uint8_t>(b); }
  void u16(std::uint32_t n) {
    u8(n >> 8);
    u8(n & 0xFF);
  }
  void varint(std::uint32_t n) {
    do {
      std::uint32_t b = n & 0x7F;
      n >>= 7;
      if (n != 0) b |= 0x80;
      u8(b);
    } while (n != 0);
  }
  void bytes(const std::uint8_t* from, std::size_t size) {
    if (size != 0) std::memcpy(at, from, size);
    at += size;
  }
  void string(std::string_view s) {
    u16(static_cast<std::uint32_t>(s.size()));
    bytes(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  }
};

// `body` bytes of a packet with this first byte: the fixed header is written, and the
// cursor stands at the body.
[[gnu::noinline]] cursor begin_packet(byte_buffer& out, std::uint32_t first, std::size_t body) {
  const std::size_t start = out.size();
  out.resize(start + 1 + varint_size(static_cast<std::uint32_t>(body)) + body);
  cursor c{out.data() + start};
  c.u8(first);
  c.varint(static_cast<std::uint32_t>(body));
  return c;
}

// Where a PUBLISH's own Topic Alias lies in its properties: [at, at + size).
struct alias_place {
  const std::uint8_t* at = nullptr;
  std::size_t size = 0;
};

alias_place find_alias(bytes_view props) {
  property prop;
  for (property_cursor c(props);;) {
    const std::uint8_t* before = c.position();
    if (!c.next(prop)) return {};
    if (prop.id == property_id::topic_alias) return {before, static_cast<std::size_t>(c.position() - before)};
  }
}

constexpr std::size_t alias_property_size = 3;  // identifier and a two-byte integer

struct publish_layout {
  alias_place own_alias;  // left out
  std::size_t props = 0;  // property bytes written
  std::size_t body = 0;
};

publish_layout lay_out(const packet_view& p, const publish_change& c, bool v5) {
  publish_layout l;
  l.body = 2 + c.topic.size() + (p.qos != qos::at_most_once ? 2 : 0) + p.payload.size();
  if (v5) {
    if (!c.keep_alias) l.own_alias = find_alias(p.props);
    l.props = p.props.size() - l.own_alias.size + (c.alias != 0 ? alias_property_size : 0);
    l.body += varint_size(static_cast<std::uint32_t>(l.props)) + l.props;
  }
  return l;
}

}  // namespace

std::size_t varint_size(std::uint32_t n) {
  std::size_t size = 1;
  while (n >= 0x80) {
    n >>= 7;
    ++size;
  }
  return size;
}

void write_ack(byte_buffer& out, packet_type type, std::uint16_t id, reason_code code, protocol_version version) {
  const std::uint32_t flags = type == packet_type::pubrel ? 0x02 : 0x00;  // [MQTT-3.6.1-1]
  const bool with_code = version == protocol_version::v5 && code != reason_code::success;
  cursor c = begin_packet(out, static_cast<std::uint32_t>(type) << 4 | flags, with_code ? 3 : 2);
  c.u16(id);
  if (with_code) c.u8(static_cast<std::uint32_t>(code));
}

void write_pingreq(byte_buffer& out) { begin_packet(out, static_cast<std::uint32_t>(packet_type::pingreq) << 4, 0); }

void write_disconnect(byte_buffer& out, reason_code code, protocol_version version) {
  const bool with_code = version == protocol_version::v5 && code != reason_code::success;
  cursor c = begin_packet(out, static_cast<std::uint32_t>(packet_type::disconnect) << 4, with_code ? 1 : 0);
  if (with_code) c.u8(static_cast<std::uint32_t>(code));
}

std::size_t publish_size(const packet_view& p, const publish_change& c, protocol_version version) {
  const std::size_t body = lay_out(p, c, version == protocol_version::v5).body;
  return 1 + varint_size(static_cast<std::uint32_t>(body)) + body;
}

void write_publish(byte_buffer& out, const packet_view& p, const publish_change& c, protocol_version version) {
  const bool v5 = version == protocol_version::v5;
  const publish_layout l = lay_out(p, c, v5);
  const std::uint32_t q = static_cast<std::uint32_t>(p.qos);
  cursor w = begin_packet(out, 0x30 | (c.dup ? 0x08u : 0u) | q << 1 | (p.retain ? 1u : 0u), l.body);
  w.string(c.topic);
  if (q != 0) w.u16(c.packet_id);
  if (v5) {
    w.varint(static_cast<std::uint32_t>(l.props));
    const std::uint8_t* props = p.props.data();
    if (l.own_alias.at) {
      w.bytes(props, static_cast<std::size_t>(l.own_alias.at - props));
      const std::uint8_t* after = l.own_alias.at + l.own_alias.size;
      w.bytes(after, static_cast<std::size_t>(props + p.props.size() - after));
    } else {
      w.bytes(props, p.props.size());
    }
    if (c.alias != 0) {
      w.u8(static_cast<std::uint32_t>(property_id::topic_alias));
      w.u16(c.alias);
    }
  }
  w.bytes(p.payload.data(), p.payload.size());
}

void write_with_id(byte_buffer& out, const packet_view& p, std::uint16_t id) {
  const std::size_t start = out.size();
  out.resize(start + p.whole.size());
  std::memcpy(out.data() + start, p.whole.data(), p.whole.size());
  out[start + p.header_size] = static_cast<std::uint8_t>(id >> 8);
  out[start + p.header_size + 1] = static_cast<std::uint8_t>(id & 0xFF);
}

void write_connect(byte_buffer& out, const packet_view& c, std::string_view client_id, bytes_view extra) {
  const bool v5 = c.version == protocol_version::v5;
  const std::uint8_t* whole = c.whole.data();
  const std::uint8_t* end = whole + c.whole.size();
  // Protocol name and level, flags and Keep Alive: up to the properties (5.0) or the
  // client id's length.
  const std::uint8_t* variable = whole + c.header_size;
  const std::uint8_t* head_end =
      v5 ? whole + c.props_at : reinterpret_cast<const std::uint8_t*>(c.client_id.data()) - 2;
  const std::uint8_t* rest = reinterpret_cast<const std::uint8_t*>(c.client_id.data()) + c.client_id.size();
  const std::size_t props = v5 ? c.props.size() + extra.size() : 0;
  const std::size_t body = static_cast<std::size_t>(head_end - variable) +
                           (v5 ? varint_size(static_cast<std::uint32_t>(props)) + props : 0) + 2 +
                           client_id.size() + static_cast<std::size_t>(end - rest);
  cursor w = begin_packet(out, static_cast<std::uint32_t>(packet_type::connect) << 4, body);
  w.bytes(variable, static_cast<std::size_t>(head_end - variable));
  if (v5) {
    w.varint(static_cast<std::uint32_t>(props));
    w.bytes(c.props.data(), c.props.size());
    w.bytes(extra.data(), extra.size());
  }
  w.string(client_id);
  w.bytes(rest, static_cast<std::size_t>(end - rest));
}

void write_subscribe(byte_buffer& out, std::uint16_t id, bytes_view props, bytes_view entries,
                     protocol_version version) {
  const bool v5 = version == protocol_version::v5;
  const std::size_t body =
      2 + (v5 ? varint_size(static_cast<std::uint32_t>(props.size())) + props.size() : 0) + entries.size();
  cursor w = begin_packet(out, static_cast<std::uint32_t>(packet_type::subscribe) << 4 | 0x02, body);  // [MQTT-3.8.1-1]
  w.u16(id);
  if (v5) {
    w.varint(static_cast<std::uint32_t>(props.size()));
    w.bytes(props.data(), props.size());
  }
  w.bytes(entries.data(), entries.size());
}

namespace {

template <class View>
void move_view(View& v, const std::uint8_t* from, std::size_t size, const std::uint8_t* to) {
  const auto* at = reinterpret_cast<const std::uint8_t*>(v.data());
  if (at == nullptr || at < from || at > from + size) return;
  v = View(reinterpret_cast<decltype(v.data())>(to + (at - from)), v.size());
}

}  // namespace

void rebase(packet_view& p, const std::uint8_t* to) {
  const std::uint8_t* from = p.whole.data();
  const std::size_t size = p.whole.size();
  move_view(p.topic, from, size, to);
  move_view(p.payload, from, size, to);
  move_view(p.props, from, size, to);
  move_view(p.entries, from, size, to);
  move_view(p.client_id, from, size, to);
  move_view(p.will_props, from, size, to);
  move_view(p.will_topic, from, size, to);
  move_view(p.will_payload, from, size, to);
  move_view(p.username, from, size, to);
  move_view(p.password, from, size, to);
  p.whole = bytes_view(to, size);
}

}  // namespace mqttw::wire
