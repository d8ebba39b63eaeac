// The subscription trie: matching by section 4.7, replacing, removing, shared groups.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "mqttw/broker/topic_tree.hpp"

using namespace mqttw;
using namespace mqttw::broker;

namespace {

// Records what match() visits. Plain subscriptions as (subscriber, subscription id),
// so a test can tell which filter matched; groups by name.
struct recorder {
  std::vector<std::pair<subscriber_id, std::uint32_t>> subs;
  std::vector<shared_group*> groups;
  void on_subscriber(subscriber_id who, const subscription_options& o) {
    subs.emplace_back(who, o.subscription_id);
  }
  void on_shared_group(shared_group& g) { groups.push_back(&g); }
};

subscription_options with_id(std::uint32_t id) {
  subscription_options o;
  o.subscription_id = id;
  return o;
}

// The subscribers (sorted) whose plain subscriptions match `topic`.
std::vector<subscriber_id> who_gets(topic_tree& t, std::string_view topic) {
  recorder r;
  t.match(topic, r);
  std::vector<subscriber_id> out;
  for (const auto& s : r.subs) out.push_back(s.first);
  std::sort(out.begin(), out.end());
  return out;
}

// Whether the single filter matches the topic.
bool matches(std::string_view filter, std::string_view topic) {
  topic_tree t;
  t.subscribe(filter, 1, {});
  return who_gets(t, topic).size() == 1;
}

using ids = std::vector<subscriber_id>;

}  // namespace

TEST_CASE("topic tree: exact filters match only their topic", "[topic_tree]") {
  CHECK(matches("a/b", "a/b"));
  CHECK_FALSE(matches("a/b", "a"));
  CHECK_FALSE(matches("a/b", "a/b/c"));
  CHECK_FALSE(matches("a/b", "a/c"));
  CHECK_FALSE(matches("a", "A"));  // topics are case sensitive (section 4.7.3)
  CHECK(matches("a b/c", "a b/c"));
}

TEST_CASE("topic tree: '+' matches exactly one level [MQTT-4.7.1-2]", "[topic_tree]") {
  CHECK(matches("a/+", "a/b"));
  CHECK(matches("a/+/c", "a/x/c"));
  CHECK(matches("+", "a"));
  CHECK_FALSE(matches("a/+", "a"));
  CHECK_FALSE(matches("a/+", "a/b/c"));
  CHECK_FALSE(matches("+", "a/b"));
  CHECK(matches("+/x", "a/x"));
  CHECK_FALSE(matches("+/x", "a/y"));
  CHECK_FALSE(matches("+/x", "x"));
}

TEST_CASE("topic tree: '#' matches its parent level and all below", "[topic_tree]") {
  CHECK(matches("a/#", "a/b"));
  CHECK(matches("a/#", "a/b/c/d"));
  CHECK(matches("a/#", "a"));  // section 4.7.1.2: "sport/#" matches "sport"
  CHECK(matches("a/#", "a/"));
  CHECK_FALSE(matches("a/#", "b"));
  CHECK_FALSE(matches("a/#", "ab"));
  CHECK(matches("a/+/#", "a/b"));
  CHECK_FALSE(matches("a/+/#", "a"));
  CHECK(matches("#", "a"));
  CHECK(matches("#", "a/b/c"));
  CHECK(matches("#", "/"));
}

TEST_CASE("topic tree: empty levels are levels", "[topic_tree]") {
  CHECK(matches("+/+", "a/"));
  CHECK(matches("+/+", "/a"));
  CHECK(matches("+/+", "/"));
  CHECK_FALSE(matches("+", "/a"));
  CHECK(matches("/+", "/a"));
  CHECK(matches("/a", "/a"));
  CHECK_FALSE(matches("a", "/a"));
  CHECK(matches("a//b", "a//b"));
  CHECK(matches("a/+/b", "a//b"));
  CHECK_FALSE(matches("a/b", "a//b"));
  CHECK(matches("a/#", "a//b"));
}

