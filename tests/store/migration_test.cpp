// Schema migrations: numbered, checksummed, recorded in schema_migrations, applied once, and a
// store whose history disagrees with the code is refused.

#include <Poco/Data/SQLite/SessionImpl.h>
#include <Poco/Data/Session.h>

#include "engine/store/migration.h"
#include "engine/store/sqlite/migrations.h"
#include "tests/store/store_test_support.h"

namespace ferry::store::test {
namespace {

using namespace Poco::Data::Keywords;

Poco::Data::Session rawSession(const std::string& path) {
  return Poco::Data::Session(Poco::AutoPtr<Poco::Data::SessionImpl>(
      new Poco::Data::SQLite::SessionImpl(path, 0)));
}

struct Recorded {
  std::vector<int> versions;
  std::vector<std::string> names;
  std::vector<std::string> checksums;
};

Recorded recordedMigrations(const std::string& path) {
  Recorded r;
  auto session = rawSession(path);
  session << "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
      into(r.versions), into(r.names), into(r.checksums), now;
  return r;
}

// The version a migration added after the built-in ones gets.
int nextVersion() { return static_cast<int>(sqlite::sqliteMigrations().size()) + 1; }

std::vector<int> builtInVersions() {
  std::vector<int> versions;
  for (const auto& m : sqlite::sqliteMigrations()) versions.push_back(m.version);
  return versions;
}

Migration addColumnMigration() {
  return {nextVersion(), "messages: priority", {"ALTER TABLE messages ADD COLUMN priority INTEGER"}};
}

std::string openAndExpectRefusal(const std::string& path, sqlite::SqliteOptions options) {
  try {
    sqlite::SqliteStore store(path, std::move(options));
  } catch (const StoreError& e) {
    return e.what();
  }
  ADD_FAILURE() << "the store opened";
  return {};
}

TEST(Migrations, AreAppliedAtOpenAndRecordedWithTheirChecksum) {
  TempDir dir;
  const std::string path = dir.file("ferry.db");
  { sqlite::SqliteStore store(path); }

  const auto recorded = recordedMigrations(path);
  const auto code = sqlite::sqliteMigrations();
  ASSERT_EQ(recorded.versions.size(), code.size());
  for (std::size_t i = 0; i < code.size(); ++i) {
    EXPECT_EQ(recorded.versions[i], code[i].version);
    EXPECT_EQ(recorded.names[i], code[i].name);
    EXPECT_EQ(recorded.checksums[i], migrationChecksum(code[i]));
  }
}

TEST(Migrations, AreAppliedOnlyOnce) {
  TempDir dir;
  const std::string path = dir.file("ferry.db");
  { sqlite::SqliteStore store(path); }
  {
    sqlite::SqliteStore store(path);
    EXPECT_TRUE(store.migrate().empty());
  }
  EXPECT_EQ(recordedMigrations(path).versions.size(), sqlite::sqliteMigrations().size());
}

TEST(Migrations, MigrateReturnsWhatItApplied) {
  TempDir dir;
  const std::string path = dir.file("ferry.db");
  sqlite::SqliteOptions options;
  options.migrate_on_open = false;
  sqlite::SqliteStore store(path, options);

  const auto applied = store.migrate();
  ASSERT_EQ(applied.size(), sqlite::sqliteMigrations().size());
  EXPECT_EQ(applied[0].version, 1);
  EXPECT_EQ(applied[0].name, "messages, deliveries and events");
  EXPECT_EQ(applied[1].version, 2);
  EXPECT_EQ(applied[1].name, "business keys linking messages");
  EXPECT_TRUE(store.migrate().empty());
  EXPECT_GT(store.insertReceived(sampleMessage("A")).id, 0);
}

TEST(Migrations, ANewMigrationIsAppliedToAnExistingStoreWithoutLosingData) {
  TempDir dir;
  const std::string path = dir.file("ferry.db");
  std::int64_t id = 0;
  {
    sqlite::SqliteStore store(path);
    id = store.insertReceived(sampleMessage("OLD")).id;
  }
  sqlite::SqliteOptions options;
  options.migrate_on_open = false;
  options.migrations.push_back(addColumnMigration());
  sqlite::SqliteStore store(path, options);
  const auto applied = store.migrate();
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(applied[0].version, nextVersion());
  EXPECT_EQ(store.message(id)->control_id, "OLD");
  std::vector<int> expected = builtInVersions();
  expected.push_back(nextVersion());
  EXPECT_EQ(recordedMigrations(path).versions, expected);
}

TEST(Migrations, AStoreWhoseRecordedChecksumDiffersIsRefused) {
  TempDir dir;
  const std::string path = dir.file("ferry.db");
  { sqlite::SqliteStore store(path); }
  {
    auto session = rawSession(path);
    session << "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1", now;
  }
  const std::string error = openAndExpectRefusal(path, {});
  EXPECT_NE(error.find(path), std::string::npos) << error;
  EXPECT_NE(error.find("migration 1"), std::string::npos) << error;
  EXPECT_NE(error.find("never be edited"), std::string::npos) << error;
}

TEST(Migrations, AnEditedReleasedMigrationIsRefused) {
  TempDir dir;
  const std::string path = dir.file("ferry.db");
  {
    sqlite::SqliteOptions options;
    options.migrations.push_back(addColumnMigration());
    sqlite::SqliteStore store(path, options);
  }
  sqlite::SqliteOptions edited;
  Migration changed = addColumnMigration();
  changed.statements[0] = "ALTER TABLE messages ADD COLUMN priority TEXT";
  edited.migrations.push_back(changed);
  const std::string error = openAndExpectRefusal(path, edited);
  EXPECT_NE(error.find("migration " + std::to_string(nextVersion())), std::string::npos) << error;
}

TEST(Migrations, AStoreMigratedByANewerBuildIsRefused) {
  TempDir dir;
  const std::string path = dir.file("ferry.db");
  {
    sqlite::SqliteOptions newer;
    newer.migrations.push_back(addColumnMigration());
    sqlite::SqliteStore store(path, newer);
  }
  const std::string error = openAndExpectRefusal(path, {});
  EXPECT_NE(error.find("does not know"), std::string::npos) << error;
}

TEST(Migrations, AFailingMigrationLeavesNothingBehind) {
  TempDir dir;
  const std::string path = dir.file("ferry.db");
  { sqlite::SqliteStore store(path); }
  sqlite::SqliteOptions options;
  options.migrations.push_back(
      {nextVersion(), "broken", {"CREATE TABLE extra (x INTEGER)", "THIS IS NOT SQL"}});
  EXPECT_THROW(sqlite::SqliteStore(path, options), StoreError);

  EXPECT_EQ(recordedMigrations(path).versions, builtInVersions());
  auto session = rawSession(path);
  int tables = -1;
  session << "SELECT COUNT(*) FROM sqlite_master WHERE name = 'extra'", into(tables), now;
  EXPECT_EQ(tables, 0);
}

// schemaMigrations(): what an operator sees before upgrading (`ferry migrate --dry-run`).
class SchemaMigrations : public StoreTest {};

TEST_F(SchemaMigrations, ListEveryKnownMigrationWithWhenItWasAppliedAndApplyNothing) {
  const std::string older = dir.file("older.db");
  const auto code = sqlite::sqliteMigrations();
  makeOlderStore(older, code.size() - 1, [](Store&) {});
  clock.advance(60'000);
  auto unmigrated = options();
  unmigrated.migrate_on_open = false;
  sqlite::SqliteStore reopened(older, unmigrated);  // an older store opens without migrating

  auto listed = reopened.schemaMigrations();
  ASSERT_EQ(listed.size(), code.size());
  for (std::size_t i = 0; i < code.size(); ++i) {
    EXPECT_EQ(listed[i].version, code[i].version);
    EXPECT_EQ(listed[i].name, code[i].name);
  }
  for (std::size_t i = 0; i + 1 < code.size(); ++i) EXPECT_EQ(listed[i].applied_at_ms, 1'000'000) << i;
  EXPECT_FALSE(listed.back().applied_at_ms);
  EXPECT_EQ(recordedMigrations(older).versions.size(), code.size() - 1) << "listing applies nothing";

  ASSERT_EQ(reopened.migrate().size(), 1u);
  listed = reopened.schemaMigrations();
  EXPECT_EQ(listed.back().applied_at_ms, 1'060'000);
  EXPECT_EQ(listed.front().applied_at_ms, 1'000'000);
}

TEST_F(SchemaMigrations, AreCurrentInAStoreOpenedWithTheDefaults) {
  for (const auto& m : store->schemaMigrations()) EXPECT_EQ(m.applied_at_ms, clock.now()) << m.version;
}

TEST_F(SchemaMigrations, RefuseAHistoryEditedSinceTheStoreWasOpened) {
  {
    auto session = rawSession(path());
    session << "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 2", now;
  }
  try {
    store->schemaMigrations();
    ADD_FAILURE() << "listed an edited history";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("migration 2"), std::string::npos) << e.what();
  }
}

TEST(MigrationChecksum, ChangesWithAnyStatementButNotWithTheName) {
  Migration a{1, "one", {"CREATE TABLE t (x)", "CREATE INDEX i ON t (x)"}};
  Migration renamed = a;
  renamed.name = "renamed";
  Migration edited = a;
  edited.statements[1] = "CREATE INDEX i ON t (x DESC)";
  Migration moved{1, "one", {"CREATE TABLE t (x)CREATE INDEX i ON t (x)", ""}};
  EXPECT_EQ(migrationChecksum(a), migrationChecksum(renamed));
  EXPECT_NE(migrationChecksum(a), migrationChecksum(edited));
  EXPECT_NE(migrationChecksum(a), migrationChecksum(moved));
  EXPECT_EQ(migrationChecksum(a).size(), 64u);
}

TEST(PendingMigrations, ListsWhatIsMissingInOrder) {
  std::vector<Migration> code{{1, "a", {"A"}}, {2, "b", {"B"}}, {3, "c", {"C"}}};
  const auto pending =
      pendingMigrations(code, {{1, "a", migrationChecksum(code[0])}}, "test.db");
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0]->version, 2);
  EXPECT_EQ(pending[1]->version, 3);
}

TEST(PendingMigrations, RefusesAListWithGaps) {
  std::vector<Migration> code{{1, "a", {"A"}}, {3, "c", {"C"}}};
  EXPECT_THROW(pendingMigrations(code, {}, "test.db"), StoreError);
}

TEST(PendingMigrations, RefusesAHistoryWithAHole) {
  std::vector<Migration> code{{1, "a", {"A"}}, {2, "b", {"B"}}};
  EXPECT_THROW(pendingMigrations(code, {{2, "b", migrationChecksum(code[1])}}, "test.db"),
               StoreError);
}

}  // namespace
}  // namespace ferry::store::test
