#include "engine/store/sqlite/connection.h"

#include <Poco/Data/SQLite/SessionImpl.h>
#include <Poco/Data/SQLite/Utility.h>

#include <stdexcept>

namespace ferry::store::sqlite {

using namespace Poco::Data::Keywords;

Poco::Data::Session openConnection(const std::string& path, ConnectionRole role,
                                   int busy_timeout_ms) {
  // Built directly rather than through Poco's connector registry: no global state to set up.
  // A login timeout of 0 makes a file that cannot be opened fail at once instead of being
  // retried for a minute; waiting for locks is the busy timeout's job.
  Poco::Data::Session session(Poco::AutoPtr<Poco::Data::SessionImpl>(
      new Poco::Data::SQLite::SessionImpl(path, 0)));
  session << "PRAGMA busy_timeout = " + std::to_string(busy_timeout_ms), now;
  session << "PRAGMA foreign_keys = ON", now;
  if (role == ConnectionRole::Reader) {
    session << "PRAGMA query_only = ON", now;
    return session;
  }
  std::string mode;
  session << "PRAGMA main.journal_mode = WAL", into(mode), now;
  if (mode != "wal") {
    throw std::runtime_error("the file system refused write-ahead logging (journal_mode is " +
                             mode + ")");
  }
  // NORMAL: a commit writes the WAL without an fsync, which would hold the single writer.
  // The store fsyncs the WAL after the commit instead, once for all the commits waiting, before
  // it tells a caller its write is durable (wal_sync.h); SQLite keeps the file consistent
  // either way.
  session << "PRAGMA main.synchronous = NORMAL", now;
  return session;
}

std::string pragma(Poco::Data::Session& session, const std::string& name) {
  std::string value;
  session << "PRAGMA " + name, into(value), now;
  return value;
}

WriteTransaction::WriteTransaction(Poco::Data::Session& session) : session_(session) {
  session_ << "BEGIN IMMEDIATE", now;
}

WriteTransaction::~WriteTransaction() {
  if (!open_) return;
  try {
    session_ << "ROLLBACK", now;
  } catch (...) {
    // SQLite rolls back by itself after some errors (e.g. disk full); nothing left to undo.
  }
}

void WriteTransaction::commit() {
  session_ << "COMMIT", now;
  open_ = false;
}

ReaderPool::ReaderPool(std::string path, std::size_t size, int busy_timeout_ms)
    : path_(std::move(path)), size_(size == 0 ? 1 : size), busy_timeout_ms_(busy_timeout_ms) {}

ReaderPool::Lease::~Lease() {
  if (reader_.session) pool_->giveBack(std::move(reader_));
}

ReaderPool::Lease ReaderPool::acquire() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [&] { return !idle_.empty() || opened_ < size_; });
  if (!idle_.empty()) {
    Reader reader = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(reader));
  }
  ++opened_;  // reserve the slot, then open without holding the lock
  lock.unlock();
  try {
    Reader reader;
    reader.session = std::make_unique<Poco::Data::Session>(
        openConnection(path_, ConnectionRole::Reader, busy_timeout_ms_));
    reader.statements =
        std::make_unique<StatementCache>(Poco::Data::SQLite::Utility::dbHandle(*reader.session));
    return Lease(*this, std::move(reader));
  } catch (...) {
    lock.lock();
    --opened_;
    available_.notify_one();
    throw;
  }
}

void ReaderPool::giveBack(Reader reader) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(reader));
  }
  available_.notify_one();
}

}  // namespace ferry::store::sqlite
