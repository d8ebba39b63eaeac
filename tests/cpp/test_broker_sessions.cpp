// Broker scenarios over time: Clean Start and clean session, session expiry, wills and
// their delay, keepalive and Server Keep Alive, the CONNECT timeout, and takeover.
// Time passes with h.advance(ms), which ticks only when the broker asked for a timer.
#include <deque>

#include "broker_harness.hpp"
#include "test_support.hpp"

using namespace mqttw;
using namespace mqttw::test;
using mqttw::broker::broker_options;

namespace {

properties expiry(std::uint32_t seconds) { return {property::integer(property_id::session_expiry_interval, seconds)}; }

// CONNECT with a will on "will/<id>" (payload "gone <id>"); expects success.
conn_id with_will(broker_harness& h, std::string_view id, protocol_version v, std::uint32_t delay,
                  std::uint32_t session_expiry, bool clean = true, properties will_props = {}) {
  connect_packet p{};
  p.version = v;
  p.client_id = id;
  p.clean_start = clean;
  if (v == v5) {
    if (session_expiry) p.props = expiry(session_expiry);
    if (delay) will_props.push_back(property::integer(property_id::will_delay_interval, delay));
  }
  static std::deque<std::string> keep;  // the will's topic and payload outlive the call's views
  keep.push_back("will/" + std::string(id));
  const std::string& topic = keep.back();
  keep.push_back("gone " + std::string(id));
  p.will = will_message{topic, view(keep.back()), qos::at_most_once, false, v == v5 ? will_props : properties{}};
  const auto c = h.open_with(p);
  auto& ack = h.expect<connack_packet>(c);
  REQUIRE(ack.code == reason_code::success);
  h.session_present = ack.session_present;
  return c;
}

conn_id watcher(broker_harness& h) {
  const auto w = h.connect("watcher", v5);
  h.subscribe(w, "will/#");
  return w;
}

std::string payload_of(broker_harness& h, conn_id c) { return broker_harness::text(h.expect<publish_packet>(c).payload); }

}  // namespace

// ---- Clean Start and session expiry ------------------------------------------------

TEST_CASE("Clean Start 1 discards the session: Session Present 0, no subscriptions, no queue [MQTT-3.1.2-4] [MQTT-3.2.2-2]",
          "[broker]") {
  const auto v = GENERATE(v311, v5);
  broker_harness h;
  const properties keep = v == v5 ? expiry(600) : properties{};
  auto c = h.connect("c", v, v == v5, keep);  // 3.1.1 keeps the session with clean session 0
  h.subscribe(c, "cs", qos::at_least_once);
  h.hang_up(c);
  const auto pub = h.connect("pub", v5);
  h.publish(pub, "cs", "queued", qos::at_least_once, false, 1);
  c = h.connect("c", v, true, keep);
  CHECK_FALSE(h.session_present);
  CHECK(h.nothing_for(c));
  h.publish(pub, "cs", "live", qos::at_least_once, false, 2);
  CHECK(h.nothing_for(c));
}

TEST_CASE("Clean Start 0 resumes the session: Session Present 1 [MQTT-3.1.2-5] [MQTT-3.2.2-3]; a new one otherwise "
          "[MQTT-3.1.2-6]",
          "[broker]") {
  const auto v = GENERATE(v311, v5);
  broker_harness h;
  const properties keep = v == v5 ? expiry(600) : properties{};
  auto c = h.connect("c", v, false, keep);
  CHECK_FALSE(h.session_present);
  h.subscribe(c, "cs", qos::at_least_once);
  h.hang_up(c);
  c = h.connect("c", v, false, keep);
  CHECK(h.session_present);
  h.publish(h.connect("pub", v5), "cs", "still subscribed");
  CHECK(payload_of(h, c) == "still subscribed");
}

