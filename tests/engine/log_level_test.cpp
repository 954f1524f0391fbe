// `"log_level": "warning"` on the real `ferry run`: a feed whose messages go through logs nothing
// a message, a destination that is down still logs its retries, and every message's events are
// in the store all the same.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <set>
#include <sstream>
#include <string>

#include "engine/store/sqlite/sqlite_store.h"
#include "tests/engine/engine_fixture.h"
#include "tests/support/engine_process.h"

using namespace ferry;
using ferry::test::countIn;
using ferry::test::eventually;
using ferry::test::freePort;
using ferry::test::spawnFerryRun;
using ferry::test::StandInReceiver;
using ferry::test::TempFolder;

TEST(LogLevel, AtWarningAFeedLogsOnlyItsRetriesWhileTheStoreKeepsEveryEvent) {
  TempFolder dir;
  const int port = freePort();
  const int hospital_port = freePort();  // nothing listens there until the retries have begun
  dir.write("ferry.json", R"({"store": {"path": "var/ferry.db"}, "log_file": "ferry.log", "log_level": "warning"})");
  dir.write("channels/lab.json", R"({"name": "lab", "source": {"type": "mllp", "port": )" + std::to_string(port) +
                                     R"(}, "destinations": [{"name": "hospital", "type": "mllp", "host": "127.0.0.1", "port": )" +
                                     std::to_string(hospital_port) +
                                     R"(, "retry": {"initial_backoff_ms": 50, "max_backoff_ms": 200}}]})");
  const std::string log = dir.path() + "/ferry.log";
  const pid_t ferry = spawnFerryRun(dir.path(), dir.path() + "/stderr.txt");
  ASSERT_GT(ferry, 0);
  test::ChildReaper reap{ferry};

  mllp::SenderConfig config;
  config.host = "127.0.0.1";
  config.port = static_cast<std::uint16_t>(port);
  config.connect_attempts = 1;
  config.backoff_max = std::chrono::milliseconds(0);
  mllp::Sender sender(config, [](std::string_view) {});
  for (int i = 1; i <= 3; ++i) {
    const std::string m = "MSH|^~\\&|LAB|NORTH|FERRY|CITY|20261127||ORU^R01|LV" + std::to_string(i) +
                          "|P|2.5.1\rPID|1||P" + std::to_string(i) + "^^^NORTH^MR||Test^Level\r"
                          "OBR|1||R" + std::to_string(i) + "|2345-7^Glucose^LN\rOBX|1|NM|2345-7^Glucose^LN||95|mg/dL|||||F\r";
    // The first send also waits for the engine to listen (no "listening" line at this level).
    ASSERT_TRUE(eventually([&] {
      const auto r = sender.send(m, std::chrono::seconds(5));
      return r.status == mllp::SendStatus::Acked && r.response.find("MSA|AA|") != std::string::npos;
    }, std::chrono::seconds(30))) << "message " << i;
  }
  ASSERT_TRUE(eventually([&] { return countIn(log, "\"event\":\"retry\"") >= 1; }, std::chrono::seconds(10)))
      << "a destination that is down is a warning: " << test::readFile(log);
  StandInReceiver hospital("AA", hospital_port);
  ASSERT_TRUE(hospital.waitFor(3, std::chrono::seconds(10)));

  ::kill(ferry, SIGTERM);
  int status = 0;
  ::waitpid(ferry, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;

  std::istringstream lines(test::readFile(log));
  std::string line;
  while (std::getline(lines, line)) {
    EXPECT_EQ(line.find("\"level\":\"info\""), std::string::npos) << line;
    EXPECT_EQ(line.rfind("{\"time\":\"", 0), 0u) << line;
  }
  EXPECT_EQ(countIn(log, "\"event\":\"received\""), 0u);
  EXPECT_EQ(countIn(log, "\"event\":\"delivered\""), 0u);

  auto store = store::openSqliteStore(dir.path() + "/var/ferry.db");
  store::MessageFilter every;
  every.limit = 100;
  const auto messages = store->listMessages(every);
  ASSERT_EQ(messages.size(), 3u);
  std::size_t retries = 0;
  for (const auto& m : messages) {
    std::set<std::string> types;
    for (const auto& e : store->eventsFor(m.id)) {
      types.insert(e.type);
      retries += e.type == "retry";
    }
    for (const char* type : {"received", "parsed", "routed", "delivered"}) {
      EXPECT_TRUE(types.count(type)) << m.control_id << " has no '" << type << "' event";
    }
  }
  EXPECT_EQ(retries, countIn(log, "\"event\":\"retry\"")) << "the log's warnings are the store's retries";
}
