// Retained messages: set, replace, erase, match by filter, expiry; and the owned
// message they hold. Last, the store and the subscription trie against a reference
// matcher.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "mqttw/broker/retained_store.hpp"
#include "mqttw/broker/topic_tree.hpp"

using namespace mqttw;
using namespace mqttw::broker;

namespace {

bytes_view as_bytes(std::string_view s) {
  return bytes_view(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

std::string as_text(bytes_view b) { return std::string(b.begin(), b.end()); }

message_ptr make(std::string_view topic, std::string_view payload = "p",
                 std::uint32_t expiry_seconds = 0, std::uint64_t now = 0) {
  properties props;
  if (expiry_seconds != 0) {
    props.push_back(property::integer(property_id::message_expiry_interval, expiry_seconds));
  }
  return message::from_publish(topic, as_bytes(payload), qos::at_least_once, true, props, now);
}

// The topics (sorted) of the retained messages that match `filter`.
std::vector<std::string> topics(const retained_store& store, std::string_view filter) {
  std::vector<std::string> out;
  store.match(filter, [&out](const message_ptr& m) { out.push_back(m->topic); });
  std::sort(out.begin(), out.end());
  return out;
}

using names = std::vector<std::string>;

}  // namespace

TEST_CASE("retained: set, replace and erase keep size and bytes [MQTT-3.3.1-5]", "[retained]") {
  retained_store store;
  CHECK(store.size() == 0);
  CHECK(store.payload_bytes() == 0);
  store.set(make("a/b", "hello"));
  store.set(make("a", "xy"));
  CHECK(store.size() == 2);
  CHECK(store.payload_bytes() == 7);

  store.set(make("a/b", "hi"));  // replaces the topic's last one
  CHECK(store.size() == 2);
  CHECK(store.payload_bytes() == 4);
  std::string payload;
  store.match("a/b", [&payload](const message_ptr& m) { payload = as_text(m->payload); });
  CHECK(payload == "hi");

  CHECK_FALSE(store.erase("a/b/c"));
  CHECK_FALSE(store.erase("b"));
  CHECK(store.erase("a"));  // [MQTT-3.3.1-6]
  CHECK_FALSE(store.erase("a"));
  CHECK(store.size() == 1);
  CHECK(store.payload_bytes() == 2);
  CHECK(topics(store, "#") == names{"a/b"});
  CHECK(store.erase("a/b"));
  CHECK(store.size() == 0);
  CHECK(store.payload_bytes() == 0);
  CHECK(topics(store, "#").empty());
  store.set(nullptr);  // ignored
  CHECK(store.size() == 0);
}

TEST_CASE("retained: erase frees nodes and leaves the others", "[retained]") {
  retained_store store;
  store.set(make("a/b/c/d"));
  store.set(make("a"));
  CHECK(store.erase("a/b/c/d"));
  CHECK(topics(store, "#") == names{"a"});
  CHECK(topics(store, "a/+/+/+").empty());
  store.set(make("a/b/c/d"));
  CHECK(store.erase("a"));
  CHECK(topics(store, "#") == names{"a/b/c/d"});
  CHECK(topics(store, "a").empty());
}

TEST_CASE("retained: match with wildcards", "[retained]") {
  retained_store store;
  for (const char* t : {"a", "a/b", "a/c", "a/b/c", "b", "a//b", "/a", "a/"}) store.set(make(t));
  CHECK(topics(store, "a/b") == names{"a/b"});
  CHECK(topics(store, "a/x").empty());
  CHECK(topics(store, "a/+") == names{"a/", "a/b", "a/c"});
  CHECK(topics(store, "+") == names{"a", "b"});
  CHECK(topics(store, "+/+") == names{"/a", "a/", "a/b", "a/c"});
  CHECK(topics(store, "a/#") == names{"a", "a/", "a//b", "a/b", "a/b/c", "a/c"});
  CHECK(topics(store, "a/b/#") == names{"a/b", "a/b/c"});
  CHECK(topics(store, "+/#").size() == 8);
  CHECK(topics(store, "#").size() == 8);
  CHECK(topics(store, "a/+/b") == names{"a//b"});
  CHECK(topics(store, "/+") == names{"/a"});
  CHECK(topics(store, "+/b/+") == names{"a/b/c"});
  CHECK(topics(store, "c/#").empty());
}

TEST_CASE("retained: wildcards first leave out $ topics [MQTT-4.7.2-1]", "[retained]") {
  retained_store store;
  for (const char* t : {"$SYS/uptime", "$SYS", "$other/x", "a/$b", "x"}) store.set(make(t));
  CHECK(topics(store, "#") == names{"a/$b", "x"});
  CHECK(topics(store, "+") == names{"x"});
  CHECK(topics(store, "+/uptime").empty());
  CHECK(topics(store, "+/+") == names{"a/$b"});
  CHECK(topics(store, "$SYS/#") == names{"$SYS", "$SYS/uptime"});
  CHECK(topics(store, "$SYS/+") == names{"$SYS/uptime"});
  CHECK(topics(store, "$other/x") == names{"$other/x"});
}

TEST_CASE("retained: drop_expired removes only what has expired", "[retained]") {
  retained_store store;
  store.set(make("keep", "forever"));          // no expiry
  store.set(make("a/soon", "12", 1, 1000));    // expires at 2000
  store.set(make("a/later", "123", 5, 1000));  // expires at 6000
  store.set(make("a/b/c", "1234", 2, 1000));   // expires at 3000
  CHECK(store.size() == 4);
  CHECK(store.drop_expired(1999) == 0);
  CHECK(store.drop_expired(2000) == 1);  // expires_at <= now
  CHECK(store.size() == 3);
  CHECK(store.payload_bytes() == 7 + 3 + 4);
  CHECK(store.drop_expired(3000) == 1);
  CHECK(topics(store, "#") == names{"a/later", "keep"});
  CHECK(store.drop_expired(1'000'000) == 1);
  CHECK(topics(store, "#") == names{"keep"});
  CHECK(store.size() == 1);
  CHECK(store.payload_bytes() == 7);
  CHECK(store.drop_expired(~std::uint64_t{0}) == 0);
  // The emptied nodes are gone: a topic below them is new again.
  store.set(make("a/b/c"));
  CHECK(store.size() == 2);
}

TEST_CASE("retained: 200-level topics", "[retained]") {
  std::string topic = "l0";
  for (int i = 1; i < 200; ++i) topic += "/l" + std::to_string(i);
  retained_store store;
  store.set(make(topic));
  CHECK(topics(store, topic) == names{topic});
  CHECK(topics(store, "l0/#") == names{topic});
  CHECK(store.erase(topic));
  CHECK(store.size() == 0);
}

TEST_CASE("message: from_publish keeps only the pass-through properties", "[retained][message]") {
  std::string buffer = "text/plain" "resp/topic" "corr" "k1v1k2v2";
  const std::string_view b = buffer;
  properties props;
  props.push_back(property::integer(property_id::payload_format_indicator, 1));
  props.push_back(property::integer(property_id::topic_alias, 3));
  props.push_back(property::string(property_id::content_type, b.substr(0, 10)));
  props.push_back(property::integer(property_id::subscription_identifier, 9));
  props.push_back(property::string(property_id::response_topic, b.substr(10, 10)));
  props.push_back(property::binary(property_id::correlation_data, as_bytes(b.substr(20, 4))));
  props.push_back(property::user(b.substr(24, 2), b.substr(26, 2)));
  props.push_back(property::integer(property_id::message_expiry_interval, 60));
  props.push_back(property::user(b.substr(28, 2), b.substr(30, 2)));
  std::string topic = "the/topic";
  std::string payload = "payload";

  const message_ptr m = message::from_publish(topic, as_bytes(payload), qos::exactly_once,
                                              true, props, 5000);
  // The message owns its bytes: overwrite every source.
  std::fill(buffer.begin(), buffer.end(), 'X');
  std::fill(topic.begin(), topic.end(), 'X');
  std::fill(payload.begin(), payload.end(), 'X');
  props.clear();

  CHECK(m->topic == "the/topic");
  CHECK(as_text(m->payload) == "payload");
  CHECK(m->qos == qos::exactly_once);
  CHECK(m->retain);
  CHECK(m->expires_at == 5000 + 60'000);
  REQUIRE(m->props.size() == 6);
  CHECK(m->props[0].id == property_id::payload_format_indicator);
  CHECK(m->props[0].number == 1);
  CHECK(m->props[1].id == property_id::content_type);
  CHECK(m->props[1].text == "text/plain");
  CHECK(m->props[2].id == property_id::response_topic);
  CHECK(m->props[2].text == "resp/topic");
  CHECK(m->props[3].id == property_id::correlation_data);
  CHECK(as_text(m->props[3].data) == "corr");
  // User Properties in their order [MQTT-3.3.2-18].
  CHECK(m->props[4].id == property_id::user_property);
  CHECK(m->props[4].text == "k1");
  CHECK(m->props[4].value == "v1");
  CHECK(m->props[5].text == "k2");
  CHECK(m->props[5].value == "v2");
}

TEST_CASE("message: no expiry property means no expiry; an interval of 0 expires now", "[retained][message]") {
  const message_ptr none = make("t");
  CHECK(none->expires_at == 0);
  CHECK(none->props.empty());
  properties zero{property::integer(property_id::message_expiry_interval, 0)};
  CHECK(message::from_publish("t", {}, qos::at_most_once, false, zero, 700)->expires_at == 700);
  CHECK(message::from_publish("t", {}, qos::at_most_once, false, zero, 0)->expires_at == 1);
  properties empty_values{property::user("", ""), property::binary(property_id::correlation_data, {})};
  const message_ptr e = message::from_publish("t", {}, qos::at_most_once, false, empty_values, 0);
  REQUIRE(e->props.size() == 2);
  CHECK(e->props[0].text.empty());
  CHECK(e->props[1].data.empty());
  CHECK(e->payload.empty());
}

namespace {

std::vector<std::string_view> split_levels(std::string_view s) {
  std::vector<std::string_view> out;
  for (;;) {
    const auto slash = s.find('/');
    out.push_back(s.substr(0, slash));
    if (slash == std::string_view::npos) return out;
    s.remove_prefix(slash + 1);
  }
}

// Section 4.7 written the plain way, level by level.
bool reference_match(std::string_view filter, std::string_view topic) {
  const auto f = split_levels(filter);
  const auto t = split_levels(topic);
  if (t[0].starts_with('$') && (f[0] == "+" || f[0] == "#")) return false;  // [MQTT-4.7.2-1]
  std::size_t i = 0;
  for (; i < f.size(); ++i) {
    if (f[i] == "#") return true;
    if (i >= t.size() || (f[i] != "+" && f[i] != t[i])) return false;
  }
  return i == t.size();
}

struct id_recorder {
  std::vector<std::uint32_t> ids;
  void on_subscriber(subscriber_id, const subscription_options& o) { ids.push_back(o.subscription_id); }
  void on_shared_group(shared_group&) {}
};

}  // namespace

TEST_CASE("retained store and topic tree agree with a reference matcher", "[retained][topic_tree]") {
  const std::vector<std::string> levels{"a", "b", "", "$s"};
  std::vector<std::string> all_topics;  // every topic of 1 to 4 of those levels
  std::vector<std::string> frontier{""};
  for (int depth = 1; depth <= 4; ++depth) {
    std::vector<std::string> longer;
    for (const auto& prefix : frontier) {
      for (const auto& level : levels) longer.push_back(depth == 1 ? level : prefix + "/" + level);
    }
    all_topics.insert(all_topics.end(), longer.begin(), longer.end());
    frontier = std::move(longer);
  }
  std::mt19937 rng(12345);
  std::vector<std::string> filters;
  for (int i = 0; i < 300; ++i) {
    const auto count = 1 + rng() % 4;
    std::string f;
    for (std::uint32_t l = 0; l < count; ++l) {
      const auto pick = rng() % 6;
      std::string level = pick < 4 ? levels[pick] : "+";
      if (pick == 5 && l + 1 == count) level = "#";
      f += (l == 0 ? "" : "/") + level;
    }
    filters.push_back(f);
  }

  retained_store store;
  for (const auto& t : all_topics) store.set(make(t));
  for (const auto& f : filters) {
    names expected;
    for (const auto& t : all_topics) {
      if (reference_match(f, t)) expected.push_back(t);
    }
    std::sort(expected.begin(), expected.end());
    INFO("filter " << f);
    CHECK(topics(store, f) == expected);
  }

  topic_tree tree;
  for (std::uint32_t i = 0; i < filters.size(); ++i) tree.subscribe(filters[i], 1, {.subscription_id = i + 1});
  for (const auto& t : all_topics) {
    std::vector<std::uint32_t> expected;
    for (std::uint32_t i = 0; i < filters.size(); ++i) {
      // A filter drawn twice is one subscription, the later one [MQTT-3.8.4-3].
      const bool later = std::find(filters.begin() + i + 1, filters.end(), filters[i]) != filters.end();
      if (!later && reference_match(filters[i], t)) expected.push_back(i + 1);
    }
    id_recorder r;
    tree.match(t, r);
    std::sort(r.ids.begin(), r.ids.end());
    INFO("topic " << t);
    CHECK(r.ids == expected);
  }
}

TEST_CASE("next_expiry is the earliest expiry kept, and drop_expired walks only when one is due", "[retained]") {
  using namespace mqttw::broker;
  retained_store store;
  CHECK(store.next_expiry() == 0);
  const mqttw::properties in_2s{mqttw::property::integer(mqttw::property_id::message_expiry_interval, 2)};
  const mqttw::properties in_5s{mqttw::property::integer(mqttw::property_id::message_expiry_interval, 5)};
  const std::uint8_t p[] = {'x'};
  store.set(message::from_publish("a", p, mqttw::qos::at_most_once, true, in_5s, 1000));
  store.set(message::from_publish("b", p, mqttw::qos::at_most_once, true, in_2s, 1000));
  store.set(message::from_publish("c", p, mqttw::qos::at_most_once, true, {}, 1000));
  CHECK(store.next_expiry() == 3000);
  CHECK(store.drop_expired(2999) == 0);
  CHECK(store.drop_expired(3000) == 1);
  CHECK(store.next_expiry() == 6000);
  CHECK(store.size() == 2);
  CHECK(store.drop_expired(6000) == 1);
  CHECK(store.next_expiry() == 0);
  CHECK(store.size() == 1);
}
