// libFuzzer target for the encoder: builds a packet of any type, valid or not, from
// the fuzz input (FuzzedDataProvider) and encodes it.
//
// Checked, beyond "no crash and no sanitizer report":
//   1. when encode() accepts a packet, validate() accepts it too, and decoding the
//      bytes gives exactly one packet equal to it: nothing the encoder writes is
//      refused or changed by the decoder;
//   2. when encode() refuses a packet, the output is left as it was.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#include <vector>

#include "../cpp/packet_equal.hpp"
#include "mqttw/codec/decoder.hpp"
#include "mqttw/codec/encoder.hpp"
#include "mqttw/codec/validate.hpp"

using namespace mqttw;

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "fuzz_encoder: %s %s\n", what, detail.c_str());
  std::abort();
}

// Makes the values of one packet. Strings live in `storage` (a deque never moves
// its elements) for as long as the packet's views need them.
class packet_maker {
 public:
  explicit packet_maker(FuzzedDataProvider& in) : in_(in) {}

  packet make(protocol_version& version) {
    version = pick({protocol_version::v31, protocol_version::v311, protocol_version::v5});
    const auto type = in_.ConsumeIntegralInRange<int>(1, 15);
    switch (type) {
      case 1: return connect(version);
      case 2: return connack_packet{.session_present = in_.ConsumeBool(), .code = code(), .props = props()};
      case 3: return publish();
      case 4: return puback_packet{.packet_id = id(), .code = code(), .props = props()};
      case 5: return pubrec_packet{.packet_id = id(), .code = code(), .props = props()};
      case 6: return pubrel_packet{.packet_id = id(), .code = code(), .props = props()};
      case 7: return pubcomp_packet{.packet_id = id(), .code = code(), .props = props()};
      case 8: return subscribe();
      case 9: return suback_packet{.packet_id = id(), .codes = codes(), .props = props()};
      case 10: return unsubscribe();
      case 11: return unsuback_packet{.packet_id = id(), .codes = codes(), .props = props()};
      case 12: return pingreq_packet{};
      case 13: return pingresp_packet{};
      case 14: return disconnect_packet{.code = code(), .props = props()};
      default: return auth_packet{.code = code(), .props = props()};
    }
  }

 private:
  template <class T>
  T pick(std::initializer_list<T> choices) {
    const auto index = in_.ConsumeIntegralInRange<std::size_t>(0, choices.size() - 1);
    return *(choices.begin() + index);
  }

  // Often a plausible string, sometimes any bytes at all.
  std::string_view text() {
    std::string& s = storage_.emplace_back();
    switch (in_.ConsumeIntegralInRange<int>(0, 3)) {
      case 0: s = pick<const char*>({"a", "a/b", "a/+", "#", "$share/g/t", "", "$SYS/x", "ü/水"}); break;
      default: s = in_.ConsumeRandomLengthString(40); break;
    }
    return s;
  }

  bytes_view data() {
    std::string_view s = text();
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
  }

  std::uint16_t id() { return in_.ConsumeBool() ? in_.ConsumeIntegral<std::uint16_t>() : 1; }

  reason_code code() {
    return in_.ConsumeBool() ? reason_code::success : static_cast<reason_code>(in_.ConsumeIntegral<std::uint8_t>());
  }

  std::vector<reason_code> codes() {
    std::vector<reason_code> out(in_.ConsumeIntegralInRange<std::size_t>(0, 4));
    for (auto& c : out) c = code();
    return out;
  }

  qos any_qos() { return static_cast<qos>(in_.ConsumeIntegralInRange<int>(0, 3)); }

