#pragma once
// Merges the store writes of many threads into shared transactions.
//
// Why: SQLite has one writer, so every write waited its turn on a mutex and paid a transaction
// of its own: the group commit of received messages (with its fsync), the processor's outcomes,
// each delivery worker's claims and settlements, the event writer's batch. While a transaction
// with an fsync runs, the others queue up; each then committed separately, rewriting the same
// B-tree pages into the WAL again and again and taking the writer in turn ahead of the next
// group commit, whose ACKs waited for all of them.
//
// Now the writes queue, and the first thread that finds no batch running takes what is
// queued and runs it as one transaction on behalf of the others (flat combining): no extra
// thread, no hand-off when there is no contention (a lone write runs on its own thread at
// once), and under load one commit for what used to be several. When a write fails, the
// others of its batch run again each in a transaction of its own, so only its caller hears of
// it. Durable writes (received messages, whose callers then wait for the WAL to be fsynced:
// wal_sync.h) and bookkeeping are batched apart and take turns, so an ACK never waits for
// bookkeeping statements.
//
// A caller returns only after the transaction holding its write has committed.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <string_view>
#include <vector>

namespace ferry::store::sqlite {

// One caller's write: a reference to its body (which lives on the caller's stack until done).
struct WriteJob {
  template <typename Body>
  WriteJob(std::string_view what_, bool durable_, Body& body)
      : what(what_),
        durable(durable_),
        target(&body),
        invoke([](void* target_body) { (*static_cast<Body*>(target_body))(); }) {}

  void run() { invoke(target); }

  std::string_view what;  // "commit a received message", for errors
  bool durable;           // its caller waits for the commit to be fsynced (WalSync)
  void* target;
  void (*invoke)(void*);
  std::exception_ptr error;  // set when this write (or its transaction) failed
  std::uint64_t commit_ticket = 0;  // its transaction's WalSync ticket, once committed
  // Under `wake_lock`: finished, or asked to run the next batch itself. Each caller waits on
  // its own lock and is woken alone, never the whole crowd, and never behind the combiner's.
  std::mutex wake_lock;
  bool done = false;
  bool lead = false;
  std::condition_variable woken;
  // Opt-in, for a write whose caller waits for the commit's fsync next (the store's durable
  // writes): when such a job's thread leads the batch that holds it, the batch's other durable
  // writers are not woken at the commit, only to sleep again until the fsync ends, but once,
  // by wakeHeld(), after it. Their commit is in the same transaction, so the same fsync
  // covers them.
  bool holds_followers = false;
  std::vector<WriteJob*> held;  // the writers whose wake-up this job's caller owes
};

class WriteCombiner {
 public:
  using Batch = std::vector<WriteJob*>;
  // `execute` runs a batch as one transaction and records any failure in the jobs' `error`;
  // it must not throw. At most `max_batch` writes share a transaction. While `hold_durable`
  // returns true (every fsync lane of the WAL is busy), durable writes stay queued and
  // bookkeeping goes ahead: a durable commit made now would wait for a lane anyway, and the
  // ones queued meanwhile then share one transaction instead of each making its own.
  WriteCombiner(std::function<void(Batch&)> execute, std::size_t max_batch,
                std::function<bool()> hold_durable = {});

  // Blocks until `job` has run, on this thread or on another caller's.
  void submit(WriteJob& job);
  // Call when `hold_durable` may have turned false: a leader holding durable writes looks again.
  void wake();
  // Wakes the writers `job`'s thread held as the leader of its batch (holds_followers). Its
  // caller calls this once submit() returned, after the fsync, and on every way out before.
  static void wakeHeld(WriteJob& job);

 private:
  // Runs batches until the caller's own job is done, then hands the lead to the next queued
  // caller (or leaves none running). Called and returns with the lock held.
  void lead(std::unique_lock<std::mutex>& lock, WriteJob& own);
  // The next batch, removed from the queue (under the lock): see the .cpp for the order.
  // Empty when only durable writes are queued and they are held.
  Batch takeBatch();

  const std::function<void(Batch&)> execute_;
  const std::size_t max_batch_;
  const std::function<bool()> hold_durable_;
  std::mutex mutex_;
  std::condition_variable leader_wake_;  // a leader waiting while durable writes are held
  std::vector<WriteJob*> queue_;
  bool running_ = false;
  bool last_durable_ = false;
};

}  // namespace ferry::store::sqlite
