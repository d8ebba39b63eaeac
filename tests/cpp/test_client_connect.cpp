// Client session scenarios: the CONNECT as the server reads it, the CONNACK's values
// applied, refusals, DISCONNECT both ways, the AUTH exchange, and what a server that
// breaks the protocol gets.
#include "client_harness.hpp"

using namespace mqttw;
using namespace mqttw::test;

namespace {

// Every property in `want` is in `got`, and `got` has nothing else but perhaps the
// Maximum Packet Size the client adds from its options.
void check_props(const properties& got, const properties& want, std::uint32_t max_packet_size) {
  std::size_t extra = 0;
  for (const auto& p : got) {
    const bool wanted = std::any_of(want.begin(), want.end(), [&](const property& w) { return same(w, p); });
    if (wanted) continue;
    INFO("unexpected property " << static_cast<int>(p.id));
    REQUIRE(p.id == property_id::maximum_packet_size);
    CHECK(p.number == max_packet_size);
    ++extra;
  }
  CHECK(got.size() == want.size() + extra);
}

// A Packet Identifier as it stands on the wire, most significant byte first.
bytes id_bytes(std::uint16_t id) { return {static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id & 0xFF)}; }

}  // namespace

// ---- CONNECT --------------------------------------------------------------------------

TEST_CASE("client: the first packet is the CONNECT with every option as given (5.0) [MQTT-3.1.0-1]", "[client]") {
  const bytes will_payload = text_bytes("gone");
  const bytes password = text_bytes("secret");
  connect_packet p = connect_v(v5, "dev-1", false, 30);
  p.will = will_message{"status/dev-1", view(will_payload), qos::at_least_once, true,
                        {prop(property_id::will_delay_interval, 5), property::string(property_id::content_type, "text/plain"),
                         property::user("k", "v")}};
  p.username = "user";
  p.password = view(password);
  p.props = {prop(property_id::session_expiry_interval, 3600), prop(property_id::receive_maximum, 10),
             prop(property_id::topic_alias_maximum, 5), property::user("a", "b")};
  client_harness h(p);
  CHECK(h.nothing_written());  // nothing before a connection
  h.open();
  REQUIRE(h.written_count() == 1);
  auto got = h.expect<connect_packet>();
  CHECK(got.version == v5);
  CHECK(got.client_id == "dev-1");
  CHECK_FALSE(got.clean_start);
  CHECK(got.keep_alive == 30);
  REQUIRE(got.will);
  CHECK(same(*got.will, *p.will));
  CHECK(got.username == std::optional<std::string_view>("user"));
  REQUIRE(got.password);
  CHECK(same_bytes(*got.password, view(password)));
  check_props(got.props, p.props, client_options{}.max_packet_size);
  CHECK(h.no_events());
  CHECK_FALSE(h.status().connected);

  SECTION("the same CONNECT goes out on the next connection") {
    h.hang_up();
    h.open();
    auto again = h.expect<connect_packet>();
    CHECK(same(again, got));
  }
}

TEST_CASE("client: 3.1.1 CONNECT with clean session 0, keepalive, will, user name and password", "[client]") {
  const bytes will_payload = text_bytes("gone");
  const bytes password = text_bytes("pw");
  connect_packet p = connect_v(v311, "dev-2", false, 15);
  p.will = will_message{"status/dev-2", view(will_payload), qos::exactly_once, false, {}};
  p.username = "u";
  p.password = view(password);
  client_options o;
  o.max_packet_size = 1000;  // 3.1.1 has no way to say it
  client_harness h(p, o);
  h.open();
  auto got = h.expect<connect_packet>();
  CHECK(got.version == v311);
  CHECK(same(got, p));
  CHECK(got.props.empty());
}

TEST_CASE("client: max_packet_size is sent as the CONNECT's Maximum Packet Size when it has none", "[client]") {
  client_options o;
  o.max_packet_size = 2048;
  SECTION("none in the CONNECT") {
    client_harness h(connect_v(v5), o);
    h.open();
    auto got = h.expect<connect_packet>();
    CHECK(client_harness::number(got.props, property_id::maximum_packet_size) == 2048);
  }
  SECTION("the CONNECT's own is kept, once") {
    client_harness h(connect_v(v5, "c", true, 0, {prop(property_id::maximum_packet_size, 4096)}), o);
    h.open();
    auto got = h.expect<connect_packet>();
    CHECK(std::count_if(got.props.begin(), got.props.end(),
                        [](const property& x) { return x.id == property_id::maximum_packet_size; }) == 1);
    CHECK(client_harness::number(got.props, property_id::maximum_packet_size) == 4096);
  }
}

