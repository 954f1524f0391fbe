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

TEST_F(StoreTest, ALargeBatchKeepsItsOrderAndGivesEachEventItsOwnId) {
  // 37 events: more than one multi-row statement (16 rows each) and a remainder, interleaved
  // over three messages, after an event that makes the ids start past 1.
  const std::int64_t messages[] = {store->insertReceived(sampleMessage("C1")).id,
                                   store->insertReceived(sampleMessage("C2")).id,
                                   store->insertReceived(sampleMessage("C3")).id};
  ASSERT_TRUE(store->markProcessedAndRoute(messages[1], "{}", {{"lab-out", std::nullopt}}));
  const auto delivery_id = store->deliveriesFor(messages[1]).front().id;
  store->appendEvent(makeEvent(std::nullopt, "started", 1));

  std::vector<Event> batch;
  for (int i = 0; i < 37; ++i) {
    Event event = makeEvent(messages[i % 3], i % 2 == 0 ? event_type::kReceived : event_type::kParsed, 1000 + i);
    event.detail = "event " + std::to_string(i);
    if (i % 3 == 1 && i % 2 == 1) {
      event.delivery_id = delivery_id;
      event.destination = "lab-out";
    }
    batch.push_back(event);
  }
  const auto ids = store->appendEvents(batch);
  ASSERT_EQ(ids.size(), batch.size());
  for (std::size_t i = 1; i < ids.size(); ++i) EXPECT_LT(ids[i - 1], ids[i]);

  std::size_t found = 0;
  for (const std::int64_t message : messages) {
    for (const Event& stored : store->eventsFor(message)) {
      // at_ms tells which event of the batch this row is; the id returned for it must be its id.
      const auto i = static_cast<std::size_t>(stored.at_ms - 1000);
      ASSERT_LT(i, batch.size());
      EXPECT_EQ(stored.id, ids[i]) << "event " << i;
      EXPECT_EQ(stored.message_id, batch[i].message_id);
      EXPECT_EQ(stored.delivery_id, batch[i].delivery_id);
      EXPECT_EQ(stored.destination, batch[i].destination);
      EXPECT_EQ(stored.type, batch[i].type);
      EXPECT_EQ(stored.detail, "event " + std::to_string(i));
      ++found;
    }
  }
  EXPECT_EQ(found, batch.size());
}

TEST_F(StoreTest, ABatchWithABadEventStoresNoneOfIt) {
  const auto id = store->insertReceived(sampleMessage("C1")).id;
  std::vector<Event> batch;
  for (int i = 0; i < 20; ++i) batch.push_back(makeEvent(id, event_type::kReceived, i));
  batch.push_back(makeEvent(123456, event_type::kReceived, 99));  // no such message
  EXPECT_THROW(store->appendEvents(batch), StoreError);
  EXPECT_TRUE(store->eventsFor(id).empty());
}

TEST_F(StoreTest, AnEventMustNameAKnownMessage) {
  EXPECT_THROW(store->appendEvent(makeEvent(123456, event_type::kReceived, 1)), StoreError);
}

}  // namespace
}  // namespace ferry::store::test
