// Where `ferry run` writes: without `log_file` the log is stderr, and stderr then carries JSON
// lines only (a log pipeline reads one object a line); with one, stderr is the operator's
// console and says in plain words where each channel listens.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <sstream>
#include <string>

#include "tests/engine/engine_fixture.h"
#include "tests/support/engine_process.h"

using namespace ferry;
using ferry::test::countIn;
using ferry::test::freePort;
using ferry::test::runEngineOnce;
using ferry::test::TempFolder;

namespace {

void writeChannels(TempFolder& dir, int port) {
  dir.write("channels/lab.json", R"({"name": "lab", "source": {"type": "mllp", "port": )" + std::to_string(port) + "}}");
  dir.write("channels/drop.json", R"({"name": "drop", "source": {"type": "file", "folder": "in"}})");
}

// Each line of `text` as a JSON object with time, level and event; a failure names the line.
void expectJsonLines(const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  std::size_t count = 0;
  while (std::getline(lines, line)) {
    ++count;
    rapidjson::Document d;
    d.Parse(line.c_str(), line.size());
    ASSERT_FALSE(d.HasParseError()) << "not JSON: " << line;
    ASSERT_TRUE(d.IsObject()) << line;
    EXPECT_TRUE(d.HasMember("time") && d.HasMember("level") && d.HasMember("event")) << line;
  }
  EXPECT_GT(count, 0u);
}

}  // namespace

TEST(LogConsole, WithoutALogFileStderrCarriesJsonLinesOnly) {
  TempFolder dir;
  const int port = freePort();
  dir.write("ferry.json", R"({"store": {"path": "var/ferry.db"}})");
  writeChannels(dir, port);
  const std::string err = dir.path() + "/stderr.txt";
  ASSERT_EQ(runEngineOnce(dir.path(), err), 0);
  const std::string text = test::readFile(err);
  expectJsonLines(text);
  EXPECT_EQ(countIn(err, "\"event\":\"mllp.listener.started\""), 1u) << text;
  EXPECT_NE(text.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << text;
  EXPECT_EQ(countIn(err, "\"event\":\"engine.stopped\""), 1u) << text;
}

TEST(LogConsole, WithALogFileStderrSaysWhereEachChannelListens) {
  TempFolder dir;
  const int port = freePort();
  dir.write("ferry.json", R"({"store": {"path": "var/ferry.db"}, "log_file": "ferry.log"})");
  writeChannels(dir, port);
  const std::string err = dir.path() + "/stderr.txt";
  const std::string log = dir.path() + "/ferry.log";
  const std::size_t starts = countIn(log, "engine.started");
  ASSERT_EQ(test::runEngineUntil(dir.path(), err, [&] { return countIn(log, "engine.started") > starts; }), 0);
  const std::string console = test::readFile(err);
  EXPECT_NE(console.find("ferry: channel lab listening on 127.0.0.1:" + std::to_string(port) + "\n"), std::string::npos)
      << console;
  EXPECT_NE(console.find("ferry: channel drop polling " + dir.path() + "/in\n"), std::string::npos) << console;
  EXPECT_EQ(console.find('{'), std::string::npos) << "no log line on the console: " << console;
  expectJsonLines(test::readFile(log));
}