TEST_CASE("client: init_error for a CONNECT the codec refuses: 3.1.1 empty client id with clean session 0 [MQTT-3.1.3-7]",
          "[client]") {
  SECTION("3.1.1 empty client id, clean session 0") {
    mqttw::client::client c({}, view(request_bytes(connect_v(v311, "", false), v311)));
    CHECK(c.init_error());
    CHECK_FALSE(c.init_error().reason.empty());
  }
  SECTION("a will topic with a wildcard [MQTT-3.3.2-2]") {
    connect_packet p = connect_v(v5, "c");
    p.will = will_message{"a/#", {}, qos::at_most_once, false, {}};
    mqttw::client::client c({}, view(request_bytes(p, v5)));
    CHECK(c.init_error());
  }
  SECTION("3.1.1 empty client id with clean session 1 is fine") {
    mqttw::client::client c({}, view(request_bytes(connect_v(v311, "", true), v311)));
    CHECK_FALSE(c.init_error());
  }
  SECTION("5.0 empty client id with Clean Start 0 is the server's to judge [MQTT-3.1.3-6]") {
    mqttw::client::client c({}, view(request_bytes(connect_v(v5, "", false), v5)));
    CHECK_FALSE(c.init_error());
  }
}

// ---- CONNACK --------------------------------------------------------------------------

TEST_CASE("client: an accepting CONNACK gives the connected event with the CONNACK and Session Present", "[client]") {
  const auto v = GENERATE(v311, v5);
  client_harness h(connect_v(v, "c", false));
  h.open();
  h.expect<connect_packet>();
  CHECK_FALSE(h.status().connected);
  h.send(connack_packet{true, reason_code::success, {}});
  auto e = h.expect_event(event_kind::connected);
  CHECK(e.session_present);
  CHECK(e.packet_as<connack_packet>().session_present);
  CHECK(h.status().connected);
  CHECK_FALSE(h.closed);
  CHECK(h.nothing_written());
  CHECK(h.no_events());
}

TEST_CASE("client: the Assigned Client Identifier becomes the client id and goes in the next CONNECT [MQTT-3.1.3-7]",
          "[client]") {
  client_harness h(connect_v(v5, "", true));
  CHECK(h.status().client_id.empty());
  h.connect_ok({property::string(property_id::assigned_client_identifier, "srv-42")});
  CHECK(h.status().client_id == "srv-42");
  h.hang_up();
  h.open();
  CHECK(h.expect<connect_packet>().client_id == "srv-42");
}

TEST_CASE("client: the CONNACK's limits are in force for the connection, and the defaults without them", "[client]") {
  client_harness h(connect_v(v5, "c", true, 60));
  h.connect_ok({prop(property_id::receive_maximum, 7), prop(property_id::topic_alias_maximum, 3),
                prop(property_id::maximum_packet_size, 1000), prop(property_id::maximum_qos, 1),
                prop(property_id::retain_available, 0), prop(property_id::server_keep_alive, 20)});
  auto s = h.status();
  CHECK(s.receive_maximum == 7);
  CHECK(s.topic_alias_maximum == 3);
  CHECK(s.maximum_packet_size == 1000);
  CHECK(s.maximum_qos == qos::at_least_once);
  CHECK_FALSE(s.retain_available);
  CHECK(s.keep_alive == 20);
  CHECK(s.client_id == "c");
  // A new connection's CONNACK without them: the spec's defaults (section 3.2.2.3).
  h.reconnect();
  s = h.status();
  CHECK(s.receive_maximum == 65535);
  CHECK(s.topic_alias_maximum == 0);
  CHECK(s.maximum_packet_size == max_packet_size_limit);
  CHECK(s.maximum_qos == qos::exactly_once);
  CHECK(s.retain_available);
  CHECK(s.keep_alive == 60);
}

TEST_CASE("client: a 3.1.1 CONNACK leaves the defaults", "[client]") {
  client_harness h(connect_v(v311, "c", true, 10));
  h.connect_ok();
  auto s = h.status();
  CHECK(s.receive_maximum == 65535);
  CHECK(s.topic_alias_maximum == 0);
  CHECK(s.maximum_qos == qos::exactly_once);
  CHECK(s.retain_available);
  CHECK(s.keep_alive == 10);
}

