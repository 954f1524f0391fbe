#pragma once
// The SQLite store's schema history and the schema_migrations table that records it.
//
// sqliteMigrations() is the numbered list: append a new migration for every change and never
// edit a released one (the store refuses a file whose recorded checksum differs). Migrator
// checks the recorded history against a list and applies what is missing, all in one
// BEGIN IMMEDIATE transaction, so two processes opening the same file cannot both apply it.

#include <Poco/Data/Session.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/store/migration.h"
#include "engine/store/store.h"

namespace ferry::store::sqlite {

std::vector<Migration> sqliteMigrations();

class Migrator {
 public:
  Migrator(Poco::Data::Session& session, const std::vector<Migration>& migrations,
           std::string location)
      : session_(session), migrations_(migrations), location_(std::move(location)) {}

  // Creates schema_migrations when missing and checks the recorded history; throws StoreError
  // when it does not match the list. Returns the migrations not applied yet.
  std::vector<const Migration*> check();
  // check(), then applies the pending migrations and records each; returns them.
  std::vector<AppliedMigration> apply(std::int64_t now_ms);
  // Every migration of the list with when it was applied; changes nothing, so it runs on a
  // read-only connection too (schema_migrations exists once the store has been opened). Throws
  // StoreError like check().
  std::vector<SchemaMigration> list();

 private:
  std::vector<RecordedMigration> recorded();

  Poco::Data::Session& session_;
  const std::vector<Migration>& migrations_;
  std::string location_;
};

}  // namespace ferry::store::sqlite
