// Writes from many threads share transactions (write_combiner.h): each caller still learns its
// own outcome, and a write that fails is undone alone.

#include <gtest/gtest.h>

#include <atomic>
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
        const auto id = store.insertReceived(sampleMessage("W" + std::to_string(t) + "-" + std::to_string(i)));
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

TEST(WriteCombiner, BookkeepingAloneSkipsTheFsyncAReceivedMessageNever) {
  TempDir dir;
  sqlite::SqliteStore store(dir.file("ferry.db"));
  store.appendEvent(Event{0, std::nullopt, std::nullopt, "lab", "", "note", "", 1});
  EXPECT_EQ(store.settings().synchronous, 1);  // NORMAL: an event alone is not fsynced
  EXPECT_GT(store.insertReceived(sampleMessage("FULL-1")), 0);
  EXPECT_EQ(store.settings().synchronous, 2);  // FULL: the message was fsynced before returning
}

}  // namespace
}  // namespace ferry::store::test