TEST_CASE("client: a refusing 5.0 CONNACK gives the refused event with its reason and closes [MQTT-3.2.2-7]",
          "[client]") {
  const auto code = GENERATE(reason_code::bad_user_name_or_password, reason_code::not_authorized,
                             reason_code::server_unavailable, reason_code::client_identifier_not_valid);
  client_harness h(connect_v(v5));
  h.publish(1, "t", "queued", qos::at_least_once);
  h.open();
  h.expect<connect_packet>();
  h.send(connack_packet{false, code, {property::string(property_id::reason_string, "no")}});
  auto e = h.expect_event(event_kind::refused);
  CHECK(e.code == code);
  CHECK(e.packet_as<connack_packet>().code == code);
  CHECK(h.closed);
  CHECK(h.close_text == "the server refused the connection: reason code " + reason_code_hex(code));
  CHECK_FALSE(h.status().connected);
  CHECK(h.nothing_written());  // the queued publish waits for a connection that is accepted
  CHECK(h.no_events());
}

TEST_CASE("client: a refusing 3.1.1 CONNACK gives its return code and closes", "[client]") {
  const int rc = GENERATE(1, 2, 3, 4, 5);
  client_harness h(connect_v(v311));
  h.open();
  h.expect<connect_packet>();
  h.send_bytes({0x20, 0x02, 0x00, static_cast<std::uint8_t>(rc)});
  auto e = h.expect_event(event_kind::refused);
  CHECK(static_cast<int>(e.code) == rc);
  CHECK(h.closed);
  CHECK(h.close_text.starts_with("the server refused the connection: return code " + std::to_string(rc) + ", "));
  CHECK_FALSE(h.status().connected);
}

TEST_CASE("client: Session Present 1 answering Clean Start 1 closes the connection [MQTT-3.2.2-4]", "[client]") {
  const auto v = GENERATE(v311, v5);
  client_harness h(connect_v(v, "c", true));
  h.open();
  h.expect<connect_packet>();
  h.send(connack_packet{true, reason_code::success, {}});
  CHECK(h.closed);
  CHECK(h.take_events(event_kind::connected).empty());
}

// ---- DISCONNECT -----------------------------------------------------------------------

TEST_CASE("client: a server DISCONNECT gives the disconnected event with its reason and closes", "[client]") {
  client_harness h(connect_v(v5));
  h.connect_ok();
  h.send(disconnect_packet{reason_code::server_shutting_down,
                           {property::string(property_id::reason_string, "maintenance")}});
  auto e = h.expect_event(event_kind::disconnected);
  const auto& d = e.packet_as<disconnect_packet>();
  CHECK(d.code == reason_code::server_shutting_down);
  REQUIRE(find_property(d.props, property_id::reason_string));
  CHECK(find_property(d.props, property_id::reason_string)->text == "maintenance");
  CHECK(h.closed);
  CHECK(h.close_reason == reason_code::server_shutting_down);
  CHECK(h.close_text == "the server sent DISCONNECT with reason code 0x8B: maintenance");
  CHECK(h.nothing_written());
}

TEST_CASE("client: disconnect() writes DISCONNECT with the reason and properties (5.0) and closes [MQTT-3.14.4-2]",
          "[client]") {
  client_harness h(connect_v(v5, "c", true, 0, {prop(property_id::session_expiry_interval, 60)}));
  h.connect_ok();
  h.disconnect(disconnect_packet{reason_code::disconnect_with_will_message,
                                 {prop(property_id::session_expiry_interval, 0), property::user("why", "done")}});
  auto d = h.expect<disconnect_packet>();
  CHECK(d.code == reason_code::disconnect_with_will_message);
  CHECK(client_harness::number(d.props, property_id::session_expiry_interval) == 0);
  CHECK(find_property(d.props, property_id::user_property));
  CHECK(h.closed);
  CHECK(h.nothing_written());
  // After DISCONNECT nothing more goes on that connection [MQTT-3.14.4-1].
  h.publish(1, "t", "late");
  CHECK(h.nothing_written());
}

