// Writes from many threads share transactions (write_combiner.h): each caller still learns its
// own outcome, and a write that fails is undone alone.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/store/store_test_support.h"

namespace ferry::store::test {
namespace {

TEST(WriteCombiner, ConcurrentWritesShareTransactionsAndAFailingOneFailsAlone) {
  TempDir dir;
  sqlite::SqliteStore store(dir.file("ferry.db"));
  const auto before = store.transactionsCommitted();

  constexpr int kThreads = 8;
  constexpr int kPerThread = 40;
  std::atomic<int> inserted{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (t == 0 && i % 4 == 0) {
          // A delivery of a message that does not exist breaks a foreign key: this write
          // fails, in whatever transaction it shares.
          try {
            store.addDeliveries(987654321, {{"nowhere", std::nullopt}});
          } catch (const StoreError& e) {
            EXPECT_NE(std::string(e.what()).find("add deliveries"), std::string::npos) << e.what();
            ++refused;
          }
          continue;
        }
        const auto id = store.insertReceived(sampleMessage("W" + std::to_string(t) + "-" + std::to_string(i))).id;
        if (id > 0) ++inserted;
      }
    });
  }
  for (auto& thread : threads) thread.join();

  const int calls = kThreads * kPerThread;
  EXPECT_EQ(refused.load(), kPerThread / 4);
  EXPECT_EQ(inserted.load(), calls - kPerThread / 4);
  // Every successful write is in the file, the failed ones left nothing.
  EXPECT_EQ(store.countMessagesByStatus().at("received"), inserted.load());
  std::int64_t deliveries = 0;
  for (const auto& [status, count] : store.countDeliveriesByStatus()) deliveries += count;
  EXPECT_EQ(deliveries, 0);
  // Eight threads each waiting for an fsync: writes queued meanwhile shared transactions.
  const auto transactions = store.transactionsCommitted() - before;
  EXPECT_LT(transactions, static_cast<std::uint64_t>(calls));
  std::printf("[          ] %d writes in %llu transactions\n", calls,
              static_cast<unsigned long long>(transactions));
}

TEST(WriteCombiner, BookkeepingAloneWaitsForNoFsyncAReceivedMessageAlways) {
  TempDir dir;
  sqlite::SqliteStore store(dir.file("ferry.db"));
  const auto before = store.writerTime().wal_sync_waits;
  store.appendEvent(Event{0, std::nullopt, std::nullopt, "lab", "", "note", "", 1});
  EXPECT_EQ(store.writerTime().wal_sync_waits, before);  // an event alone is not fsynced
  EXPECT_GT(store.insertReceived(sampleMessage("SYNCED-1")).id, 0);
  // The message's caller waited for the WAL's fsync (wal_sync_test checks the page cache).
  EXPECT_EQ(store.writerTime().wal_sync_waits, before + 1);
  EXPECT_GE(store.writerTime().wal_syncs, 1u);
}

}  // namespace
}  // namespace ferry::store::test

namespace ferry::store::sqlite {
namespace {

// The combiner alone, with an executor that records its batches: while one batch runs, the
// writes queued behind it are batched by kind, durable first, then the bookkeeping that waited.
TEST(WriteCombinerBatches, DurableAndBookkeepingWritesTakeTurnsInBatchesOfTheirOwnKind) {
  std::mutex mutex;
  std::condition_variable changed;
  bool first_running = false;
  bool release_first = false;
  std::vector<std::vector<bool>> batches;  // per batch: durable flag of each job
  WriteCombiner combiner(
      [&](WriteCombiner::Batch& batch) {
        std::unique_lock lock(mutex);
        std::vector<bool> kinds;
        for (const WriteJob* job : batch) kinds.push_back(job->durable);
        batches.push_back(kinds);
        if (batches.size() == 1) {  // hold the first batch until the others are queued
          first_running = true;
          changed.notify_all();
          changed.wait_for(lock, std::chrono::seconds(30), [&] { return release_first; });
        }
      },
      /*max_batch=*/64);

  auto submit = [&](bool durable) {
    auto body = [] {};
    WriteJob job("test write", durable, body);
    combiner.submit(job);
    EXPECT_TRUE(job.done);
  };
  std::thread first([&] { submit(true); });
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(30), [&] { return first_running; }));
  }
  // Queued behind the running batch, interleaved: relaxed, durable, relaxed, durable, durable.
  std::vector<std::thread> queued;
  for (bool durable : {false, true, false, true, true}) {
    queued.emplace_back([&, durable] { submit(durable); });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // keep the queue order
  }
  {
    std::lock_guard lock(mutex);
    release_first = true;
  }
  changed.notify_all();
  first.join();
  for (auto& thread : queued) thread.join();

  // First the lone durable write, then (after a durable batch) the waiting bookkeeping, then
  // the three durable writes together.
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0], (std::vector<bool>{true}));
  EXPECT_EQ(batches[1], (std::vector<bool>{false, false}));
  EXPECT_EQ(batches[2], (std::vector<bool>{true, true, true}));
}

