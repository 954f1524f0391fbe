// A durable write returns only once the WAL holding it is fsynced, and the fsync runs after the
// commit, shared by every commit waiting for one (wal_sync.h).

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/store/sqlite/wal_sync.h"
#include "tests/store/store_test_support.h"

namespace ferry::store::test {
namespace {

using namespace std::chrono_literals;

// Dirty (written, not yet on disk) pages of a file, from the kernel's page cache (cachestat,
// Linux 6.5). Empty when the kernel does not have the call.
std::optional<std::uint64_t> dirtyPages(const std::string& path) {
#ifdef SYS_cachestat
  const long number = SYS_cachestat;
#else
  const long number = 451;  // x86-64 and most others
#endif
  struct Range {
    std::uint64_t offset, length;
  } range{0, 0};  // 0 = to the end of the file
  struct Stat {
    std::uint64_t cache, dirty, writeback, evicted, recently_evicted;
  } stat{};
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  const long rc = ::syscall(number, fd, &range, &stat, 0);
  ::close(fd);
  if (rc != 0) return std::nullopt;
  return stat.dirty + stat.writeback;
}

// A store whose background checkpointer stays asleep: a checkpoint fsyncs the WAL too, which
// would hide whether the write path did.
sqlite::SqliteOptions quietCheckpoints() {
  sqlite::SqliteOptions options;
  options.checkpoints.wal_pages = 1'000'000;
  options.checkpoints.idle_interval = std::chrono::hours(1);
  return options;
}

TEST(WalSync, AReceivedMessageReturnsWithTheWalOnDiskAnEventAloneDoesNot) {
  TempDir dir;
  sqlite::SqliteStore store(dir.file("ferry.db"), quietCheckpoints());
  const std::string wal = dir.file("ferry.db-wal");
  if (!dirtyPages(wal)) GTEST_SKIP() << "this kernel has no cachestat call (Linux >= 6.5)";
  EXPECT_EQ(store.settings().synchronous, 1);  // NORMAL: COMMIT itself does not fsync
  const auto syncs_before = store.writerTime().wal_syncs;

  store.appendEvent(Event{0, std::nullopt, std::nullopt, "lab", "", "note", "", 1});
  EXPECT_GT(*dirtyPages(wal), 0u) << "bookkeeping waits for no fsync";
  EXPECT_EQ(store.writerTime().wal_syncs, syncs_before);

  EXPECT_GT(store.insertReceived(sampleMessage("SYNC-1")).id, 0);
  EXPECT_EQ(*dirtyPages(wal), 0u) << "the message's commit (and the event before it) is on disk";
  EXPECT_EQ(store.writerTime().wal_syncs, syncs_before + 1);
  EXPECT_EQ(store.writerTime().wal_sync_waits, store.writerTime().wal_syncs);
}

TEST(WalSync, ConcurrentReceivedMessagesShareFsyncsAndAllAreStored) {
  TempDir dir;
  sqlite::SqliteStore store(dir.file("ferry.db"), quietCheckpoints());
  const auto before = store.writerTime();
  constexpr int kThreads = 8;
  constexpr int kPerThread = 30;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        store.insertReceived(sampleMessage("T" + std::to_string(t) + "-" + std::to_string(i)));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const auto after = store.writerTime();
  EXPECT_EQ(store.countMessagesByStatus().at("received"), kThreads * kPerThread);
  EXPECT_EQ(after.wal_sync_waits - before.wal_sync_waits, static_cast<std::uint64_t>(kThreads * kPerThread));
  EXPECT_GE(after.wal_syncs - before.wal_syncs, 1u);
  EXPECT_LE(after.wal_syncs - before.wal_syncs, after.wal_sync_waits - before.wal_sync_waits);
  std::printf("[          ] %d received messages, %llu fsyncs\n", kThreads * kPerThread,
              static_cast<unsigned long long>(after.wal_syncs - before.wal_syncs));
}

// The fsync below stands for fdatasync so the test can hold each call open and end them in any
// order: what matters here is which commits a running sync covers, which a real disk is too
// quick to show.
class HeldSync {
 public:
  std::string operator()() {
    std::unique_lock lock(mutex_);
    const int mine = ++started_;
    changed_.notify_all();
    changed_.wait_for(lock, 10s, [&] { return released_.count(mine) > 0; });
    return failure_;
  }
  void release(int call) {  // 1 = the first sync started
    std::lock_guard lock(mutex_);
    released_.insert(call);
    changed_.notify_all();
  }
  bool waitStarted(int count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return started_ >= count; });
  }
  int started() {
    std::lock_guard lock(mutex_);
    return started_;
  }
  void failWith(std::string sentence) {
    std::lock_guard lock(mutex_);
    failure_ = std::move(sentence);
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int started_ = 0;
  std::set<int> released_;
  std::string failure_;
};

// Runs waitDurable(ticket) on a thread of its own and says when it returned.
struct Waiter {
  Waiter(sqlite::WalSync& sync, std::uint64_t ticket)
      : thread([this, &sync, ticket] {
          sync.waitDurable(ticket);
          done = true;
        }) {}
  ~Waiter() {
    if (thread.joinable()) thread.join();
  }
  std::atomic<bool> done{false};
  std::thread thread;
};

TEST(WalSync, OneLaneACommitMadeDuringASyncWaitsForTheNextWhichCoversEveryoneWaiting) {
  HeldSync held;
  sqlite::WalSync sync("unused-wal", /*lanes=*/1, [&] { return held(); });

  Waiter first(sync, sync.committed());
  ASSERT_TRUE(held.waitStarted(1));
  // Three commits land while the first sync runs: it may not cover them, and with one lane
  // none of them may start another yet.
  std::vector<std::unique_ptr<Waiter>> later;
  for (int i = 0; i < 3; ++i) later.push_back(std::make_unique<Waiter>(sync, sync.committed()));
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(held.started(), 1);
  held.release(1);
  first.thread.join();
  EXPECT_TRUE(first.done);
  // One of the three runs the second sync; the others wait for it rather than start their own.
  ASSERT_TRUE(held.waitStarted(2));
  std::this_thread::sleep_for(20ms);
  for (const auto& w : later) EXPECT_FALSE(w->done) << "returned before a sync that started after its commit ended";
  EXPECT_EQ(held.started(), 2);
  held.release(2);
  for (auto& w : later) w->thread.join();
  EXPECT_EQ(sync.stats().syncs, 2u);
  EXPECT_EQ(sync.stats().waits, 4u);
  sync.waitDurable(1);  // already covered: no new sync
  EXPECT_EQ(held.started(), 2);
}

TEST(WalSync, TwoLanesACommitDuringASyncStartsItsOwnAndALaterSyncCoversEarlierCommits) {
  HeldSync held;
  sqlite::WalSync sync("unused-wal", /*lanes=*/2, [&] { return held(); });

  Waiter first(sync, sync.committed());  // ticket 1: sync 1
  ASSERT_TRUE(held.waitStarted(1));
  EXPECT_FALSE(sync.lanesBusy());
  Waiter second(sync, sync.committed());  // ticket 2: a free lane, so sync 2 starts at once
  ASSERT_TRUE(held.waitStarted(2));
  EXPECT_TRUE(sync.lanesBusy()) << "both lanes run a sync";
  Waiter third(sync, sync.committed());  // ticket 3: no lane free, and no running sync covers it
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(held.started(), 2);

  // Sync 2 ends first: it started after tickets 1 and 2, so both are durable while sync 1
  // still runs (its caller returns when that call ends); ticket 3 takes the free lane.
  held.release(2);
  second.thread.join();
  EXPECT_TRUE(second.done);
  ASSERT_TRUE(held.waitStarted(3));
  EXPECT_FALSE(third.done);
  EXPECT_FALSE(first.done) << "its own sync is still running";
  held.release(3);
  third.thread.join();
  EXPECT_TRUE(third.done);
  held.release(1);  // the first sync ends last
  first.thread.join();
  EXPECT_TRUE(first.done);
  EXPECT_EQ(sync.stats().syncs, 3u);
  EXPECT_FALSE(sync.lanesBusy());
}

TEST(WalSync, AFailedFsyncIsFinalAndEveryLaterWaitFails) {
  HeldSync held;
  held.failWith("fdatasync of the write-ahead log failed (Input/output error).");
  held.release(1);
  held.release(2);
  sqlite::WalSync sync("/data/ferry.db-wal", /*lanes=*/2, [&] { return held(); });
  try {
    sync.waitDurable(sync.committed());
    FAIL() << "a failed fsync must not be reported as durable";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("Input/output error"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("acknowledges nothing more"), std::string::npos) << e.what();
    EXPECT_EQ(e.location(), "/data/ferry.db-wal");
  }
  // A later commit is not retried on a disk that has already lost pages.
  EXPECT_THROW(sync.waitDurable(sync.committed()), StoreError);
  EXPECT_EQ(held.started(), 1);
}

TEST(WalSync, CallersAsleepOnASyncThatFailsAllWakeWithItsError) {
  HeldSync held;
  sqlite::WalSync sync("/data/ferry.db-wal", /*lanes=*/1, [&] { return held(); });
  // Ten callers committed before the sync started wait for it, asleep: it covers them all.
  std::vector<std::uint64_t> tickets;
  for (int i = 0; i < 10; ++i) tickets.push_back(sync.committed());
  std::atomic<int> failed{0};
  std::vector<std::thread> callers;
  for (std::uint64_t ticket : tickets) {
    callers.emplace_back([&, ticket] {
      try {
        sync.waitDurable(ticket);
      } catch (const StoreError&) {
        ++failed;
      }
    });
  }
  ASSERT_TRUE(held.waitStarted(1));
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(failed.load(), 0) << "no caller may return before its sync ends";
  held.failWith("fdatasync of the write-ahead log failed (Input/output error).");
  held.release(1);
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(failed.load(), 10);
  EXPECT_EQ(held.started(), 1) << "the failure is final: no caller retries it";
  EXPECT_EQ(sync.stats().waits, 10u);
}

// Through the store, with writers that share batches: when the disk fails, every caller of a
// received message hears of it, those whose batch's leader held them asleep included (they are
// woken with the failure, not left waiting), and none is told its message is stored.
TEST(WalSync, WhenTheFsyncFailsEveryConcurrentReceivedMessageFailsAndNoneWaitsForever) {
  TempDir dir;
  sqlite::SqliteOptions options = quietCheckpoints();
  std::atomic<bool> failing{false};  // the schema's own sync, at opening, succeeds
  std::atomic<int> syncs{0};
  options.wal_sync_for_tests = [&] {
    if (!failing) return std::string();
    ++syncs;
    std::this_thread::sleep_for(20ms);  // long enough for the others to queue into batches
    return std::string("fdatasync of the write-ahead log failed (Input/output error).");
  };
  sqlite::SqliteStore store(dir.file("ferry.db"), options);
  const auto transactions_before = store.transactionsCommitted();
  failing = true;

  constexpr int kThreads = 16;
  std::atomic<int> failed{0};
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        store.insertReceived(sampleMessage("FAILING-" + std::to_string(t)));
        ++acknowledged;
      } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("Input/output error"), std::string::npos) << e.what();
        ++failed;
      }
    });
  }
  for (int i = 0; i < 1000 && failed + acknowledged < kThreads; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(failed + acknowledged, kThreads) << "a caller still waits after the disk failed";
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(acknowledged.load(), 0);
  EXPECT_EQ(failed.load(), kThreads);
  // A failed fsync is final: none starts after it (two lanes: at most two were running).
  EXPECT_LE(syncs.load(), 2);
  EXPECT_LT(store.transactionsCommitted() - transactions_before, static_cast<std::uint64_t>(kThreads))
      << "the writers did not share batches, so no leader held another";
}

TEST(WalSync, AMissingWalFileIsAnErrorThatNamesIt) {
  TempDir dir;
  sqlite::WalSync sync(dir.file("absent-wal"));
  try {
    sync.waitDurable(sync.committed());
    FAIL() << "syncing a file that does not exist cannot succeed";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("absent-wal cannot be found"), std::string::npos) << e.what();
  }
}

TEST(WalSync, SyncsARealFile) {
  TempDir dir;
  const std::string path = dir.file("some-wal");
  std::ofstream(path) << std::string(10000, 'w');
  if (!dirtyPages(path)) GTEST_SKIP() << "this kernel has no cachestat call (Linux >= 6.5)";
  EXPECT_GT(*dirtyPages(path), 0u);
  sqlite::WalSync sync(path);
  sync.waitDurable(sync.committed());
  EXPECT_EQ(*dirtyPages(path), 0u);
  EXPECT_EQ(sync.stats().syncs, 1u);
}

}  // namespace
}  // namespace ferry::store::test
