// `ferry migrate` and ferry.json's store.migrations: the real binary against real store files
// left at an older schema version, as an older build of Ferry made them. "automatic" upgrades
// them as the engine or an operator command opens them; "manual" refuses to touch them until an
// operator runs `ferry migrate`.

#include <gtest/gtest.h>

#include <Poco/Data/SQLite/SessionImpl.h>
#include <Poco/Data/Session.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "engine/store/sqlite/migrations.h"
#include "engine/store/sqlite/sqlite_store.h"
#include "tests/support/engine_process.h"
#include "tests/support/files.h"
#include "tests/support/run.h"
#include "tests/support/temp_folder.h"

using ferry::test::countIn;
using ferry::test::ferryCommand;
using ferry::test::readFile;
using ferry::test::splitLines;
using ferry::test::run;

namespace {

using namespace Poco::Data::Keywords;
namespace store = ferry::store;

// The migrations of this build: the tests leave the newest one pending.
const std::vector<store::Migration> kMigrations = store::sqlite::sqliteMigrations();
const int kLatest = static_cast<int>(kMigrations.size());
const std::string kNewest = kMigrations.back().name;

class MigrateCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_.write("channels/lab.json", R"({"name": "lab", "source": {"type": "file", "folder": "in",
      "interval_ms": 100}, "destinations": [{"name": "archive", "type": "file", "folder": "out"}]})");
    folder_.write("in/.keep", "");
    setPolicy("");
  }

  // ferry.json with "migrations": policy, or without the key when policy is empty.
  void setPolicy(const std::string& policy) {
    folder_.write("ferry.json", R"({"store": {"path": "var/ferry.db")" +
                                    (policy.empty() ? "" : R"(, "migrations": ")" + policy + "\"") + "}}");
  }

  // The store as a build that knew one migration less left it, with one message in it.
  void makeOlderStore() const {
    store::sqlite::SqliteOptions older;
    older.migrations.resize(kMigrations.size() - 1);
    store::sqlite::SqliteStore s(storePath(), older);
    store::NewMessage m;
    m.channel = "lab";
    m.raw = "MSH|^~\\&|LAB|NORTH|FERRY|CITY|20261126||ADT^A08|OLD-1|P|2.5\r";
    m.control_id = "OLD-1";
    m.message_type = "ADT^A08";
    m.received_at_ms = 1'000'000;
    ASSERT_GT(s.insertReceived(m).id, 0);
  }

  Poco::Data::Session session() const {
    return Poco::Data::Session(Poco::AutoPtr<Poco::Data::SessionImpl>(
        new Poco::Data::SQLite::SessionImpl(storePath(), 0)));
  }
  int recordedMigrations() const {
    int rows = -1;
    auto s = session();
    s << "SELECT COUNT(*) FROM schema_migrations", into(rows), now;
    return rows;
  }

  std::string config() const { return folder_.path(); }
  std::string storePath() const { return folder_.path() + "/var/ferry.db"; }
  std::string log() const { return folder_.path() + "/engine.log"; }
  int runEngineOnce() const { return ferry::test::runEngineOnce(config(), log()); }

  ferry::test::TempFolder folder_;
};

TEST_F(MigrateCommand, DryRunListsAppliedAndPendingMigrationsAndChangesNothing) {
  makeOlderStore();
  const auto r = run(ferryCommand("migrate " + config() + " --dry-run"));
  ASSERT_EQ(r.status, 0) << r.err;
  const auto listed = splitLines(r.out);
  ASSERT_EQ(listed.size(), kMigrations.size() + 2) << r.out;
  EXPECT_EQ(listed.front(), "store: " + storePath());
  const std::regex applied(" +\\d+  applied \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ  .+");
  for (std::size_t i = 0; i < kMigrations.size(); ++i) {
    const std::string& line = listed[i + 1];
    const std::string version = std::to_string(kMigrations[i].version) + "  ";
    EXPECT_EQ(line.find_first_not_of(' '), line.find(version)) << line;
    EXPECT_TRUE(line.ends_with("  " + kMigrations[i].name)) << line;
    if (kMigrations[i].version < kLatest) {
      EXPECT_TRUE(std::regex_match(line, applied)) << line;
    } else {
      EXPECT_NE(line.find(version + "pending  "), std::string::npos) << line;
    }
  }
  EXPECT_EQ(listed.back(), "1 pending (--dry-run: nothing applied)");
  EXPECT_EQ(recordedMigrations(), kLatest - 1);
}

