// Broker scenarios with the application's hooks: authentication, authorization of
// PUBLISH, wills and SUBSCRIBE, enhanced AUTH and re-authentication. The broker asks
// with a request and pauses that connection's input, in order, until the answer.
#include "broker_harness.hpp"
#include "test_support.hpp"

using namespace mqttw;
using namespace mqttw::test;
using mqttw::broker::broker_options;
using mqttw::broker::request;
using mqttw::broker::request_kind;

namespace {

broker_options hooks(bool authenticate, bool publish = false, bool subscribe = false, bool enhanced = false) {
  broker_options o;
  o.hook_authenticate = authenticate;
  o.hook_authorize_publish = publish;
  o.hook_authorize_subscribe = subscribe;
  o.hook_enhanced_auth = enhanced;
  return o;
}

connect_packet connect_of(std::string_view id, protocol_version v) {
  connect_packet p{};
  p.version = v;
  p.client_id = id;
  return p;
}

bytes encoded(std::initializer_list<packet> packets, protocol_version v) {
  bytes out;
  for (const auto& p : packets) {
    const error err = encode(p, v, out);
    INFO(err.reason);
    REQUIRE_FALSE(err);
  }
  return out;
}

// Connects through the authenticate hook, answering yes.
conn_id connect_allowed(broker_harness& h, std::string_view id, protocol_version v) {
  const auto c = h.open_with(connect_of(id, v));
  if (!h.requests.empty()) h.answer(h.next_request().id, reason_code::success);
  REQUIRE(h.expect<connack_packet>(c).code == reason_code::success);
  return c;
}

// A 5.0 CONNECT asking for enhanced authentication with the method "M".
connect_packet method_connect(std::string_view id) {
  auto p = connect_of(id, v5);
  p.props = {property::string(property_id::authentication_method, "M")};
  return p;
}

// Connects with the method "M", which the enhanced_auth hook accepts at once.
conn_id connect_with_method(broker_harness& h, std::string_view id) {
  const auto c = h.open_with(method_connect(id));
  h.answer(h.next_request().id, reason_code::success);
  REQUIRE(h.expect<connack_packet>(c).code == reason_code::success);
  return c;
}

std::string text_of(const std::vector<std::uint8_t>& b) { return std::string(b.begin(), b.end()); }

std::string auth_data_of(const properties& props) {
  const property* d = find_property(props, property_id::authentication_data);
  return d ? std::string(d->data.begin(), d->data.end()) : std::string();
}

std::string auth_method_of(const properties& props) {
  const property* m = find_property(props, property_id::authentication_method);
  return m ? std::string(m->text) : std::string();
}

}  // namespace

// ---- authenticate ------------------------------------------------------------------

TEST_CASE("authenticate: the request carries the CONNECT's credentials; answer 0 accepts", "[broker]") {
  broker_harness h(hooks(true));
  auto p = connect_of("dev-1", v5);
  p.username = "alice";
  const bytes password{0x01, 0x00, 0xFF};
  p.password = view(password);
  const auto c = h.open_with(p);
  CHECK(h.nothing_for(c));
  REQUIRE(h.requests.size() == 1);
  const request r = h.next_request();
  CHECK(r.kind == request_kind::authenticate);
  CHECK(r.conn == c);
  CHECK(r.client_id == "dev-1");
  CHECK(r.has_username);
  CHECK(r.username == "alice");
  CHECK(r.has_password);
  CHECK(r.password == password);
  h.answer(r.id, reason_code::success);
  CHECK(h.expect<connack_packet>(c).code == reason_code::success);
  SECTION("an empty client id is asked about with the id the broker assigns") {
    const auto anon = h.open_with(connect_of("", v5));
    const request a = h.next_request();
    CHECK_FALSE(a.client_id.empty());
    CHECK_FALSE(a.has_username);
    CHECK_FALSE(a.has_password);
    h.answer(a.id, reason_code::success);
    auto& ack = h.expect<connack_packet>(anon);
    REQUIRE(find_property(ack.props, property_id::assigned_client_identifier));
    CHECK(find_property(ack.props, property_id::assigned_client_identifier)->text == a.client_id);
  }
}

