// libFuzzer target: the client's wire reader (mqttw/wire/read.hpp) against the
// codec's decoder.
//
// Input: [limit byte] [bytes...]
//   limit: 0 for no Maximum Packet Size beyond the protocol's, else limit * 4 bytes
//   bytes: a stream of packets, cut with frame_size and read with read_packet in 3.1,
//          3.1.1 and 5.0, sent to the server and to the client, and decoded by a
//          decoder of that version and limit
//
// Any disagreement aborts, with what differs (tests/fuzz/wire_differential.hpp lists
// the rules): the same packets accepted but for the direction's own rules, the same
// reason code for those refused, the same fields for those accepted.
#include <cstdio>
#include <cstdlib>

#include "wire_differential.hpp"

using namespace mqttw;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint32_t limit = data[0] == 0 ? max_packet_size_limit : data[0] * 4u;
  const bytes_view input(data + 1, size - 1);
  for (protocol_version version : {protocol_version::v31, protocol_version::v311, protocol_version::v5}) {
    for (wire::direction dir : {wire::direction::to_server, wire::direction::to_client}) {
      const std::string why = test::wire_disagreement(input, version, dir, limit);
      if (!why.empty()) {
        std::fprintf(stderr, "fuzz_wire: version %d, %s: %s\n", static_cast<int>(version),
                     dir == wire::direction::to_server ? "to_server" : "to_client", why.c_str());
        std::abort();
      }
    }
  }
  return 0;
}
