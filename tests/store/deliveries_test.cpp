// Deliveries as a durable queue per destination: claiming in order, head-of-line blocking,
// retries, dead letters, operator requeue and recovery after a crash.

#include <sqlite3.h>

#include "tests/store/store_test_support.h"

namespace ferry::store::test {
namespace {

class DeliveriesTest : public StoreTest {
 protected:
  // A processed message routed to the given destinations; returns the delivery ids.
  std::vector<std::int64_t> route(const std::vector<std::string>& destinations) {
    const auto id = store->insertReceived(sampleMessage("C" + std::to_string(++counter_))).id;
    std::vector<NewDelivery> deliveries;
    for (const auto& d : destinations) deliveries.push_back({d, "payload for " + d});
    EXPECT_TRUE(store->markProcessedAndRoute(id, "{}", deliveries));
    std::vector<std::int64_t> ids;
    for (const auto& record : store->deliveriesFor(id)) ids.push_back(record.id);
    return ids;
  }
  std::int64_t routeOne(const std::string& destination) { return route({destination}).front(); }

  static std::vector<std::int64_t> idsOf(const std::vector<DeliveryRecord>& records) {
    std::vector<std::int64_t> ids;
    for (const auto& r : records) ids.push_back(r.id);
    return ids;
  }

  int counter_ = 0;
};

TEST_F(DeliveriesTest, NewDeliveriesArePendingAndDueNow) {
  const auto id = store->insertReceived(sampleMessage("C1")).id;
  const auto ids = store->addDeliveries(id, {{"lab-out", std::string("A\rB\x0b", 4)},
                                             {"insurer", std::nullopt},
                                             {"empty", std::string()}});
  ASSERT_EQ(ids.size(), 3u);
  auto records = store->deliveriesFor(id);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].destination, "lab-out");
  EXPECT_EQ(records[0].status, DeliveryStatus::Pending);
  EXPECT_EQ(records[0].attempts, 0);
  EXPECT_EQ(records[0].next_attempt_at_ms, clock.now());
  EXPECT_EQ(records[0].created_at_ms, clock.now());
  EXPECT_EQ(records[0].payload, std::string("A\rB\x0b", 4));
  EXPECT_FALSE(records[1].payload.has_value());
  EXPECT_EQ(records[2].payload, std::string());  // empty, not absent
  EXPECT_FALSE(records[0].response.has_value());
}

TEST_F(DeliveriesTest, ADeliveryNeedsAnExistingMessage) {
  EXPECT_THROW(store->addDeliveries(987654, {{"lab-out", std::nullopt}}), StoreError);
}

TEST_F(DeliveriesTest, ClaimDueReturnsOldestFirstAndMovesThemInFlight) {
  const auto a = routeOne("lab");
  const auto b = routeOne("lab");
  const auto c = routeOne("lab");
  routeOne("other");

  auto claimed = store->claimDue("lab", clock.now(), 2);
  EXPECT_EQ(idsOf(claimed), (std::vector<std::int64_t>{a, b}));
  for (const auto& record : claimed) {
    EXPECT_EQ(record.status, DeliveryStatus::InFlight);
    EXPECT_EQ(record.attempts, 1);
    EXPECT_EQ(record.destination, "lab");
    EXPECT_EQ(record.payload, "payload for lab");
  }
  EXPECT_EQ(store->delivery(a)->status, DeliveryStatus::InFlight);
  EXPECT_EQ(store->delivery(c)->status, DeliveryStatus::Pending);
}

TEST_F(DeliveriesTest, AClaimCarriesTheMessageBytesOnlyWhenTheDeliveryHasNoPayload) {
  const NewMessage message = sampleMessage("RAW1");
  const auto id = store->insertReceived(message).id;
  ASSERT_TRUE(store->markProcessedAndRoute(id, "{}", {{"lab", std::nullopt}, {"lab", std::string("mapped")}}));
  const auto claimed = store->claimDue("lab", clock.now(), 10);
  ASSERT_EQ(claimed.size(), 2u);
  EXPECT_FALSE(claimed[0].payload.has_value());
  EXPECT_EQ(claimed[0].message_raw, message.raw);  // "original" format: sent as received
  EXPECT_EQ(claimed[1].payload, "mapped");
  EXPECT_FALSE(claimed[1].message_raw.has_value());
  EXPECT_FALSE(store->delivery(claimed[0].id)->message_raw.has_value());  // claims only
}