TEST_CASE("authenticate: answer 0x86 refuses, CONNACK 0x86 in 5.0 and return code 4 in 3.1.1 [MQTT-3.2.2-7]", "[broker]") {
  const auto v = GENERATE(v311, v5);
  broker_harness h(hooks(true));
  const auto c = h.open_with(connect_of("c", v));
  h.answer(h.next_request().id, reason_code::bad_user_name_or_password);
  auto& ack = h.expect<connack_packet>(c);
  CHECK(static_cast<int>(ack.code) == (v == v5 ? 0x86 : 4));
  CHECK_FALSE(ack.session_present);
  CHECK(h.is_closed(c));
  CHECK(h.b.stats().clients_connected == 0);
}

TEST_CASE("packets sent before the answer wait, in order, and are all handled after it", "[broker]") {
  const auto v = GENERATE(v311, v5);
  broker_harness h(hooks(true));
  const auto c = h.open(v);
  // CONNECT, SUBSCRIBE and PUBLISH in one chunk, then more while the broker waits.
  h.send_bytes(c, encoded({connect_of("c", v), subscribe_packet{1, {{"p/#", qos::at_least_once}}, {}},
                           publish_packet{"p/1", view("one"), qos::at_least_once, false, false, 7, {}}},
                          v));
  const bytes later = encoded({publish_packet{"p/2", view("two"), qos::at_most_once, false, false, 0, {}},
                               pingreq_packet{}},
                              v);
  const auto cut = later.size() / 2;  // a packet cut across two chunks
  h.send_bytes(c, bytes(later.begin(), later.begin() + static_cast<std::ptrdiff_t>(cut)));
  h.send_bytes(c, bytes(later.begin() + static_cast<std::ptrdiff_t>(cut), later.end()));
  CHECK(h.nothing_for(c));
  REQUIRE(h.requests.size() == 1);
  h.answer(h.next_request().id, reason_code::success);
  CHECK(h.expect<connack_packet>(c).code == reason_code::success);
  CHECK(h.expect<suback_packet>(c).packet_id == 1);
  // The PUBLISH is routed (to c's own subscription) and acknowledged, in that order.
  auto& one = h.expect<publish_packet>(c);
  CHECK(broker_harness::text(one.payload) == "one");
  CHECK(one.qos == qos::at_least_once);
  CHECK(h.expect<puback_packet>(c).packet_id == 7);
  CHECK(broker_harness::text(h.expect<publish_packet>(c).payload) == "two");
  h.expect<pingresp_packet>(c);
  CHECK(h.nothing_for(c));
  h.publish(c, "p/3", "three");
  CHECK(broker_harness::text(h.expect<publish_packet>(c).payload) == "three");
  CHECK_FALSE(h.is_closed(c));
}

TEST_CASE("pipelined packets after a refused CONNECT are not processed [MQTT-3.1.4-6]", "[broker]") {
  broker_harness h(hooks(true));
  const auto w = connect_allowed(h, "watcher", v5);
  h.subscribe(w, "p/#");
  const auto c = h.open(v5);
  h.send_bytes(c, encoded({connect_of("c", v5), publish_packet{"p/1", view("x"), qos::at_most_once, false, false, 0, {}}}, v5));
  h.answer(h.next_request().id, reason_code::not_authorized);
  CHECK(h.expect<connack_packet>(c).code == reason_code::not_authorized);
  CHECK(h.is_closed(c));
  CHECK(h.nothing_for(w));
}

