#pragma once
// Schema migrations: numbered steps, each recorded with a checksum of its SQL when applied. A
// released migration must never be edited (a store built by it would differ from one built by
// the edited text), so a store whose recorded checksum differs from the code's is refused, and
// so is a store migrated by a newer build. Shared by every Store implementation: each keeps its
// own list (sqlite/migrations.h) and applies the pending ones in its own transaction.

#include <cstdint>
#include <string>
#include <vector>

namespace ferry::store {

struct Migration {
  int version = 0;                      // 1, 2, 3 ... without gaps, never reused
  std::string name;                     // what it does, in a few words
  std::vector<std::string> statements;  // executed in order, one SQL statement each
};

// Hex SHA-256 of the statements (not of the name: renaming a migration is harmless).
std::string migrationChecksum(const Migration& migration);

// A row of the schema_migrations table.
struct RecordedMigration {
  int version = 0;
  std::string name;
  std::string checksum;
  std::int64_t applied_at_ms = 0;
};

// Checks what the store recorded against the code's list and returns the migrations still to
// apply, in order. Throws StoreError naming `location` when the list is malformed (versions not
// 1..n), a recorded checksum differs from the code's, or a recorded version is unknown here.
std::vector<const Migration*> pendingMigrations(const std::vector<Migration>& migrations,
                                                const std::vector<RecordedMigration>& recorded,
                                                const std::string& location);

}  // namespace ferry::store
