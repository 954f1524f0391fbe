// `ferry prune` on the real binary against a real store file: what it removes and keeps, the
// audit row with who and why, the dry run, usage and store errors, and a store held open by
// another process (a running engine).

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <regex>

#include "engine/store/sqlite/sqlite_store.h"
#include "tests/support/run.h"
#include "tests/support/temp_folder.h"
#include "tests/support/wall_clock.h"

using ferry::test::ferryCommand;
using ferry::test::run;
using ferry::test::nowMs;

namespace {

namespace store = ferry::store;

constexpr std::int64_t kDay = 24LL * 60 * 60 * 1000;

// A configuration whose store holds, from ten days ago, three finished messages (two with a
// delivered delivery), one still received and one with a pending delivery; and one finished
// an hour ago.
class PruneCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_.write("ferry.json", R"({"store": {"path": "var/ferry.db"}})");
    folder_.write("channels/lab.json", R"({"name": "lab", "source": {"type": "mllp", "port": 2575},
      "destinations": [{"name": "hospital", "type": "mllp", "host": "127.0.0.1", "port": 2576}]})");
    {
      auto s = openAt(nowMs() - 10 * kDay);
      for (int i = 0; i < 3; ++i) old_.push_back(finished(*s, i < 2));
      keep_.push_back(s->insertReceived(message("R")).id);
      keep_.push_back(s->insertReceived(message("P")).id);
      s->addDeliveries(keep_.back(), {{"lab/pending-" + std::to_string(keep_.back()), std::nullopt}});
      EXPECT_TRUE(s->markProcessed(keep_.back(), "{}"));
    }
    auto s = openAt(nowMs() - kDay / 24);
    keep_.push_back(finished(*s, true));
  }
  std::unique_ptr<store::Store> openAt(std::int64_t ms) const {
    store::sqlite::SqliteOptions options;
    options.clock = [ms] { return ms; };
    return store::openSqliteStore(storePath(), options);
  }
  std::unique_ptr<store::Store> openStore() const { return store::openSqliteStore(storePath()); }
  std::string storePath() const { return folder_.path() + "/var/ferry.db"; }
  std::string config() const { return folder_.path(); }

  static store::NewMessage message(const std::string& control_id) {
    store::NewMessage m;
    m.channel = "lab";
    m.raw = "MSH|^~\\&|LAB|NORTH|FERRY|CITY|20261126||ADT^A08|" + control_id + "|P|2.5\rPID|1||X1||Testperson^Ada\r";
    m.control_id = control_id;
    m.message_type = "ADT^A08";
    m.received_at_ms = nowMs();
    return m;
  }
  std::int64_t finished(store::Store& s, bool delivered) {
    const auto id = s.insertReceived(message("F" + std::to_string(++counter_))).id;
    if (!delivered) {
      EXPECT_TRUE(s.markFiltered(id, "not reportable"));
      return id;
    }
    const std::string destination = "lab/hospital-" + std::to_string(id);
    EXPECT_TRUE(s.markProcessedAndRoute(id, "{}", {{destination, std::nullopt}}));
    EXPECT_EQ(s.claimDue(destination, nowMs() + kDay, 1).size(), 1u);
    EXPECT_TRUE(s.markDelivered(s.deliveriesFor(id).front().id, std::nullopt));
    return id;
  }
  void expectAllKept(store::Store& s) {
    for (const auto id : keep_) EXPECT_TRUE(s.message(id)) << "message " << id;
  }

  ferry::test::TempFolder folder_;
  int counter_ = 0;
  std::vector<std::int64_t> old_;   // ten days old and finished
  std::vector<std::int64_t> keep_;  // received, pending, and recent
};