TEST_CASE("malformed bytes held behind the answer fail the connection after the packets before them", "[broker]") {
  broker_harness h(hooks(true));
  const auto c = h.open(v5);
  bytes chunk = encoded({connect_of("c", v5), pingreq_packet{}}, v5);
  chunk.push_back(0x00);  // packet type 0 is reserved
  chunk.push_back(0x00);
  h.send_bytes(c, chunk);
  h.answer(h.next_request().id, reason_code::success);
  h.expect<connack_packet>(c);
  h.expect<pingresp_packet>(c);
  CHECK(h.expect<disconnect_packet>(c).code == reason_code::malformed_packet);
  CHECK(h.is_closed(c));
}

// ---- authorize_publish -------------------------------------------------------------

TEST_CASE("authorize_publish: a refused QoS 1 PUBLISH gets PUBACK 0x87 in 5.0, a positive PUBACK in 3.1.1 [MQTT-3.3.5-2], "
          "and is not routed",
          "[broker]") {
  const auto v = GENERATE(v311, v5);
  broker_harness h(hooks(false, true));
  const auto w = h.connect("w", v5);
  h.subscribe(w, "ap/#", qos::at_least_once);
  const auto c = h.connect("c", v);
  h.publish(c, "ap/1", "denied", qos::at_least_once, false, 3);
  CHECK(h.nothing_for(c));
  const request r = h.next_request();
  CHECK(r.kind == request_kind::authorize_publish);
  CHECK(r.client_id == "c");
  CHECK(r.topic == "ap/1");
  CHECK(r.qos == qos::at_least_once);
  CHECK_FALSE(r.retain);
  CHECK_FALSE(r.is_will);
  CHECK(text_of(r.payload) == "denied");
  h.answer(r.id, reason_code::not_authorized);
  auto& ack = h.expect<puback_packet>(c);
  CHECK(ack.packet_id == 3);
  CHECK(ack.code == (v == v5 ? reason_code::not_authorized : reason_code::success));
  CHECK(h.nothing_for(w));
  CHECK_FALSE(h.is_closed(c));
  h.publish(c, "ap/2", "allowed", qos::at_least_once, false, 4);
  h.answer(h.next_request().id, reason_code::success);
  CHECK(h.expect<puback_packet>(c).code == reason_code::success);
  CHECK(broker_harness::text(h.expect<publish_packet>(w).payload) == "allowed");
}

TEST_CASE("authorize_publish: a refused QoS 2 PUBLISH gets PUBREC 0x87 and its packet id is free again [MQTT-4.3.3-9]",
          "[broker]") {
  broker_harness h(hooks(false, true));
  const auto w = h.connect("w", v5);
  h.subscribe(w, "ap");
  const auto c = h.connect("c", v5);
  h.publish(c, "ap", "no", qos::exactly_once, false, 9);
  h.answer(h.next_request().id, reason_code::not_authorized);
  CHECK(h.expect<pubrec_packet>(c).code == reason_code::not_authorized);
  h.publish(c, "ap", "yes", qos::exactly_once, false, 9);  // a new message, asked about again
  h.answer(h.next_request().id, reason_code::success);
  CHECK(h.expect<pubrec_packet>(c).code == reason_code::success);
  CHECK(broker_harness::text(h.expect<publish_packet>(w).payload) == "yes");
  h.send(c, pubrel_packet{9, reason_code::success, {}});
  CHECK(h.expect<pubcomp_packet>(c).code == reason_code::success);
}

TEST_CASE("authorize_publish: a refused retained message is not stored", "[broker]") {
  broker_harness h(hooks(false, true));
  const auto c = h.connect("c", v5);
  h.publish(c, "ar", "kept", qos::at_most_once, true);
  const request r = h.next_request();
  CHECK(r.retain);
  h.answer(r.id, reason_code::not_authorized);
  const auto s = h.connect("s", v5);
  h.subscribe(s, "ar");
  CHECK(h.nothing_for(s));
  const auto before = h.b.stats().retained;
  h.publish(c, "ar", "kept", qos::at_most_once, true);
  h.answer(h.next_request().id, reason_code::success);
  CHECK(h.b.stats().retained == before + 1);
  h.drain(s);
  const auto t = h.connect("t", v5);
  h.subscribe(t, "ar");
  CHECK(h.expect<publish_packet>(t).retain);
}

