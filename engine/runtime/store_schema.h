#pragma once
// ferry.json's store.migrations: what a process does when it opens a store whose schema is older
// than this build's. "automatic" applies the pending migrations, as the store always did;
// "manual" refuses to run, so that operators upgrading a production engine choose the moment
// (after a backup, in a maintenance window) and run `ferry migrate CONFIG` themselves. `ferry run`
// and the operator commands follow it through upgradeSchema(); `ferry migrate` is the one command
// that migrates whatever the setting says.
//
// A store with no migration applied yet is new: it holds nothing to protect, so it is created at
// the current schema under either setting (a fresh installation starts without a manual step).

#include <stdexcept>
#include <string>
#include <vector>

#include "engine/runtime/config.h"
#include "engine/runtime/json_log.h"
#include "engine/store/store.h"

namespace ferry::runtime {

// The store's schema is older than this build's and store.migrations is "manual". The sentence
// names the store, the pending migrations and the command that applies them.
class SchemaUpgradeRequired : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SchemaUpgrade {
  bool created = false;  // the store was new: nothing had been applied to it
  std::vector<store::AppliedMigration> applied;
};

// Brings the schema of `store`, opened without migrating (SqliteOptions::migrate_on_open =
// false), up to date as config.store.migrations allows. Throws SchemaUpgradeRequired, having
// changed nothing, when that is "manual" and migrations are pending; StoreError when the store's
// history does not match this build.
SchemaUpgrade upgradeSchema(store::Store& store, const EngineConfig& config);

// The migrations of `schema` not applied yet, in order.
std::vector<store::SchemaMigration> pendingOf(const std::vector<store::SchemaMigration>& schema);

// The highest version applied (migrations are applied in order), 0 for none.
int schemaVersion(const std::vector<store::SchemaMigration>& schema);

// One "store.migrated" line per applied migration, with its version and name.
void logMigrations(JsonLog& log, const std::string& store_path, const SchemaUpgrade& upgrade);

}  // namespace ferry::runtime
