#include "engine/store/sqlite/wal_sync.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "engine/store/store.h"

namespace ferry::store::sqlite {

WalSync::WalSync(std::string wal_path) : path_(std::move(wal_path)), sync_([this] { return syncFile(); }) {}

WalSync::WalSync(std::string wal_path, std::function<std::string()> sync)
    : path_(std::move(wal_path)), sync_(std::move(sync)) {}

WalSync::~WalSync() {
  // SQLite holds no lock on the WAL file itself (its locks live in the database and -shm
  // files), so closing this descriptor releases nothing of SQLite's.
  if (fd_ >= 0) ::close(fd_);
}

std::uint64_t WalSync::committed() {
  std::lock_guard lock(mutex_);
  return ++committed_;
}

void WalSync::waitDurable(std::uint64_t ticket) {
  std::unique_lock lock(mutex_);
  ++stats_.waits;
  while (durable_ < ticket && failure_.empty()) {
    if (syncing_) {
      // The sync running may have started before this commit: wait for it, then look again.
      synced_.wait(lock);
      continue;
    }
    // This caller runs the sync for everyone committed so far.
    syncing_ = true;
    const std::uint64_t target = committed_;
    lock.unlock();
    const auto started = std::chrono::steady_clock::now();
    std::string error = sync_();
    const auto took = std::chrono::steady_clock::now() - started;
    lock.lock();
    syncing_ = false;
    ++stats_.syncs;
    stats_.sync_us += static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(took).count());
    if (error.empty()) {
      durable_ = target;
    } else {
      failure_ = std::move(error);
    }
    synced_.notify_all();  // every waiter it covered returns; one of the rest runs the next
    if (on_synced_) {
      lock.unlock();
      on_synced_();  // durable writes held meanwhile can commit now, for the next sync
      lock.lock();
    }
  }
  if (durable_ < ticket) {
    throw StoreError(path_, "Could not make a commit durable: " + failure_ +
                                " Ferry acknowledges nothing more from this store; restart it once the disk is sound.");
  }
}

WalSync::Stats WalSync::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

std::string WalSync::syncFile() {
  // Reopened when SQLite replaced the file (it only deletes the WAL when its last connection
  // closes, after copying everything into the database; this is a safeguard, not a path).
  struct stat file {};
  if (::stat(path_.c_str(), &file) != 0) {
    return "the write-ahead log " + path_ + " cannot be found (" + std::strerror(errno) + ").";
  }
  if (fd_ < 0 || static_cast<std::uint64_t>(file.st_ino) != inode_) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0 || ::fstat(fd_, &file) != 0) {
      return "the write-ahead log " + path_ + " cannot be opened (" + std::strerror(errno) + ").";
    }
    inode_ = static_cast<std::uint64_t>(file.st_ino);
  }
  if (::fdatasync(fd_) != 0) {
    return "fdatasync of the write-ahead log " + path_ + " failed (" + std::strerror(errno) + ").";
  }
  return "";
}

}  // namespace ferry::store::sqlite
