#pragma once
// Retention for a long-running engine: a thread that, every interval, removes the messages
// finished longer ago than the retention time (Store::purgeFinished), so that the store of an
// engine running for years stays the size of its retention window. Each purge is a short
// transaction of at most max_messages_per_transaction messages; a round repeats it until
// nothing eligible is left (or its bound is reached), letting the engine's other writes take
// their turn between two purges. Messages still owed to a destination are never removed.
//
// Each purge is reported to `on_purge` (counts, ids, cutoff: no patient data) for the log; a
// failing store is reported to `on_error` (the StoreError's sentence) and tried again at the
// next round. Both run on the pruner's thread, may be empty, and must not throw.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "engine/store/store.h"

namespace ferry::runtime {

class Pruner {
 public:
  struct Options {
    std::chrono::milliseconds retention{std::chrono::hours(24 * 30)};  // must be > 0
    // Between rounds.
    std::chrono::milliseconds interval{std::chrono::hours(1)};
    // The first round comes this long after start() (or one interval, if that is shorter):
    // not during start-up, but soon enough that an engine restarted more often than every
    // interval still prunes.
    std::chrono::milliseconds first_round{std::chrono::minutes(1)};
    // Each purge holds the store's single writer while it runs, and every ACK waits behind it:
    // 1,000 messages took about 0.1 s on the busy 2-core VM, so 200 hold it about a fifth.
    std::size_t max_messages_per_transaction = 200;
    // A round stops after this many purges even when more is eligible (the next round goes
    // on): with the defaults a million messages an hour, far more than an engine receives.
    std::size_t max_purges_per_round = 5000;
    std::string actor = "ferry engine (retention)";  // recorded in each purge's audit row
    std::string reason = "retention";
  };
  using OnPurge = std::function<void(const store::PurgeResult&)>;
  using OnError = std::function<void(const std::string& sentence)>;

  // Throws std::invalid_argument for a retention, interval or chunk size that is not positive.
  Pruner(store::Store& store, Options options, OnPurge on_purge, OnError on_error);
  ~Pruner();  // stop()
  Pruner(const Pruner&) = delete;
  Pruner& operator=(const Pruner&) = delete;

  void start();
  // Returns once the thread has ended: at once when waiting, else after the purge running.
  void stop();
  // One round on the caller's thread (the pruner's thread runs one every interval): purges
  // until nothing eligible is left, the round's bound is reached, the store fails or stop() is
  // called. Returns how many messages it removed.
  std::size_t pruneNow();

 private:
  void run();
  bool stopping();

  store::Store& store_;
  const Options options_;
  const OnPurge on_purge_;
  const OnError on_error_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ferry::runtime
