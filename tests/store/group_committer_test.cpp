// GroupCommitter: many threads, one transaction per batch, each caller returning only after its
// own message is durable, even when the process is killed right afterwards.

#include "engine/store/group_committer.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <set>
#include <sstream>

#include "tests/store/forwarding_store.h"
#include "tests/store/store_test_support.h"

namespace ferry::store::test {
namespace {

using namespace std::chrono_literals;

NewMessage threadMessage(int thread, int n) {
  return sampleMessage("T" + std::to_string(thread) + "-" + std::to_string(n));
}

TEST_F(StoreTest, EightThreadsShareFewTransactions) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  constexpr int kTotal = kThreads * kPerThread;
  GroupCommitter committer(*store);
  const auto store_transactions_before = store->transactionsCommitted();

  std::vector<std::future<std::vector<std::pair<std::int64_t, std::string>>>> results;
  for (int t = 0; t < kThreads; ++t) {
    results.push_back(std::async(std::launch::async, [&committer, t] {
      std::vector<std::pair<std::int64_t, std::string>> ids;
      for (int i = 0; i < kPerThread; ++i) {
        NewMessage message = threadMessage(t, i);
        const std::string control_id = message.control_id;
        ids.emplace_back(committer.commit(std::move(message)).id, control_id);
      }
      return ids;
    }));
  }
  std::set<std::int64_t> distinct;
  std::vector<std::pair<std::int64_t, std::string>> all;
  for (auto& result : results) {
    ASSERT_EQ(result.wait_for(120s), std::future_status::ready) << "a committer caller hung";
    for (auto& entry : result.get()) {
      distinct.insert(entry.first);
      all.push_back(entry);
    }
  }
  committer.stop();

  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kTotal));
  EXPECT_EQ(committer.messagesCommitted(), static_cast<std::uint64_t>(kTotal));
  EXPECT_EQ(store->countMessagesByStatus().at("received"), kTotal);
  for (const auto& [id, control_id] : all) {
    auto record = store->message(id);
    ASSERT_TRUE(record.has_value()) << id;
    EXPECT_EQ(record->control_id, control_id);
  }
  const auto transactions = committer.transactionsCommitted();
  EXPECT_EQ(store->transactionsCommitted() - store_transactions_before, transactions);
  std::cout << "[          ] " << kTotal << " messages in " << transactions
            << " transactions\n";
  // How many messages share a transaction depends on the disk's fsync time (4-8 ms here, near
  // zero on tmpfs), so only the sharing itself is asserted; bench/store_bench.cpp measures it.
  EXPECT_LT(transactions, static_cast<std::uint64_t>(kTotal));
}

TEST_F(StoreTest, StopCommitsEverythingQueuedAndThenRefusesNewMessages) {
  auto committer = std::make_unique<GroupCommitter>(*store, GroupCommitter::Options{4});
  std::vector<std::future<std::int64_t>> pending;
  for (int i = 0; i < 20; ++i) {
    pending.push_back(std::async(std::launch::async, [&committer, i] {
      return committer->commit(threadMessage(0, i)).id;
    }));
  }
  std::set<std::int64_t> ids;
  for (auto& f : pending) {
    ASSERT_EQ(f.wait_for(60s), std::future_status::ready);
    ids.insert(f.get());
  }
  committer->stop();
  committer->stop();  // idempotent
  EXPECT_EQ(ids.size(), 20u);
  EXPECT_THROW(committer->commit(threadMessage(1, 0)).id, StoreError);
  committer.reset();
  EXPECT_EQ(store->countMessagesByStatus().at("received"), 20);
}

// Holds every batch at the door of insertReceivedBatch until the test opens it.
class GatedStore : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;

  std::vector<ReceivedId> insertReceivedBatch(const std::vector<NewMessage>& messages) override {
    {
      std::unique_lock lock(mutex_);
      ++entered_;
      changed_.notify_all();
      changed_.wait_for(lock, 30s, [&] { return open_; });
    }
    return inner_.insertReceivedBatch(messages);
  }
  bool waitUntilEntered(int batches) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 30s, [&] { return entered_ >= batches; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int entered_ = 0;
  bool open_ = false;
};

