#include "engine/store/sqlite/statement_cache.h"

#include <stdexcept>

namespace ferry::store::sqlite {

namespace {

[[noreturn]] void fail(sqlite3* db, const char* doing) {
  throw std::runtime_error(std::string(doing) + ": " + sqlite3_errmsg(db));
}

void check(sqlite3_stmt* stmt, int rc, const char* doing) {
  if (rc != SQLITE_OK) fail(sqlite3_db_handle(stmt), doing);
}

}  // namespace

StatementCache::Statement::~Statement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

StatementCache::Statement& StatementCache::Statement::bind(int index, std::int64_t value) {
  check(stmt_, sqlite3_bind_int64(stmt_, index, value), "binding a number");
  return *this;
}

StatementCache::Statement& StatementCache::Statement::bind(int index, std::string_view text) {
  // SQLITE_STATIC: the caller's string outlives the execution (the statement is reset before
  // this object goes away, and the caller's arguments outlive this object).
  check(stmt_, sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8),
        "binding a text");
  return *this;
}

StatementCache::Statement& StatementCache::Statement::bind(int index,
                                                           const std::optional<std::string>& text) {
  if (!text) {
    check(stmt_, sqlite3_bind_null(stmt_, index), "binding a null");
    return *this;
  }
  return bind(index, std::string_view(*text));
}

StatementCache::Statement& StatementCache::Statement::bind(int index,
                                                           const std::optional<std::int64_t>& value) {
  if (!value) {
    check(stmt_, sqlite3_bind_null(stmt_, index), "binding a null");
    return *this;
  }
  return bind(index, *value);
}

StatementCache::Statement& StatementCache::Statement::bindBlob(int index, std::string_view bytes) {
  if (bytes.empty()) {
    check(stmt_, sqlite3_bind_zeroblob(stmt_, index, 0), "binding bytes");
    return *this;
  }
  check(stmt_, sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_STATIC),
        "binding bytes");
  return *this;
}

StatementCache::Statement& StatementCache::Statement::bindBlob(
    int index, const std::optional<std::string>& bytes) {
  if (!bytes) {
    check(stmt_, sqlite3_bind_null(stmt_, index), "binding a null");
    return *this;
  }
  return bindBlob(index, std::string_view(*bytes));
}

bool StatementCache::Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(sqlite3_db_handle(stmt_), "running a statement");
}

int StatementCache::Statement::run() {
  int rows = 0;
  while (step()) ++rows;
  return rows;
}

std::int64_t StatementCache::Statement::lastInsertId() const {
  return sqlite3_last_insert_rowid(sqlite3_db_handle(stmt_));
}

int StatementCache::Statement::changes() const { return sqlite3_changes(sqlite3_db_handle(stmt_)); }

std::int64_t StatementCache::Statement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string StatementCache::Statement::text(int column) const {
  // Bytes first, then their length: the documented order for reading a value once.
  const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  if (bytes == nullptr || size <= 0) return {};
  return std::string(bytes, static_cast<std::size_t>(size));
}

std::optional<std::string> StatementCache::Statement::optionalText(int column) const {
  if (isNull(column)) return std::nullopt;
  return text(column);
}

bool StatementCache::Statement::isNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

StatementCache::~StatementCache() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
}

StatementCache::Statement StatementCache::get(const std::string& sql) {
  if (const auto it = statements_.find(sql); it != statements_.end()) return Statement(it->second);
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK || stmt == nullptr) {
    if (stmt != nullptr) sqlite3_finalize(stmt);
    fail(db_, "compiling a statement");
  }
  statements_.emplace(sql, stmt);
  return Statement(stmt);
}

}  // namespace ferry::store::sqlite