  properties props() {
    properties out;
    const auto count = in_.ConsumeIntegralInRange<std::size_t>(0, 4);
    for (std::size_t i = 0; i < count; ++i) {
      property p;
      p.id = static_cast<property_id>(in_.ConsumeIntegralInRange<int>(0, 0x2B));
      p.number = in_.ConsumeBool() ? in_.ConsumeIntegralInRange<std::uint32_t>(0, 3) : in_.ConsumeIntegral<std::uint32_t>();
      // Only the member of the property's type carries a value (property.hpp).
      const property_info* info = find_property_info(static_cast<std::uint8_t>(p.id));
      const property_type type = info ? info->type : property_type::byte;
      if (type == property_type::utf8_string || type == property_type::string_pair) p.text = text();
      if (type == property_type::string_pair) p.value = text();
      if (type == property_type::binary) p.data = data();
      if (type == property_type::utf8_string || type == property_type::string_pair || type == property_type::binary) {
        p.number = 0;
      }
      out.push_back(p);
    }
    return out;
  }

  packet connect(protocol_version version) {
    connect_packet c{.version = in_.ConsumeBool() ? version : static_cast<protocol_version>(in_.ConsumeIntegral<std::uint8_t>()),
                     .bridge = in_.ConsumeBool(),
                     .clean_start = in_.ConsumeBool(),
                     .keep_alive = in_.ConsumeIntegral<std::uint16_t>(),
                     .client_id = text()};
    if (in_.ConsumeBool()) c.will = will_message{.topic = text(), .payload = data(), .qos = any_qos(), .retain = in_.ConsumeBool(), .props = props()};
    if (in_.ConsumeBool()) c.username = text();
    if (in_.ConsumeBool()) c.password = data();
    c.props = props();
    return c;
  }

  packet publish() {
    return publish_packet{.topic = text(), .payload = data(), .qos = any_qos(), .retain = in_.ConsumeBool(),
                          .dup = in_.ConsumeBool(), .packet_id = id(), .props = props()};
  }

  packet subscribe() {
    subscribe_packet s{.packet_id = id(), .props = props()};
    const auto count = in_.ConsumeIntegralInRange<std::size_t>(0, 3);
    for (std::size_t i = 0; i < count; ++i) {
      s.subscriptions.push_back({.filter = text(), .max_qos = any_qos(), .no_local = in_.ConsumeBool(),
                                 .retain_as_published = in_.ConsumeBool(),
                                 .retain_handling = static_cast<retain_handling>(in_.ConsumeIntegralInRange<int>(0, 3))});
    }
    return s;
  }

  packet unsubscribe() {
    unsubscribe_packet u{.packet_id = id(), .props = props()};
    const auto count = in_.ConsumeIntegralInRange<std::size_t>(0, 3);
    for (std::size_t i = 0; i < count; ++i) u.filters.push_back(text());
    return u;
  }

  FuzzedDataProvider& in_;
  std::deque<std::string> storage_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  packet_maker maker(in);
  protocol_version version;
  const packet p = maker.make(version);

  std::vector<std::uint8_t> wire = {0xAA};  // something already there
  const error err = encode(p, version, wire);
  if (err) {
    if (wire.size() != 1 || wire[0] != 0xAA) fail("a refused packet changed the output");
    if (err.reason.empty()) fail("a refusal without a reason");
    return 0;
  }
  const protocol_version level =
      std::holds_alternative<connect_packet>(p) ? std::get<connect_packet>(p).version : version;
  if (const error v = validate(p, level)) fail("encode accepted what validate refuses:", v.reason);

  decoder d({.version = level});
  std::vector<packet> out;
  if (const error& e = d.push(bytes_view(wire).subspan(1), out)) fail("the decoder refused the encoder's bytes:", e.reason);
  if (out.size() != 1 || d.buffered() != 0) fail("the encoder's bytes are not exactly one packet");
  if (!test::same(out[0], p)) {
    std::vector<std::uint8_t> again;
    (void)encode(out[0], level, again);
    std::string detail = "\n  encoded:    ";
    for (std::uint8_t b : wire) detail += std::to_string(b) + " ";
    detail += "\n  re-encoded: ";
    for (std::uint8_t b : again) detail += std::to_string(b) + " ";
    fail("decoding changed the packet", detail);
  }
  return 0;
}
