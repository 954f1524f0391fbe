#pragma once
// Makes committed transactions durable with fdatasyncs of the WAL that start after COMMIT,
// each shared by every commit made before it started (group commit for the fsync).
//
// Why: with synchronous=FULL, SQLite fsyncs the WAL inside COMMIT while it holds the single
// writer, so every other write (the next batch of received messages, the processor's outcomes,
// delivery states, events) waited ~1 ms behind each fsync, and a message arriving during one
// waited for it to end before its own could start. Now the writer commits with
// synchronous=NORMAL (the frames are written, not synced) and lets go at once; a caller that
// needs durability (a received message about to be acknowledged) then waits here for an
// fdatasync of the WAL that started after its commit. Up to `lanes` syncs run at once (the
// disk completes overlapping flushes nearly as fast as one), so a commit made while one runs
// starts its own instead of waiting for it; callers that find a sync started after their
// commit share it. With every lane busy, the WriteCombiner holds durable writes back so they
// gather into one transaction for the next sync.
//
// Why it is safe: SQLite appends a transaction's frames to the WAL before COMMIT returns, and
// an fdatasync makes everything written to the file before it started durable, whatever other
// syncs are doing. A commit's ticket is taken after COMMIT returned, and a sync covers the
// tickets issued before it started. Under NORMAL, SQLite keeps the database consistent across a
// power cut (it syncs the WAL before a checkpoint copies it and the database file after), so a
// power cut can only undo commits whose callers are still waiting here: messages not yet
// acknowledged. A process crash loses nothing either way (the kernel holds the written frames).
//
// A failed fdatasync is final: the kernel may have dropped the pages it could not write, and a
// retry could then report success for data that is gone. Every wait after it fails too, so
// Ferry stops acknowledging instead of promising what the disk did not keep.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace ferry::store::sqlite {

class WalSync {
 public:
  // Syncs the file at `wal_path` (SQLite's "<database>-wal"), at most `lanes` syncs at once.
  explicit WalSync(std::string wal_path, std::size_t lanes = 2);
  // For tests of the grouping and of a failing disk: `sync` stands for the fdatasync and
  // returns an error sentence, or "" on success.
  WalSync(std::string wal_path, std::size_t lanes, std::function<std::string()> sync);
  ~WalSync();
  WalSync(const WalSync&) = delete;
  WalSync& operator=(const WalSync&) = delete;

  // Called after each successful COMMIT (on the writer's thread): that commit's ticket.
  std::uint64_t committed();
  // Returns once a sync that started after the commit of `ticket` has ended; the caller may
  // then report its write as durable. Throws StoreError when the WAL could not be synced.
  void waitDurable(std::uint64_t ticket);
  // True while every lane runs a sync (read without the lock, by the WriteCombiner).
  bool lanesBusy() const { return lanes_busy_.load(std::memory_order_acquire); }
  // Called after each sync ends, outside this object's lock.
  void onSynced(std::function<void()> callback) { on_synced_ = std::move(callback); }

  struct Stats {
    std::uint64_t syncs = 0;    // fdatasyncs run
    std::uint64_t sync_us = 0;  // time spent in them (overlapping ones each counted)
    std::uint64_t waits = 0;    // callers that waited for one
  };
  Stats stats() const;

 private:
  // The WAL's descriptor for the next sync, under the lock: "" or why it cannot be had.
  std::string walDescriptor(int& fd);
  // Runs one sync for every commit made so far; called with the lock held, returns without it.
  void syncFor(std::unique_lock<std::mutex>& lock);

  const std::string path_;
  const std::size_t lanes_;
  const std::function<std::string()> test_sync_;  // empty: fdatasync of the WAL
  int fd_ = -1;                                   // the WAL, opened at the first sync
  std::uint64_t inode_ = 0;                       // of fd_, to notice a WAL file SQLite replaced
  std::vector<int> retired_fds_;                  // of replaced files; a running sync may use one

  mutable std::mutex mutex_;
  std::uint64_t committed_ = 0;            // the last ticket handed out
  std::atomic<std::uint64_t> durable_{0};  // every ticket up to this one is durable (set under the lock)
  std::atomic<std::uint32_t> generation_{0};  // advanced (under the lock) as each sync ends; waited on
  std::atomic<std::uint64_t> waits_{0};  // calls of waitDurable: counted without the lock
  std::vector<std::uint64_t> running_;  // the tickets each running sync covers up to
  std::atomic<bool> lanes_busy_{false};
  std::function<void()> on_synced_;
  std::string failure_;  // set once a sync failed; final
  Stats stats_;
};

}  // namespace ferry::store::sqlite
