#pragma once
// SQLite connections as the store needs them, and the two ways it uses them.
//
// openConnection() returns a Poco::Data::Session with foreign keys on and a busy timeout; the
// writer also switches the file to WAL with synchronous=NORMAL: a commit writes the WAL and
// returns, and the store fsyncs it afterwards for the writes that need it (wal_sync.h). WriteTransaction wraps BEGIN IMMEDIATE ... COMMIT: IMMEDIATE takes the write
// lock up front, so a transaction never fails half-way on a lock upgrade. ReaderPool lends
// read-only connections to one thread at a time; under WAL they read the last committed state
// without blocking the writer or each other. Each reader keeps its compiled statements, as the
// writer does: a delivery worker looks at its queue before every batch, and compiling that
// query anew through Poco::Data cost more than running it.

#include <Poco/Data/Session.h>

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/store/sqlite/statement_cache.h"

namespace ferry::store::sqlite {

enum class ConnectionRole { Writer, Reader };

// Throws Poco exceptions; the store turns them into StoreError with the file's name.
Poco::Data::Session openConnection(const std::string& path, ConnectionRole role,
                                   int busy_timeout_ms);

// Reads one pragma's value as text, e.g. "journal_mode" -> "wal".
std::string pragma(Poco::Data::Session& session, const std::string& name);

class WriteTransaction {
 public:
  explicit WriteTransaction(Poco::Data::Session& session);
  ~WriteTransaction();  // rolls back unless commit() succeeded
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

  void commit();

 private:
  Poco::Data::Session& session_;
  bool open_ = true;
};

class ReaderPool {
 public:
  // Opens at most `size` connections, lazily, with openConnection(path, Reader, ...).
  ReaderPool(std::string path, std::size_t size, int busy_timeout_ms);

  // One pooled connection. The statements are declared after the session so that they are
  // finalized before it closes.
  struct Reader {
    std::unique_ptr<Poco::Data::Session> session;
    std::unique_ptr<StatementCache> statements;
  };

  class Lease {
   public:
    Lease(ReaderPool& pool, Reader reader) : pool_(&pool), reader_(std::move(reader)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Poco::Data::Session& session() { return *reader_.session; }
    // The connection's compiled statements, kept from lease to lease.
    StatementCache& statements() { return *reader_.statements; }

   private:
    ReaderPool* pool_;
    Reader reader_;
  };

  // Waits while every connection is lent out.
  Lease acquire();

 private:
  void giveBack(Reader reader);

  const std::string path_;
  const std::size_t size_;
  const int busy_timeout_ms_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<Reader> idle_;
  std::size_t opened_ = 0;
};

}  // namespace ferry::store::sqlite
