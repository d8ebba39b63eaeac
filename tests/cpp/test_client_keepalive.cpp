// Client session scenarios: keepalive. PINGREQ when nothing was sent for Keep Alive
// seconds, the timers asked for, Server Keep Alive, and a PINGRESP that never comes.
// Time moves only as the harness's advance() lets it: tick() runs at the times the
// client asked for, so a missing or late timer shows as a missing PINGREQ.
#include "client_harness.hpp"

using namespace mqttw;
using namespace mqttw::test;
using mqttw::client::client_options;

namespace {

// A timer is asked for, in the future and no later than `due`.
void check_timer(const client_harness& h, std::uint64_t due) {
  REQUIRE(h.timer_at != 0);
  CHECK(h.timer_at > h.now);
  CHECK(h.timer_at <= due);
}

// Nothing is written for `ms` - 1 milliseconds, then the PINGREQ is.
void pingreq_after(client_harness& h, std::uint64_t ms) {
  h.advance(ms - 1);
  CHECK(h.nothing_written());
  h.advance(1);
  h.expect<pingreq_packet>();
}

}  // namespace

TEST_CASE("client: PINGREQ after Keep Alive seconds with nothing sent, and again after the next Keep Alive "
          "[MQTT-3.1.2-22] (3.1.1 [MQTT-3.1.2-23])",
          "[client]") {
  const auto v = GENERATE(v311, v5);
  client_harness h(connect_v(v, "c", true, 10));
  h.connect_ok();
  const auto t0 = h.now;
  check_timer(h, t0 + 10'000);
  pingreq_after(h, 10'000);
  check_timer(h, h.now + 10'000);
  h.send(pingresp_packet{});
  pingreq_after(h, 10'000);
  h.send(pingresp_packet{});
  CHECK_FALSE(h.closed);
  CHECK(h.no_events());
}

TEST_CASE("client: no PINGREQ while other packets are written", "[client]") {
  client_harness h(connect_v(v5, "c", true, 10));
  h.connect_ok();
  SECTION("publishes") {
    for (token t = 1; t <= 10; ++t) {
      h.advance(6'000);
      h.publish(t, "k", "x");
      h.expect<publish_packet>();
      CHECK(h.nothing_written());
    }
  }
  SECTION("acknowledgements of the server's messages") {
    for (std::uint16_t id = 1; id <= 10; ++id) {
      h.advance(6'000);
      h.send_publish("k", "x", qos::at_least_once, id);
      h.expect<puback_packet>();
      CHECK(h.nothing_written());
    }
  }
  // Ten Keep Alives later the last packet went 0 s ago: the PINGREQ is 10 s away.
  check_timer(h, h.now + 10'000);
  pingreq_after(h, 10'000);
}

TEST_CASE("client: packets received do not put the PINGREQ off: only what the client sends counts", "[client]") {
  client_harness h(connect_v(v5, "c", true, 10));
  h.connect_ok();
  for (int i = 0; i < 4; ++i) {
    h.advance(2'000);
    h.send_publish("in", "x");
  }
  pingreq_after(h, 2'000);
}

TEST_CASE("client: no PINGRESP within the Keep Alive closes the connection as dead, 0x8D", "[client]") {
  const auto v = GENERATE(v311, v5);
  client_harness h(connect_v(v, "c", true, 10));
  h.connect_ok();
  h.advance(10'000);
  h.expect<pingreq_packet>();
  check_timer(h, h.now + 10'000);
  h.advance(9'999);
  CHECK_FALSE(h.closed);
  h.advance(1);
  CHECK(h.closed);
  CHECK(h.close_reason == reason_code::keep_alive_timeout);
  // A DISCONNECT may go before the close; no other packet does.
  for (const auto& p : h.take_written()) CHECK(std::holds_alternative<disconnect_packet>(p));
}

TEST_CASE("client: ping_timeout_ms bounds the wait for PINGRESP", "[client]") {
  client_options o;
  o.ping_timeout_ms = 2'000;
  client_harness h(connect_v(v5, "c", true, 10), o);
  h.connect_ok();
  h.advance(10'000);
  h.expect<pingreq_packet>();
  check_timer(h, h.now + 2'000);
  SECTION("none comes") {
    h.advance(1'999);
    CHECK_FALSE(h.closed);
    h.advance(1);
    CHECK(h.closed);
    CHECK(h.close_reason == reason_code::keep_alive_timeout);
  }
  SECTION("one comes in time") {
    h.advance(1'500);
    h.send(pingresp_packet{});
    h.advance(8'499);
    CHECK_FALSE(h.closed);
    CHECK(h.nothing_written());
    h.advance(1);
    h.expect<pingreq_packet>();  // nothing else was sent: the next one is due
    CHECK_FALSE(h.closed);
  }
}

TEST_CASE("client: PINGRESPs in time keep the connection; each PINGREQ is a Keep Alive after the one before",
          "[client]") {
  client_harness h(connect_v(v5, "c", true, 10));
  h.connect_ok();
  h.advance(10'000);
  for (int i = 0; i < 5; ++i) {
    h.expect<pingreq_packet>();
    h.advance(300);
    h.send(pingresp_packet{});
    h.advance(9'699);
    CHECK(h.nothing_written());
    h.advance(1);
  }
  h.expect<pingreq_packet>();
  CHECK_FALSE(h.closed);
}

TEST_CASE("client: Server Keep Alive replaces the CONNECT's Keep Alive [MQTT-3.1.2-23] (5.0) [MQTT-3.2.2-21]",
          "[client]") {
  client_harness h(connect_v(v5, "c", true, 60));
  SECTION("shorter") {
    h.connect_ok({prop(property_id::server_keep_alive, 5)});
    CHECK(h.status().keep_alive == 5);
    check_timer(h, h.now + 5'000);
    pingreq_after(h, 5'000);
  }
  SECTION("0 turns the keepalive off") {
    h.connect_ok({prop(property_id::server_keep_alive, 0)});
    CHECK(h.status().keep_alive == 0);
    h.advance(3'600'000);
    CHECK(h.nothing_written());
    CHECK_FALSE(h.closed);
  }
  SECTION("back to the CONNECT's on a connection without one") {
    h.connect_ok({prop(property_id::server_keep_alive, 5)});
    h.reconnect();
    CHECK(h.status().keep_alive == 60);
    pingreq_after(h, 60'000);
  }
}

TEST_CASE("client: Keep Alive 0: no PINGREQ ever", "[client]") {
  client_harness h(connect_v(v5, "c", true, 0));
  h.connect_ok();
  h.advance(24 * 3'600'000ull);
  CHECK(h.nothing_written());
  CHECK_FALSE(h.closed);
}

TEST_CASE("client: no PINGREQ without a connection; the keepalive starts over with the next CONNECT", "[client]") {
  client_harness h(connect_v(v5, "c", true, 10));
  h.connect_ok();
  h.advance(5'000);
  h.hang_up();
  h.advance(100'000);  // the harness fails if anything is written without a connection
  h.connect_ok();
  pingreq_after(h, 10'000);
}

TEST_CASE("client: no PINGREQ during an AUTH exchange before CONNACK [MQTT-3.1.2-33]", "[client]") {
  client_harness h(connect_v(v5, "c", true, 10, {property::string(property_id::authentication_method, "M")}));
  h.open();
  h.expect<connect_packet>();
  h.send(auth_packet{reason_code::continue_authentication, {property::string(property_id::authentication_method, "M")}});
  h.expect_event(event_kind::auth);
  h.advance(25'000);
  // Only AUTH or DISCONNECT may go before CONNACK.
  for (const auto& p : h.take_written()) {
    CHECK((std::holds_alternative<auth_packet>(p) || std::holds_alternative<disconnect_packet>(p)));
  }
}