bool waitFor(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST_F(StoreTest, StopDrainsMessagesStillQueued) {
  GatedStore gated(*store);
  GroupCommitter committer(gated, GroupCommitter::Options{4});
  std::vector<std::future<std::int64_t>> callers;
  callers.push_back(std::async(std::launch::async, [&] { return committer.commit(threadMessage(2, 0)).id; }));
  ASSERT_TRUE(gated.waitUntilEntered(1));  // the writer holds message 0 inside its transaction
  for (int i = 1; i <= 10; ++i) {
    callers.push_back(std::async(std::launch::async, [&, i] {
      return committer.commit(threadMessage(2, i)).id;
    }));
  }
  ASSERT_TRUE(waitFor([&] { return committer.queued() == 10; }));

  auto stopping = std::async(std::launch::async, [&] { committer.stop(); });
  ASSERT_TRUE(waitFor([&] { return committer.stopped(); }));
  EXPECT_THROW(committer.commit(threadMessage(2, 99)).id, StoreError);  // refused, not queued
  gated.open();
  ASSERT_EQ(stopping.wait_for(30s), std::future_status::ready);

  std::set<std::int64_t> ids;
  for (auto& caller : callers) {
    ASSERT_EQ(caller.wait_for(30s), std::future_status::ready);
    ids.insert(caller.get());
  }
  EXPECT_EQ(ids.size(), 11u);
  EXPECT_EQ(committer.transactionsCommitted(), 4u);  // 1, then 4 + 4 + 2
  EXPECT_EQ(store->countMessagesByStatus().at("received"), 11);
}

// Fails every transaction, as a full disk would.
class FailingStore : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  std::vector<ReceivedId> insertReceivedBatch(const std::vector<NewMessage>&) override {
    throw StoreError("test.db", "Could not commit in the store test.db: database or disk is full.");
  }
};

TEST_F(StoreTest, WhenTheStoreFailsEveryCallerIsToldAndNothingIsAcknowledgeable) {
  FailingStore failing(*store);
  GroupCommitter committer(failing);
  std::vector<std::future<std::int64_t>> callers;
  for (int i = 0; i < 8; ++i) {
    callers.push_back(std::async(std::launch::async, [&, i] {
      return committer.commit(threadMessage(4, i)).id;
    }));
  }
  for (auto& caller : callers) {
    ASSERT_EQ(caller.wait_for(30s), std::future_status::ready);
    EXPECT_THROW(caller.get(), StoreError);
  }
  EXPECT_EQ(committer.messagesCommitted(), 0u);
}

TEST_F(StoreTest, ABadMessageFailsOnlyItsOwnCaller) {
  GroupCommitter committer(*store);
  std::vector<std::future<std::int64_t>> pending;
  for (int i = 0; i < 16; ++i) {
    pending.push_back(std::async(std::launch::async, [&committer, i] {
      NewMessage message = threadMessage(3, i);
      if (i == 7) message.channel.clear();  // violates a constraint
      return committer.commit(std::move(message)).id;
    }));
  }
  int failures = 0;
  for (int i = 0; i < 16; ++i) {
    ASSERT_EQ(pending[i].wait_for(60s), std::future_status::ready);
    if (i == 7) {
      EXPECT_THROW(pending[i].get(), StoreError);
      ++failures;
    } else {
      EXPECT_GT(pending[i].get(), 0);
    }
  }
  EXPECT_EQ(failures, 1);
  EXPECT_EQ(store->countMessagesByStatus().at("received"), 15);
}

// commitAll, an event loop's batch: threaded mode queues the messages together, and each learns
// its own outcome as commit()'s callers do.
TEST_F(StoreTest, CommitAllGivesEachMessageOfTheBatchItsOwnOutcome) {
  GroupCommitter committer(*store);
  std::vector<NewMessage> batch;
  for (int i = 0; i < 5; ++i) batch.push_back(threadMessage(5, i));
  batch[2].channel.clear();  // violates a constraint
  const auto outcomes = committer.commitAll(std::move(batch));
  ASSERT_EQ(outcomes.size(), 5u);
  std::set<std::int64_t> ids;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (i == 2) {
      EXPECT_TRUE(outcomes[i].error);
    } else {
      EXPECT_FALSE(outcomes[i].error);
      ids.insert(outcomes[i].id.id);
    }
  }
  EXPECT_EQ(ids.size(), 4u);
  EXPECT_EQ(store->countMessagesByStatus().at("received"), 4);
  EXPECT_EQ(committer.messagesCommitted(), 4u);
}

// Inline mode: the batch is one transaction; when it fails, no message of it is acknowledgeable
// (not retried one by one, which could store a message twice after a failed WAL sync).
TEST_F(StoreTest, InlineCommitAllFailsTheWholeBatchWhenItsTransactionFails) {
  FailingStore failing(*store);
  GroupCommitter committer(failing, GroupCommitter::Options{256, /*inline_writes=*/true});
  std::vector<NewMessage> batch;
  for (int i = 0; i < 3; ++i) batch.push_back(threadMessage(6, i));
  const auto outcomes = committer.commitAll(std::move(batch));
  ASSERT_EQ(outcomes.size(), 3u);
  for (const auto& outcome : outcomes) EXPECT_TRUE(outcome.error);
  committer.stop();
  EXPECT_THROW(committer.commitAll({threadMessage(6, 9)}), StoreError);
}

