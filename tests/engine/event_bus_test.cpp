#include "engine/runtime/event_bus.h"

#include <gtest/gtest.h>

#include "engine/runtime/json_log.h"

using namespace ferry::runtime;

TEST(EventBus, EverySubscriberSeesEveryEventInOrder) {
  EventBus bus;
  std::vector<std::string> a;
  std::vector<std::string> b;
  bus.subscribe([&](const Event& e) { a.push_back(e.type); });
  bus.subscribe([&](const Event& e) { b.push_back(e.type + "@" + std::to_string(e.message_id)); });
  bus.publish(Event{"received", "lab", "", 7, 0, "", 0});
  bus.publish(Event{"parsed", "lab", "", 7, 0, "", 0});
  EXPECT_EQ(a, (std::vector<std::string>{"received", "parsed"}));
  EXPECT_EQ(b, (std::vector<std::string>{"received@7", "parsed@7"}));
}

TEST(EventBus, StampsTimeWhenMissing) {
  EventBus bus;
  std::int64_t at = 0;
  bus.subscribe([&](const Event& e) { at = e.at_ms; });
  bus.publish(Event{"received", "lab", "", 1, 0, "", 0});
  EXPECT_GT(at, 1700000000000);
}

TEST(JsonLog, EscapesControlCharactersAndQuotes) {
  EXPECT_EQ(jsonEscape("a\"b\\c\nd\x01"), "a\\\"b\\\\c\\nd\\u0001");
}