TEST_CASE("client: disconnect() with what the rules refuse writes a plain DISCONNECT and closes", "[client]") {
  SECTION("a reason code only a server sends (section 3.14.2.1)") {
    client_harness h(connect_v(v5));
    h.connect_ok();
    h.disconnect(disconnect_packet{reason_code::server_shutting_down, {}});
    CHECK(h.expect<disconnect_packet>().code == reason_code::normal_disconnection);
    CHECK(h.closed);
  }
  SECTION("a Session Expiry Interval when CONNECT's was 0 [MQTT-3.14.2-2]") {
    const auto given = GENERATE(as<std::vector<property>>{}, std::vector<property>{},
                                std::vector<property>{prop(property_id::session_expiry_interval, 0)});
    client_harness h(connect_v(v5, "c", true, 0, given));
    h.connect_ok();
    h.disconnect(disconnect_packet{reason_code::normal_disconnection, {prop(property_id::session_expiry_interval, 30)}});
    const auto d = h.expect<disconnect_packet>();
    CHECK_FALSE(find_property(d.props, property_id::session_expiry_interval));
    CHECK(h.closed);
  }
  SECTION("a Session Expiry Interval of 0 when CONNECT's was 0 is sent as given") {
    client_harness h(connect_v(v5));
    h.connect_ok();
    h.disconnect(disconnect_packet{reason_code::disconnect_with_will_message, {prop(property_id::session_expiry_interval, 0)}});
    const auto d = h.expect<disconnect_packet>();
    CHECK(d.code == reason_code::disconnect_with_will_message);
    CHECK(client_harness::number(d.props, property_id::session_expiry_interval) == 0);
  }
}

TEST_CASE("client: 3.1.1 disconnect() writes the bare DISCONNECT and closes", "[client]") {
  client_harness h(connect_v(v311));
  h.connect_ok();
  h.disconnect();
  const auto tail = bytes(h.wire.end() - 2, h.wire.end());
  CHECK(tail == hex("e0 00"));
  h.expect<disconnect_packet>();
  CHECK(h.closed);
}

// ---- AUTH (5.0) -----------------------------------------------------------------------

TEST_CASE("client: the enhanced AUTH exchange: server AUTH 0x18 -> auth event, auth() writes AUTH [MQTT-4.12.0-2] "
          "[MQTT-4.12.0-3]",
          "[client]") {
  const bytes c1 = text_bytes("client-first"), s1 = text_bytes("server-first"), c2 = text_bytes("client-final");
  client_harness h(connect_v(v5, "c", true, 0,
                             {property::string(property_id::authentication_method, "SCRAM-SHA-1"),
                              property::binary(property_id::authentication_data, view(c1))}));
  h.open();
  auto cp = h.expect<connect_packet>();
  CHECK(find_property(cp.props, property_id::authentication_method)->text == "SCRAM-SHA-1");
  // A publish made during the exchange waits: only AUTH or DISCONNECT before CONNACK [MQTT-3.1.2-33].
  h.publish(7, "t", "early");
  h.send(auth_packet{reason_code::continue_authentication,
                     {property::string(property_id::authentication_method, "SCRAM-SHA-1"),
                      property::binary(property_id::authentication_data, view(s1))}});
  auto e = h.expect_event(event_kind::auth);
  const auto& a = e.packet_as<auth_packet>();
  CHECK(a.code == reason_code::continue_authentication);
  CHECK(same_bytes(find_property(a.props, property_id::authentication_data)->data, view(s1)));
  CHECK(h.nothing_written());
  CHECK_FALSE(h.status().connected);
  h.auth(auth_packet{reason_code::continue_authentication,
                     {property::string(property_id::authentication_method, "SCRAM-SHA-1"),
                      property::binary(property_id::authentication_data, view(c2))}});
  auto sent = h.expect<auth_packet>();
  CHECK(sent.code == reason_code::continue_authentication);
  CHECK(same_bytes(find_property(sent.props, property_id::authentication_data)->data, view(c2)));
  CHECK(h.nothing_written());
  h.send(connack_packet{false, reason_code::success,
                        {property::string(property_id::authentication_method, "SCRAM-SHA-1")}});
  h.expect_event(event_kind::connected);
  CHECK(h.expect<publish_packet>().topic == "t");  // now it goes
  CHECK(h.expect_event(event_kind::completed).tok == 7);

  SECTION("re-authentication: auth() with 0x19 writes AUTH 0x19, the server's answer is an auth event [MQTT-4.12.1-1]") {
    h.auth(auth_packet{reason_code::re_authenticate,
                       {property::string(property_id::authentication_method, "SCRAM-SHA-1"),
                        property::binary(property_id::authentication_data, view(c1))}});
    CHECK(h.expect<auth_packet>().code == reason_code::re_authenticate);
    h.send(auth_packet{reason_code::success, {property::string(property_id::authentication_method, "SCRAM-SHA-1")}});
    CHECK(h.expect_event(event_kind::auth).packet_as<auth_packet>().code == reason_code::success);
    CHECK_FALSE(h.closed);
  }
}

