// WAL checkpoints run on the checkpointer's thread, not inside the writer's commits: the WAL of
// a busy store stays bounded, and what it held reaches the database file.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/store/store_test_support.h"

namespace ferry::store::test {
namespace {

std::uintmax_t walBytes(const TempDir& dir) {
  std::error_code ignored;
  const auto size = std::filesystem::file_size(dir.file("ferry.db-wal"), ignored);
  return ignored ? 0 : size;
}

// Writes batches of messages until the checkpointer has run at least once (bounded in count).
std::size_t writeUntilCheckpointed(sqlite::SqliteStore& store, std::size_t max_batches) {
  std::size_t written = 0;
  const std::string body(3000, 'x');
  for (std::size_t batch = 0; batch < max_batches && store.checkpoints() == 0; ++batch) {
    std::vector<NewMessage> messages;
    for (int i = 0; i < 50; ++i) {
      NewMessage message = sampleMessage("CP-" + std::to_string(written));
      message.raw += "NTE|1||" + body + "\r";
      messages.push_back(std::move(message));
      ++written;
    }
    store.insertReceivedBatch(messages);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return written;
}

TEST(Checkpointer, CheckpointsOnItsOwnThreadOnceTheWalPassesItsThreshold) {
  TempDir dir;
  sqlite::SqliteOptions options;
  options.checkpoints.wal_pages = 100;                          // ~400 KB
  options.checkpoints.idle_interval = std::chrono::hours(1);  // only the threshold wakes it
  sqlite::SqliteStore store(dir.file("ferry.db"), options);

  const std::size_t written = writeUntilCheckpointed(store, 400);
  ASSERT_GT(store.checkpoints(), 0u) << "no checkpoint after " << written << " messages";

  // Once a checkpoint has copied the WAL, SQLite writes it from the start again: keep writing
  // a while and the file stays near the threshold instead of holding every message.
  for (int round = 0; round < 20; ++round) {
    std::vector<NewMessage> messages;
    for (int i = 0; i < 50; ++i) {
      NewMessage message = sampleMessage("MORE-" + std::to_string(round) + "-" + std::to_string(i));
      message.raw += std::string(3000, 'y');
      messages.push_back(std::move(message));
    }
    store.insertReceivedBatch(messages);
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  const std::uintmax_t total = (written + 1000) * 3000;
  EXPECT_LT(walBytes(dir), total / 2) << "the WAL holds most of what was written";
  EXPECT_GT(store.checkpoints(), 1u);
  EXPECT_TRUE(store.message(1).has_value());
}

// A steady feed gives the background checkpoint no quiet moment to copy the whole WAL, so
// without the writer's catch-up SQLite never starts the file over and it grows with every
// message (it reached 360 MB in 8 s at 1,000 msgs/s before the catch-up existed).
TEST(Checkpointer, TheWalStaysBoundedUnderASteadyFeedWithNoPause) {
  TempDir dir;
  sqlite::SqliteOptions options;
  options.checkpoints.wal_pages = 100;
  options.checkpoints.restart_pages = 400;  // ~1.6 MB
  sqlite::SqliteStore store(dir.file("ferry.db"), options);

  // A writer that never pauses, next to a reader, as the engine's threads are: bounded by count
  // and by time.
  std::atomic<bool> writing{true};
  std::thread reader([&] {
    for (int i = 0; i < 100000 && writing.load(); ++i) (void)store.countMessagesByStatus();
  });
  const std::string body(3000, 'z');
  std::uintmax_t largest_wal = 0;
  std::size_t written = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (int batch = 0; batch < 300 && std::chrono::steady_clock::now() < deadline; ++batch) {
    std::vector<NewMessage> messages;
    for (int i = 0; i < 10; ++i) {
      NewMessage message = sampleMessage("FEED-" + std::to_string(written++));
      message.raw += "NTE|1||" + body + "\r";
      messages.push_back(std::move(message));
    }
    store.insertReceivedBatch(messages);
    largest_wal = std::max(largest_wal, walBytes(dir));
  }
  writing = false;
  reader.join();

  // ~24 MB went through the WAL (the size it reaches without the catch-up); it never held
  // more than a few restart bounds of it (a catch-up that finds the background checkpoint
  // running waits for the next commit, so the bound is not exact).
  const std::uintmax_t bound = 5 * 400 * 4096;
  EXPECT_LT(largest_wal, bound) << written << " messages written";
  EXPECT_GT(store.writerCheckpoints(), 0u);
  EXPECT_EQ(store.countMessagesByStatus().at("received"), static_cast<std::int64_t>(written));
}

TEST(Checkpointer, ANewConnectionReadsWhatWasCheckpointedAfterTheStoreCloses) {
  TempDir dir;
  sqlite::SqliteOptions options;
  options.checkpoints.wal_pages = 50;
  std::size_t written = 0;
  {
    sqlite::SqliteStore store(dir.file("ferry.db"), options);
    written = writeUntilCheckpointed(store, 400);
    ASSERT_GT(store.checkpoints(), 0u);
  }
  // Closed: the WAL was folded into the file and removed; everything is there on reopening.
  EXPECT_EQ(walBytes(dir), 0u);
  sqlite::SqliteStore reopened(dir.file("ferry.db"), options);
  EXPECT_EQ(reopened.countMessagesByStatus().at("received"), static_cast<std::int64_t>(written));
}

}  // namespace
}  // namespace ferry::store::test