TEST_CASE("authorize_publish: packets behind an unanswered PUBLISH wait for the answer", "[broker]") {
  broker_harness h(hooks(false, true));
  const auto c = h.connect("c", v5);
  h.send_bytes(c, encoded({publish_packet{"q", view("a"), qos::at_least_once, false, false, 1, {}}, pingreq_packet{},
                           publish_packet{"q", view("b"), qos::at_least_once, false, false, 2, {}}},
                          v5));
  CHECK(h.nothing_for(c));
  REQUIRE(h.requests.size() == 1);
  h.answer(h.next_request().id, reason_code::success);
  CHECK(h.expect<puback_packet>(c).packet_id == 1);
  h.expect<pingresp_packet>(c);
  CHECK(h.nothing_for(c));  // the second PUBLISH is asked about in turn
  const request second = h.next_request();
  CHECK(text_of(second.payload) == "b");
  h.answer(second.id, reason_code::success);
  CHECK(h.expect<puback_packet>(c).packet_id == 2);
}

TEST_CASE("the will is authorized at CONNECT: refused, CONNACK 0x87 in 5.0 and return code 5 in 3.1.1", "[broker]") {
  const auto v = GENERATE(v311, v5);
  broker_harness h(hooks(true, true));
  auto p = connect_of("c", v);
  p.will = will_message{"wills/c", view("bye"), qos::at_least_once, true, {}};
  auto c = h.open_with(p);
  const request auth = h.next_request();
  CHECK(auth.kind == request_kind::authenticate);
  h.answer(auth.id, reason_code::success);
  CHECK(h.nothing_for(c));
  const request r = h.next_request();
  CHECK(r.kind == request_kind::authorize_publish);
  CHECK(r.is_will);
  CHECK(r.topic == "wills/c");
  CHECK(r.qos == qos::at_least_once);
  CHECK(r.retain);
  CHECK(text_of(r.payload) == "bye");
  SECTION("refused") {
    h.answer(r.id, reason_code::not_authorized);
    CHECK(static_cast<int>(h.expect<connack_packet>(c).code) == (v == v5 ? 0x87 : 5));
    CHECK(h.is_closed(c));
  }
  SECTION("allowed: it goes when the connection drops, without another question") {
    h.answer(r.id, reason_code::success);
    CHECK(h.expect<connack_packet>(c).code == reason_code::success);
    const auto w = connect_allowed(h, "w", v5);
    h.subscribe(w, "wills/#", qos::at_least_once);
    CHECK(h.nothing_for(w));
    h.hang_up(c);
    CHECK(h.requests.empty());
    auto& will = h.expect<publish_packet>(w);
    CHECK(broker_harness::text(will.payload) == "bye");
    CHECK(will.qos == qos::at_least_once);
  }
}

// ---- authorize_subscribe -----------------------------------------------------------

