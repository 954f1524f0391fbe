// `ferry status`, `messages`, `history`, `pause`, `resume` and `requeue` on the real binary,
// against a real store file: what an operator sees, and that each change lands in the store
// with who asked and why.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "engine/store/sqlite/sqlite_store.h"
#include "tests/support/run.h"
#include "tests/support/wall_clock.h"

using ferry::test::ferryCommand;
using ferry::test::run;
using ferry::test::nowMs;

namespace {

namespace fs = std::filesystem;
namespace store = ferry::store;

// A configuration with one channel and a store holding one message whose only delivery gave
// up (dead letter), as after a destination was down for too long.
class OperatorCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ferry_operator_cli_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "channels");
    std::ofstream(dir_ / "ferry.json") << R"({"store": {"path": "var/ferry.db"}})";
    std::ofstream(dir_ / "channels/lab.json") << R"({"name": "lab", "source": {"type": "mllp", "port": 2575},
      "destinations": [{"name": "hospital", "type": "mllp", "host": "127.0.0.1", "port": 2576}]})";
    fs::create_directories(dir_ / "var");
    auto s = store::openSqliteStore((dir_ / "var/ferry.db").string());
    store::NewMessage m;
    m.channel = "lab";
    m.raw = "MSH|^~\\&|LAB|NORTH|FERRY|CITY|20261126||ADT^A08|CTRL-77|P|2.5\rPID|1||X1||Testperson^Ada\r";
    m.control_id = "CTRL-77";
    m.sender = "lab:LAB^NORTH";
    m.message_type = "ADT^A08";
    m.received_at_ms = nowMs();
    message_ = s->insertReceived(m).id;
    delivery_ = s->addDeliveries(message_, {{"lab/hospital", std::nullopt}}).front();
    ASSERT_TRUE(s->markProcessed(message_, R"({"schema":"ferry.canonical/v1"})"));
    ASSERT_EQ(s->claimDue("lab/hospital", nowMs() + 1000, 1).size(), 1u);
    ASSERT_TRUE(s->markDead(delivery_, "gave up after 5 attempts: connection refused"));
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string config() const { return dir_.string(); }
  std::unique_ptr<store::Store> openStore() const { return store::openSqliteStore((dir_ / "var/ferry.db").string()); }

  fs::path dir_;
  std::int64_t message_ = 0;
  std::int64_t delivery_ = 0;
};

