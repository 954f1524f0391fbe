// The retention thread (runtime::Pruner) on a real store: it purges what is old and finished
// within a bounded wait, drains a backlog in chunks, stops promptly and outlives store errors.

#include "engine/runtime/pruner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/store/forwarding_store.h"
#include "tests/store/store_test_support.h"

namespace ferry::runtime {
namespace {

using namespace std::chrono_literals;
using store::test::ManualClock;
using store::test::TempDir;

constexpr std::int64_t kDay = 24LL * 60 * 60 * 1000;

// Polls `done` until it holds or `limit` passes; whether it held.
template <typename Predicate>
bool waitFor(Predicate done, std::chrono::milliseconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// Fails its first `failures` purges as a locked or broken database would.
class FailingPurges : public store::test::ForwardingStore {
 public:
  FailingPurges(store::Store& inner, int failures) : ForwardingStore(inner), failures_(failures) {}
  store::PurgeResult purgeFinished(std::int64_t older_than_ms, std::size_t max_messages,
                                   std::string_view actor, std::string_view reason) override {
    if (failures_-- > 0) throw store::StoreError("test.db", "Could not purge: database is locked.");
    return inner_.purgeFinished(older_than_ms, max_messages, actor, reason);
  }

 private:
  std::atomic<int> failures_;
};

class PrunerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::sqlite::SqliteOptions options;
    options.clock = clock.function();
    store_ = std::make_unique<store::sqlite::SqliteStore>(dir.file("ferry.db"), options);
  }

  // `n` messages processed now, then the clock two days on: old and finished.
  std::vector<std::int64_t> oldFinished(int n) {
    std::vector<std::int64_t> ids;
    for (int i = 0; i < n; ++i) {
      ids.push_back(store_->insertReceived(store::test::sampleMessage("P" + std::to_string(i))).id);
      EXPECT_TRUE(store_->markProcessed(ids.back(), "{}"));
    }
    clock.advance(2 * kDay);
    return ids;
  }

  Pruner::Options options(std::chrono::milliseconds interval, std::size_t chunk = 1000) {
    Pruner::Options o;
    o.retention = std::chrono::milliseconds(kDay);
    o.interval = interval;
    o.max_messages_per_transaction = chunk;
    return o;
  }
  Pruner::OnPurge collect() {
    return [this](const store::PurgeResult& r) {
      std::lock_guard lock(mutex_);
      reports_.push_back(r);
    };
  }
  std::vector<store::PurgeResult> reports() {
    std::lock_guard lock(mutex_);
    return reports_;
  }
  std::int64_t removedSoFar() {
    std::int64_t n = 0;
    for (const auto& r : reports()) n += r.purge.messages;
    return n;
  }

  TempDir dir;
  ManualClock clock;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  std::mutex mutex_;
  std::vector<store::PurgeResult> reports_;
};

TEST_F(PrunerTest, ItsThreadPurgesOldFinishedMessagesWithinABoundedWait) {
  const auto received = store_->insertReceived(store::test::sampleMessage("R")).id;
  const auto old = oldFinished(3);
  Pruner pruner(*store_, options(20ms), collect(), nullptr);
  pruner.start();

  ASSERT_TRUE(waitFor([&] { return removedSoFar() == 3; })) << removedSoFar();
  pruner.stop();

  for (const auto id : old) EXPECT_FALSE(store_->message(id));
  EXPECT_TRUE(store_->message(received));  // never processed: never purged
  const auto r = reports().front();
  EXPECT_EQ(r.purge.first_message_id, old.front());
  EXPECT_EQ(r.purge.last_message_id, old.back());
  EXPECT_EQ(r.purge.cutoff_ms, clock.now() - kDay);
  const auto audit = store_->purges(10);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit.front().actor, "ferry engine (retention)");
  EXPECT_EQ(audit.front().reason, "retention");
}

TEST_F(PrunerTest, ARoundDrainsABacklogInChunks) {
  oldFinished(25);
  Pruner pruner(*store_, options(1h, 10), collect(), nullptr);

  EXPECT_EQ(pruner.pruneNow(), 25u);

  const auto r = reports();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].purge.messages, 10);
  EXPECT_TRUE(r[0].more);
  EXPECT_EQ(r[1].purge.messages, 10);
  EXPECT_EQ(r[2].purge.messages, 5);
  EXPECT_FALSE(r[2].more);
  EXPECT_EQ(store_->purges(10).size(), 3u);
  EXPECT_EQ(pruner.pruneNow(), 0u);
  EXPECT_EQ(reports().size(), 3u);  // a round that finds nothing reports nothing
}

TEST_F(PrunerTest, ARoundStopsAtItsBoundAndTheNextGoesOn) {
  oldFinished(25);
  auto o = options(1h, 10);
  o.max_purges_per_round = 2;
  Pruner pruner(*store_, o, collect(), nullptr);

  EXPECT_EQ(pruner.pruneNow(), 20u);
  EXPECT_EQ(pruner.pruneNow(), 5u);
}

TEST_F(PrunerTest, StopReturnsPromptlyWhileWaitingForTheNextRound) {
  oldFinished(2);
  Pruner pruner(*store_, options(1h), collect(), nullptr);
  pruner.start();
  std::this_thread::sleep_for(50ms);

  const auto before = std::chrono::steady_clock::now();
  pruner.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 1s);
  EXPECT_TRUE(reports().empty());  // the first round comes a minute after start
  EXPECT_EQ(store_->countPurgeable(kDay), 2);
}

TEST_F(PrunerTest, TheFirstRoundComesSoonAfterStartEvenWithALongInterval) {
  // An engine restarted more often than every interval must still prune.
  oldFinished(2);
  auto o = options(1h);
  o.first_round = 20ms;
  Pruner pruner(*store_, o, collect(), nullptr);
  pruner.start();
  ASSERT_TRUE(waitFor([&] { return removedSoFar() == 2; })) << removedSoFar();
  pruner.stop();
  EXPECT_EQ(reports().size(), 1u);  // then it waits the hour
}

TEST_F(PrunerTest, AStoreErrorIsReportedAndTheNextRoundTriesAgain) {
  const auto old = oldFinished(4);
  FailingPurges failing(*store_, 2);
  std::atomic<int> errors{0};
  std::string sentence;
  Pruner pruner(failing, options(10ms), collect(), [&](const std::string& e) {
    if (errors++ == 0) sentence = e;
  });
  pruner.start();

  ASSERT_TRUE(waitFor([&] { return removedSoFar() == 4; })) << errors.load();
  pruner.stop();

  EXPECT_EQ(errors.load(), 2);
  EXPECT_EQ(sentence, "Could not purge: database is locked.");
  for (const auto id : old) EXPECT_FALSE(store_->message(id));
}

TEST_F(PrunerTest, RefusesARetentionOrIntervalThatIsNotPositive) {
  auto o = options(1h);
  o.retention = 0ms;
  EXPECT_THROW(Pruner(*store_, o, nullptr, nullptr), std::invalid_argument);
  o = options(0ms);
  EXPECT_THROW(Pruner(*store_, o, nullptr, nullptr), std::invalid_argument);
  o = options(1h, 0);
  EXPECT_THROW(Pruner(*store_, o, nullptr, nullptr), std::invalid_argument);
}

}  // namespace
}  // namespace ferry::runtime