TEST_CASE("topic tree: wildcards first do not match $ topics [MQTT-4.7.2-1]", "[topic_tree]") {
  CHECK_FALSE(matches("#", "$SYS/broker/uptime"));
  CHECK_FALSE(matches("#", "$SYS"));
  CHECK_FALSE(matches("+/monitor/Clients", "$SYS/monitor/Clients"));
  CHECK_FALSE(matches("+", "$x"));
  CHECK(matches("$SYS/#", "$SYS/broker/uptime"));
  CHECK(matches("$SYS/#", "$SYS"));
  CHECK(matches("$SYS/monitor/+", "$SYS/monitor/Clients"));
  CHECK(matches("$SYS/+/Clients", "$SYS/monitor/Clients"));
  // Only the first level counts.
  CHECK(matches("a/#", "a/$b"));
  CHECK(matches("a/+", "a/$b"));
  CHECK(matches("#", "a$"));
}

TEST_CASE("topic tree: overlapping filters visit a subscriber once per filter", "[topic_tree]") {
  topic_tree t;
  CHECK(t.subscribe("a/b", 1, with_id(10)));
  CHECK(t.subscribe("a/+", 1, with_id(11)));
  CHECK(t.subscribe("#", 1, with_id(12)));
  CHECK(t.subscribe("a/+", 2, with_id(20)));
  CHECK(t.subscribe("b", 3, with_id(30)));
  CHECK(t.size() == 5);
  recorder r;
  t.match("a/b", r);
  std::sort(r.subs.begin(), r.subs.end());
  using pairs = std::vector<std::pair<subscriber_id, std::uint32_t>>;
  CHECK(r.subs == pairs{{1, 10}, {1, 11}, {1, 12}, {2, 20}});
  CHECK(r.groups.empty());
}

TEST_CASE("topic tree: subscribing again replaces the options [MQTT-3.8.4-3]", "[topic_tree]") {
  topic_tree t;
  CHECK(t.subscribe("a/+", 1, with_id(1)));
  CHECK_FALSE(t.subscribe("a/+", 1, with_id(2)));
  CHECK(t.size() == 1);
  recorder r;
  t.match("a/x", r);
  REQUIRE(r.subs.size() == 1);
  CHECK(r.subs[0].second == 2);
}

TEST_CASE("topic tree: unsubscribe removes one pair and frees empty nodes", "[topic_tree]") {
  topic_tree t;
  t.subscribe("a/b/c", 1, {});
  t.subscribe("a/+/#", 1, {});
  t.subscribe("a/b", 2, {});
  CHECK(t.size() == 3);
  CHECK_FALSE(t.unsubscribe("a/b/c", 2));  // someone else's
  CHECK_FALSE(t.unsubscribe("a/b/x", 1));  // no such filter
  CHECK_FALSE(t.unsubscribe("a/+", 1));
  CHECK(t.unsubscribe("a/b/c", 1));
  CHECK_FALSE(t.unsubscribe("a/b/c", 1));  // already gone
  CHECK(t.size() == 2);
  CHECK(who_gets(t, "a/b/c") == ids{1});  // through "a/+/#"
  CHECK(who_gets(t, "a/b") == ids{1, 2});
  CHECK(t.unsubscribe("a/+/#", 1));
  CHECK(t.unsubscribe("a/b", 2));
  CHECK(t.size() == 0);
  CHECK(who_gets(t, "a/b/c").empty());
  // The freed nodes come back as new ones: subscribing again is new, not a replace.
  CHECK(t.subscribe("a/b/c", 1, {}));
  CHECK(t.subscribe("a/+/#", 1, {}));
  CHECK(t.size() == 2);
  CHECK(who_gets(t, "a/b/c") == ids{1, 1});
}

TEST_CASE("topic tree: removing a deep filter keeps the shorter one", "[topic_tree]") {
  topic_tree t;
  t.subscribe("a", 1, {});
  t.subscribe("a/b/c/d", 2, {});
  CHECK(t.unsubscribe("a/b/c/d", 2));
  CHECK(who_gets(t, "a") == ids{1});
  CHECK(who_gets(t, "a/b/c/d").empty());
  CHECK(t.unsubscribe("a", 1));
  CHECK(t.size() == 0);
}