TEST_CASE("authorize_subscribe: one question per filter; an answer lowers the QoS or refuses (0x87, 0x80 in 3.1.1)",
          "[broker]") {
  const auto v = GENERATE(v311, v5);
  broker_harness h(hooks(false, false, true));
  const auto c = h.connect("c", v);
  h.send(c, subscribe_packet{4,
                             {{"as/a", qos::exactly_once}, {"as/b", qos::at_least_once}, {"as/c", qos::at_most_once},
                              {"as/d", qos::exactly_once}},
                             {}});
  REQUIRE(h.requests.size() == 4);
  const request a = h.next_request(), b = h.next_request(), cc = h.next_request(), d = h.next_request();
  CHECK(a.kind == request_kind::authorize_subscribe);
  CHECK(a.topic == "as/a");
  CHECK(a.qos == qos::exactly_once);
  CHECK(b.topic == "as/b");
  CHECK(cc.topic == "as/c");
  CHECK(d.topic == "as/d");
  // Answers in any order; the SUBACK waits for the last one.
  h.answer(d.id, static_cast<reason_code>(2));
  h.answer(b.id, reason_code::not_authorized);
  h.answer(cc.id, static_cast<reason_code>(2));  // asked 0: an answer never raises it
  CHECK(h.nothing_for(c));
  h.answer(a.id, static_cast<reason_code>(1));
  auto& ack = h.expect<suback_packet>(c);
  CHECK(ack.packet_id == 4);
  REQUIRE(ack.codes.size() == 4);
  CHECK(static_cast<int>(ack.codes[0]) == 1);
  CHECK(static_cast<int>(ack.codes[1]) == (v == v5 ? 0x87 : 0x80));
  CHECK(static_cast<int>(ack.codes[2]) == 0);
  CHECK(static_cast<int>(ack.codes[3]) == 2);
  const auto pub = h.connect("pub", v5);
  h.publish(pub, "as/a", "1", qos::exactly_once, false, 1);
  h.publish(pub, "as/b", "2", qos::exactly_once, false, 2);
  auto& m = h.expect<publish_packet>(c);
  CHECK(m.topic == "as/a");
  CHECK(m.qos == qos::at_least_once);
  CHECK(h.nothing_for(c));
}

TEST_CASE("authorize_subscribe: filters refused by a limit are not asked about", "[broker]") {
  broker_options o = hooks(false, false, true);
  o.max_topic_levels = 2;
  broker_harness h(o);
  const auto c = h.connect("c", v5);
  h.send(c, subscribe_packet{1, {{"x/y/z", qos::at_most_once}, {"x/y", qos::at_most_once}}, {}});
  REQUIRE(h.requests.size() == 1);
  const request r = h.next_request();
  CHECK(r.topic == "x/y");
  h.answer(r.id, static_cast<reason_code>(0));
  auto& ack = h.expect<suback_packet>(c);
  CHECK(ack.codes == std::vector<reason_code>{reason_code::topic_filter_invalid, reason_code::granted_qos_0});
}

TEST_CASE("answers to requests of closed connections, or answered twice, are ignored", "[broker]") {
  broker_harness h(hooks(true, true, true));
  const auto a = h.open_with(connect_of("a", v5));
  const request auth = h.next_request();
  h.hang_up(a);
  h.answer(auth.id, reason_code::success);
  const auto b = connect_allowed(h, "b", v5);
  h.publish(b, "t", "x", qos::at_least_once, false, 1);
  const request pub = h.next_request();
  h.send(b, subscribe_packet{2, {{"t", qos::at_least_once}}, {}});  // waits behind the PUBLISH
  h.hang_up(b);
  h.answer(pub.id, reason_code::success);
  h.answer(pub.id, reason_code::success);
  h.answer(12345, reason_code::success);
  CHECK(h.requests.empty());
  CHECK(h.b.stats().clients_connected == 0);
  // A new connection with a reused id is not answered by the old request.
  const auto c = h.open(v5, a);
  h.send(c, connect_of("c", v5));
  const request fresh = h.next_request();
  h.answer(auth.id, reason_code::success);
  CHECK(h.nothing_for(c));
  h.answer(fresh.id, reason_code::bad_user_name_or_password);
  CHECK(h.expect<connack_packet>(c).code == reason_code::bad_user_name_or_password);
}

// ---- enhanced AUTH -----------------------------------------------------------------