namespace {

property method(std::string_view name) { return property::string(property_id::authentication_method, name); }

// A refusal whose reason names `rule`.
void check_refused(const error& err, reason_code code, std::string_view rule) {
  INFO(err.reason);
  CHECK(err.code == code);
  CHECK(err.reason.find(rule) != std::string::npos);
}

}  // namespace

TEST_CASE("client: check_control() refuses the AUTH auth() would not send, and auth() then writes nothing", "[client]") {
  SECTION("no Authentication Method in CONNECT: no AUTH at all [MQTT-4.12.0-7]") {
    client_harness h(connect_v(v5));
    h.connect_ok();
    const auth_packet a{reason_code::re_authenticate, {method("SCRAM-SHA-1")}};
    check_refused(h.check(a), reason_code::protocol_error, "[MQTT-4.12.0-7]");
    h.auth(a);
    CHECK(h.nothing_written());
  }
  client_harness h(connect_v(v5, "c", true, 0, {method("SCRAM-SHA-1")}));
  h.open();
  h.expect<connect_packet>();
  SECTION("0x18 only answers the server's AUTH 0x18, once [MQTT-4.12.0-3]") {
    const auth_packet answer{reason_code::continue_authentication, {method("SCRAM-SHA-1")}};
    check_refused(h.check(answer), reason_code::protocol_error, "[MQTT-4.12.0-3]");
    h.auth(answer);
    CHECK(h.nothing_written());
    h.send(auth_packet{reason_code::continue_authentication, {method("SCRAM-SHA-1")}});
    h.expect_event(event_kind::auth);
    CHECK_FALSE(h.check(answer));
    h.auth(answer);
    CHECK(h.expect<auth_packet>().code == reason_code::continue_authentication);
    check_refused(h.check(answer), reason_code::protocol_error, "[MQTT-4.12.0-3]");
  }
  SECTION("0x19 only once CONNACK has come [MQTT-4.12.1-1]") {
    const auth_packet again{reason_code::re_authenticate, {method("SCRAM-SHA-1")}};
    check_refused(h.check(again), reason_code::protocol_error, "[MQTT-4.12.1-1]");
    h.auth(again);
    CHECK(h.nothing_written());
    h.send(connack_packet{false, reason_code::success, {method("SCRAM-SHA-1")}});
    h.expect_event(event_kind::connected);
    CHECK_FALSE(h.check(again));
  }
  SECTION("CONNECT's Authentication Method in every AUTH [MQTT-4.12.0-5]") {
    h.send(connack_packet{false, reason_code::success, {method("SCRAM-SHA-1")}});
    h.expect_event(event_kind::connected);
    const auto props = GENERATE(properties{}, properties{method("SCRAM-SHA-256")}, properties{method("")});
    const auth_packet a{reason_code::re_authenticate, props};
    check_refused(h.check(a), reason_code::protocol_error, "[MQTT-4.12.0-5]");
    h.auth(a);
    CHECK(h.nothing_written());
  }
  SECTION("what the wire reader refuses, with its reason") {
    // 0x00 Success is the server's (section 3.15.2.1).
    check_refused(h.check(auth_packet{reason_code::success, {method("SCRAM-SHA-1")}}), reason_code::protocol_error,
                  "section 3.15.2.1");
  }
}

TEST_CASE("client: check_control() refuses the DISCONNECT disconnect() would not send as given", "[client]") {
  client_harness h(connect_v(v5));
  h.connect_ok();
  CHECK_FALSE(h.check(disconnect_packet{reason_code::disconnect_with_will_message, {}}));
  check_refused(h.check(disconnect_packet{reason_code::server_shutting_down, {}}), reason_code::protocol_error,
                "section 3.14.2.1");
  check_refused(h.check(disconnect_packet{reason_code::normal_disconnection, {prop(property_id::session_expiry_interval, 30)}}),
                reason_code::protocol_error, "[MQTT-3.14.2-2]");
  check_refused(h.check(disconnect_packet{reason_code::normal_disconnection, {prop(property_id::topic_alias, 1)}}),
                reason_code::malformed_packet, "Topic Alias");
  check_refused(h.check(pingreq_packet{}), reason_code::malformed_packet, "not a DISCONNECT or AUTH");
  CHECK(h.nothing_written());
}

