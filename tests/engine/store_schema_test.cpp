// store.migrations as the engine applies it (store_schema.h): an older store is upgraded when the
// setting is "automatic" and left exactly as it was when it is "manual"; a new store is created
// either way.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "engine/runtime/engine.h"
#include "engine/runtime/store_schema.h"
#include "engine/store/sqlite/sqlite_store.h"
#include "tests/support/files.h"
#include "tests/support/temp_folder.h"

namespace ferry {
namespace {

const std::size_t kKnown = store::sqlite::sqliteMigrations().size();

class StoreSchema : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.folder = dir_.path();
    config_.store.path = dir_.path() + "/var/ferry.db";
  }

  // A store left by a build that knew one migration less.
  void makeOlderStore() {
    store::sqlite::SqliteOptions older;
    older.migrations.resize(kKnown - 1);
    store::sqlite::SqliteStore s(config_.store.path, older);
  }
  std::unique_ptr<store::Store> openUnmigrated() {
    store::sqlite::SqliteOptions options;
    options.migrate_on_open = false;
    return store::openSqliteStore(config_.store.path, options);
  }
  std::size_t applied() {
    return kKnown - runtime::pendingOf(openUnmigrated()->schemaMigrations()).size();
  }

  test::TempFolder dir_;
  runtime::EngineConfig config_;
};

TEST_F(StoreSchema, AutomaticAppliesThePendingMigrations) {
  makeOlderStore();
  auto s = openUnmigrated();
  const runtime::SchemaUpgrade upgrade = runtime::upgradeSchema(*s, config_);
  EXPECT_FALSE(upgrade.created);
  ASSERT_EQ(upgrade.applied.size(), 1u);
  EXPECT_EQ(upgrade.applied[0].version, static_cast<int>(kKnown));
  EXPECT_EQ(runtime::schemaVersion(s->schemaMigrations()), static_cast<int>(kKnown));
  EXPECT_TRUE(runtime::upgradeSchema(*s, config_).applied.empty());
}

TEST_F(StoreSchema, ManualRefusesAnOlderStoreNamingWhatIsPendingAndTheCommand) {
  makeOlderStore();
  config_.store.migrations = "manual";
  auto s = openUnmigrated();
  try {
    runtime::upgradeSchema(*s, config_);
    ADD_FAILURE() << "upgraded";
  } catch (const runtime::SchemaUpgradeRequired& e) {
    const std::string sentence = e.what();
    EXPECT_NE(sentence.find(config_.store.path + " is at schema version " + std::to_string(kKnown - 1)),
              std::string::npos) << sentence;
    const std::string newest = store::sqlite::sqliteMigrations().back().name;
    EXPECT_NE(sentence.find(std::to_string(kKnown) + " (" + newest + ")"), std::string::npos) << sentence;
    EXPECT_NE(sentence.find("ferry migrate " + dir_.path()), std::string::npos) << sentence;
  }
  s.reset();
  EXPECT_EQ(applied(), kKnown - 1);
}

TEST_F(StoreSchema, ManualCreatesANewStoreAtTheCurrentSchema) {
  config_.store.migrations = "manual";
  auto s = openUnmigrated();
  const runtime::SchemaUpgrade upgrade = runtime::upgradeSchema(*s, config_);
  EXPECT_TRUE(upgrade.created);
  EXPECT_EQ(upgrade.applied.size(), kKnown);
}

TEST_F(StoreSchema, TheEngineRefusesToStartOnAnOlderManualStoreAndLeavesItAsItWas) {
  makeOlderStore();
  config_.store.migrations = "manual";
  runtime::JsonLog log("/dev/null");
  runtime::Engine engine(config_, log);
  EXPECT_THROW(engine.start(), runtime::SchemaUpgradeRequired);
  EXPECT_EQ(applied(), kKnown - 1);
}

TEST_F(StoreSchema, TheEngineMigratesAnOlderAutomaticStoreAndLogsIt) {
  makeOlderStore();
  const std::string log_file = dir_.path() + "/engine.log";
  {
    runtime::JsonLog log(log_file);
    runtime::Engine engine(config_, log);
    engine.start();
    engine.stop();
  }
  const std::string logged = test::readFile(log_file);
  EXPECT_NE(logged.find("\"event\":\"store.migrated\""), std::string::npos) << logged;
  EXPECT_NE(logged.find("\"version\":" + std::to_string(kKnown) + ","), std::string::npos) << logged;
  EXPECT_EQ(applied(), kKnown);
}

}  // namespace
}  // namespace ferry