TEST_CASE("enhanced AUTH: continue with 0x18 both ways, then CONNACK with the method [MQTT-4.12.0-2] [MQTT-4.12.0-3] "
          "[MQTT-4.12.0-5]",
          "[broker]") {
  broker_harness h(hooks(true, false, false, true));
  auto p = connect_of("c", v5);
  p.props = {property::string(property_id::authentication_method, "SCRAM-SHA-1"),
             property::binary(property_id::authentication_data, view("client-first"))};
  const auto c = h.open_with(p);
  REQUIRE(h.requests.size() == 1);  // enhanced AUTH only, not authenticate as well
  const request first = h.next_request();
  CHECK(first.kind == request_kind::enhanced_auth);
  CHECK(first.client_id == "c");
  CHECK(first.auth_method == "SCRAM-SHA-1");
  CHECK(text_of(first.auth_data) == "client-first");
  CHECK_FALSE(first.reauthenticate);
  h.answer(first.id, reason_code::continue_authentication, text_bytes("server-first"));
  auto& challenge = h.expect<auth_packet>(c);
  CHECK(challenge.code == reason_code::continue_authentication);
  CHECK(auth_method_of(challenge.props) == "SCRAM-SHA-1");
  CHECK(auth_data_of(challenge.props) == "server-first");
  h.send(c, auth_packet{reason_code::continue_authentication,
                        {property::string(property_id::authentication_method, "SCRAM-SHA-1"),
                         property::binary(property_id::authentication_data, view("client-final"))}});
  const request second = h.next_request();
  CHECK(second.kind == request_kind::enhanced_auth);
  CHECK(text_of(second.auth_data) == "client-final");
  h.answer(second.id, reason_code::success, text_bytes("server-final"));
  auto& ack = h.expect<connack_packet>(c);
  CHECK(ack.code == reason_code::success);
  CHECK(auth_method_of(ack.props) == "SCRAM-SHA-1");
  CHECK(auth_data_of(ack.props) == "server-final");
  h.send(c, pingreq_packet{});
  h.expect<pingresp_packet>(c);
}

TEST_CASE("enhanced AUTH: without the hook, CONNACK 0x8C Bad authentication method [MQTT-4.12.0-1]", "[broker]") {
  broker_harness h;
  auto p = connect_of("c", v5);
  p.props = {property::string(property_id::authentication_method, "KERBEROS")};
  const auto c = h.open_with(p);
  CHECK(h.expect<connack_packet>(c).code == reason_code::bad_authentication_method);
  CHECK(h.is_closed(c));
}

TEST_CASE("enhanced AUTH: a failure answer refuses the CONNECT [MQTT-4.12.0-4]", "[broker]") {
  broker_harness h(hooks(false, false, false, true));
  const auto c = h.open_with(method_connect("c"));
  h.answer(h.next_request().id, reason_code::not_authorized);
  CHECK(h.expect<connack_packet>(c).code == reason_code::not_authorized);
  CHECK(h.is_closed(c));
}

TEST_CASE("enhanced AUTH: only AUTH or DISCONNECT before CONNACK [MQTT-3.1.2-30], with the same method [MQTT-4.12.0-5]",
          "[broker]") {
  broker_harness h(hooks(false, false, false, true));
  const auto c = h.open_with(method_connect("c"));
  h.answer(h.next_request().id, reason_code::continue_authentication, text_bytes("challenge"));
  h.expect<auth_packet>(c);
  SECTION("a PUBLISH") { h.publish(c, "t", "early"); }
  SECTION("another method") {
    h.send(c, auth_packet{reason_code::continue_authentication, {property::string(property_id::authentication_method, "N")}});
  }
  CHECK(h.expect<connack_packet>(c).code == reason_code::protocol_error);
  CHECK(h.is_closed(c));
}

TEST_CASE("re-authentication: AUTH 0x19, continued, then AUTH 0x00 [MQTT-4.12.1-1]; a failure disconnects [MQTT-4.12.1-2]",
          "[broker]") {
  broker_harness h(hooks(false, false, false, true));
  const auto c = connect_with_method(h, "c");
  h.send(c, auth_packet{reason_code::re_authenticate,
                        {property::string(property_id::authentication_method, "M"),
                         property::binary(property_id::authentication_data, view("again"))}});
  const request r = h.next_request();
  CHECK(r.kind == request_kind::enhanced_auth);
  CHECK(r.reauthenticate);
  CHECK(text_of(r.auth_data) == "again");
  h.answer(r.id, reason_code::continue_authentication, text_bytes("more?"));
  auto& more = h.expect<auth_packet>(c);
  CHECK(more.code == reason_code::continue_authentication);
  CHECK(auth_data_of(more.props) == "more?");
  h.send(c, auth_packet{reason_code::continue_authentication, {property::string(property_id::authentication_method, "M")}});
  const request r2 = h.next_request();
  CHECK(r2.reauthenticate);
  SECTION("accepted") {
    h.answer(r2.id, reason_code::success);
    auto& done = h.expect<auth_packet>(c);
    CHECK(done.code == reason_code::success);
    CHECK(auth_method_of(done.props) == "M");
    CHECK_FALSE(h.is_closed(c));
  }
  SECTION("refused") {
    h.answer(r2.id, reason_code::not_authorized);
    CHECK(h.expect<disconnect_packet>(c).code == reason_code::not_authorized);
    CHECK(h.is_closed(c));
  }
}

