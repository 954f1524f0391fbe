#include "engine/store/migration.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <map>

#include "engine/store/store.h"

namespace ferry::store {

std::string migrationChecksum(const Migration& migration) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  for (const auto& statement : migration.statements) {
    // Length-prefixed so that moving text from one statement to the next changes the sum.
    const std::string length = std::to_string(statement.size()) + ":";
    engine.update(length);
    engine.update(statement);
  }
  return Poco::DigestEngine::digestToHex(engine.digest());
}

std::vector<const Migration*> pendingMigrations(const std::vector<Migration>& migrations,
                                                const std::vector<RecordedMigration>& recorded,
                                                const std::string& location) {
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      throw StoreError(location, "The schema migrations built into Ferry for " + location +
                                     " are numbered wrongly: entry " + std::to_string(i + 1) +
                                     " has version " + std::to_string(migrations[i].version) +
                                     " (expected 1, 2, 3 ... without gaps).");
    }
  }
  std::map<int, const RecordedMigration*> applied;
  for (const auto& row : recorded) applied[row.version] = &row;

  for (const auto& [version, row] : applied) {
    if (version < 1 || version > static_cast<int>(migrations.size())) {
      throw StoreError(location, "The store " + location + " records schema migration " +
                                     std::to_string(version) + " (" + row->name +
                                     "), which this build of Ferry does not know: it was "
                                     "migrated by a newer version; run that version or restore "
                                     "a backup.");
    }
    const Migration& code = migrations[static_cast<std::size_t>(version) - 1];
    const std::string expected = migrationChecksum(code);
    if (row->checksum != expected) {
      throw StoreError(location, "The store " + location + " was migrated with a different text "
                                     "of schema migration " + std::to_string(version) + " (" +
                                     code.name + "): recorded checksum " + row->checksum +
                                     ", this build has " + expected +
                                     "; a released migration must never be edited.");
    }
  }
  std::vector<const Migration*> pending;
  for (const auto& migration : migrations) {
    if (applied.count(migration.version) != 0) continue;
    if (!applied.empty() && migration.version < applied.rbegin()->first) {
      throw StoreError(location, "The store " + location + " records schema migration " +
                                     std::to_string(applied.rbegin()->first) + " but not " +
                                     std::to_string(migration.version) +
                                     "; its schema_migrations table was altered by hand.");
    }
    pending.push_back(&migration);
  }
  return pending;
}

}  // namespace ferry::store
