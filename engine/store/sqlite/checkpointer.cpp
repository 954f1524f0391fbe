#include "engine/store/sqlite/checkpointer.h"

#include <stdexcept>

namespace ferry::store::sqlite {

namespace {

// A checkpoint that could not copy everything (a reader still needs old frames) would be
// signalled again by the very next commit; this pause keeps it from spinning meanwhile.
constexpr std::chrono::milliseconds kMinimumPause{20};

}  // namespace

Checkpointer::Checkpointer(sqlite3* writer, const std::string& path, Options options)
    : writer_(writer), options_(options) {
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &own_, flags, nullptr) != SQLITE_OK) {
    const std::string why = own_ != nullptr ? sqlite3_errmsg(own_) : "out of memory";
    sqlite3_close(own_);
    throw std::runtime_error("cannot open a checkpoint connection: " + why);
  }
  // A connection learns that the file is in WAL mode when it first reads it; until then a
  // checkpoint is a no-op that reports -1 frames.
  if (sqlite3_exec(own_, "PRAGMA main.journal_mode", nullptr, nullptr, nullptr) != SQLITE_OK) {
    const std::string why = sqlite3_errmsg(own_);
    sqlite3_close(own_);
    throw std::runtime_error("cannot read the journal mode on the checkpoint connection: " + why);
  }
  // Twice the restart bound: a WAL that restarts on time is reused as it is (cutting it back
  // each time would make the next commits extend the file again, each fsync then also writing
  // its size); only one a burst made larger is cut back.
  const std::string limit =
      "PRAGMA main.journal_size_limit = " + std::to_string(std::int64_t{options_.restart_pages} * 2 * 4096);
  if (sqlite3_exec(writer_, limit.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    const std::string why = sqlite3_errmsg(writer_);
    sqlite3_close(own_);
    throw std::runtime_error("cannot limit the WAL's size: " + why);
  }
  sqlite3_wal_hook(writer_, &Checkpointer::onCommit, this);
  thread_ = std::thread([this] { run(); });
}

Checkpointer::~Checkpointer() { stop(); }

void Checkpointer::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  // Back to SQLite's own checkpoints, so a writer that lives on keeps its WAL bounded.
  sqlite3_wal_autocheckpoint(writer_, options_.wal_pages);
  sqlite3_close(own_);
  own_ = nullptr;
}

int Checkpointer::onCommit(void* self, sqlite3* writer, const char* schema, int wal_pages) {
  auto* checkpointer = static_cast<Checkpointer*>(self);
  // Tested at every commit, so it is true only at the first commit after a background
  // checkpoint ended: the moment when the fewest pages are left for a catch-up to copy.
  const bool just_checkpointed = checkpointer->just_checkpointed_.exchange(false, std::memory_order_relaxed);
  const int bound = checkpointer->options_.restart_pages;
  if (wal_pages >= bound && (just_checkpointed || wal_pages >= 2 * bound)) {
    // The catch-up (see the header); past twice the bound without waiting for that moment.
    // Busy when the background checkpoint holds the lock: a later commit tries again.
    int frames = 0;
    int copied = 0;
    const auto start = std::chrono::steady_clock::now();
    const int rc = sqlite3_wal_checkpoint_v2(writer, schema, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied);
    if (rc == SQLITE_OK && frames >= 0) {
      const auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
      checkpointer->writer_checkpoints_.fetch_add(1, std::memory_order_relaxed);
      checkpointer->writer_checkpoint_us_.fetch_add(static_cast<std::uint64_t>(took.count()), std::memory_order_relaxed);
    }
    return SQLITE_OK;
  }
  // Runs on the writer's thread after every commit: only a flag test unless the WAL is large,
  // and one notification per checkpoint rather than per commit.
  if (wal_pages >= checkpointer->options_.wal_pages && !checkpointer->signalled_.exchange(true)) {
    {
      std::lock_guard lock(checkpointer->mutex_);
      checkpointer->due_ = true;
    }
    checkpointer->wake_.notify_one();
  }
  return SQLITE_OK;
}

void Checkpointer::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, options_.idle_interval, [&] { return due_ || stopping_; });
    if (stopping_) break;
    due_ = false;
    lock.unlock();
    checkpoint();
    just_checkpointed_.store(true, std::memory_order_relaxed);
    signalled_.store(false);
    std::this_thread::sleep_for(kMinimumPause);
    lock.lock();
  }
}

void Checkpointer::checkpoint() {
  int wal_frames = 0;
  int copied = 0;
  // PASSIVE: copies what it can without waiting for the writer or readers. A busy result only
  // means another checkpoint is running; the next round catches up.
  const int rc = sqlite3_wal_checkpoint_v2(own_, "main", SQLITE_CHECKPOINT_PASSIVE, &wal_frames,
                                           &copied);
  // -1 frames: the connection does not see a WAL, so nothing was checkpointed.
  if (rc == SQLITE_OK && wal_frames >= 0) checkpoints_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace ferry::store::sqlite
