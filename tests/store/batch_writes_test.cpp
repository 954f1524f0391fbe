// The batch writes the pipeline uses to amortize the single writer: recordProcessed (a
// processor's batch of outcomes) and settleDeliveries (a delivery worker's batch). Each is one
// transaction on a real SQLite file: all of it or none of it, and it survives a reopen.

#include <stdexcept>

#include "tests/store/store_test_support.h"

namespace ferry::store::test {
namespace {

class BatchWritesTest : public StoreTest {
 protected:
  std::int64_t receive() {
    return store->insertReceived(sampleMessage("C" + std::to_string(++counter_))).id;
  }
  static ProcessedMessage processed(std::int64_t id, std::vector<NewDelivery> deliveries) {
    return {id, MessageStatus::Processed, "{\"id\":" + std::to_string(id) + "}", std::nullopt,
            std::move(deliveries), {}};
  }
  static ProcessedMessage errored(std::int64_t id, const std::string& why) {
    return {id, MessageStatus::Errored, std::nullopt, why, {}, {}};
  }
  // `n` deliveries to `destination`, each of its own processed message, claimed in FIFO order.
  std::vector<DeliveryRecord> claimed(const std::string& destination, int n) {
    std::vector<ProcessedMessage> outcomes;
    for (int i = 0; i < n; ++i) outcomes.push_back(processed(receive(), {{destination, "p"}}));
    store->recordProcessed(outcomes);
    return store->claimDue(destination, clock.now(), static_cast<std::size_t>(n));
  }
  static std::vector<std::int64_t> idsOf(const std::vector<DeliveryRecord>& records) {
    std::vector<std::int64_t> ids;
    for (const auto& r : records) ids.push_back(r.id);
    return ids;
  }

