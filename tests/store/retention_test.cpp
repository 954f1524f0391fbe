// Retention (Store::purgeFinished): what may be removed and what must stay, chunking, the audit
// trail, ids that are never given again, and an index behind the search.

#include <Poco/Data/SQLite/SessionImpl.h>
#include <Poco/Data/Session.h>

#include "engine/store/sqlite/migrations.h"
#include "engine/store/sqlite/retention.h"
#include "tests/store/store_test_support.h"

namespace ferry::store::test {
namespace {

using namespace Poco::Data::Keywords;

constexpr std::int64_t kDay = 24LL * 60 * 60 * 1000;

class RetentionTest : public StoreTest {
 protected:
  // A received message routed to its own destination (so no queue blocks another).
  std::int64_t routed(std::vector<MessageKey> keys = {}) {
    const std::string n = std::to_string(++counter_);
    const auto id = store->insertReceived(sampleMessage("C" + n)).id;
    ProcessedMessage outcome{id, MessageStatus::Processed, "{}", std::nullopt, {{"dest-" + n, std::nullopt}},
                             std::move(keys)};
    EXPECT_TRUE(store->recordProcessed({outcome}).front());
    return id;
  }
  std::int64_t deliveryOf(std::int64_t message_id) { return store->deliveriesFor(message_id).front().id; }
  // Claims the message's delivery (in flight) and returns its id.
  std::int64_t claim(std::int64_t message_id) {
    const auto d = store->deliveriesFor(message_id).front();
    EXPECT_EQ(store->claimDue(d.destination, clock.now(), 1).size(), 1u);
    return d.id;
  }
  // A routed message whose delivery reached `final`, with an event about each.
  std::int64_t finished(DeliveryStatus final) {
    const auto id = routed({{"claim", "CLM-" + std::to_string(counter_ + 1)}});
    const auto d = claim(id);
    const bool settled = final == DeliveryStatus::Delivered ? store->markDelivered(d, "ACK")
                         : final == DeliveryStatus::Failed  ? store->markFailed(d, "AR", std::nullopt)
                                                            : store->markDead(d, "gave up");
    EXPECT_TRUE(settled);
    store->appendEvents({event(id, std::nullopt, "routed"), event(id, d, "sent")});
    return id;
  }
  Event event(std::optional<std::int64_t> message_id, std::optional<std::int64_t> delivery_id,
              const std::string& type) {
    Event e;
    e.message_id = message_id;
    e.delivery_id = delivery_id;
    e.type = type;
    e.at_ms = clock.now();
    return e;
  }

  // One number from the file itself, through a connection of the test's own.
  std::int64_t scalar(const std::string& sql) {
    Poco::Data::Session session(Poco::AutoPtr<Poco::Data::SessionImpl>(new Poco::Data::SQLite::SessionImpl(path(), 0)));
    std::int64_t value = -1;
    session << sql, into(value), now;
    return value;
  }
  std::int64_t rowsAbout(std::int64_t message_id) {
    const std::string id = std::to_string(message_id);
    return scalar("SELECT (SELECT COUNT(*) FROM messages WHERE id = " + id + ")"
                  " + (SELECT COUNT(*) FROM deliveries WHERE message_id = " + id + ")"
                  " + (SELECT COUNT(*) FROM events WHERE message_id = " + id +
                  "   OR delivery_id IN (SELECT id FROM deliveries WHERE message_id = " + id + "))"
                  " + (SELECT COUNT(*) FROM message_keys WHERE message_id = " + id + ")");
  }

  PurgeResult purge(std::size_t max = 100) { return store->purgeFinished(kDay, max, "alice", "retention test"); }

