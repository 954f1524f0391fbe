// `ferry run` records the configuration when it changed, and `ferry config-history` shows the
// trail: the real binary against a real store file. Secrets never reach the store, the log or
// the screen.

#include <gtest/gtest.h>

#include <Poco/Data/SQLite/SessionImpl.h>
#include <Poco/Data/Session.h>

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

constexpr const char* kToken = "tok-9c8b7a6f5e4d3c2b";

std::string labChannel(int interval_ms) {
  return "{\n  \"name\": \"lab\",\n  \"source\": {\"type\": \"file\", \"folder\": \"in\", \"interval_ms\": " +
         std::to_string(interval_ms) +
         "},\n  \"destinations\": [\n"
         "    {\"name\": \"archive\", \"type\": \"file\", \"folder\": \"out\"},\n"
         "    {\"name\": \"insurer\", \"type\": \"http\", \"url\": \"http://127.0.0.1:9/claims\",\n"
         "     \"bearer_token\": \"" + kToken + "\"}\n  ]\n}\n";
}

class ConfigHistory : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_.write("ferry.json", R"({"store": {"path": "var/ferry.db"}})");
    folder_.write("channels/lab.json", labChannel(100));
    folder_.write("in/.keep", "");
  }

  std::string config() const { return folder_.path(); }
  std::string log() const { return folder_.path() + "/engine.log"; }

  int runEngineOnce() { return ferry::test::runEngineOnce(config(), log()); }

  // Two revisions: the first configuration, then lab.json with another poll interval.
  void recordTwoRevisions() {
    ASSERT_EQ(runEngineOnce(), 0) << readFile(log());
    folder_.write("channels/lab.json", labChannel(250));
    ASSERT_EQ(runEngineOnce(), 0) << readFile(log());
  }

  ferry::test::TempFolder folder_;
};

TEST_F(ConfigHistory, RunRecordsARevisionOnlyWhenTheConfigurationChanged) {
  ASSERT_EQ(runEngineOnce(), 0) << readFile(log());
  ASSERT_EQ(runEngineOnce(), 0) << readFile(log());
  auto r = run(ferryCommand("config-history " + config()));
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(splitLines(r.out).size(), 1u) << r.out;
  EXPECT_EQ(countIn(log(), "config.revision_recorded"), 1u);
  EXPECT_EQ(countIn(log(), "config.unchanged"), 1u);

  folder_.write("channels/lab.json", labChannel(250));
  ASSERT_EQ(runEngineOnce(), 0) << readFile(log());
  r = run(ferryCommand("config-history " + config()));
  const auto listed = splitLines(r.out);
  ASSERT_EQ(listed.size(), 2u) << r.out;
  EXPECT_EQ(listed[0].rfind("2  ", 0), 0u) << "newest first: " << r.out;
  EXPECT_NE(listed[0].find("engine start"), std::string::npos) << r.out;
  EXPECT_NE(listed[0].find("changed channels/lab.json"), std::string::npos) << r.out;
  EXPECT_NE(listed[1].find("first revision: 2 files"), std::string::npos) << r.out;
  const std::string logged = readFile(log());
  EXPECT_NE(logged.find(R"("event":"config.revision_recorded","revision":2)"), std::string::npos) << logged;
  EXPECT_NE(logged.find(R"("changed":["channels/lab.json"])"), std::string::npos) << logged;
  EXPECT_EQ(logged.find(kToken), std::string::npos) << "no secret in the log";
  EXPECT_EQ(logged.find("interval_ms"), std::string::npos) << "names, never contents, in the log";
}

