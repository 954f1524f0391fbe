// Migration 6 indexes only the message and delivery states a query looks for. A store made
// before it must come out of the upgrade with every queue, list and count as it was.

#include <Poco/Data/SQLite/SessionImpl.h>
#include <Poco/Data/Session.h>

#include <set>

#include "engine/store/sqlite/migrations.h"
#include "tests/store/store_test_support.h"

namespace ferry::store::test {
namespace {

using namespace Poco::Data::Keywords;

std::set<std::string> indexNames(const std::string& path) {
  Poco::Data::Session session(Poco::AutoPtr<Poco::Data::SessionImpl>(
      new Poco::Data::SQLite::SessionImpl(path, 0)));
  std::vector<std::string> names;
  session << "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'",
      into(names), now;
  return {names.begin(), names.end()};
}

std::vector<std::int64_t> idsOf(const std::vector<MessageRecord>& records) {
  std::vector<std::int64_t> ids;
  for (const auto& r : records) ids.push_back(r.id);
  return ids;
}

std::vector<std::int64_t> idsOf(const std::vector<DeliveryRecord>& records) {
  std::vector<std::int64_t> ids;
  for (const auto& r : records) ids.push_back(r.id);
  return ids;
}

// One message in each state, and deliveries in each state: delivered, failed, dead, one left
// in flight and two pending.
struct Filled {
  std::int64_t received = 0, processed = 0, errored = 0, filtered = 0;
  std::vector<std::int64_t> deliveries;  // delivered, failed, dead, in flight, pending, pending
};

Filled fill(Store& store) {
  Filled f;
  f.received = store.insertReceived(sampleMessage("R1")).id;
  f.processed = store.insertReceived(sampleMessage("P1")).id;
  f.errored = store.insertReceived(sampleMessage("E1")).id;
  f.filtered = store.insertReceived(sampleMessage("F1")).id;
  EXPECT_TRUE(store.markProcessed(f.processed, "{}"));
  EXPECT_TRUE(store.markErrored(f.errored, "PID-3: missing"));
  EXPECT_TRUE(store.markFiltered(f.filtered, "not for us"));
  f.deliveries = store.addDeliveries(f.processed, {{"lab", {}}, {"lab", {}}, {"lab", {}},
                                                   {"lab", {}}, {"lab", {}}, {"lab", {}}});
  const auto claimed = store.claimDue("lab", 2'000'000, 4);
  EXPECT_EQ(claimed.size(), 4u);
  EXPECT_TRUE(store.markDelivered(f.deliveries[0], std::string("MSA|AA")));
  EXPECT_TRUE(store.markFailed(f.deliveries[1], "AR", std::string("MSA|AR")));
  EXPECT_TRUE(store.markDead(f.deliveries[2], "gave up"));
  return f;
}

TEST(StatusIndexes, AStoreFromBeforeTheMigrationKeepsItsQueuesListsAndCounts) {
  TempDir dir;
  ManualClock clock;  // new deliveries are due at 1,000,000 ms
  const std::string path = dir.file("ferry.db");
  Filled f;
  {
    sqlite::SqliteOptions before;
    before.clock = clock.function();
    before.migrations = sqlite::sqliteMigrations();
    before.migrations.resize(5);
    sqlite::SqliteStore store(path, before);
    f = fill(store);
  }
  EXPECT_TRUE(indexNames(path).count("messages_status"));
  EXPECT_TRUE(indexNames(path).count("deliveries_status"));

  sqlite::SqliteOptions current;  // the current build's migrations: 6 is applied at open
  current.clock = clock.function();
  sqlite::SqliteStore store(path, current);
  const auto indexes = indexNames(path);
  for (const char* gone : {"messages_status", "deliveries_status"}) {
    EXPECT_FALSE(indexes.count(gone)) << gone;
  }
  for (const char* added : {"messages_received", "messages_errored", "messages_filtered",
                            "deliveries_troubled", "deliveries_due", "deliveries_open",
                            "events_delivery"}) {
    EXPECT_TRUE(indexes.count(added)) << added;
  }

  const std::map<std::string, std::int64_t> messages{
      {"received", 1}, {"processed", 1}, {"errored", 1}, {"filtered", 1}};
  EXPECT_EQ(store.countMessagesByStatus(), messages);
  const std::map<std::string, std::int64_t> deliveries{
      {"pending", 2}, {"in_flight", 1}, {"delivered", 1}, {"failed", 1}, {"dead", 1}};
  EXPECT_EQ(store.countDeliveriesByStatus(), deliveries);

  EXPECT_EQ(idsOf(store.messagesWithStatus(MessageStatus::Received, 10)),
            std::vector<std::int64_t>{f.received});
  EXPECT_EQ(idsOf(store.messagesWithStatus(MessageStatus::Errored, 10)),
            std::vector<std::int64_t>{f.errored});
  MessageFilter filtered;
  filtered.status = MessageStatus::Filtered;
  EXPECT_EQ(idsOf(store.listMessages(filtered)), std::vector<std::int64_t>{f.filtered});
  MessageFilter processed;
  processed.status = MessageStatus::Processed;
  processed.channel = "lab-in";
  EXPECT_EQ(idsOf(store.listMessages(processed)), std::vector<std::int64_t>{f.processed});

  EXPECT_EQ(idsOf(store.deadLetters(10)),
            (std::vector<std::int64_t>{f.deliveries[1], f.deliveries[2]}));
  // The delivery left in flight goes back to the queue, ahead of the two pending ones.
  EXPECT_EQ(store.recoverInFlight(), 1u);
  EXPECT_EQ(idsOf(store.claimDue("lab", 3'000'000, 10)),
            (std::vector<std::int64_t>{f.deliveries[3], f.deliveries[4], f.deliveries[5]}));
  EXPECT_EQ(idsOf(store.claimDue("lab", 3'000'000, 10, ClaimOrder::AnyDue)),
            std::vector<std::int64_t>{});
}

TEST(StatusIndexes, CountsFollowEveryChangeOfState) {
  TempDir dir;
  ManualClock clock;
  sqlite::SqliteOptions options;
  options.clock = clock.function();
  sqlite::SqliteStore store(dir.file("ferry.db"), options);
  const Filled f = fill(store);
  const auto retry_id = f.deliveries[3];  // in flight
  ASSERT_TRUE(store.markRetry(retry_id, 2'500'000, "timeout"));
  EXPECT_EQ(store.countDeliveriesByStatus()["pending"], 3);
  EXPECT_EQ(store.countDeliveriesByStatus()["in_flight"], 0);
  // Due later: AnyDue leaves it until its time, then takes the longest due first.
  EXPECT_EQ(idsOf(store.claimDue("lab", 2'100'000, 10, ClaimOrder::AnyDue)),
            (std::vector<std::int64_t>{f.deliveries[4], f.deliveries[5]}));
  EXPECT_EQ(idsOf(store.claimDue("lab", 2'600'000, 10, ClaimOrder::AnyDue)),
            std::vector<std::int64_t>{retry_id});
  ASSERT_TRUE(store.requeue(f.deliveries[2], "operator: peer fixed"));
  const std::map<std::string, std::int64_t> deliveries{
      {"pending", 1}, {"in_flight", 3}, {"delivered", 1}, {"failed", 1}, {"dead", 0}};
  EXPECT_EQ(store.countDeliveriesByStatus(), deliveries);

  ASSERT_TRUE(store.reopenForReprocessing(f.errored, "operator: table fixed"));
  ASSERT_TRUE(store.markProcessed(f.received, "{}"));
  const std::map<std::string, std::int64_t> messages{
      {"received", 1}, {"processed", 2}, {"errored", 0}, {"filtered", 1}};
  EXPECT_EQ(store.countMessagesByStatus(), messages);
  EXPECT_EQ(idsOf(store.messagesWithStatus(MessageStatus::Received, 10)),
            std::vector<std::int64_t>{f.errored});
}

TEST(StatusIndexes, OpenQueuesCountEachDestinationAndGiveItsOldestEntry) {
  TempDir dir;
  ManualClock clock;
  sqlite::SqliteOptions options;
  options.clock = clock.function();
  sqlite::SqliteStore store(dir.file("ferry.db"), options);
  EXPECT_TRUE(store.openQueues().empty());
  const auto first = store.insertReceived(sampleMessage("Q1")).id;
  const auto lab = store.addDeliveries(first, {{"lab/hospital", {}}, {"lab/registry", {}}});
  clock.advance(5'000);
  const auto second = store.insertReceived(sampleMessage("Q2")).id;
  const auto later = store.addDeliveries(second, {{"lab/hospital", {}}, {"lab/registry", {}}});
  ASSERT_EQ(store.claimDue("lab/hospital", clock.now(), 1).size(), 1u);  // the first, in flight
  ASSERT_EQ(store.claimDue("lab/registry", clock.now(), 2).size(), 2u);
  ASSERT_TRUE(store.markDelivered(lab[1], std::nullopt));

  const std::vector<DeliveryQueue> expected{
      {"lab/hospital", 1, 1, 1'000'000},  // its oldest is the first message's, in flight
      {"lab/registry", 0, 1, 1'005'000},  // the first was delivered: the second is the oldest
  };
  EXPECT_EQ(store.openQueues(), expected);
  ASSERT_TRUE(store.markDelivered(later[1], std::nullopt));
  ASSERT_EQ(store.openQueues().size(), 1u);  // an empty queue is not listed
  EXPECT_EQ(store.openQueues()[0].destination, "lab/hospital");
}

}  // namespace
}  // namespace ferry::store::test