  int counter_ = 0;
};

TEST_F(RetentionTest, RemovesOldFinishedMessagesWithTheirDeliveriesEventsAndKeys) {
  const std::vector<std::int64_t> old = {
      finished(DeliveryStatus::Delivered), finished(DeliveryStatus::Failed), finished(DeliveryStatus::Dead)};
  const auto filtered = store->insertReceived(sampleMessage("F")).id;
  ASSERT_TRUE(store->markFiltered(filtered, "not reportable"));
  const auto errored = store->insertReceived(sampleMessage("E")).id;
  ASSERT_TRUE(store->markErrored(errored, "no MSH"));
  const auto no_deliveries = store->insertReceived(sampleMessage("N")).id;
  ASSERT_TRUE(store->markProcessed(no_deliveries, "{}"));
  for (const auto id : old) ASSERT_EQ(rowsAbout(id), 1 + 1 + 2 + 1);  // message, delivery, events, key
  // An event about a delivery that does not name its message goes with the delivery too.
  store->appendEvent(event(std::nullopt, deliveryOf(old[0]), "retry"));
  ASSERT_TRUE(store->setChannelPaused("lab-in", true, "by bob"));
  clock.advance(2 * kDay);

  const PurgeResult result = purge();

  EXPECT_EQ(result.purge.messages, 6);
  EXPECT_EQ(result.purge.deliveries, 3);
  EXPECT_EQ(result.purge.events, 7);
  EXPECT_FALSE(result.more);
  for (const auto id : {old[0], old[1], old[2], filtered, errored, no_deliveries}) {
    EXPECT_EQ(rowsAbout(id), 0) << "message " << id;
    EXPECT_FALSE(store->message(id)) << "message " << id;
  }
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM messages"), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM deliveries"), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM message_keys"), 0);
  // The channel's own event (no message) is not the messages' to take along.
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM events"), 1);
  EXPECT_TRUE(store->messagesWithKey({"claim", "CLM-1"}).empty());
}

TEST_F(RetentionTest, NeverRemovesAMessageStillOwedToADestinationHoweverOld) {
  const auto received = store->insertReceived(sampleMessage("R")).id;
  const auto pending = routed();
  const auto in_flight = routed();
  claim(in_flight);
  const auto retrying = routed();
  ASSERT_TRUE(store->markRetry(claim(retrying), clock.now() + 1000, "connection refused"));
  clock.advance(1000 * kDay);

  const PurgeResult result = purge();

  EXPECT_EQ(result.purge.messages, 0);
  EXPECT_EQ(result.purge.id, 0);
  EXPECT_FALSE(result.more);
  for (const auto id : {received, pending, in_flight, retrying}) {
    EXPECT_TRUE(store->message(id)) << "message " << id;
    EXPECT_EQ(store->deliveriesFor(id).size(), id == received ? 0u : 1u);
  }
  EXPECT_EQ(store->countPurgeable(kDay), 0);
  EXPECT_TRUE(store->purges(10).empty());  // nothing removed, nothing recorded
}

TEST_F(RetentionTest, KeepsAMessageUntilItsLastChangeIsOlderThanTheRetention) {
  const auto oldest = store->insertReceived(sampleMessage("O")).id;
  ASSERT_TRUE(store->markFiltered(oldest, "not reportable"));
  const auto late_delivery = routed();  // delivered a day and a half after it was processed
  const auto d = claim(late_delivery);
  const auto late_processing = store->insertReceived(sampleMessage("L")).id;
  clock.advance(kDay + kDay / 2);
  ASSERT_TRUE(store->markDelivered(d, std::nullopt));
  ASSERT_TRUE(store->markProcessed(late_processing, "{}"));
  clock.advance(kDay / 2);  // received 2 days ago; the last changes of two: half a day ago

  const auto first = purge();
  EXPECT_EQ(first.purge.messages, 1);
  EXPECT_EQ(first.purge.first_message_id, oldest);
  EXPECT_TRUE(store->message(late_delivery));
  EXPECT_TRUE(store->message(late_processing));
  clock.advance(kDay / 2 + 1);
  EXPECT_EQ(purge().purge.messages, 2);
  EXPECT_FALSE(store->message(late_delivery));
  EXPECT_FALSE(store->message(late_processing));
}

TEST_F(RetentionTest, RemovesAtMostMaxMessagesPerCallOldestFirstAndSaysWhenMoreRemain) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(finished(DeliveryStatus::Delivered));
    clock.advance(1);
  }
  clock.advance(2 * kDay);
  const auto stays = routed();  // pending: never part of a chunk

  const auto first = purge(2);
  EXPECT_EQ(first.purge.messages, 2);
  EXPECT_TRUE(first.more);
  EXPECT_EQ(first.purge.first_message_id, ids[0]);
  EXPECT_EQ(first.purge.last_message_id, ids[1]);
  EXPECT_TRUE(store->message(ids[2]));
  const auto second = purge(2);
  EXPECT_EQ(second.purge.messages, 2);
  EXPECT_TRUE(second.more);
  const auto third = purge(2);
  EXPECT_EQ(third.purge.messages, 1);
  EXPECT_FALSE(third.more);
  EXPECT_EQ(purge(2).purge.messages, 0);
  for (const auto id : ids) EXPECT_FALSE(store->message(id));
  EXPECT_TRUE(store->message(stays));
  EXPECT_EQ(store->purges(10).size(), 3u);
}

TEST_F(RetentionTest, AFullChunkWithNothingLeftSaysNoMore) {
  finished(DeliveryStatus::Delivered);
  finished(DeliveryStatus::Delivered);
  clock.advance(2 * kDay);
  const auto result = purge(2);
  EXPECT_EQ(result.purge.messages, 2);
  EXPECT_FALSE(result.more);
}

