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
// it. Durable
// writes (received messages, committed with a full fsync) and bookkeeping (no fsync of its
// own) are batched apart and take turns, so an ACK never waits for bookkeeping pages.
//
// A caller returns only after the transaction holding its write has committed.
//
// Bookkeeping may linger: while received messages keep arriving, a bookkeeping write waits up
// to `bookkeeping_linger` for others to share its transaction. Why: each transaction rewrites
// into the WAL every B-tree page it touches (the last leaf of each table and index), and every
// durable commit fsyncs all pages written since the last one. At 1,000 messages/s the
// processor, the delivery workers and the event writer each committed their few rows apart,
// 0.6 bookkeeping transactions of 13 pages a message, two thirds of the WAL, which every ACK's
// fsync then waited for. A durable write never lingers and cuts a lingering batch short; with
// no received message for a while (an operator's command, a test) nothing lingers either.

#include <chrono>
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
  bool durable;           // needs the transaction fsynced before the caller returns
  // Bookkeeping that may wait for company (see above); false for a write its caller needs at
  // once to go on (a worker's claim) or that is big enough to fill a transaction alone.
  bool may_linger = true;
  void* target;
  void (*invoke)(void*);
  std::exception_ptr error;  // set when this write (or its transaction) failed
  std::chrono::steady_clock::time_point queued_at;  // set by submit()
  // Under the combiner's mutex: finished, or asked to run the next batch itself.
  bool done = false;
  bool lead = false;
  std::condition_variable woken;  // each caller is woken alone, never the whole crowd
};

class WriteCombiner {
 public:
  using Batch = std::vector<WriteJob*>;
  using Clock = std::chrono::steady_clock;
  // `execute` runs a batch as one transaction and records any failure in the jobs' `error`;
  // it must not throw. At most `max_batch` writes share a transaction. Bookkeeping waits up to
  // `bookkeeping_linger` (zero: never) while durable writes are recent (see above).
  WriteCombiner(std::function<void(Batch&)> execute, std::size_t max_batch,
                Clock::duration bookkeeping_linger = Clock::duration::zero());

  // Blocks until `job` has run, on this thread or on another caller's.
  void submit(WriteJob& job);

 private:
  // Runs batches until the caller's own job is done, then hands the lead to the next queued
  // caller (or leaves none running). Called and returns with the lock held.
  void lead(std::unique_lock<std::mutex>& lock, WriteJob& own);
  // The next batch, removed from the queue (under the lock): see the .cpp for the order.
  // Empty when only lingering bookkeeping is queued; `ready_at` then says until when.
  Batch takeBatch(Clock::time_point now, Clock::time_point& ready_at);
  // When queued bookkeeping may run: at once, or once the oldest has lingered enough.
  Clock::time_point bookkeepingReadyAt(std::size_t queued_bookkeeping) const;

  const std::function<void(Batch&)> execute_;
  const std::size_t max_batch_;
  const Clock::duration linger_;
  std::mutex mutex_;
  std::condition_variable leader_;  // a lingering leader waits here for a durable write
  std::vector<WriteJob*> queue_;
  bool running_ = false;
  bool last_durable_ = false;
  Clock::time_point last_durable_at_;  // when a durable batch last ran
};

}  // namespace ferry::store::sqlite