// While an fsync of the WAL runs, durable writes wait (a commit now would need the next fsync
// anyway) and bookkeeping goes ahead; when it ends, the held durable writes share one batch.
TEST(WriteCombinerBatches, DurableWritesHeldDuringAnFsyncShareOneBatchBookkeepingGoesAhead) {
  std::atomic<bool> hold{true};
  std::mutex mutex;
  std::vector<std::vector<bool>> batches;
  WriteCombiner combiner(
      [&](WriteCombiner::Batch& batch) {
        std::lock_guard lock(mutex);
        std::vector<bool> kinds;
        for (const WriteJob* job : batch) kinds.push_back(job->durable);
        batches.push_back(kinds);
      },
      /*max_batch=*/64, [&] { return hold.load(); });
  auto batchCount = [&] {
    std::lock_guard lock(mutex);
    return batches.size();
  };

  std::atomic<int> durable_done{0};
  std::vector<std::thread> durable;
  for (int i = 0; i < 3; ++i) {
    durable.emplace_back([&] {
      auto body = [] {};
      WriteJob job("durable write", true, body);
      combiner.submit(job);
      ++durable_done;
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(durable_done, 0) << "a durable write ran while held";
  EXPECT_EQ(batchCount(), 0u);

  // Bookkeeping is not held: it runs while the durable writes wait.
  {
    auto body = [] {};
    WriteJob job("bookkeeping", false, body);
    combiner.submit(job);
    EXPECT_TRUE(job.done);
  }
  EXPECT_EQ(durable_done, 0);

  hold = false;
  combiner.wake();
  for (auto& thread : durable) thread.join();
  EXPECT_EQ(durable_done, 3);
  std::lock_guard lock(mutex);
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0], (std::vector<bool>{false}));
  EXPECT_EQ(batches[1], (std::vector<bool>{true, true, true}));
}

// A durable writer that leads the batch holding its own write keeps the batch's other durable
// writers asleep until its caller has waited for the fsync and calls wakeHeld(): the same fsync
// covers them, so waking them at the commit only had them sleep again until it ended.
TEST(WriteCombinerBatches, ALeaderHoldsTheDurableWritersOfItsBatchUntilWakeHeld) {
  std::mutex mutex;
  std::condition_variable changed;
  bool first_running = false;
  bool release_first = false;
  std::vector<std::size_t> batch_sizes;
  WriteCombiner combiner(
      [&](WriteCombiner::Batch& batch) {
        std::unique_lock lock(mutex);
        batch_sizes.push_back(batch.size());
        if (batch_sizes.size() == 1) {  // hold the first batch until the others are queued
          first_running = true;
          changed.notify_all();
          changed.wait_for(lock, std::chrono::seconds(30), [&] { return release_first; });
        }
      },
      /*max_batch=*/64);

  // Each durable write as the store makes it: held followers are woken by its caller.
  std::atomic<int> returned{0};
  std::atomic<int> held_by_leaders{0};
  std::atomic<bool> leader_waiting{false};
  std::atomic<bool> leader_may_wake{false};
  auto durableWrite = [&] {
    auto body = [] {};
    WriteJob job("durable write", true, body);
    job.holds_followers = true;
    combiner.submit(job);
    EXPECT_TRUE(job.done);
    if (!job.held.empty()) {
      held_by_leaders += static_cast<int>(job.held.size());
      leader_waiting = true;  // stands for the wait for the fsync
      for (int i = 0; i < 3000 && !leader_may_wake; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    WriteCombiner::wakeHeld(job);
    EXPECT_TRUE(job.held.empty());
    ++returned;
  };

  std::thread first(durableWrite);
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(30), [&] { return first_running; }));
  }
  std::vector<std::thread> queued;
  for (int i = 0; i < 3; ++i) {
    queued.emplace_back(durableWrite);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // keep the queue order
  }
  {
    std::lock_guard lock(mutex);
    release_first = true;
  }
  changed.notify_all();
  first.join();  // it ran alone: it held no one
  EXPECT_EQ(returned.load(), 1);

  // The first queued writer leads the three: it holds the other two.
  for (int i = 0; i < 3000 && !leader_waiting; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_TRUE(leader_waiting.load());
  EXPECT_EQ(held_by_leaders.load(), 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(returned.load(), 1) << "a held writer returned before its leader's fsync";
  leader_may_wake = true;
  for (auto& thread : queued) thread.join();
  EXPECT_EQ(returned.load(), 4);
  std::lock_guard lock(mutex);
  EXPECT_EQ(batch_sizes, (std::vector<std::size_t>{1, 3}));
}

}  // namespace
}  // namespace ferry::store::sqlite