TEST_F(MigrateCommand, AppliesThePendingMigrationsKeepingTheDataAndThenIsUpToDate) {
  makeOlderStore();
  auto r = run(ferryCommand("migrate " + config()));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\napplied " + std::to_string(kLatest) + ": " + kNewest + "\n"), std::string::npos)
      << r.out;
  EXPECT_EQ(recordedMigrations(), kLatest);

  r = run(ferryCommand("migrate " + config()));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("pending"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nup to date\n"), std::string::npos) << r.out;
  EXPECT_EQ(recordedMigrations(), kLatest);
  r = run(ferryCommand("messages " + config()));
  EXPECT_NE(r.out.find("OLD-1"), std::string::npos) << "the older store's message survives: " << r.out;
}

TEST_F(MigrateCommand, WorksWhateverTheSettingSays) {
  setPolicy("manual");
  makeOlderStore();
  const auto r = run(ferryCommand("migrate " + config()));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(recordedMigrations(), kLatest);
}

TEST_F(MigrateCommand, DryRunOnAStoreNotCreatedYetCreatesNothing) {
  const auto r = run(ferryCommand("migrate " + config() + " --dry-run"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find(std::to_string(kLatest) + " pending (the store does not exist yet"), std::string::npos)
      << r.out;
  EXPECT_FALSE(std::filesystem::exists(folder_.path() + "/var")) << "no folder, no file";
}

TEST_F(MigrateCommand, AStoreWhoseHistoryDoesNotMatchThisBuildExits1) {
  ASSERT_EQ(run(ferryCommand("migrate " + config())).status, 0);
  {
    auto s = session();
    s << "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1", now;
  }
  auto r = run(ferryCommand("migrate " + config() + " --dry-run"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("never be edited"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(storePath()), std::string::npos) << r.err;

  std::filesystem::remove(storePath());
  {
    store::sqlite::SqliteOptions newer;
    newer.migrations.push_back({kLatest + 1, "from the future", {"CREATE TABLE later (x INTEGER)"}});
    store::sqlite::SqliteStore s(storePath(), newer);
  }
  r = run(ferryCommand("migrate " + config()));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("does not know"), std::string::npos) << r.err;
}

TEST_F(MigrateCommand, UsageErrorsExit2) {
  const std::vector<std::string> bad = {"", "--dry-run", config() + " --force", config() + " " + config()};
  for (const std::string& args : bad) {
    const auto r = run(ferryCommand("migrate " + args));
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_NE(r.err.find("usage: ferry migrate CONFIG [--dry-run]"), std::string::npos) << args << ": " << r.err;
  }
}

TEST_F(MigrateCommand, ManualRefusesToRunOrServeOperatorsUntilMigrated) {
  setPolicy("manual");
  makeOlderStore();
  EXPECT_EQ(runEngineOnce(), 1);
  const std::string logged = readFile(log());
  EXPECT_NE(logged.find(storePath()), std::string::npos) << logged;
  EXPECT_NE(logged.find(std::to_string(kLatest) + " (" + kNewest + ")"), std::string::npos) << logged;
  EXPECT_NE(logged.find("ferry migrate " + config()), std::string::npos) << logged;
  EXPECT_NE(logged.find("store.migrations_pending"), std::string::npos) << logged;
  EXPECT_EQ(logged.find("engine.started"), std::string::npos) << logged;
  EXPECT_EQ(recordedMigrations(), kLatest - 1);

  for (const std::string command : {"status ", "messages ", "config-history "}) {
    const auto r = run(ferryCommand(command + config()));
    EXPECT_EQ(r.status, 1) << command;
    EXPECT_NE(r.err.find("ferry migrate " + config()), std::string::npos) << command << r.err;
    EXPECT_NE(r.err.find(storePath()), std::string::npos) << command << r.err;
  }
  EXPECT_EQ(recordedMigrations(), kLatest - 1);

  ASSERT_EQ(run(ferryCommand("migrate " + config())).status, 0);
  EXPECT_EQ(runEngineOnce(), 0) << readFile(log());
  EXPECT_EQ(countIn(log(), "engine.started"), 1u) << readFile(log());
  EXPECT_EQ(countIn(log(), "store.migrated"), 0u) << "ferry migrate did it: " << readFile(log());
  const auto r = run(ferryCommand("status " + config()));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\nschema: version " + std::to_string(kLatest) + " (up to date)\n"), std::string::npos)
      << r.out;
}

TEST_F(MigrateCommand, ManualStillCreatesANewStore) {
  setPolicy("manual");
  const auto r = run(ferryCommand("status " + config()));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\nschema: version " + std::to_string(kLatest) + " (up to date)\n"), std::string::npos)
      << r.out;
  EXPECT_EQ(recordedMigrations(), kLatest);
}

TEST_F(MigrateCommand, AutomaticRunMigratesAnOlderStoreAndLogsEachMigration) {
  makeOlderStore();
  EXPECT_EQ(runEngineOnce(), 0) << readFile(log());
  const std::string logged = readFile(log());
  EXPECT_NE(logged.find(R"("event":"store.migrated")"), std::string::npos) << logged;
  EXPECT_NE(logged.find("\"version\":" + std::to_string(kLatest) + ",\"name\":\"" + kNewest + "\""),
            std::string::npos)
      << logged;
  EXPECT_EQ(countIn(log(), "store.migrated"), 1u) << logged;
  EXPECT_LT(logged.find("store.migrated"), logged.find("engine.started")) << logged;
  EXPECT_EQ(recordedMigrations(), kLatest);
}

TEST_F(MigrateCommand, AutomaticOperatorCommandMigratesAndSaysSo) {
  makeOlderStore();
  const auto r = run(ferryCommand("status " + config()));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("applied schema migration " + std::to_string(kLatest) + " (" + kNewest + ")"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("\nschema: version " + std::to_string(kLatest) + " (up to date)\n"), std::string::npos)
      << r.out;
  EXPECT_EQ(recordedMigrations(), kLatest);
}

TEST_F(MigrateCommand, AnUnknownPolicyIsAConfigurationError) {
  setPolicy("sometimes");
  const auto r = run(ferryCommand("validate " + config()));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(R"(ferry.json:1: store.migrations: "sometimes" is not one of "automatic", "manual")"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(run(ferryCommand("migrate " + config())).status, 1);
  EXPECT_FALSE(std::filesystem::exists(storePath()));
}

}  // namespace
