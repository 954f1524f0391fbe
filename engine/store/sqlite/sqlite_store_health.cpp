// writeFailure(): whether the store takes writes now, for the admin endpoint's health check and
// metrics. A full disk lets reads go on while writes fail, so only the writes can tell; and it
// lets some writes through (those that fit in free pages) while most fail, so "the last write
// succeeded" would flap. A failure therefore counts for kRecentWriteFailure after it happened.
#include <chrono>
#include <exception>
#include <mutex>

#include "engine/store/sqlite/sqlite_store.h"

namespace ferry::store::sqlite {

namespace {

constexpr std::chrono::seconds kRecentWriteFailure{10};

std::int64_t steadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void SqliteStore::noteWriteFailure(const std::exception_ptr& error) {
  std::string why = "a write failed";
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    why = e.what();  // the database and SQLite's reason: never a message's content
  } catch (...) {
  }
  std::lock_guard lock(write_failure_mutex_);
  write_failure_ = std::move(why);
  last_write_failure_ms_.store(steadyMs(), std::memory_order_release);
}

std::optional<std::string> SqliteStore::writeFailure() const {
  const std::int64_t at = last_write_failure_ms_.load(std::memory_order_acquire);
  if (at == 0 || steadyMs() - at > std::chrono::milliseconds(kRecentWriteFailure).count()) return std::nullopt;
  std::lock_guard lock(write_failure_mutex_);
  return write_failure_;
}

}  // namespace ferry::store::sqlite