TEST_F(PruneCommand, RemovesOldFinishedMessagesAndRecordsWhoAndWhy) {
  const auto r = run("USER=alice " + ferryCommand("prune " + config() + " --older-than 7 --reason 'yearly clean-up'"));

  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(std::regex_match(r.out, std::regex("pruned 3 messages \\(2 deliveries, 0 events\\) finished before "
                                                 "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\n")))
      << r.out;
  EXPECT_EQ(r.err, "");
  auto s = openStore();
  for (const auto id : old_) EXPECT_FALSE(s->message(id)) << "message " << id;
  expectAllKept(*s);
  const auto purges = s->purges(10);
  ASSERT_EQ(purges.size(), 1u);
  EXPECT_EQ(purges[0].actor, "alice");
  EXPECT_EQ(purges[0].reason, "yearly clean-up");
  EXPECT_EQ(purges[0].messages, 3);
  EXPECT_EQ(purges[0].deliveries, 2);
  EXPECT_NEAR(static_cast<double>(purges[0].cutoff_ms), static_cast<double>(nowMs() - 7 * kDay), 60'000.0);
  // What happened to a purged message stays answerable.
  const auto history = run(ferryCommand("history " + config() + " " + std::to_string(old_[0])));
  EXPECT_EQ(history.status, 1);
  EXPECT_NE(history.err.find("no message " + std::to_string(old_[0]) + ": removed by purge " +
                             std::to_string(purges[0].id) + " at "),
            std::string::npos)
      << history.err;
  EXPECT_NE(history.err.find("(alice: yearly clean-up)"), std::string::npos) << history.err;
  const auto status = run(ferryCommand("status " + config()));
  EXPECT_NE(status.out.find("retention: none (every message kept), last purge " + std::to_string(purges[0].id) +
                            " at "),
            std::string::npos)
      << status.out;
  EXPECT_NE(status.out.find(" removed 3 messages finished before "), std::string::npos) << status.out;
}

TEST_F(PruneCommand, ADryRunCountsAndRemovesNothing) {
  const auto r = run(ferryCommand("prune " + config() + " --older-than 7 --dry-run"));

  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("would prune 3 messages finished before ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("Z (dry run: nothing removed)\n"), std::string::npos) << r.out;
  auto s = openStore();
  for (const auto id : old_) EXPECT_TRUE(s->message(id)) << "message " << id;
  expectAllKept(*s);
  EXPECT_TRUE(s->purges(10).empty());
  EXPECT_EQ(run(ferryCommand("prune " + config() + " --older-than 30 --dry-run")).out.rfind("would prune 0 messages", 0), 0u);
}

TEST_F(PruneCommand, WorksWhileAnotherProcessHasTheStoreOpen) {
  auto engine = openStore();  // as a running engine does: a writer and readers on the file
  ASSERT_TRUE(engine->message(old_.front()));

  const auto r = run(ferryCommand("prune " + config() + " --older-than 7"));

  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("pruned 3 messages", 0), 0u) << r.out;
  for (const auto id : old_) EXPECT_FALSE(engine->message(id)) << "message " << id;
  expectAllKept(*engine);
  const auto next = engine->insertReceived(message("AFTER")).id;
  EXPECT_GT(next, keep_.back());
}

TEST_F(PruneCommand, BadArgumentsAreUsageErrorsAndRemoveNothing) {
  for (const std::string args : {"", " --older-than", " --older-than 0", " --older-than 7x", " --older-than -3",
                                 " --older-than 7 --force", " --reason x"}) {
    const auto r = run(ferryCommand("prune" + (args.empty() ? "" : " " + config() + args)));
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_NE(r.err.find("usage: ferry prune CONFIG --older-than DAYS"), std::string::npos) << args;
  }
  EXPECT_EQ(openStore()->countPurgeable(7 * kDay), 3);
}

TEST_F(PruneCommand, AStoreThatCannotBeOpenedIsOneLineOnStderr) {
  std::filesystem::create_directories(config() + "/var/not-a-file.db");
  folder_.write("ferry.json", R"({"store": {"path": "var/not-a-file.db"}})");

  const auto r = run(ferryCommand("prune " + config() + " --older-than 7"));

  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("ferry: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