TEST_F(DeliveriesTest, NothingIsClaimedBeforeItIsDue) {
  const auto a = routeOne("lab");
  EXPECT_TRUE(store->claimDue("lab", clock.now() - 1, 10).empty());
  EXPECT_EQ(idsOf(store->claimDue("lab", clock.now(), 10)), (std::vector<std::int64_t>{a}));
}

// A worker looks at its queue (on a pooled reader, with that reader's compiled statement) before
// every batch. The statement is kept from look to look, so it must not keep its read open: a
// later look has to see deliveries committed since, and a checkpoint must be able to empty the
// WAL, which an open read would pin.
TEST_F(DeliveriesTest, RepeatedLooksAtAQueueSeeNewDeliveriesAndLeaveNoReadOpen) {
  for (ClaimOrder order : {ClaimOrder::Fifo, ClaimOrder::AnyDue}) {
    for (int look = 0; look < 5; ++look) {
      EXPECT_TRUE(store->claimDue("lab", clock.now(), 10, order).empty());
    }
  }
  const auto a = routeOne("lab");
  EXPECT_EQ(idsOf(store->claimDue("lab", clock.now(), 10)), (std::vector<std::int64_t>{a}));
  ASSERT_TRUE(store->markDelivered(a, std::nullopt));
  const auto b = routeOne("lab");
  EXPECT_EQ(idsOf(store->claimDue("lab", clock.now(), 10, ClaimOrder::AnyDue)),
            (std::vector<std::int64_t>{b}));

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 2000);  // the checkpointer's thread may be copying pages right now
  // A first read makes the connection open the WAL (until then it reports no WAL at all).
  ASSERT_EQ(sqlite3_exec(db, "SELECT count(*) FROM deliveries", nullptr, nullptr, nullptr), SQLITE_OK);
  int wal_frames = -1;
  int copied = -1;
  const int rc =
      sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &wal_frames, &copied);
  sqlite3_close(db);
  EXPECT_EQ(rc, SQLITE_OK) << "a reader still holds a snapshot of the WAL";
  EXPECT_EQ(wal_frames, 0);
}

TEST_F(DeliveriesTest, AHeadInFlightBlocksTheRestOfItsDestination) {
  const auto a = routeOne("lab");
  const auto b = routeOne("lab");
  const auto x = routeOne("other");
  ASSERT_EQ(idsOf(store->claimDue("lab", clock.now(), 1)), (std::vector<std::int64_t>{a}));

  EXPECT_TRUE(store->claimDue("lab", clock.now(), 10).empty());
  EXPECT_EQ(idsOf(store->claimDue("other", clock.now(), 10)), (std::vector<std::int64_t>{x}));

  ASSERT_TRUE(store->markDelivered(a, std::nullopt));
  EXPECT_EQ(idsOf(store->claimDue("lab", clock.now(), 10)), (std::vector<std::int64_t>{b}));
}