  int counter_ = 0;
};

// --- recordProcessed ---

TEST_F(BatchWritesTest, RecordProcessedWritesEveryOutcomeInOneTransaction) {
  const auto a = receive();
  const auto b = receive();
  const auto c = receive();
  const auto before = store->transactionsCommitted();
  const std::vector<bool> applied = store->recordProcessed({
      processed(a, {{"lab/hospital", std::nullopt}, {"lab/archive", "{\"canonical\":1}"}}),
      errored(b, "100 segment PV1 missing"),
      {c, MessageStatus::Filtered, std::nullopt, "test patient", {}, {}},
  });
  EXPECT_EQ(store->transactionsCommitted(), before + 1);
  EXPECT_EQ(applied, (std::vector<bool>{true, true, true}));

  const auto first = store->message(a);
  EXPECT_EQ(first->status, MessageStatus::Processed);
  EXPECT_EQ(first->canonical_json, "{\"id\":" + std::to_string(a) + "}");
  const auto deliveries = store->deliveriesFor(a);
  ASSERT_EQ(deliveries.size(), 2u);
  EXPECT_EQ(deliveries[0].destination, "lab/hospital");
  EXPECT_EQ(deliveries[0].status, DeliveryStatus::Pending);
  EXPECT_FALSE(deliveries[0].payload.has_value());
  EXPECT_EQ(deliveries[1].payload, "{\"canonical\":1}");
  EXPECT_EQ(store->message(b)->status, MessageStatus::Errored);
  EXPECT_EQ(store->message(b)->error, "100 segment PV1 missing");
  EXPECT_EQ(store->message(c)->status, MessageStatus::Filtered);
  EXPECT_EQ(store->message(c)->error, "test patient");
  EXPECT_TRUE(store->deliveriesFor(b).empty());
}

TEST_F(BatchWritesTest, RecordProcessedSurvivesAReopen) {
  const auto a = receive();
  const auto b = receive();
  store->recordProcessed({processed(a, {{"lab/hospital", std::nullopt}}), errored(b, "bad")});
  reopen();
  EXPECT_EQ(store->message(a)->status, MessageStatus::Processed);
  EXPECT_EQ(store->deliveriesFor(a).size(), 1u);
  EXPECT_EQ(store->message(b)->status, MessageStatus::Errored);
  EXPECT_TRUE(store->messagesWithStatus(MessageStatus::Received, 10).empty());
}

TEST_F(BatchWritesTest, AnEntryThatDoesNotApplyIsSkippedAndAddsNoDeliveries) {
  const auto done = receive();
  ASSERT_TRUE(store->markProcessedAndRoute(done, "{}", {{"lab/hospital", std::nullopt}}));
  const auto fresh = receive();
  const std::vector<bool> applied = store->recordProcessed({
      processed(done, {{"lab/hospital", std::nullopt}}),  // routed at most once
      processed(fresh, {{"lab/hospital", std::nullopt}}),
      processed(987654, {{"lab/hospital", std::nullopt}}),  // unknown
  });
  EXPECT_EQ(applied, (std::vector<bool>{false, true, false}));
  EXPECT_EQ(store->deliveriesFor(done).size(), 1u);
  EXPECT_EQ(store->deliveriesFor(fresh).size(), 1u);
  EXPECT_EQ(store->countDeliveriesByStatus()["pending"], 2);
}

TEST_F(BatchWritesTest, AnErroredMessageCanBeProcessedByALaterBatch) {
  const auto a = receive();
  store->recordProcessed({errored(a, "mapping failed")});
  EXPECT_EQ(store->recordProcessed({processed(a, {{"lab/hospital", std::nullopt}})}),
            (std::vector<bool>{true}));
  EXPECT_EQ(store->message(a)->status, MessageStatus::Processed);
  EXPECT_FALSE(store->message(a)->error.has_value());
}

TEST_F(BatchWritesTest, AFailingRowUndoesTheWholeBatch) {
  const auto a = receive();
  const auto b = receive();
  const auto before = store->transactionsCommitted();
  // The schema refuses an empty destination: the statement fails inside the transaction.
  EXPECT_THROW(store->recordProcessed({processed(a, {{"lab/hospital", std::nullopt}}),
                                       processed(b, {{"", std::nullopt}})}),
               StoreError);
  EXPECT_EQ(store->transactionsCommitted(), before);
  EXPECT_EQ(store->message(a)->status, MessageStatus::Received);
  EXPECT_TRUE(store->deliveriesFor(a).empty());
  EXPECT_EQ(store->messagesWithStatus(MessageStatus::Received, 10).size(), 2u);
}

TEST_F(BatchWritesTest, AMalformedEntryIsRefusedBeforeAnythingIsWritten) {
  const auto a = receive();
  const auto b = receive();
  const auto before = store->transactionsCommitted();
  EXPECT_THROW(store->recordProcessed({processed(a, {}), {b, MessageStatus::Received, {}, {}, {}, {}}}),
               std::invalid_argument);
  ProcessedMessage routed_error = errored(b, "bad");
  routed_error.deliveries.push_back({"lab/hospital", std::nullopt});
  EXPECT_THROW(store->recordProcessed({processed(a, {}), routed_error}), std::invalid_argument);
  EXPECT_EQ(store->transactionsCommitted(), before);
  EXPECT_EQ(store->message(a)->status, MessageStatus::Received);
}

TEST_F(BatchWritesTest, AnEmptyBatchWritesNothing) {
  const auto before = store->transactionsCommitted();
  EXPECT_TRUE(store->recordProcessed({}).empty());
  const SettledDeliveries none = store->settleDeliveries({}, {});
  EXPECT_TRUE(none.settled.empty());
  EXPECT_EQ(none.released, 0u);
  EXPECT_EQ(store->transactionsCommitted(), before);
}

// --- settleDeliveries ---

TEST_F(BatchWritesTest, SettleDeliveriesSettlesAndReleasesInOneTransaction) {
  const auto c = claimed("lab", 5);
  ASSERT_EQ(c.size(), 5u);
  const std::string ack = "MSH|^~\\&|HIS\rMSA|AA|C1\r";
  const std::string nak = "MSH|^~\\&|HIS\rMSA|AR|C2\r";
  const auto before = store->transactionsCommitted();
  const SettledDeliveries result = store->settleDeliveries(
      {DeliverySettlement::delivered(c[0].id, ack), DeliverySettlement::failed(c[1].id, "AR", nak),
       DeliverySettlement::dead(c[2].id, "10 attempts"),
       DeliverySettlement::retry(c[3].id, clock.now() + 5'000, "AE")},
      {c[4].id});
  EXPECT_EQ(store->transactionsCommitted(), before + 1);
  EXPECT_EQ(result.settled, (std::vector<bool>{true, true, true, true}));
  EXPECT_EQ(result.released, 1u);

  const auto delivered = store->delivery(c[0].id);
  EXPECT_EQ(delivered->status, DeliveryStatus::Delivered);
  EXPECT_EQ(delivered->response, ack);
  EXPECT_EQ(store->delivery(c[1].id)->status, DeliveryStatus::Failed);
  EXPECT_EQ(store->delivery(c[1].id)->response, nak);
  EXPECT_EQ(store->delivery(c[2].id)->status, DeliveryStatus::Dead);
  EXPECT_EQ(store->delivery(c[2].id)->last_error, "10 attempts");
  const auto retry = store->delivery(c[3].id);
  EXPECT_EQ(retry->status, DeliveryStatus::Pending);
  EXPECT_EQ(retry->next_attempt_at_ms, clock.now() + 5'000);
  EXPECT_EQ(retry->last_error, "AE");
  EXPECT_EQ(retry->attempts, 1);
  const auto released = store->delivery(c[4].id);
  EXPECT_EQ(released->status, DeliveryStatus::Pending);
  EXPECT_EQ(released->attempts, 0);  // claimed, never attempted
}

TEST_F(BatchWritesTest, ARetryInTheBatchStillHeadsItsQueue) {
  const auto c = claimed("lab", 3);
  // The worker sent c[0], which must be retried, and handed back the two behind it.
  store->settleDeliveries({DeliverySettlement::retry(c[0].id, clock.now() + 1'000, "timeout")},
                          {c[1].id, c[2].id});
  EXPECT_TRUE(store->claimDue("lab", clock.now(), 10).empty());
  const auto again = store->claimDue("lab", clock.now() + 1'000, 10);
  EXPECT_EQ(idsOf(again), (std::vector<std::int64_t>{c[0].id, c[1].id, c[2].id}));
  EXPECT_EQ(again[0].attempts, 2);
  EXPECT_EQ(again[1].attempts, 1);
}

TEST_F(BatchWritesTest, ALookAtAQueueWithNothingDueTakesNoWriteTransaction) {
  const auto c = claimed("lab", 2);
  store->settleDeliveries({DeliverySettlement::retry(c[0].id, clock.now() + 1'000, "timeout")},
                          {c[1].id});
  const auto before = store->transactionsCommitted();
  EXPECT_TRUE(store->claimDue("empty", clock.now(), 10).empty());
  EXPECT_TRUE(store->claimDue("lab", clock.now(), 10).empty());  // held by the retry
  EXPECT_EQ(store->claimDue("lab", clock.now(), 10, ClaimOrder::AnyDue).size(), 1u);
  EXPECT_EQ(store->transactionsCommitted(), before + 1);  // only the claim that found one
}

TEST_F(BatchWritesTest, OnlyDeliveriesInFlightAreSettledOrReleased) {
  const auto c = claimed("lab", 2);
  ASSERT_TRUE(store->markDelivered(c[0].id, std::nullopt));
  const SettledDeliveries result = store->settleDeliveries(
      {DeliverySettlement::dead(c[0].id, "late"), DeliverySettlement::delivered(c[1].id, {}),
       DeliverySettlement::delivered(987654, {})},
      {c[0].id});
  EXPECT_EQ(result.settled, (std::vector<bool>{false, true, false}));
  EXPECT_EQ(result.released, 0u);
  EXPECT_EQ(store->delivery(c[0].id)->status, DeliveryStatus::Delivered);
  EXPECT_EQ(store->delivery(c[1].id)->status, DeliveryStatus::Delivered);
}

TEST_F(BatchWritesTest, AMalformedSettlementIsRefusedBeforeAnythingIsWritten) {
  const auto c = claimed("lab", 2);
  DeliverySettlement no_time = DeliverySettlement::retry(c[1].id, 0, "x");
  no_time.next_attempt_at_ms.reset();
  EXPECT_THROW(store->settleDeliveries({DeliverySettlement::delivered(c[0].id, {}), no_time}),
               std::invalid_argument);
  DeliverySettlement in_flight = DeliverySettlement::delivered(c[1].id, {});
  in_flight.status = DeliveryStatus::InFlight;
  EXPECT_THROW(store->settleDeliveries({DeliverySettlement::delivered(c[0].id, {}), in_flight}),
               std::invalid_argument);
  EXPECT_EQ(store->delivery(c[0].id)->status, DeliveryStatus::InFlight);
}

TEST_F(BatchWritesTest, SettledStatesSurviveAReopenAndUnsettledOnesAreRecovered) {
  const auto c = claimed("lab", 3);
  store->settleDeliveries({DeliverySettlement::delivered(c[0].id, "ack")}, {c[2].id});
  reopen();  // the worker died before settling c[1]
  EXPECT_EQ(store->recoverInFlight(), 1u);
  EXPECT_EQ(store->delivery(c[0].id)->status, DeliveryStatus::Delivered);
  EXPECT_EQ(store->delivery(c[0].id)->response, "ack");
  EXPECT_EQ(idsOf(store->claimDue("lab", clock.now(), 10)),
            (std::vector<std::int64_t>{c[1].id, c[2].id}));
}

}  // namespace
}  // namespace ferry::store::test
