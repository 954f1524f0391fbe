#include "engine/store/sqlite/wal_sync.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <ctime>
#include <cstring>
#include <utility>

#include "engine/store/store.h"

namespace ferry::store::sqlite {

namespace {

// Callers waiting for a sync sleep on a futex of the sync generation. Woken by a
// condition variable's notify_all under the lock, the 20-48 callers a sync releases at
// saturation each waited in turn for that lock; std::atomic::wait spins and yields before it
// sleeps (2.5 more context switches a message). The sleep is bounded and the caller then looks
// again, so no lost wake-up can hold an acknowledgement for good.
void futexWait(std::atomic<std::uint32_t>& word, std::uint32_t seen) {
  timespec bound{0, 50'000'000};
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT_PRIVATE, seen, &bound, nullptr, 0);
}

void futexWakeAll(std::atomic<std::uint32_t>& word) {
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
}

}  // namespace

WalSync::WalSync(std::string wal_path, std::size_t lanes)
    : path_(std::move(wal_path)), lanes_(std::max<std::size_t>(lanes, 1)) {}

WalSync::WalSync(std::string wal_path, std::size_t lanes, std::function<std::string()> sync)
    : path_(std::move(wal_path)), lanes_(std::max<std::size_t>(lanes, 1)), test_sync_(std::move(sync)) {}

WalSync::~WalSync() {
  // SQLite holds no lock on the WAL file itself (its locks live in the database and -shm
  // files), so closing these descriptors releases nothing of SQLite's.
  if (fd_ >= 0) ::close(fd_);
  for (int fd : retired_fds_) ::close(fd);
}

std::uint64_t WalSync::committed() {
  std::lock_guard lock(mutex_);
  return ++committed_;
}

void WalSync::waitDurable(std::uint64_t ticket) {
  waits_.fetch_add(1, std::memory_order_relaxed);
  for (;;) {
    if (durable_.load(std::memory_order_acquire) >= ticket) return;
    std::unique_lock lock(mutex_);
    if (durable_.load(std::memory_order_relaxed) >= ticket) return;
    if (!failure_.empty()) {
      throw StoreError(path_, "Could not make a commit durable: " + failure_ +
                                  " Ferry acknowledges nothing more from this store; restart it once the disk is sound.");
    }
    // A running sync that started after this commit covers it: wait for that one. With no
    // such sync and every lane busy, wait for a lane: asleep on the generation, without the
    // lock (futexWait says why).
    const bool covered = std::any_of(running_.begin(), running_.end(), [&](std::uint64_t t) { return t >= ticket; });
    if (covered || running_.size() >= lanes_) {
      const std::uint32_t seen = generation_.load(std::memory_order_relaxed);
      lock.unlock();
      futexWait(generation_, seen);
      continue;
    }
    syncFor(lock);
  }
}

void WalSync::syncFor(std::unique_lock<std::mutex>& lock) {
  // This caller runs a sync for everyone committed so far.
  const std::uint64_t target = committed_;
  int fd = -1;
  std::string error = test_sync_ ? std::string() : walDescriptor(fd);
  running_.push_back(target);
  lanes_busy_.store(running_.size() >= lanes_, std::memory_order_release);
  lock.unlock();
  const auto started = std::chrono::steady_clock::now();
  if (error.empty()) {
    if (test_sync_) {
      error = test_sync_();
    } else if (::fdatasync(fd) != 0) {
      error = "fdatasync of the write-ahead log " + path_ + " failed (" + std::strerror(errno) + ").";
    }
  }
  const auto took = std::chrono::steady_clock::now() - started;
  lock.lock();
  running_.erase(std::find(running_.begin(), running_.end(), target));
  lanes_busy_.store(running_.size() >= lanes_, std::memory_order_release);
  ++stats_.syncs;
  stats_.sync_us += static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(took).count());
  if (error.empty()) {
    // Syncs may end out of order: one that started later covers everything an earlier one
    // does.
    if (target > durable_.load(std::memory_order_relaxed)) durable_.store(target, std::memory_order_release);
  } else if (failure_.empty()) {
    failure_ = std::move(error);
  }
  // Changed under the lock, so a caller that read the generation under it before deciding
  // to wait cannot miss this sync.
  generation_.fetch_add(1, std::memory_order_release);
  lock.unlock();
  futexWakeAll(generation_);  // every waiter it covered returns; the others look again
  if (on_synced_) on_synced_();  // durable writes held meanwhile can commit now, for the next sync
}

WalSync::Stats WalSync::stats() const {
  std::lock_guard lock(mutex_);
  Stats stats = stats_;
  stats.waits = waits_.load(std::memory_order_relaxed);
  return stats;
}

std::string WalSync::walDescriptor(int& fd) {
  // Reopened when SQLite replaced the file (it only deletes the WAL when its last connection
  // closes, after copying everything into the database; this is a safeguard, not a path).
  // A replaced descriptor stays open until the end: a sync running on it may still use it.
  struct stat file {};
  if (::stat(path_.c_str(), &file) != 0) {
    return "the write-ahead log " + path_ + " cannot be found (" + std::strerror(errno) + ").";
  }
  if (fd_ < 0 || static_cast<std::uint64_t>(file.st_ino) != inode_) {
    const int opened = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (opened < 0 || ::fstat(opened, &file) != 0) {
      const std::string cause = std::strerror(errno);
      if (opened >= 0) ::close(opened);
      return "the write-ahead log " + path_ + " cannot be opened (" + cause + ").";
    }
    if (fd_ >= 0) retired_fds_.push_back(fd_);
    fd_ = opened;
    inode_ = static_cast<std::uint64_t>(file.st_ino);
  }
  fd = fd_;
  return "";
}

}  // namespace ferry::store::sqlite
