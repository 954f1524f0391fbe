#include "engine/store/sqlite/migrations.h"

#include <Poco/Data/Statement.h>

#include "engine/store/sqlite/channel_states_table.h"
#include "engine/store/sqlite/config_revisions_table.h"
#include "engine/store/sqlite/connection.h"
#include "engine/store/sqlite/deliveries_table.h"
#include "engine/store/sqlite/events_table.h"
#include "engine/store/sqlite/message_keys_table.h"
#include "engine/store/sqlite/messages_table.h"
#include "engine/store/sqlite/purges_table.h"
#include "engine/store/sqlite/retention.h"

namespace ferry::store::sqlite {

using namespace Poco::Data::Keywords;

namespace {

std::vector<std::string> concat(std::initializer_list<std::vector<std::string>> parts) {
  std::vector<std::string> out;
  for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

constexpr const char* kCreateSchemaMigrations =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " checksum TEXT NOT NULL,"
    " applied_at INTEGER NOT NULL)";

}  // namespace

std::vector<Migration> sqliteMigrations() {
  return {
      {1, "messages, deliveries and events",
       concat({MessagesTable::schemaV1(), DeliveriesTable::schemaV1(), EventsTable::schemaV1()})},
      {2, "business keys linking messages", MessageKeysTable::schemaV2()},
      {3, "operators' channel states", ChannelStatesTable::schemaV3()},
      {4, "retention: purges audit trail and finished-messages index",
       concat({PurgesTable::schemaV4(), Retention::schemaV4()})},
      {5, "configuration revisions: the trail of configuration changes",
       ConfigRevisionsTable::schemaV5()},
      {6, "leaner indexes: only the message and delivery states a query looks for",
       concat({MessagesTable::schemaV6(), DeliveriesTable::schemaV6(), EventsTable::schemaV6()})},
  };
}

std::vector<RecordedMigration> Migrator::recorded() {
  std::vector<int> versions;
  std::vector<std::string> names;
  std::vector<std::string> checksums;
  std::vector<std::int64_t> applied_at;
  session_ << "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version",
      into(versions), into(names), into(checksums), into(applied_at), now;
  std::vector<RecordedMigration> rows(versions.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i] = {versions[i], names[i], checksums[i], applied_at[i]};
  }
  return rows;
}

std::vector<SchemaMigration> Migrator::list() {
  const std::vector<RecordedMigration> rows = recorded();
  pendingMigrations(migrations_, rows, location_);  // throws when the history does not match
  std::vector<SchemaMigration> out;
  out.reserve(migrations_.size());
  for (const Migration& migration : migrations_) {
    out.push_back({migration.version, migration.name, std::nullopt});
  }
  // Checked above: every recorded version is one of the list's, 1..n.
  for (const RecordedMigration& row : rows) {
    out[static_cast<std::size_t>(row.version) - 1].applied_at_ms = row.applied_at_ms;
  }
  return out;
}

std::vector<const Migration*> Migrator::check() {
  session_ << kCreateSchemaMigrations, now;
  return pendingMigrations(migrations_, recorded(), location_);
}

std::vector<AppliedMigration> Migrator::apply(std::int64_t now_ms) {
  WriteTransaction transaction(session_);
  std::vector<AppliedMigration> applied;
  for (const Migration* migration : check()) {
    for (const auto& statement : migration->statements) session_ << statement, now;
    session_ << "INSERT INTO schema_migrations (version, name, checksum, applied_at)"
                " VALUES (?, ?, ?, ?)",
        bind(migration->version), useRef(migration->name), bind(migrationChecksum(*migration)),
        bind(now_ms), now;
    applied.push_back({migration->version, migration->name});
  }
  transaction.commit();
  return applied;
}

}  // namespace ferry::store::sqlite
