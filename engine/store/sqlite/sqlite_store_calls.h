#pragma once
// How SqliteStore's operations reach the database, shared by the files that define them
// (sqlite_store.cpp, sqlite_store_audit.cpp): write() takes a turn on the single writer through
// the WriteCombiner, read() borrows a pooled read-only connection. Both turn any failure into
// the StoreError a caller receives. Include only from those files.

#include <Poco/Data/Session.h>
#include <Poco/Exception.h>

#include <cstdint>
#include <exception>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "engine/store/sqlite/sqlite_store.h"

namespace ferry::store::sqlite {

template <typename Body>
auto SqliteStore::write(std::string_view what, Body&& body, bool relaxed) {
  using Result = std::invoke_result_t<Body&, Poco::Data::Session&, std::int64_t>;
  std::optional<Result> result;
  auto run = [&] { result.emplace(body(*writer_, now())); };
  WriteJob job(what, /*durable=*/!relaxed, run);
  job.holds_followers = !relaxed;
  writes_.submit(job);
  // The durable writers this thread's batch held wake once its commit is durable, or with its
  // failure (they then look at the WAL's state themselves).
  struct WakeHeld {
    WriteJob& job;
    ~WakeHeld() { WriteCombiner::wakeHeld(job); }
  } wake_held{job};
  if (job.error) {
    noteWriteFailure(job.error);
    std::rethrow_exception(job.error);
  }
  // Committed, and visible to readers; a durable write's caller learns of it only once the
  // WAL holding it has been fsynced (shared with the other commits waiting meanwhile).
  if (!relaxed) {
    try {
      wal_sync_->waitDurable(job.commit_ticket);
    } catch (...) {
      noteWriteFailure(std::current_exception());
      throw;
    }
  }
  return std::move(*result);
}

template <typename Body>
auto SqliteStore::read(std::string_view what, Body&& body) {
  try {
    auto lease = readers_->acquire();
    if constexpr (std::is_invocable_v<Body&, Poco::Data::Session&, StatementCache&>) {
      return body(lease.session(), lease.statements());
    } else {
      return body(lease.session());
    }
  } catch (const StoreError&) {
    throw;
  } catch (const Poco::Exception& e) {
    fail(what, e.displayText());
  } catch (const std::exception& e) {
    fail(what, e.what());
  }
}

}  // namespace ferry::store::sqlite