TEST_CASE("AUTH from a client that did not use enhanced authentication is a Protocol Error [MQTT-4.12.0-7]", "[broker]") {
  broker_harness h(hooks(false, false, false, true));
  const auto c = h.connect("c", v5);
  h.send(c, auth_packet{reason_code::re_authenticate, {property::string(property_id::authentication_method, "M")}});
  CHECK(h.expect<disconnect_packet>(c).code == reason_code::protocol_error);
  CHECK(h.is_closed(c));
}

TEST_CASE("a connection waiting for a hook holds at most held_input_limit bytes before it asks the host to stop reading; the answer resumes it, nothing lost", "[broker]") {
  broker_options o = hooks(false, true);
  o.held_input_limit = 4096;
  broker_harness h(o);
  const auto sub = h.connect("sub", v5);
  h.subscribe(sub, "t/#");
  const auto pub = h.connect("pub", v5);
  h.publish(pub, "t/first", "x", qos::at_most_once);  // asks authorize_publish: pub pauses
  const auto first = h.next_request();
  CHECK(h.paused_reading.empty());
  const std::string payload(100, 'p');
  for (int i = 0; i < 60; ++i) h.publish(pub, "t/more", payload, qos::at_most_once);  // ~6.6 KB held
  CHECK(h.paused_reading == std::vector<conn_id>{pub});  // once, when the limit was passed
  CHECK(h.resumed_reading.empty());
  h.answer(first.id, reason_code::success);
  CHECK(h.resumed_reading == std::vector<conn_id>{pub});
  // The held PUBLISHes are asked about in turn, and each goes through.
  int delivered = 0;
  while (!h.requests.empty()) {
    h.answer(h.next_request().id, reason_code::success);
    while (!h.nothing_for(sub)) {
      h.expect<publish_packet>(sub);
      ++delivered;
    }
  }
  while (!h.nothing_for(sub)) {
    h.expect<publish_packet>(sub);
    ++delivered;
  }
  CHECK(delivered == 61);
}

TEST_CASE("after CONNACK, AUTH 0x18 continues only a re-authentication the client started with 0x19 (section 4.12.1)", "[broker]") {
  broker_harness h(hooks(false, false, false, true));
  const auto c = connect_with_method(h, "a");
  auth_packet stray{reason_code::continue_authentication, {property::string(property_id::authentication_method, "M")}};
  h.send(c, stray);
  CHECK(h.expect<disconnect_packet>(c).code == reason_code::protocol_error);
  CHECK(h.is_closed(c));

  const auto d = connect_with_method(h, "b");
  h.send(d, auth_packet{reason_code::re_authenticate, {property::string(property_id::authentication_method, "M")}});
  h.answer(h.next_request().id, reason_code::continue_authentication);
  CHECK(h.expect<auth_packet>(d).code == reason_code::continue_authentication);
  h.send(d, stray);  // continues the re-authentication: a new request
  h.answer(h.next_request().id, reason_code::success);
  CHECK(h.expect<auth_packet>(d).code == reason_code::success);
  h.send(d, stray);  // that exchange is over
  CHECK(h.expect<disconnect_packet>(d).code == reason_code::protocol_error);
}