TEST_CASE("client: the server's AUTH and CONNACK carry CONNECT's Authentication Method, or none when it has none "
          "[MQTT-4.12.0-5] [MQTT-4.12.0-6]",
          "[client]") {
  const bool ours = GENERATE(false, true);
  client_harness h(ours ? connect_v(v5, "c", true, 0, {method("SCRAM-SHA-1")}) : connect_v(v5));
  h.open();
  h.expect<connect_packet>();
  SECTION("AUTH") {
    const auto props = ours ? GENERATE(properties{}, properties{method("GS2-KRB5")}) : properties{method("SCRAM-SHA-1")};
    h.send(auth_packet{reason_code::continue_authentication, props});
    CHECK(h.take_events(event_kind::auth).empty());
    INFO(h.close_text);
    CHECK(h.close_text.find(ours ? "[MQTT-4.12.0-5]" : "[MQTT-4.12.0-6]") != std::string::npos);
  }
  SECTION("a successful CONNACK") {
    const auto props = ours ? GENERATE(properties{}, properties{method("GS2-KRB5")}) : properties{method("SCRAM-SHA-1")};
    h.send(connack_packet{false, reason_code::success, props});
    CHECK(h.take_events(event_kind::connected).empty());
    CHECK_FALSE(h.status().connected);
    INFO(h.close_text);
    CHECK(h.close_text.find(ours ? "[MQTT-4.12.0-5]" : "[MQTT-4.12.0-6]") != std::string::npos);
  }
  CHECK(h.expect<disconnect_packet>().code == reason_code::protocol_error);
  CHECK(h.closed);
}

TEST_CASE("client: a refusing CONNACK needs no Authentication Method", "[client]") {
  client_harness h(connect_v(v5, "c", true, 0, {method("SCRAM-SHA-1")}));
  h.open();
  h.expect<connect_packet>();
  h.send(connack_packet{false, reason_code::bad_authentication_method, {}});
  CHECK(h.expect_event(event_kind::refused).code == reason_code::bad_authentication_method);
  CHECK(h.closed);
}

// ---- a server that breaks the protocol ------------------------------------------------

TEST_CASE("client: malformed input from the server: DISCONNECT 0x81 and close (5.0) [MQTT-3.3.1-4]", "[client]") {
  const bytes qos3 = hex("36 06 00 01 74 00 01 00");  // PUBLISH with both QoS bits set
  REQUIRE(decode_error(qos3, v5).code == reason_code::malformed_packet);
  client_harness h(connect_v(v5));
  h.connect_ok();
  h.send_bytes(qos3);
  CHECK(h.expect<disconnect_packet>().code == reason_code::malformed_packet);
  CHECK(h.closed);
  CHECK(h.close_reason == reason_code::malformed_packet);
  CHECK(h.take_events(event_kind::message).empty());
  // Nothing more is read from that connection.
  h.send_publish("t", "after");
  CHECK(h.no_events());
  CHECK(h.nothing_written());
}

TEST_CASE("client: malformed input from a 3.1.1 server closes without a DISCONNECT", "[client]") {
  client_harness h(connect_v(v311));
  h.connect_ok();
  h.send_bytes(hex("36 05 00 01 74 00 01"));
  CHECK(h.nothing_written());
  CHECK(h.closed);
  CHECK(h.close_reason == reason_code::malformed_packet);
}

TEST_CASE("client: a packet other than CONNACK or AUTH before CONNACK is a Protocol Error [MQTT-3.2.0-1]", "[client]") {
  client_harness h(connect_v(v5));
  h.open();
  h.expect<connect_packet>();
  h.send_publish("t", "too early");
  CHECK(h.expect<disconnect_packet>().code == reason_code::protocol_error);
  CHECK(h.closed);
  CHECK(h.take_events(event_kind::message).empty());
  CHECK_FALSE(h.status().connected);
}