TEST_F(ConfigHistory, ShowListsTheFilesOfARevisionAndPrintsOneAsStored) {
  recordTwoRevisions();
  auto r = run(ferryCommand("config-history " + config() + " --show 1"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("channels/lab.json  "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ferry.json  "), std::string::npos) << r.out;

  r = run(ferryCommand("config-history " + config() + " --show 1 --file channels/lab.json"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"interval_ms\": 100"), std::string::npos) << "the old content: " << r.out;
  EXPECT_EQ(r.out.find(kToken), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"bearer_token\": \"redacted:hmac-sha256:"), std::string::npos) << r.out;
  EXPECT_EQ(run(ferryCommand("config-history " + config() + " --show 1 --file channels/nope.json")).status, 1);
  EXPECT_EQ(readFile(folder_.path() + "/var/ferry.db").find(kToken), std::string::npos)
      << "no secret in the store file";
}

TEST_F(ConfigHistory, DiffShowsTheChangedLinesMarkedMinusAndPlus) {
  recordTwoRevisions();
  auto r = run(ferryCommand("config-history " + config() + " --diff 2"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("revision 2 against revision 1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("changed channels/lab.json\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  @@ old line 3, new line 3\n"
                       "  -  \"source\": {\"type\": \"file\", \"folder\": \"in\", \"interval_ms\": 100},\n"
                       "  +  \"source\": {\"type\": \"file\", \"folder\": \"in\", \"interval_ms\": 250},\n"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("ferry.json"), std::string::npos) << "unchanged files are not listed: " << r.out;

  r = run(ferryCommand("config-history " + config() + " --diff 1"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("added channels/lab.json\nadded ferry.json\n"), std::string::npos) << r.out;
}

TEST_F(ConfigHistory, AnUnknownRevisionExits1AndBadArgumentsExit2) {
  recordTwoRevisions();
  auto r = run(ferryCommand("config-history " + config() + " --show 99"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("no configuration revision 99"), std::string::npos) << r.err;
  EXPECT_EQ(run(ferryCommand("config-history " + config() + " --diff 99")).status, 1);
  for (const std::string bad : {"", " --show", " --show x", " --show 0", " --limit 0", " --diff 1 --file ferry.json",
                                " --show 1 --diff 2", " --show 1 --limit 3", " --verbose 1"}) {
    r = run(ferryCommand("config-history" + (bad.empty() ? "" : " " + config() + bad)));
    EXPECT_EQ(r.status, 2) << bad;
    EXPECT_NE(r.err.find("usage: ferry config-history"), std::string::npos) << bad;
  }
  r = run(ferryCommand("config-history " + config() + " --limit 1"));
  ASSERT_EQ(splitLines(r.out).size(), 1u) << r.out;
  EXPECT_EQ(r.out.rfind("2  ", 0), 0u) << r.out;
}

TEST_F(ConfigHistory, StatusNamesTheCurrentRevision) {
  auto r = run(ferryCommand("status " + config()));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\nconfig: no revision recorded yet"), std::string::npos) << r.out;
  recordTwoRevisions();
  r = run(ferryCommand("status " + config()));
  EXPECT_NE(r.out.find("\nconfig: revision 2 recorded "), std::string::npos) << r.out;
}

TEST_F(ConfigHistory, AStoreThatCannotRecordStopsTheStart) {
  ASSERT_EQ(run(ferryCommand("status " + config())).status, 0);  // creates the store
  {
    Poco::Data::Session session(Poco::AutoPtr<Poco::Data::SessionImpl>(
        new Poco::Data::SQLite::SessionImpl(folder_.path() + "/var/ferry.db", 0)));
    session << "CREATE TRIGGER refuse BEFORE INSERT ON config_revisions"
               " BEGIN SELECT RAISE(ABORT, 'disk says no'); END", Poco::Data::Keywords::now;
  }
  EXPECT_EQ(runEngineOnce(), 1);
  const std::string logged = readFile(log());
  EXPECT_NE(logged.find("unaudited configuration does not run"), std::string::npos) << logged;
  EXPECT_NE(logged.find("config.revision_failed"), std::string::npos) << logged;
  EXPECT_EQ(logged.find("engine.started"), std::string::npos) << logged;
}

}  // namespace