TEST_F(OperatorCommands, StatusShowsChannelsAndCountsAndPauseResumeAreRecorded) {
  auto r = run(ferryCommand("status " + config()));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("channel lab: running\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("processed=1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("dead=1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nqueues: none open\n"), std::string::npos) << r.out;  // a dead letter waits for no one
  EXPECT_NE(r.out.find("\nretention: none (every message kept)\n"), std::string::npos) << r.out;

  r = run("USER=alice " + ferryCommand("pause " + config() + " lab --reason 'hospital maintenance'"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "channel lab: paused\n");
  r = run(ferryCommand("status " + config()));
  EXPECT_NE(r.out.find("channel lab: paused since "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(by alice: hospital maintenance)"), std::string::npos) << r.out;
  EXPECT_EQ(run(ferryCommand("pause " + config() + " lab")).out, "channel lab: already paused\n");

  r = run("USER=bob " + ferryCommand("resume " + config() + " lab"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "channel lab: resumed\n");

  auto s = openStore();
  EXPECT_TRUE(s->pausedChannels().empty());
  const auto events = s->channelEvents("lab", 10);
  ASSERT_EQ(events.size(), 2u);  // the repeated pause changed nothing and left no event
  EXPECT_EQ(events[0].type, "paused");
  EXPECT_EQ(events[0].detail, "by alice: hospital maintenance");
  EXPECT_EQ(events[1].type, "resumed");
  EXPECT_EQ(events[1].detail, "by bob");
}

TEST_F(OperatorCommands, AnUnknownChannelOrBadArgumentsAreRefusedWithoutChangingAnything) {
  auto r = run(ferryCommand("pause " + config() + " nosuch"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("has no channel \"nosuch\""), std::string::npos) << r.err;
  EXPECT_EQ(run(ferryCommand("requeue " + config() + " 12x")).status, 2);
  EXPECT_EQ(run(ferryCommand("messages " + config() + " --status lost")).status, 2);
  EXPECT_EQ(run(ferryCommand("history " + config() + " 999")).status, 1);
  EXPECT_EQ(run(ferryCommand("status /nonexistent/folder")).status, 1);
  EXPECT_TRUE(openStore()->pausedChannels().empty());
}

TEST_F(OperatorCommands, MessagesAndHistoryTellWhatHappenedWithoutTheMessageBytes) {
  auto r = run(ferryCommand("messages " + config() + " --status processed"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find(std::to_string(message_) + "\t"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\tlab\tprocessed\tADT^A08\tCTRL-77\n"), std::string::npos) << r.out;
  EXPECT_EQ(run(ferryCommand("messages " + config() + " --status errored")).out, "");
  // "Did CTRL-77 arrive?": found by the sender's control id; another id finds nothing.
  r = run(ferryCommand("messages " + config() + " --control-id CTRL-77"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find(std::to_string(message_) + "\t"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\tlab\tprocessed\tADT^A08\tCTRL-77\n"), std::string::npos) << r.out;
  EXPECT_EQ(run(ferryCommand("messages " + config() + " --control-id CTRL-7")).out, "");

  r = run(ferryCommand("history " + config() + " " + std::to_string(message_)));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("message " + std::to_string(message_) + " on lab: processed, ADT^A08, control id CTRL-77"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("delivery " + std::to_string(delivery_) +
                       " to lab/hospital: dead, 1 attempt, last error: gave up after 5 attempts"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("Testperson"), std::string::npos);  // no patient data unless --raw
  EXPECT_EQ(r.out.find("ferry.canonical/v1"), std::string::npos);  // nor the canonical form
  r = run(ferryCommand("history " + config() + " " + std::to_string(message_) + " --raw"));
  EXPECT_NE(r.out.find("Testperson^Ada"), std::string::npos);
  r = run(ferryCommand("history " + config() + " " + std::to_string(message_) + " --canonical"));
  EXPECT_NE(r.out.find("\n{\"schema\":\"ferry.canonical/v1\"}\n"), std::string::npos) << r.out;
  EXPECT_EQ(run(ferryCommand("history " + config() + " " + std::to_string(message_) + " --json")).status, 2);
}

TEST_F(OperatorCommands, RequeueSendsDeadLettersAgainAndSaysWhoAskedWhy) {
  auto r = run("USER=carol " + ferryCommand("requeue " + config() + " --all-dead --reason 'hospital back up'"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "delivery " + std::to_string(delivery_) + ": requeued\n");
  auto s = openStore();
  const auto d = s->delivery(delivery_);
  EXPECT_EQ(d->status, store::DeliveryStatus::Pending);
  EXPECT_EQ(d->attempts, 0);
  const auto events = s->eventsFor(message_);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().type, "requeued");
  EXPECT_EQ(events.back().detail, "by carol: hospital back up");
  // Requeued, it is open again: status names its queue and when its oldest entry was created.
  r = run(ferryCommand("status " + config()));
  EXPECT_NE(r.out.find("\nqueue lab/hospital: 1 pending, 0 in flight, oldest created 20"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("queues: none open"), std::string::npos) << r.out;

  // Pending now: not requeued again, and the operator hears so.
  r = run(ferryCommand("requeue " + config() + " " + std::to_string(delivery_)));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("not requeued"), std::string::npos) << r.out;
  EXPECT_EQ(run(ferryCommand("requeue " + config() + " --all-dead")).out, "no failed or dead deliveries\n");
}

}  // namespace