TEST_CASE("client: a second CONNACK is a Protocol Error [MQTT-3.2.0-2]", "[client]") {
  client_harness h(connect_v(v5));
  h.connect_ok();
  h.send(connack_packet{});
  CHECK(h.expect<disconnect_packet>().code == reason_code::protocol_error);
  CHECK(h.closed);
}

TEST_CASE("client: a packet only a client sends (SUBSCRIBE) is a Protocol Error", "[client]") {
  client_harness h(connect_v(v5));
  h.connect_ok();
  h.send(subscribe_packet{1, {{"a", qos::at_most_once, false, false, retain_handling::send_on_subscribe}}, {}});
  CHECK(h.expect<disconnect_packet>().code == reason_code::protocol_error);
  CHECK(h.closed);
}

TEST_CASE("client: output accumulates across calls until clear_output()", "[client]") {
  mqttw::client::client c({}, view(request_bytes(connect_v(v5), v5)));
  c.on_open(1);
  const auto connect_size = c.output().size();
  REQUIRE(connect_size > 0);
  c.on_bytes(view(hex("20 03 00 00 00")), 2);  // CONNACK
  c.publish(1, view(request_bytes(publish_packet{"t", view("a"), qos::at_most_once, false, false, 0, {}}, v5)), 3);
  c.publish(2, view(request_bytes(publish_packet{"t", view("b"), qos::at_most_once, false, false, 0, {}}, v5)), 4);
  const bytes out(c.output().begin(), c.output().end());
  decoder d(decoder_options{});  // as a server reads: the CONNECT names the protocol
  std::vector<packet> all;
  REQUIRE_FALSE(d.push(view(out), all));
  CHECK(d.buffered() == 0);
  REQUIRE(all.size() == 3);
  CHECK(std::holds_alternative<connect_packet>(all[0]));
  CHECK(std::holds_alternative<publish_packet>(all[2]));
  c.clear_output();
  CHECK(c.output().empty());
}

TEST_CASE("client: a conversation byte for byte: CONNECT, CONNACK, PUBLISH QoS 1, PUBACK, DISCONNECT", "[client]") {
  SECTION("3.1.1") {
    client_harness h(connect_v(v311, "c", true, 60));
    h.open();
    CHECK(h.wire == hex("10 0d  00 04 4d 51 54 54  04  02  00 3c  00 01 63"));
    h.send_bytes(hex("20 02 00 00"));
    h.expect_event(event_kind::connected);
    h.wire.clear();
    h.expect<connect_packet>();  // read earlier
    h.publish(1, "t", "hi", qos::at_least_once);
    const auto p = h.expect<publish_packet>();
    bytes want = hex("32 07  00 01 74");
    append(want, id_bytes(p.packet_id));
    append(want, hex("68 69"));
    CHECK(h.wire == want);
    bytes puback{0x40, 0x02};
    append(puback, id_bytes(p.packet_id));
    h.send_bytes(puback);
    CHECK(h.expect_event(event_kind::completed).tok == 1);
    h.wire.clear();
    h.disconnect();
    CHECK(h.wire == hex("e0 00"));
  }
  SECTION("5.0, with max_packet_size in the CONNECT") {
    client_options o;
    o.max_packet_size = 0x100000;
    client_harness h(connect_v(v5, "c", true, 60), o);
    h.open();
    CHECK(h.wire == hex("10 13  00 04 4d 51 54 54  05  02  00 3c  05 27 00 10 00 00  00 01 63"));
    h.send_bytes(hex("20 03 00 00 00"));
    h.expect_event(event_kind::connected);
    h.wire.clear();
    h.expect<connect_packet>();
    h.publish(1, "t", "hi", qos::at_least_once);
    const auto p = h.expect<publish_packet>();
    bytes want = hex("32 08  00 01 74");
    append(want, id_bytes(p.packet_id));
    append(want, hex("00  68 69"));
    CHECK(h.wire == want);
    // PUBACK with reason 0x10 and no properties.
    bytes puback{0x40, 0x03};
    append(puback, id_bytes(p.packet_id));
    puback.push_back(0x10);
    h.send_bytes(puback);
    CHECK(h.expect_event(event_kind::completed).code == reason_code::no_matching_subscribers);
    h.wire.clear();
    h.disconnect(disconnect_packet{reason_code::normal_disconnection, {}});
    CHECK((h.wire == hex("e0 00") || h.wire == hex("e0 01 00")));  // reason 0 may be left out
  }
}
