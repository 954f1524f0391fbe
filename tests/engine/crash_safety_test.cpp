// Kill -9 the real `ferry run` process while a client is sending; after a restart every message
// the client saw acknowledged is in the store and reaches the destination, and nothing is sent
// twice except the one delivery that may have been in flight at the kill.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <set>

#include "engine/store/sqlite/sqlite_store.h"
#include "tests/engine/engine_fixture.h"
#include "tests/support/engine_process.h"
#include "tests/support/parsed_message.h"

using namespace ferry;
using ferry::test::eventually;
using ferry::test::freePort;
using ferry::test::spawnFerryRun;
using ferry::test::StandInReceiver;
using ferry::test::TempFolder;
using ferry::test::controlIdOf;

TEST(CrashSafety, KilledEngineLosesNoAcknowledgedMessage) {
  TempFolder dir;
  StandInReceiver hospital;
  const int port = freePort();
  dir.write("ferry.json", R"({"store": {"path": "var/ferry.db"}})");
  dir.write("channels/lab.json", R"({"name": "lab", "source": {"type": "mllp", "port": )" +
                                     std::to_string(port) + R"(},
    "ack_mode": "on_commit",
    "destinations": [{"name": "hospital", "type": "mllp", "host": "127.0.0.1", "port": )" +
                                     std::to_string(hospital.port()) + R"(,
      "retry": {"initial_backoff_ms": 50, "max_backoff_ms": 200}}]})");
  const std::string log = dir.path() + "/ferry.log";

  pid_t ferry = spawnFerryRun(dir.path(), log);
  ASSERT_GT(ferry, 0);
  std::mutex acked_mutex;  // the client thread adds, this thread counts
  std::set<std::string> acked;
  const auto ackedCount = [&] {
    std::lock_guard lock(acked_mutex);
    return acked.size();
  };
  std::atomic<bool> gave_up{false};
  // Send until well after the kill; every message that got an AA is recorded. Bounded by time
  // (a sanitizer build on a loaded machine may take seconds to start) and by 400 messages.
  std::thread client([&] {
    mllp::SenderConfig config;
    config.host = "127.0.0.1";
    config.port = static_cast<std::uint16_t>(port);
    config.connect_attempts = 1;
    mllp::Sender sender(config, [](std::string_view) {});
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(40);
    for (int i = 0; i < 400 && std::chrono::steady_clock::now() < until;) {
      const std::string id = "K" + std::to_string(i);
      const std::string m = "MSH|^~\\&|LAB|NORTH|FERRY|CITY|20261126||ADT^A08|" + id +
                            "|P|2.5\rPID|1||P" + std::to_string(i) + "||Test^Crash\rPV1|1|O\r";
      const auto result = sender.send(m, std::chrono::seconds(5));
      if (result.status == mllp::SendStatus::Acked && result.response.find("MSA|AA|" + id) != std::string::npos) {
        std::lock_guard lock(acked_mutex);
        acked.insert(id);
        ++i;
      } else if (ackedCount() >= 40) {
        break;  // the engine is gone
      } else {
        // Not up yet, or slow: the same message again (a repeat is acknowledged as a duplicate).
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    gave_up = true;
  });
  ASSERT_TRUE(eventually([&] { return ackedCount() >= 40 || gave_up; }, std::chrono::seconds(45)));
  ::kill(ferry, SIGKILL);
  int status = 0;
  ::waitpid(ferry, &status, 0);
  client.join();
  ASSERT_GE(acked.size(), 40u);

  ferry = spawnFerryRun(dir.path(), log);
  // Up again (its second "engine.started" line) before the SIGTERM below: when every delivery was
  // made before the kill, a signal sent during start-up would find the stop signals not yet
  // handled and end the process abnormally.
  EXPECT_TRUE(eventually([&] { return ferry::test::countIn(log, "\"event\":\"engine.started\"") >= 2; }, std::chrono::seconds(30)));
  const bool all_arrived = eventually([&] {
    std::set<std::string> seen;
    for (const auto& f : hospital.frames()) seen.insert(controlIdOf(f));
    for (const auto& id : acked) {
      if (!seen.count(id)) return false;
    }
    return true;
  }, std::chrono::seconds(30));
  ::kill(ferry, SIGTERM);
  ::waitpid(ferry, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "SIGTERM must give a clean exit; status " << status << ", the engine's log:\n"
      << [&] {
           std::ifstream in(log);
           return std::string(std::istreambuf_iterator<char>(in), {});
         }();
  EXPECT_TRUE(all_arrived);

  auto store = store::openSqliteStore(dir.path() + "/var/ferry.db");
  std::set<std::string> stored;
  store::MessageFilter every;
  every.limit = 10000;
  for (const auto& m : store->listMessages(every)) {
    stored.insert(m.control_id);
  }
  for (const auto& id : acked) EXPECT_TRUE(stored.count(id)) << id << " was acknowledged but is not stored";
  std::map<std::string, int> times;
  for (const auto& f : hospital.frames()) ++times[controlIdOf(f)];
  int repeats = 0;
  for (const auto& [id, n] : times) repeats += n - 1;
  EXPECT_LE(repeats, 1) << "only a delivery in flight at the kill may be sent twice";
}
