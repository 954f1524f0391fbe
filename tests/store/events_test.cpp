// Events: the history of a message and its deliveries, in the order they happened.

#include "tests/store/store_test_support.h"

namespace ferry::store::test {
namespace {

Event makeEvent(std::optional<std::int64_t> message_id, std::string_view type, std::int64_t at) {
  Event event;
  event.message_id = message_id;
  event.channel = "lab-in";
  event.type = std::string(type);
  event.detail = "ORU^R01";
  event.at_ms = at;
  return event;
}

TEST_F(StoreTest, EventsOfAMessageComeBackInOrder) {
  const auto id = store->insertReceived(sampleMessage("C1")).id;
  const auto other = store->insertReceived(sampleMessage("C2")).id;
  ASSERT_TRUE(store->markProcessedAndRoute(id, "{}", {{"lab-out", std::nullopt}}));
  const auto delivery_id = store->deliveriesFor(id).front().id;

  store->appendEvent(makeEvent(id, event_type::kReceived, 100));
  store->appendEvent(makeEvent(other, event_type::kReceived, 101));
  store->appendEvent(makeEvent(id, event_type::kParsed, 102));
  Event sent = makeEvent(id, event_type::kDelivered, 103);
  sent.delivery_id = delivery_id;
  sent.destination = "lab-out";
  sent.detail = "AA in 12 ms";
  store->appendEvent(sent);

  auto events = store->eventsFor(id);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type, "received");
  EXPECT_EQ(events[1].type, "parsed");
  EXPECT_EQ(events[2].type, "delivered");
  EXPECT_EQ(events[2].delivery_id, delivery_id);
  EXPECT_EQ(events[2].destination, "lab-out");
  EXPECT_EQ(events[2].detail, "AA in 12 ms");
  EXPECT_EQ(events[2].at_ms, 103);
  EXPECT_EQ(events[0].message_id, id);
  EXPECT_FALSE(events[0].delivery_id.has_value());
  EXPECT_LT(events[0].id, events[1].id);
}

TEST_F(StoreTest, EventsWithoutAMessageAreAccepted) {
  const auto id = store->appendEvent(makeEvent(std::nullopt, "started", 5));
  EXPECT_GT(id, 0);
}

TEST_F(StoreTest, ABatchOfEventsIsOneTransaction) {
  const auto id = store->insertReceived(sampleMessage("C1")).id;
  const auto before = store->transactionsCommitted();
  const auto ids = store->appendEvents({makeEvent(id, event_type::kReceived, 1),
                                        makeEvent(id, event_type::kDuplicate, 2)});
  EXPECT_EQ(ids.size(), 2u);
  EXPECT_EQ(store->transactionsCommitted(), before + 1);
  EXPECT_EQ(store->eventsFor(id).size(), 2u);
}

TEST_F(StoreTest, AnEventMustNameAKnownMessage) {
  EXPECT_THROW(store->appendEvent(makeEvent(123456, event_type::kReceived, 1)), StoreError);
}

}  // namespace
}  // namespace ferry::store::test
