#pragma once
// Compiled statements of the writer connection, kept for reuse. Every write Ferry makes per
// message (insert it, record its outcome, add, claim and settle its deliveries, append its
// events) is one of a handful of statements; compiling each anew through Poco::Data cost more
// than running it (about a sixth of the engine's CPU time at saturation). The cache compiles a
// statement once, with SQLITE_PREPARE_PERSISTENT, and hands it out as a Statement that resets
// itself when it goes out of scope, so a statement never keeps a read open by accident.
//
// Not thread-safe: it belongs to one connection and is used under that connection's write lock.
// Errors throw std::runtime_error with SQLite's message (the store turns it into StoreError).

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ferry::store::sqlite {

class StatementCache {
 public:
  // A compiled statement lent out for one execution: bind parameters (1-based, as in SQL),
  // step through the rows, read columns (0-based). Reset and unbound on destruction.
  class Statement {
   public:
    explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
    Statement(Statement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement& operator=(Statement&&) = delete;
    ~Statement();

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);  // as TEXT
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const std::optional<std::string>& text);  // TEXT or NULL
    Statement& bind(int index, const std::optional<std::int64_t>& value);  // INTEGER or NULL
    // Bytes as a BLOB; an empty one is a zero-length BLOB, never NULL.
    Statement& bindBlob(int index, std::string_view bytes);
    Statement& bindBlob(int index, const std::string& bytes) { return bindBlob(index, std::string_view(bytes)); }
    Statement& bindBlob(int index, const std::optional<std::string>& bytes);  // BLOB or NULL

    // True when a row is ready to read, false when the statement is done.
    bool step();
    // Steps to the end; how many rows it returned.
    int run();
    // After run() of an INSERT or UPDATE: the new row's id, and how many rows it changed.
    // Hot writes use these rather than RETURNING, because RETURNING makes SQLite treat the
    // statement as a multi-row write that needs its own statement journal (a 64 KB buffer
    // allocated and freed per statement, which glibc hands back to the kernel every time).
    std::int64_t lastInsertId() const;
    int changes() const;

    std::int64_t int64(int column) const;
    std::string text(int column) const;  // TEXT or BLOB bytes; "" for NULL
    std::optional<std::string> optionalText(int column) const;  // nullopt for NULL
    bool isNull(int column) const;

   private:
    sqlite3_stmt* stmt_;
  };

  explicit StatementCache(sqlite3* db) : db_(db) {}
  ~StatementCache();  // finalizes every statement; before the connection closes
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // The statement for `sql`, compiled at its first use. Throws when it does not compile.
  Statement get(const std::string& sql);

 private:
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace ferry::store::sqlite
