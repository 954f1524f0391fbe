// logrotate renames the log file and sends SIGHUP: the real `ferry run` then writes to a new
// file under the configured name, keeps running, and its earlier lines stay in the renamed one.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "tests/engine/engine_fixture.h"
#include "tests/support/engine_process.h"

using ferry::test::countIn;
using ferry::test::eventually;
using ferry::test::freePort;
using ferry::test::spawnFerryRun;
using ferry::test::TempFolder;

TEST(LogFile, SighupOpensTheLogFileAgainAfterItWasRenamed) {
  TempFolder dir;
  const std::string log = dir.path() + "/ferry.log";
  dir.write("ferry.json", R"({"store": {"path": "var/ferry.db"}, "log_file": "ferry.log"})");
  dir.write("channels/lab.json", R"({"name": "lab", "source": {"type": "mllp", "port": )" +
                                     std::to_string(freePort()) + "}}");
  const pid_t ferry = spawnFerryRun(dir.path(), dir.path() + "/stderr.txt");
  ASSERT_GT(ferry, 0);
  ASSERT_TRUE(eventually([&] { return countIn(log, "engine.started") == 1; }, std::chrono::seconds(30)))
      << "the engine logs to its log_file (relative to the configuration folder)";

  const std::string rotated = log + ".1";
  ASSERT_EQ(std::rename(log.c_str(), rotated.c_str()), 0);  // logrotate's "create" mode
  ::kill(ferry, SIGHUP);
  EXPECT_TRUE(eventually([&] { return countIn(log, "log.reopened") == 1; }, std::chrono::seconds(10)))
      << "a new file under the configured name";
  EXPECT_EQ(::waitpid(ferry, nullptr, WNOHANG), 0) << "SIGHUP does not stop the engine";

  ::kill(ferry, SIGTERM);
  int status = 0;
  ::waitpid(ferry, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  EXPECT_EQ(countIn(log, "engine.stopping"), 1u) << "later lines go to the new file";
  EXPECT_EQ(countIn(rotated, "engine.stopping"), 0u);
  EXPECT_EQ(countIn(rotated, "engine.started"), 1u) << "earlier lines stay in the renamed one";
}
