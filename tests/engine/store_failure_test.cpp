// A store that refuses writes for a while (a full disk) and then takes them again: the real
// `ferry run` keeps running, acknowledges nothing it could not store, and once writes succeed
// again processes and delivers every message it acknowledged, each once, without a restart.
//
// The full disk is a file size limit on the engine's process (prlimit), lowered after start and
// raised again later: a write that would grow the database or its WAL past it fails with EFBIG
// (Ferry ignores SIGXFSZ), which SQLite reports as it reports a full disk. Unlike mounting a
// small file system, it needs no privilege beyond owning the process.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/store/sqlite/sqlite_store.h"
#include "tests/engine/engine_fixture.h"
#include "tests/http/support.h"
#include "tests/support/engine_process.h"
#include "tests/support/parsed_message.h"

using namespace ferry;
using ferry::test::controlIdOf;
using ferry::test::eventually;
using ferry::test::freePort;
using ferry::test::spawnFerryRun;
using ferry::test::StandInReceiver;
using ferry::test::TempFolder;

namespace {

std::uint64_t fileSize(const std::string& path) {
  struct stat s {};
  return ::stat(path.c_str(), &s) == 0 ? static_cast<std::uint64_t>(s.st_size) : 0;
}

bool limitFileSize(pid_t pid, rlim_t bytes) {
  // The soft limit only: raising it again needs no privilege, a hard limit would.
  rlimit limit{};
  if (::prlimit(pid, RLIMIT_FSIZE, nullptr, &limit) != 0) return false;
  limit.rlim_cur = std::min(bytes, limit.rlim_max);
  return ::prlimit(pid, RLIMIT_FSIZE, &limit, nullptr) == 0;
}

std::string oru(int i) {
  // Distinct control ids; a few results so each message takes a few WAL pages.
  std::string m = "MSH|^~\\&|LAB|NORTH|FERRY|CITY|20261127||ORU^R01|F" + std::to_string(i) +
                  "|P|2.5.1\rPID|1||P" + std::to_string(i) + "^^^NORTH^MR||Test^Full\rOBR|1||R" +
                  std::to_string(i) + "|24331-1^Lipid panel^LN\r";
  for (int k = 1; k <= 8; ++k) {
    m += "OBX|" + std::to_string(k) + "|NM|2093-3^Cholesterol^LN||" + std::to_string(150 + k) +
         "|mg/dL|<200|N|||F\r";
  }
  return m;
}

// One ack mode: `on_commit` (processing on the queue thread) or `after_parse` (inline).
void runThroughAFullDisk(const std::string& ack_mode) {
  TempFolder dir;
  StandInReceiver hospital;
  const int port = freePort();
  const int admin = freePort();
  // The after_parse run keeps its log to warnings: what an operator needs of a full disk must
  // be there too.
  const std::string level = ack_mode == "after_parse" ? R"(, "log_level": "warning")" : "";
  dir.write("ferry.json", R"({"store": {"path": "var/ferry.db"}, "admin": {"port": )" + std::to_string(admin) + "}" +
                              level + "}");
  const auto health = [&] { return test::request(static_cast<std::uint16_t>(admin), "GET", "/health"); };
  dir.write("channels/lab.json", R"({"name": "lab", "source": {"type": "mllp", "port": )" +
                                     std::to_string(port) + R"(}, "ack_mode": ")" + ack_mode + R"(",
    "destinations": [{"name": "hospital", "type": "mllp", "host": "127.0.0.1", "port": )" +
                                     std::to_string(hospital.port()) + R"(,
      "retry": {"initial_backoff_ms": 50, "max_backoff_ms": 200}}]})");
  const std::string log = dir.path() + "/ferry.log";
  const std::string db = dir.path() + "/var/ferry.db";

  const pid_t ferry = spawnFerryRun(dir.path(), log);
  ASSERT_GT(ferry, 0);
  test::ChildReaper reap{ferry};
  // Up once its admin endpoint answers: at "warning" the log has no start line.
  ASSERT_TRUE(eventually([&] {
    try {
      return health().status == 200;
    } catch (const std::exception&) {
      return false;  // not listening yet
    }
  }, std::chrono::seconds(30)));

  mllp::SenderConfig config;
  config.host = "127.0.0.1";
  config.port = static_cast<std::uint16_t>(port);
  config.connect_attempts = 1;
  mllp::Sender sender(config, [](std::string_view) {});
  std::set<std::string> acked;
  const auto sendOne = [&](int i) {
    const std::string id = "F" + std::to_string(i);
    const auto result = sender.send(oru(i), std::chrono::seconds(5));
    const bool ok = result.status == mllp::SendStatus::Acked &&
                    result.response.find("MSA|AA|" + id) != std::string::npos;
    if (ok) acked.insert(id);
    return ok;
  };

  // A few messages while the disk has room.
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(sendOne(i)) << "message " << i << " before the limit";
  // The disk fills: no file may grow more than a little past the largest one now.
  const std::uint64_t largest = std::max(fileSize(db), fileSize(db + "-wal"));
  ASSERT_TRUE(limitFileSize(ferry, largest + 96 * 1024)) << "prlimit: " << std::strerror(errno);
  int next = 5;
  int refused_in_a_row = 0;
  std::vector<int> refused;
  for (; next < 400 && refused_in_a_row < 3; ++next) {
    if (sendOne(next)) {
      refused_in_a_row = 0;
    } else {
      refused.push_back(next);
      ++refused_in_a_row;
    }
  }
  ASSERT_EQ(refused_in_a_row, 3) << "the file size limit never stopped the store (" << next << " messages sent)";
  EXPECT_EQ(::waitpid(ferry, nullptr, WNOHANG), 0) << "the engine must outlive a full disk";
  EXPECT_TRUE(eventually([&] { return ferry::test::countIn(log, "\"not_stored\"") >= 1; }, std::chrono::seconds(5)))
      << "an operator must read why messages get no ACK";
  EXPECT_NE(ferry::test::readFile(log).find("store unavailable: "), std::string::npos);
  // A monitor sees it too, although the store can still be read.
  const auto refusing = health();
  EXPECT_EQ(refusing.status, 503) << refusing.body;
  EXPECT_NE(refusing.body.find("\"store\":\"refusing writes: "), std::string::npos) << refusing.body;
  EXPECT_NE(test::request(static_cast<std::uint16_t>(admin), "GET", "/metrics").body.find("ferry_store_refusing_writes 1\n"),
            std::string::npos);

  // The background work (processing, settling deliveries, event rows) meets the full disk too.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  // Room again: no restart, no operator action. The refused messages are sent again, as a
  // sender does after no ACK.
  ASSERT_TRUE(limitFileSize(ferry, RLIM_INFINITY)) << "prlimit: " << std::strerror(errno);
  for (int i : refused) {
    EXPECT_TRUE(eventually([&] { return sendOne(i); }, std::chrono::seconds(20))) << "F" << i << " after the disk has room";
  }
  for (int i = next; i < next + 5; ++i) EXPECT_TRUE(sendOne(i)) << "F" << i << " after the disk has room";

  const auto delivered = [&] {
    std::set<std::string> seen;
    for (const auto& f : hospital.frames()) seen.insert(controlIdOf(f));
    return std::all_of(acked.begin(), acked.end(), [&](const std::string& id) { return seen.count(id) > 0; });
  };
  EXPECT_TRUE(eventually(delivered, std::chrono::seconds(30)))
      << "every acknowledged message reaches the destination without a restart; the engine's log:\n"
      << ferry::test::readFile(log);
  EXPECT_TRUE(eventually([&] { return health().status == 200; }, std::chrono::seconds(20)))
      << "healthy again once writes succeed: " << health().body;
  ::kill(ferry, SIGTERM);
  int status = 0;
  ::waitpid(ferry, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;

  std::map<std::string, int> times;
  for (const auto& f : hospital.frames()) ++times[controlIdOf(f)];
  for (const auto& [id, n] : times) EXPECT_EQ(n, 1) << id << ": a delivery the peer confirmed is not sent again";
  auto store = store::openSqliteStore(db);
  const auto messages = store->countMessagesByStatus();
  const auto deliveries = store->countDeliveriesByStatus();
  EXPECT_EQ(messages.count("received") ? messages.at("received") : 0, 0) << "nothing left unprocessed";
  EXPECT_EQ(messages.count("processed") ? messages.at("processed") : 0, static_cast<std::int64_t>(acked.size()));
  EXPECT_EQ(deliveries.count("delivered") ? deliveries.at("delivered") : 0, static_cast<std::int64_t>(acked.size()));
  EXPECT_EQ(deliveries.count("in_flight") ? deliveries.at("in_flight") : 0, 0);
  EXPECT_EQ(deliveries.count("pending") ? deliveries.at("pending") : 0, 0);
  // The history an auditor reads survives the full disk too: events the store refused were
  // kept and written later.
  store::MessageFilter every;
  every.limit = 10000;
  for (const auto& m : store->listMessages(every)) {
    std::set<std::string> types;
    for (const auto& e : store->eventsFor(m.id)) types.insert(e.type);
    for (const char* type : {"received", "parsed", "routed", "delivered"}) {
      EXPECT_TRUE(types.count(type)) << m.control_id << " has no '" << type << "' event";
    }
  }
}

}  // namespace

TEST(StoreFailure, OnCommitChannelResumesByItselfOnceTheDiskHasRoom) { runThroughAFullDisk("on_commit"); }

TEST(StoreFailure, AfterParseChannelResumesByItselfOnceTheDiskHasRoom) { runThroughAFullDisk("after_parse"); }