TEST_CASE("topic tree: shared groups on one filter are visited separately", "[topic_tree]") {
  topic_tree t;
  CHECK(t.subscribe_shared("g1", "a/+", 1, with_id(1)));
  CHECK(t.subscribe_shared("g1", "a/+", 2, with_id(2)));
  CHECK(t.subscribe_shared("g2", "a/+", 1, with_id(3)));
  CHECK_FALSE(t.subscribe_shared("g1", "a/+", 2, with_id(4)));  // replaced
  CHECK(t.subscribe_shared("g1", "a/b", 3, {}));                // another filter
  CHECK(t.subscribe("a/+", 1, {}));                             // and a plain one
  CHECK(t.size() == 5);

  recorder r;
  t.match("a/x", r);
  CHECK(r.subs.size() == 1);
  REQUIRE(r.groups.size() == 2);
  std::sort(r.groups.begin(), r.groups.end(),
            [](const shared_group* x, const shared_group* y) { return x->name < y->name; });
  CHECK(r.groups[0]->name == "g1");
  REQUIRE(r.groups[0]->members.size() == 2);
  CHECK(r.groups[0]->members[0].who == 1);
  CHECK(r.groups[0]->members[1].who == 2);
  CHECK(r.groups[0]->members[1].options.subscription_id == 4);
  CHECK(r.groups[1]->name == "g2");
  CHECK(r.groups[1]->members.size() == 1);

  recorder both;
  t.match("a/b", both);
  CHECK(both.groups.size() == 3);  // g1 on "a/+", g2 on "a/+", g1 on "a/b"
}

TEST_CASE("topic tree: shared groups follow the $ rule [MQTT-4.7.2-1]", "[topic_tree]") {
  topic_tree t;
  t.subscribe_shared("g", "#", 1, {});
  recorder r;
  t.match("$SYS/x", r);
  CHECK(r.groups.empty());
  t.match("x", r);
  CHECK(r.groups.size() == 1);
}

TEST_CASE("topic tree: removing group members keeps the cursor in range", "[topic_tree]") {
  topic_tree t;
  for (subscriber_id who = 1; who <= 4; ++who) t.subscribe_shared("g", "t", who, {});
  recorder r;
  t.match("t", r);
  REQUIRE(r.groups.size() == 1);
  shared_group* g = r.groups[0];

  g->next = 3;  // member 4's turn
  CHECK(t.unsubscribe_shared("g", "t", 2));
  REQUIRE(g->members.size() == 3);
  CHECK(g->next == 2);  // still member 4
  CHECK(g->members[g->next].who == 4);

  CHECK(t.unsubscribe_shared("g", "t", 4));  // the one whose turn it was
  CHECK(g->next < g->members.size());
  CHECK_FALSE(t.unsubscribe_shared("g", "t", 4));
  CHECK_FALSE(t.unsubscribe_shared("other", "t", 1));
  CHECK_FALSE(t.unsubscribe("t", 1));  // a member is not a plain subscriber
  CHECK(t.size() == 2);

  CHECK(t.unsubscribe_shared("g", "t", 1));
  CHECK(t.unsubscribe_shared("g", "t", 3));
  CHECK(t.size() == 0);
  recorder none;
  t.match("t", none);
  CHECK(none.groups.empty());  // the empty group went, and its node with it
  CHECK(t.subscribe_shared("g", "t", 1, {}));
}

TEST_CASE("topic tree: 200-level topics and filters", "[topic_tree]") {
  std::string topic = "l0";
  for (int i = 1; i < 200; ++i) topic += "/l" + std::to_string(i);
  std::string plus_filter = "+";
  for (int i = 1; i < 200; ++i) plus_filter += "/+";
  topic_tree t;
  t.subscribe(topic, 1, {});
  t.subscribe(plus_filter, 2, {});
  t.subscribe(topic.substr(0, topic.rfind('/')) + "/#", 3, {});
  t.subscribe(plus_filter + "/+", 4, {});  // 201 levels: no match
  CHECK(who_gets(t, topic) == ids{1, 2, 3});
  CHECK(t.unsubscribe(topic, 1));
  CHECK(t.unsubscribe(plus_filter, 2));
  CHECK(who_gets(t, topic) == ids{3});
  CHECK(t.size() == 2);
}