TEST_F(DeliveriesTest, AHeadWaitingForItsRetryBlocksLaterDeliveries) {
  const auto a = routeOne("lab");
  const auto b = routeOne("lab");
  ASSERT_EQ(store->claimDue("lab", clock.now(), 1).size(), 1u);
  ASSERT_TRUE(store->markRetry(a, clock.now() + 30'000, "connection refused"));

  // FIFO: b must not overtake a.
  EXPECT_TRUE(store->claimDue("lab", clock.now(), 10).empty());
  EXPECT_TRUE(store->claimDue("lab", clock.now() + 29'999, 10).empty());

  auto claimed = store->claimDue("lab", clock.now() + 30'000, 10);
  EXPECT_EQ(idsOf(claimed), (std::vector<std::int64_t>{a, b}));
  EXPECT_EQ(claimed[0].attempts, 2);
  EXPECT_EQ(claimed[1].attempts, 1);
}

TEST_F(DeliveriesTest, AnyDueOrderLetsLaterDeliveriesOvertake) {
  const auto a = routeOne("bulk");
  const auto b = routeOne("bulk");
  ASSERT_EQ(store->claimDue("bulk", clock.now(), 1, ClaimOrder::AnyDue).size(), 1u);
  ASSERT_TRUE(store->markRetry(a, clock.now() + 30'000, "timeout"));

  EXPECT_EQ(idsOf(store->claimDue("bulk", clock.now(), 10, ClaimOrder::AnyDue)),
            (std::vector<std::int64_t>{b}));
  EXPECT_EQ(idsOf(store->claimDue("bulk", clock.now() + 30'000, 10, ClaimOrder::AnyDue)),
            (std::vector<std::int64_t>{a}));
}

// A worker with a backlog settles a batch and claims the next in one transaction: one turn on
// the store's writer a batch instead of two.
TEST_F(DeliveriesTest, SettleAndClaimSettlesABatchAndClaimsTheNextInOneTransaction) {
  const auto a = routeOne("lab");
  const auto b = routeOne("lab");
  const auto c = routeOne("lab");
  ASSERT_EQ(idsOf(store->claimDue("lab", clock.now(), 2)), (std::vector<std::int64_t>{a, b}));

  const auto before = store->transactionsCommitted();
  const auto next = store->settleAndClaim(
      {DeliverySettlement::delivered(a, "ACK a"), DeliverySettlement::delivered(b, std::nullopt)},
      "lab", clock.now(), 10, ClaimOrder::Fifo);
  EXPECT_EQ(store->transactionsCommitted() - before, 1u);
  EXPECT_EQ(next.settled.settled, (std::vector<bool>{true, true}));
  ASSERT_EQ(idsOf(next.claimed), (std::vector<std::int64_t>{c}));
  EXPECT_EQ(next.claimed[0].status, DeliveryStatus::InFlight);
  EXPECT_EQ(next.claimed[0].attempts, 1);
  EXPECT_EQ(next.claimed[0].payload, "payload for lab");
  EXPECT_EQ(store->delivery(a)->status, DeliveryStatus::Delivered);
  EXPECT_EQ(store->delivery(a)->response, "ACK a");
  EXPECT_EQ(store->delivery(b)->status, DeliveryStatus::Delivered);
  EXPECT_EQ(store->delivery(c)->status, DeliveryStatus::InFlight);
}

TEST_F(DeliveriesTest, SettleAndClaimKeepsAFifoQueueBehindARetryAndLetsAnyDueOvertake) {
  const auto a = routeOne("lab");
  const auto b = routeOne("lab");
  ASSERT_EQ(store->claimDue("lab", clock.now(), 1).size(), 1u);
  const auto fifo =
      store->settleAndClaim({DeliverySettlement::retry(a, clock.now() + 30'000, "NAK AE")}, "lab",
                            clock.now(), 10, ClaimOrder::Fifo);
  EXPECT_EQ(fifo.settled.settled, (std::vector<bool>{true}));
  EXPECT_TRUE(fifo.claimed.empty());  // b must not overtake a
  EXPECT_EQ(store->delivery(a)->status, DeliveryStatus::Pending);
  EXPECT_EQ(store->delivery(b)->attempts, 0);

  const auto x = routeOne("bulk");
  const auto y = routeOne("bulk");
  ASSERT_EQ(store->claimDue("bulk", clock.now(), 1, ClaimOrder::AnyDue).size(), 1u);
  const auto any =
      store->settleAndClaim({DeliverySettlement::retry(x, clock.now() + 30'000, "timeout")}, "bulk",
                            clock.now(), 10, ClaimOrder::AnyDue);
  EXPECT_EQ(idsOf(any.claimed), (std::vector<std::int64_t>{y}));
}

TEST_F(DeliveriesTest, SettleAndClaimRejectsABadSettlementBeforeWritingAnything) {
  const auto a = routeOne("lab");
  routeOne("lab");
  ASSERT_EQ(store->claimDue("lab", clock.now(), 1).size(), 1u);
  DeliverySettlement bad = DeliverySettlement::retry(a, 0, "NAK");
  bad.next_attempt_at_ms.reset();  // a retry without its time
  EXPECT_THROW(store->settleAndClaim({bad}, "lab", clock.now(), 10, ClaimOrder::Fifo),
               std::invalid_argument);
  EXPECT_EQ(store->delivery(a)->status, DeliveryStatus::InFlight);
  EXPECT_EQ(store->countDeliveriesByStatus()["pending"], 1);  // nothing claimed
}

TEST_F(DeliveriesTest, FinishedDeliveriesDoNotBlock) {
  const auto a = routeOne("lab");
  const auto b = routeOne("lab");
  const auto c = routeOne("lab");
  store->claimDue("lab", clock.now(), 2);
  ASSERT_TRUE(store->markDead(a, "10 attempts"));
  ASSERT_TRUE(store->markFailed(b, "AR: unknown patient", "MSH|...\rMSA|AR|C2\r"));
  EXPECT_EQ(idsOf(store->claimDue("lab", clock.now(), 10)), (std::vector<std::int64_t>{c}));
}

TEST_F(DeliveriesTest, RetryThenDeadThenRequeueThenDelivered) {
  const auto a = routeOne("lab");
  ASSERT_EQ(store->claimDue("lab", clock.now(), 1).size(), 1u);
  ASSERT_TRUE(store->markRetry(a, clock.now() + 1'000, "connection refused"));
  auto record = store->delivery(a);
  EXPECT_EQ(record->status, DeliveryStatus::Pending);
  EXPECT_EQ(record->attempts, 1);
  EXPECT_EQ(record->next_attempt_at_ms, clock.now() + 1'000);
  EXPECT_EQ(record->last_error, "connection refused");

  clock.advance(1'000);
  ASSERT_EQ(store->claimDue("lab", clock.now(), 1).front().attempts, 2);
  ASSERT_TRUE(store->markDead(a, "gave up after 2 attempts"));
  record = store->delivery(a);
  EXPECT_EQ(record->status, DeliveryStatus::Dead);
  EXPECT_EQ(record->last_error, "gave up after 2 attempts");
  EXPECT_EQ(idsOf(store->deadLetters(10)), (std::vector<std::int64_t>{a}));

  ASSERT_TRUE(store->requeue(a, "by ops: peer fixed"));
  const std::vector<Event> events = store->eventsFor(record->message_id);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().type, "requeued");  // the operator's act is on the record
  EXPECT_EQ(events.back().delivery_id, a);
  EXPECT_EQ(events.back().destination, "lab");
  EXPECT_EQ(events.back().detail, "by ops: peer fixed");
  record = store->delivery(a);
  EXPECT_EQ(record->status, DeliveryStatus::Pending);
  EXPECT_EQ(record->attempts, 0);
  EXPECT_EQ(record->next_attempt_at_ms, clock.now());
  EXPECT_TRUE(store->deadLetters(10).empty());

  ASSERT_EQ(store->claimDue("lab", clock.now(), 1).size(), 1u);
  const std::string ack = "\x0bMSH|^~\\&|HIS\rMSA|AA|C1\r\x1c\r";
  ASSERT_TRUE(store->markDelivered(a, ack));
  record = store->delivery(a);
  EXPECT_EQ(record->status, DeliveryStatus::Delivered);
  EXPECT_EQ(record->response, ack);
  EXPECT_EQ(record->attempts, 1);
}

TEST_F(DeliveriesTest, SettlingRequiresTheDeliveryToBeInFlight) {
  const auto a = routeOne("lab");
  EXPECT_FALSE(store->markDelivered(a, std::nullopt));
  EXPECT_FALSE(store->markRetry(a, 0, "x"));
  EXPECT_FALSE(store->markDead(a, "x"));
  EXPECT_FALSE(store->markFailed(a, "x", std::nullopt));
  EXPECT_FALSE(store->requeue(a, "test"));  // only failed or dead ones
  for (const Event& e : store->eventsFor(store->delivery(a)->message_id)) EXPECT_NE(e.type, "requeued");
  EXPECT_FALSE(store->markDelivered(99999, std::nullopt));
}

TEST_F(DeliveriesTest, FailedDeliveriesKeepThePeersReplyAndAreDeadLetters) {
  const auto a = routeOne("lab");
  const auto b = routeOne("lab");
  store->claimDue("lab", clock.now(), 2);
  const std::string nak = "MSH|^~\\&|HIS\rMSA|AR|C1|unknown patient\r";
  ASSERT_TRUE(store->markFailed(a, "peer rejected: AR", nak));
  ASSERT_TRUE(store->markDead(b, "timeout"));

  auto dead = store->deadLetters(10);
  ASSERT_EQ(idsOf(dead), (std::vector<std::int64_t>{a, b}));
  EXPECT_EQ(dead[0].status, DeliveryStatus::Failed);
  EXPECT_EQ(dead[0].response, nak);
  EXPECT_EQ(dead[1].status, DeliveryStatus::Dead);
  EXPECT_EQ(idsOf(store->deadLetters(1)), (std::vector<std::int64_t>{a}));
  EXPECT_EQ(idsOf(store->deadLetters(10, a)), (std::vector<std::int64_t>{b}));
}

TEST_F(DeliveriesTest, ReleaseHandsBackUnsentClaimsWithoutCountingAnAttempt) {
  const auto a = routeOne("lab");
  const auto b = routeOne("lab");
  const auto c = routeOne("lab");
  ASSERT_EQ(store->claimDue("lab", clock.now(), 3).size(), 3u);
  ASSERT_TRUE(store->markRetry(a, clock.now() + 5'000, "NAK AE"));
  EXPECT_EQ(store->release({b, c}), 2u);
  EXPECT_EQ(store->delivery(b)->attempts, 0);
  EXPECT_EQ(store->delivery(c)->status, DeliveryStatus::Pending);
  EXPECT_TRUE(store->claimDue("lab", clock.now(), 10).empty());  // a still heads the queue
}

TEST_F(DeliveriesTest, InFlightDeliveriesAreRecoveredAfterACrash) {
  const auto a = routeOne("lab");
  const auto b = routeOne("lab");
  ASSERT_EQ(store->claimDue("lab", clock.now(), 2).size(), 2u);

  reopen();  // the worker died with both in flight
  EXPECT_TRUE(store->claimDue("lab", clock.now(), 10).empty());
  EXPECT_EQ(store->recoverInFlight(), 2u);
  EXPECT_EQ(store->recoverInFlight(), 0u);

  // At-least-once: both go out again, counted as second attempts.
  auto claimed = store->claimDue("lab", clock.now(), 10);
  EXPECT_EQ(idsOf(claimed), (std::vector<std::int64_t>{a, b}));
  EXPECT_EQ(claimed[0].attempts, 2);
}

TEST_F(DeliveriesTest, DeliveryCountsCoverEveryStatus) {
  const auto ids = route({"a", "b", "c", "d", "e", "f"});
  for (const auto& destination : {"b", "c", "d", "e"}) store->claimDue(destination, clock.now(), 1);
  store->markDelivered(ids[2], std::nullopt);
  store->markFailed(ids[3], "AR", std::nullopt);
  store->markDead(ids[4], "timeout");
  EXPECT_EQ(store->countDeliveriesByStatus(),
            (std::map<std::string, std::int64_t>{{"pending", 2},
                                                 {"in_flight", 1},
                                                 {"delivered", 1},
                                                 {"failed", 1},
                                                 {"dead", 1}}));
}

}  // namespace
}  // namespace ferry::store::test
