#pragma once
// Group commit for received messages. Every durable commit costs an fsync (milliseconds on real
// disks), so committing each message on its own caps a node at a few hundred messages a second
// however many listeners it runs. GroupCommitter lets any number of threads call commit()
// concurrently: one writer thread takes everything queued (up to max_batch) into a single
// transaction through Store::insertReceivedBatch, and wakes each caller with its id once that
// transaction is committed. A caller never returns before its own message is durable, so it may
// acknowledge the message as soon as commit() returns.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/store/store.h"

namespace ferry::store {

class GroupCommitter {
 public:
  struct Options {
    std::size_t max_batch = 256;  // messages per transaction at most (threaded mode)
    bool inline_writes = false;   // no writer thread: see above
  };

  // `store` must outlive the committer.
  explicit GroupCommitter(Store& store, Options options);
  explicit GroupCommitter(Store& store) : GroupCommitter(store, Options{}) {}
  ~GroupCommitter();  // stop()
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Blocks until the message is committed and returns its id (or, for a message with a
  // duplicate check, the earlier message's id when it is a duplicate). Throws StoreError when it could
  // not be committed (it is not stored: do not acknowledge it) or the committer is stopped. When
  // a batch fails, its messages are retried one per transaction, so a message that breaks a
  // constraint fails only its own caller.
  ReceivedId commit(NewMessage message);

  // One message's result in commitAll: its id, or why it is not stored.
  struct Outcome {
    ReceivedId id;
    std::exception_ptr error;
  };
  // Commits several messages in one transaction, so they share one durable commit, and returns
  // each one's outcome in their order once that commit is durable (an event loop's batch of
  // frames). Threaded mode commits them as commit() would, each learning its own outcome; inline
  // mode fails them all when their transaction fails (see commitAllInline). Throws StoreError
  // when the committer is stopped.
  std::vector<Outcome> commitAll(std::vector<NewMessage> messages);

  // Refuses new messages, commits everything already queued, then joins the writer thread.
  // Idempotent.
  void stop();

  // Threaded mode only: inline writes are counted by the store, where they may be merged.
  std::uint64_t transactionsCommitted() const { return transactions_.load(); }
  std::uint64_t messagesCommitted() const { return messages_.load(); }
  // Messages waiting for their transaction (a gauge for metrics).
  std::size_t queued() const;
  // True once stop() has begun: commit() refuses new messages.
  bool stopped() const;

 private:
  struct Request {
    NewMessage message;
    ReceivedId id;
    std::exception_ptr error;
    bool done = false;
    std::condition_variable woken;
  };

  void run();
  void commitBatch(std::vector<Request*>& batch);
  std::vector<ReceivedId> insert(const std::vector<NewMessage>& messages);
  ReceivedId commitInline(NewMessage message);
  std::vector<Outcome> commitAllInline(std::vector<NewMessage>& messages);
  void enterInline();
  void leaveInline();

  Store& store_;
  const Options options_;
  mutable std::mutex mutex_;
  std::condition_variable work_;
  std::deque<Request*> queue_;
  bool stopping_ = false;
  std::size_t inline_in_flight_ = 0;  // inline mode: callers inside the store right now
  std::condition_variable inline_drained_;
  std::mutex stop_mutex_;
  std::atomic<std::uint64_t> transactions_{0};
  std::atomic<std::uint64_t> messages_{0};
  std::thread writer_;
};

}  // namespace ferry::store