// The child commits through a GroupCommitter from 4 threads and reports every id the moment
// commit() returns; the parent kills it with SIGKILL mid-stream, then finds every reported id
// in the file. (SIGKILL loses what the process held in memory; surviving a power cut
// additionally depends on the WAL's fsync before commit() returns, which wal_sync_test checks.)
[[noreturn]] void commitUntilKilled(const std::string& path, int report_fd) {
  try {
    sqlite::SqliteStore store(path);
    GroupCommitter committer(store);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 100'000; ++i) {  // bounded; the parent kills us long before
          NewMessage message = threadMessage(t, i);
          const std::string control_id = message.control_id;
          const auto id = committer.commit(std::move(message)).id;
          const std::string line = std::to_string(id) + " " + control_id + "\n";
          if (::write(report_fd, line.data(), line.size()) < 0) ::_exit(3);
        }
      });
    }
    for (auto& thread : threads) thread.join();
  } catch (...) {
    ::_exit(2);
  }
  ::_exit(0);
}

TEST(GroupCommitterCrash, EveryIdReturnedBeforeKillMinusNineIsInTheFile) {
  TempDir dir;
  const std::string path = dir.file("crash.db");
  { sqlite::SqliteStore create(path); }  // schema in place before the child starts

  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    commitUntilKilled(path, fds[1]);
  }
  ::close(fds[1]);

  std::string reported;
  std::size_t lines = 0;
  bool killed = false;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  for (;;) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "child reported too little";
    pollfd pfd{fds[0], POLLIN, 0};
    const int ready = ::poll(&pfd, 1, 1000);
    if (ready <= 0) continue;
    char buffer[4096];
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n <= 0) break;  // EOF: the child is gone and everything it wrote is read
    reported.append(buffer, static_cast<std::size_t>(n));
    for (ssize_t i = 0; i < n; ++i) lines += buffer[i] == '\n' ? 1 : 0;
    if (!killed && lines >= 400) {
      ::kill(child, SIGKILL);
      killed = true;
    }
  }
  ::close(fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "child ended on its own with status " << status;

  // The WAL was never checkpointed or closed cleanly; opening recovers it.
  sqlite::SqliteStore store(path);
  std::istringstream in(reported);
  std::int64_t id = 0;
  std::string control_id;
  std::size_t checked = 0;
  while (in >> id >> control_id) {
    auto record = store.message(id);
    ASSERT_TRUE(record.has_value()) << "acknowledged id " << id << " was lost";
    EXPECT_EQ(record->control_id, control_id);
    ++checked;
  }
  EXPECT_GE(checked, 400u);
  std::cout << "[          ] " << checked << " ids reported before SIGKILL, all present; "
            << store.countMessagesByStatus().at("received") << " rows in the file\n";
}

}  // namespace
}  // namespace ferry::store::test

namespace ferry::store::test {
namespace {

// Inline mode: callers write on their own threads; the SQLite store merges them.
TEST_F(StoreTest, InlineCallersShareTheStoresTransactionsAndStopWaitsForThem) {
  GroupCommitter committer(*store, GroupCommitter::Options{256, /*inline_writes=*/true});
  const auto before = store->transactionsCommitted();
  constexpr int kThreads = 8;
  constexpr int kEach = 30;
  std::vector<std::future<std::vector<std::int64_t>>> callers;
  for (int t = 0; t < kThreads; ++t) {
    callers.push_back(std::async(std::launch::async, [&, t] {
      std::vector<std::int64_t> ids;
      for (int i = 0; i < kEach; ++i) ids.push_back(committer.commit(threadMessage(t, i)).id);
      return ids;
    }));
  }
  std::set<std::int64_t> distinct;
  for (auto& caller : callers) {
    ASSERT_EQ(caller.wait_for(std::chrono::seconds(120)), std::future_status::ready);
    for (const auto id : caller.get()) distinct.insert(id);
  }
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_EQ(committer.messagesCommitted(), static_cast<std::uint64_t>(kThreads * kEach));
  EXPECT_EQ(store->countMessagesByStatus().at("received"), kThreads * kEach);
  EXPECT_LT(store->transactionsCommitted() - before, static_cast<std::uint64_t>(kThreads * kEach));
  committer.stop();
  EXPECT_EQ(committer.queued(), 0u);
  EXPECT_THROW(committer.commit(threadMessage(0, 999)).id, StoreError);
  EXPECT_EQ(store->countMessagesByStatus().at("received"), kThreads * kEach);
}

}  // namespace
}  // namespace ferry::store::test
