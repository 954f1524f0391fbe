#pragma once
// Moves WAL checkpoints off the writer.
//
// Why: by default SQLite checkpoints inside the COMMIT that makes the WAL pass 1,000 pages. That
// commit then copies every page back into the database file and fsyncs it, several
// milliseconds during which the single writer holds every other write, the group commit of
// received messages included: the ACKs of the messages waiting behind it are late by that
// much, which is what the tail of the ACK latency was made of. The Checkpointer replaces the
// automatic checkpoint (its WAL hook on the writer connection supersedes wal_autocheckpoint)
// with a thread of its own and its own connection that runs PASSIVE checkpoints: they copy what
// no reader still needs and never block the writer, which keeps appending to the WAL meanwhile.
//
// The WAL stays bounded: SQLite starts writing it from the beginning again at the first write
// after a checkpoint has copied all of it. Under a steady feed that moment never comes by
// itself: the writer appends while the background checkpoint copies, so every checkpoint ends a
// few hundred pages short and the file grew by ~48 KB a message at 1,000 msgs/s (200 MB in
// 8 s, measured), each fsync also extending it. So once the WAL passes `restart_pages`, the
// writer's own commit finishes the job (a PASSIVE checkpoint in its WAL hook, copying only what
// arrived since the background one, with no writer appending meanwhile), and the next write
// starts the WAL over. It waits for the first commit after a background checkpoint has ended,
// when the least is left to copy (past twice the bound it does not wait). `journal_size_limit` then shrinks a file that a burst made large. The
// writer closing last checkpoints what is left.

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace ferry::store::sqlite {

class Checkpointer {
 public:
  struct Options {
    int wal_pages = 1000;  // checkpoint once the WAL holds this many pages (SQLite's default)
    std::chrono::milliseconds idle_interval{1000};  // and at this pace in any case
    // Past this many pages (64 MB) the writer catches up itself (see above). A catch-up costs
    // its commit a few ms whatever this is (it copies only what arrived since the background
    // checkpoint), so a larger bound means fewer ACKs delayed by one. A restarted WAL file
    // larger than twice this (in 4 KB pages) is cut back to that size.
    int restart_pages = 16000;
  };

  // Installs the WAL hook on `writer` (which must outlive the checkpointer) and starts the
  // thread, which opens `path` itself. Throws std::runtime_error when it cannot be opened.
  Checkpointer(sqlite3* writer, const std::string& path, Options options);
  ~Checkpointer();  // stop()
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Removes the hook (the writer checkpoints by itself again) and joins the thread.
  void stop();

  // Checkpoints run so far (for tests and metrics): on the checkpointer's thread, and the
  // writer's catch-ups.
  std::uint64_t checkpoints() const { return checkpoints_.load(); }
  std::uint64_t writerCheckpoints() const { return writer_checkpoints_.load(); }
  // Time the writer's catch-ups took (part of the commits that ran them), in microseconds.
  std::uint64_t writerCheckpointMicros() const { return writer_checkpoint_us_.load(); }

 private:
  static int onCommit(void* self, sqlite3* db, const char* schema, int wal_pages);
  void run();
  void checkpoint();

  sqlite3* writer_;
  sqlite3* own_ = nullptr;
  const Options options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool due_ = false;
  bool stopping_ = false;
  std::atomic<bool> signalled_{false};
  std::atomic<bool> just_checkpointed_{false};  // a background checkpoint ended since the last commit
  std::atomic<std::uint64_t> checkpoints_{0};
  std::atomic<std::uint64_t> writer_checkpoints_{0};
  std::atomic<std::uint64_t> writer_checkpoint_us_{0};
  std::thread thread_;
};

}  // namespace ferry::store::sqlite