TEST_F(RetentionTest, EachPurgeLeavesADurableAuditRecord) {
  const auto a = finished(DeliveryStatus::Delivered);
  const auto b = finished(DeliveryStatus::Dead);
  clock.advance(3 * kDay);

  const PurgeResult result = store->purgeFinished(2 * kDay, 10, "alice", "monthly clean-up");
  reopen();

  const auto records = store->purges(10);
  ASSERT_EQ(records.size(), 1u);
  const PurgeRecord& r = records.front();
  EXPECT_EQ(r.id, result.purge.id);
  EXPECT_GT(r.id, 0);
  EXPECT_EQ(r.at_ms, clock.now());
  EXPECT_EQ(r.actor, "alice");
  EXPECT_EQ(r.reason, "monthly clean-up");
  EXPECT_EQ(r.cutoff_ms, clock.now() - 2 * kDay);
  EXPECT_EQ(r.messages, 2);
  EXPECT_EQ(r.deliveries, 2);
  EXPECT_EQ(r.events, 4);
  EXPECT_EQ(r.first_message_id, a);
  EXPECT_EQ(r.last_message_id, b);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM purges WHERE actor = 'alice' AND messages = 2"), 1);
}

TEST_F(RetentionTest, IdsOfPurgedMessagesAndDeliveriesAreNeverGivenAgain) {
  finished(DeliveryStatus::Delivered);
  const auto last = finished(DeliveryStatus::Delivered);  // the highest ids there are
  const auto last_delivery = deliveryOf(last);
  clock.advance(2 * kDay);
  ASSERT_EQ(purge().purge.messages, 2);
  reopen();

  const auto next = routed();
  EXPECT_GT(next, last);
  EXPECT_GT(deliveryOf(next), last_delivery);
}

TEST_F(RetentionTest, CountingWhatWouldGoRemovesNothing) {
  for (int i = 0; i < 3; ++i) finished(DeliveryStatus::Delivered);
  routed();
  clock.advance(2 * kDay);

  EXPECT_EQ(store->countPurgeable(kDay), 3);
  EXPECT_EQ(store->countPurgeable(3 * kDay), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM messages"), 4);
  EXPECT_TRUE(store->purges(10).empty());
  EXPECT_EQ(purge().purge.messages, 3);
}

TEST_F(RetentionTest, RefusesANegativeAgeAnEmptyChunkOrNoActor) {
  EXPECT_THROW(store->purgeFinished(-1, 10, "alice", ""), std::invalid_argument);
  EXPECT_THROW(store->purgeFinished(kDay, 0, "alice", ""), std::invalid_argument);
  EXPECT_THROW(store->purgeFinished(kDay, 10, "", ""), std::invalid_argument);
  EXPECT_THROW(store->countPurgeable(-1), std::invalid_argument);
}

TEST_F(RetentionTest, FindsEligibleMessagesThroughAnIndexInAgeOrder) {
  Poco::Data::Session session(Poco::AutoPtr<Poco::Data::SessionImpl>(new Poco::Data::SQLite::SessionImpl(path(), 0)));
  std::vector<std::string> details;
  std::vector<int> ids, parents, unused;
  session << "EXPLAIN QUERY PLAN " + sqlite::Retention::candidatesSql(), bind(std::int64_t{0}),
      bind(std::int64_t{1000}), into(ids), into(parents), into(unused), into(details), now;
  std::string plan;
  for (const auto& d : details) plan += d + "\n";
  // The partial index, read in (updated_at, id) order: no table scan, no sort.
  EXPECT_NE(plan.find("SEARCH m USING INDEX messages_finished (updated_at<?)"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
  EXPECT_NE(plan.find("USING INDEX deliveries_message (message_id=?)"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("SCAN"), std::string::npos) << plan;
}

TEST_F(RetentionTest, MigrationFourUpgradesAStoreOfVersionThreeKeepingItsMessages) {
  store.reset();
  TempDir other;
  const std::string file = other.file("ferry.db");
  std::int64_t id = 0;
  makeOlderStore(file, 3, [&](sqlite::SqliteStore& old) {
    id = old.insertReceived(sampleMessage("V3")).id;
    ASSERT_TRUE(old.markProcessed(id, "{}"));
  });
  sqlite::SqliteStore upgraded(file, options());
  EXPECT_GE(sqlite::sqliteMigrations().size(), 4u);  // later migrations are appended
  EXPECT_TRUE(upgraded.message(id));
  clock.advance(2 * kDay);
  const auto result = upgraded.purgeFinished(kDay, 10, "alice", "");
  EXPECT_EQ(result.purge.messages, 1);
  EXPECT_EQ(upgraded.purges(1).size(), 1u);
}

}  // namespace
}  // namespace ferry::store::test