TEST_CASE("Session Expiry Interval: the session outlives its connection that long, then ends [MQTT-3.1.2-23] [MQTT-4.1.0-2]",
          "[broker]") {
  broker_harness h;
  auto c = h.connect("c", v5, true, expiry(10));
  h.subscribe(c, "se", qos::at_least_once);
  const auto sessions = h.b.stats().sessions;
  h.hang_up(c);
  h.advance(9'000);
  c = h.connect("c", v5, false, expiry(10));
  CHECK(h.session_present);
  h.hang_up(c);
  const auto pub = h.connect("pub", v5);
  h.publish(pub, "se", "queued", qos::at_least_once, false, 1);
  h.advance(10'000);
  CHECK(h.b.stats().sessions == sessions - 1 + 1);  // "pub" came, "c" went
  c = h.connect("c", v5, false, expiry(10));
  CHECK_FALSE(h.session_present);
  CHECK(h.nothing_for(c));
  h.publish(pub, "se", "live", qos::at_least_once, false, 2);
  CHECK(h.nothing_for(c));
}

TEST_CASE("a session without a Session Expiry Interval ends with its connection; 0xFFFFFFFF never expires", "[broker]") {
  broker_harness h;
  auto c = h.connect("short", v5);
  h.subscribe(c, "x");
  h.hang_up(c);
  c = h.connect("short", v5, false);
  CHECK_FALSE(h.session_present);
  c = h.connect("forever", v5, true, expiry(0xFFFFFFFF));
  h.hang_up(c);
  h.advance(30ull * 24 * 3600 * 1000);
  c = h.connect("forever", v5, false, expiry(0xFFFFFFFF));
  CHECK(h.session_present);
}

TEST_CASE("3.1.1 clean session 0 keeps the session for good; clean session 1 ends it with the connection", "[broker]") {
  broker_harness h;
  auto c = h.connect("kept", v311, false);
  h.subscribe(c, "cs", qos::at_least_once);
  h.hang_up(c);
  const auto pub = h.connect("pub", v311);
  h.publish(pub, "cs", "queued", qos::at_least_once, false, 1);
  h.advance(24ull * 3600 * 1000);
  c = h.connect("kept", v311, false);
  CHECK(h.session_present);
  CHECK(payload_of(h, c) == "queued");
  auto d = h.connect("gone", v311, true);
  h.subscribe(d, "cs");
  h.hang_up(d);
  d = h.connect("gone", v311, false);
  CHECK_FALSE(h.session_present);
}

TEST_CASE("DISCONNECT may change the Session Expiry Interval, shorter or longer", "[broker]") {
  broker_harness h;
  auto c = h.connect("c", v5, true, expiry(600));
  h.send(c, disconnect_packet{reason_code::normal_disconnection, expiry(0)});
  CHECK(h.is_closed(c));
  c = h.connect("c", v5, false, expiry(600));
  CHECK_FALSE(h.session_present);  // ended at the DISCONNECT
  h.send(c, disconnect_packet{reason_code::normal_disconnection, expiry(5)});
  h.advance(6'000);
  c = h.connect("c", v5, false, expiry(5));
  CHECK_FALSE(h.session_present);  // ended after 5 s, not 600
  h.send(c, disconnect_packet{reason_code::normal_disconnection, expiry(100)});
  h.advance(50'000);
  c = h.connect("c", v5, false);
  CHECK(h.session_present);
}

TEST_CASE("DISCONNECT setting a Session Expiry Interval after CONNECT had 0 is a Protocol Error (section 3.14.2.2.2)",
          "[broker]") {
  broker_harness h;
  const auto w = watcher(h);
  const auto c = with_will(h, "c", v5, 0, 0);
  h.send(c, disconnect_packet{reason_code::normal_disconnection, expiry(30)});
  CHECK(h.expect<disconnect_packet>(c).code == reason_code::protocol_error);
  CHECK(h.is_closed(c));
  // Not a valid DISCONNECT: the will goes, and the session ends as CONNECT said.
  CHECK(payload_of(h, w) == "gone c");
  h.connect("c", v5, false);
  CHECK_FALSE(h.session_present);
}

// ---- wills -------------------------------------------------------------------------

TEST_CASE("Will Delay Interval: the will goes after the delay [MQTT-3.1.2-8]", "[broker]") {
  broker_harness h;
  const auto w = watcher(h);
  const auto c = with_will(h, "c", v5, 5, 60);
  h.hang_up(c);
  h.advance(4'900);
  CHECK(h.nothing_for(w));
  h.advance(100);
  CHECK(payload_of(h, w) == "gone c");
  h.advance(120'000);
  CHECK(h.nothing_for(w));  // once [MQTT-3.1.2-10]
}

TEST_CASE("Will Delay Interval: no will when the client reconnects in time [MQTT-3.1.3-9]", "[broker]") {
  broker_harness h;
  const auto w = watcher(h);
  const auto c = with_will(h, "c", v5, 5, 60);
  h.hang_up(c);
  h.advance(3'000);
  h.connect("c", v5, false, expiry(60));
  CHECK(h.session_present);
  h.advance(60'000);
  CHECK(h.nothing_for(w));
}

TEST_CASE("Will Delay Interval: the will goes when the session ends first [MQTT-3.1.2-8]", "[broker]") {
  broker_harness h;
  const auto w = watcher(h);
  SECTION("session expiry 3 s, will delay 10 s") {
    const auto c = with_will(h, "c", v5, 10, 3);
    h.hang_up(c);
    h.advance(2'900);
    CHECK(h.nothing_for(w));
    h.advance(100);
    CHECK(payload_of(h, w) == "gone c");
  }
  SECTION("no session expiry: the will goes at once") {
    const auto c = with_will(h, "c", v5, 10, 0);
    h.hang_up(c);
    CHECK(payload_of(h, w) == "gone c");
  }
  h.advance(20'000);
  CHECK(h.nothing_for(w));
}

TEST_CASE("a will keeps its retain flag and its user properties in order [MQTT-3.1.2-15] [MQTT-3.1.3-10]", "[broker]") {
  broker_harness h;
  connect_packet p{};
  p.version = v5;
  p.client_id = "c";
  p.will = will_message{"will/r", view("bye"), qos::at_least_once, true,
                        {property::user("a", "1"), property::user("b", "2"), property::user("a", "3")}};
  const auto c = h.open_with(p);
  REQUIRE(h.expect<connack_packet>(c).code == reason_code::success);
  const auto w = watcher(h);
  h.hang_up(c);
  auto& live = h.expect<publish_packet>(w);
  std::string users;
  for (const property& q : live.props) users += std::string(q.text) + "=" + std::string(q.value) + ";";
  CHECK(users == "a=1;b=2;a=3;");
  const auto later = h.connect("later", v311);
  h.subscribe(later, "will/r", qos::at_least_once);
  auto& kept = h.expect<publish_packet>(later);
  CHECK(kept.retain);
  CHECK(kept.qos == qos::at_least_once);
  CHECK(broker_harness::text(kept.payload) == "bye");
}

TEST_CASE("a will's Message Expiry Interval runs from its publication, not from the CONNECT (section 3.1.3.2.4)",
          "[broker]") {
  broker_harness h;
  const auto w = watcher(h);
  const std::uint32_t delay = GENERATE(0u, 5u);
  const auto c = with_will(h, "c", v5, delay, 60, true, {property::integer(property_id::message_expiry_interval, 2)});
  h.advance(10'000);  // connected far longer than the will's 2 s
  h.hang_up(c);
  h.advance(delay * 1000);
  auto& live = h.expect<publish_packet>(w);
  CHECK(broker_harness::text(live.payload) == "gone c");
  const property* left = find_property(live.props, property_id::message_expiry_interval);
  REQUIRE(left);
  CHECK(left->number == 2);
}

TEST_CASE("takeover and the old connection's will [MQTT-3.1.4-3]", "[broker]") {
  broker_harness h;
  const auto w = watcher(h);
  SECTION("no delay: the will goes at the takeover") {
    const auto v = GENERATE(v311, v5);
    const auto old = with_will(h, "c", v, 0, 60, false);
    h.connect("c", v, false, v == v5 ? expiry(60) : properties{});
    CHECK(h.is_closed(old));
    CHECK(payload_of(h, w) == "gone c");
  }
  SECTION("a delay and Clean Start 0: the session goes on, so the will never goes [MQTT-3.1.3-9]") {
    const auto old = with_will(h, "c", v5, 10, 60);
    h.connect("c", v5, false, expiry(60));
    CHECK(h.expect<disconnect_packet>(old).code == reason_code::session_taken_over);
    h.advance(30'000);
    CHECK(h.nothing_for(w));
  }
  SECTION("a delay and Clean Start 1: the session ends, so the will goes") {
    const auto old = with_will(h, "c", v5, 10, 60);
    h.connect("c", v5, true, expiry(60));
    CHECK(h.expect<disconnect_packet>(old).code == reason_code::session_taken_over);
    CHECK(payload_of(h, w) == "gone c");
  }
  h.advance(30'000);
  CHECK(h.nothing_for(w));
}

// ---- keepalive ---------------------------------------------------------------------

TEST_CASE("keepalive: no packet for 1.5 x Keep Alive closes the connection, 0x8D in 5.0, and the will goes [MQTT-3.1.2-22]",
          "[broker]") {
  const auto v = GENERATE(v311, v5);
  broker_harness h;
  const auto w = watcher(h);
  connect_packet p{};
  p.version = v;
  p.client_id = "c";
  p.keep_alive = 10;
  p.will = will_message{"will/c", view("timed out"), qos::at_most_once, false, {}};
  const auto c = h.open_with(p);
  REQUIRE(h.expect<connack_packet>(c).code == reason_code::success);
  h.advance(10'000);
  h.send(c, pingreq_packet{});  // any packet counts
  h.expect<pingresp_packet>(c);
  h.advance(14'900);
  CHECK_FALSE(h.is_closed(c));
  h.advance(100);
  REQUIRE(h.is_closed(c));
  CHECK(h.close_reason(c) == reason_code::keep_alive_timeout);
  if (v == v5) CHECK(h.expect<disconnect_packet>(c).code == reason_code::keep_alive_timeout);
  CHECK(h.nothing_for(c));
  CHECK(payload_of(h, w) == "timed out");
}

TEST_CASE("keepalive hears whole packets: bytes of one that never completes do not hold the connection [MQTT-3.1.2-22]",
          "[broker]") {
  broker_harness h;
  const auto c = h.connect("c", v5, true, {}, 10);
  h.send_bytes(c, {0x30, 0x7F});  // a PUBLISH of 127 bytes, begun
  for (int i = 0; i < 14; ++i) {
    h.advance(1'000);
    h.send_bytes(c, {0x00});  // one more byte each second: 16 in all, never the whole packet
  }
  h.advance(900);
  CHECK_FALSE(h.is_closed(c));
  h.advance(100);
  REQUIRE(h.is_closed(c));
  CHECK(h.close_reason(c) == reason_code::keep_alive_timeout);
}

TEST_CASE("Keep Alive 0 turns the keepalive off", "[broker]") {
  broker_harness h;
  const auto c = h.connect("c", v5, true, {}, 0);
  h.advance(24ull * 3600 * 1000);
  CHECK_FALSE(h.is_closed(c));
}

TEST_CASE("max_keepalive: a 5.0 client is told Server Keep Alive [MQTT-3.2.2-21]; a 3.1.1 client asking more is refused",
          "[broker]") {
  broker_options o;
  o.max_keepalive = 30;
  broker_harness h(o);
  const auto connect_ka = [&](protocol_version v, std::uint16_t ka) {
    connect_packet p{};
    p.version = v;
    static std::deque<std::string> ids;  // the CONNECT's views point here
    ids.push_back("c" + std::to_string(ka) + (v == v5 ? "-5" : "-4"));
    p.client_id = ids.back();
    p.keep_alive = ka;
    return h.open_with(p);
  };
  SECTION("5.0 asking 60 or 0 gets 30, which is enforced") {
    const std::uint16_t asked = GENERATE(std::uint16_t{60}, std::uint16_t{0});
    const auto c = connect_ka(v5, asked);
    auto& ack = h.expect<connack_packet>(c);
    CHECK(ack.code == reason_code::success);
    const property* ka = find_property(ack.props, property_id::server_keep_alive);
    REQUIRE(ka);
    CHECK(ka->number == 30);
    h.advance(44'900);
    CHECK_FALSE(h.is_closed(c));
    h.advance(100);
    CHECK(h.expect<disconnect_packet>(c).code == reason_code::keep_alive_timeout);
  }
  SECTION("5.0 asking 20 keeps 20 [MQTT-3.2.2-22]") {
    const auto c = connect_ka(v5, 20);
    auto& ack = h.expect<connack_packet>(c);
    const property* ka = find_property(ack.props, property_id::server_keep_alive);
    CHECK((!ka || ka->number == 20));
    h.advance(29'900);
    CHECK_FALSE(h.is_closed(c));
    h.advance(100);
    CHECK(h.is_closed(c));
  }
  SECTION("3.1.1 asking 60 or 0 is refused with return code 2, as Mosquitto does") {
    const std::uint16_t asked = GENERATE(std::uint16_t{60}, std::uint16_t{0});
    const auto c = connect_ka(v311, asked);
    CHECK(static_cast<int>(h.expect<connack_packet>(c).code) == 2);
    CHECK(h.is_closed(c));
  }
  SECTION("3.1.1 asking 20 is accepted") {
    const auto c = connect_ka(v311, 20);
    CHECK(h.expect<connack_packet>(c).code == reason_code::success);
  }
}

TEST_CASE("a connection that sends no CONNECT within connect_timeout_ms is closed", "[broker]") {
  broker_options o;
  o.connect_timeout_ms = 5'000;
  broker_harness h(o);
  const auto silent = h.open(v5);
  const auto partial = h.open(v5);
  h.send_bytes(partial, hex("10 0d 00 04 4d 51"));  // the start of a CONNECT
  const auto prompt = h.connect("prompt", v5);
  h.advance(4'900);
  CHECK_FALSE(h.is_closed(silent));
  h.advance(100);
  CHECK(h.is_closed(silent));
  CHECK(h.is_closed(partial));
  CHECK(h.nothing_for(silent));
  CHECK(h.close_reason(silent) == reason_code::maximum_connect_time);
  CHECK_FALSE(h.is_closed(prompt));
}

TEST_CASE("a host that skips on_open still gets the CONNECT timeout's timer", "[broker]") {
  broker_options o;
  o.connect_timeout_ms = 5'000;
  o.sys_interval = 0;  // no other timer to hide a missing one
  mqttw::broker::broker b(o);
  const auto start = bytes{0x10, 0x0d, 0x00, 0x04};  // the start of a CONNECT
  CHECK(b.on_bytes(1, view(start), 1'000).timer_at == 6'000);
  const auto& out = b.tick(6'000);
  REQUIRE(out.closes.size() == 1);
  CHECK(out.closes[0].conn == 1);
  CHECK(out.closes[0].reason == reason_code::maximum_connect_time);
}

TEST_CASE("connect_timeout_ms also bounds the time from CONNECT to CONNACK: a stalled AUTH exchange, an unanswered hook",
          "[broker]") {
  broker_options o;
  o.connect_timeout_ms = 5'000;
  o.hook_authenticate = true;
  o.hook_enhanced_auth = true;
  broker_harness h(o);
  connect_packet p{};
  p.version = v5;
  p.client_id = "stalls";
  p.props = {property::string(property_id::authentication_method, "M")};
  const auto stalls = h.open_with(p);
  h.answer(h.next_request().id, reason_code::continue_authentication);
  h.expect<auth_packet>(stalls);  // and the client never answers
  connect_packet q{};
  q.version = v311;
  q.client_id = "unanswered";
  const auto unanswered = h.open_with(q);
  const auto late = h.next_request();
  h.advance(4'900);
  CHECK_FALSE(h.is_closed(stalls));
  CHECK_FALSE(h.is_closed(unanswered));
  h.advance(100);
  CHECK(h.is_closed(stalls));
  CHECK(h.is_closed(unanswered));
  CHECK(h.close_reason(unanswered) == reason_code::maximum_connect_time);
  h.answer(late.id, reason_code::success);  // too late: ignored
  CHECK(h.nothing_for(unanswered));
}

TEST_CASE("an assigned client id is not one a session uses already [MQTT-3.2.2-16]", "[broker]") {
  const auto v = GENERATE(v311, v5);
  broker_harness h;
  // Clients that chose the names the broker would assign next.
  const auto one = h.connect("auto-1", v5);
  const auto two = h.connect("auto-2", v5, true, expiry(60));
  h.hang_up(two);  // offline, but its session lives on
  connect_packet p{};
  p.version = v;
  const auto anon = h.open_with(p);
  auto& ack = h.expect<connack_packet>(anon);
  REQUIRE(ack.code == reason_code::success);
  CHECK_FALSE(ack.session_present);
  if (v == v5) {
    const property* id = find_property(ack.props, property_id::assigned_client_identifier);
    REQUIRE(id);
    CHECK(id->text != "auto-1");
    CHECK(id->text != "auto-2");
  }
  CHECK(h.nothing_for(one));  // not taken over
  CHECK_FALSE(h.is_closed(one));
  h.connect("auto-2", v5, false, expiry(60));
  CHECK(h.session_present);  // not discarded
}

// ---- takeover ----------------------------------------------------------------------

TEST_CASE("takeover with Clean Start 0: the old connection gets 0x8E, the new one the session and its messages [MQTT-3.1.4-3] "
          "[MQTT-4.4.0-1]",
          "[broker]") {
  const auto v = GENERATE(v311, v5);
  broker_harness h;
  const properties keep = v == v5 ? expiry(600) : properties{};
  const auto old = h.connect("c", v, false, keep);
  h.subscribe(old, "tk", qos::at_least_once);
  const auto pub = h.connect("pub", v5);
  h.publish(pub, "tk", "unacked", qos::at_least_once, false, 1);
  const auto first_id = h.expect<publish_packet>(old).packet_id;
  const auto fresh = h.connect("c", v, false, keep);
  CHECK(h.session_present);
  if (v == v5) CHECK(h.expect<disconnect_packet>(old).code == reason_code::session_taken_over);
  CHECK(h.nothing_for(old));
  CHECK(h.is_closed(old));
  auto& again = h.expect<publish_packet>(fresh);
  CHECK(again.dup);
  CHECK(again.packet_id == first_id);
  h.send(fresh, puback_packet{first_id, reason_code::success, {}});
  h.publish(pub, "tk", "next", qos::at_least_once, false, 2);
  CHECK(payload_of(h, fresh) == "next");
  CHECK(h.b.stats().clients_connected == 2);  // fresh and pub
}

TEST_CASE("a resumed session resends in flight messages in the order they were first sent [MQTT-4.6.0-5] [MQTT-4.4.0-1]",
          "[broker]") {
  broker_harness h;
  auto s = h.connect("s", v311, false);
  h.subscribe(s, "o", qos::exactly_once);
  const auto pub = h.connect("pub", v311);
  // Use up packet ids, so that the ones in flight below wrap from 65535 to 1.
  for (std::uint16_t i = 1; i < 65533; ++i) {
    INFO("message " << i);
    h.publish(pub, "o", "", qos::at_least_once, false, 1);
    h.drain(pub);
    const auto id = h.expect<publish_packet>(s).packet_id;
    REQUIRE(id == i);
    h.send(s, puback_packet{id, reason_code::success, {}});
  }
  std::uint16_t next_id = 2;
  for (const char* p : {"a", "b", "c", "d"}) h.publish(pub, "o", p, qos::exactly_once, false, next_id++);
  std::vector<std::uint16_t> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(h.expect<publish_packet>(s).packet_id);
  CHECK(ids == std::vector<std::uint16_t>{65533, 65534, 65535, 1});
  h.send(s, pubrec_packet{65534, reason_code::success, {}});  // "b" is released: PUBREL is due
  h.expect<pubrel_packet>(s);
  h.hang_up(s);
  s = h.connect("s", v311, false);
  CHECK(h.session_present);
  auto& a = h.expect<publish_packet>(s);
  CHECK((a.dup && a.packet_id == 65533 && broker_harness::text(a.payload) == "a"));
  CHECK(h.expect<pubrel_packet>(s).packet_id == 65534);
  auto& c = h.expect<publish_packet>(s);
  CHECK((c.dup && c.packet_id == 65535 && broker_harness::text(c.payload) == "c"));
  auto& d = h.expect<publish_packet>(s);
  CHECK((d.dup && d.packet_id == 1 && broker_harness::text(d.payload) == "d"));
  CHECK(h.nothing_for(s));
}

TEST_CASE("a message in flight is resent even when its expiry has passed: onward delivery had started [MQTT-3.3.2-5] "
          "[MQTT-4.3.3-7]",
          "[broker]") {
  broker_harness h;
  auto s = h.connect("s", v5, true, expiry(600));
  h.subscribe(s, "e", qos::exactly_once);
  const auto pub = h.connect("pub", v5);
  const properties short_life{property::integer(property_id::message_expiry_interval, 2)};
  h.publish(pub, "e", "q1", qos::at_least_once, false, 1, short_life);
  h.publish(pub, "e", "q2", qos::exactly_once, false, 2, short_life);
  const auto id1 = h.expect<publish_packet>(s).packet_id;
  const auto id2 = h.expect<publish_packet>(s).packet_id;
  h.hang_up(s);
  h.advance(5'000);
  s = h.connect("s", v5, false, expiry(600));
  CHECK(h.session_present);
  auto& one = h.expect<publish_packet>(s);
  CHECK((one.dup && one.packet_id == id1));
  auto& two = h.expect<publish_packet>(s);
  CHECK((two.dup && two.packet_id == id2));
  const property* left = find_property(two.props, property_id::message_expiry_interval);
  CHECK((left && left->number == 0));
}
