// The engine's JSON log: every line, whoever wrote it, starts with time, level and event, and
// lines below the configured level are not written.
#include "engine/runtime/json_log.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "channels/mllp/event_log.h"
#include "tests/support/files.h"
#include "tests/support/temp_folder.h"

using namespace ferry;
using ferry::test::TempFolder;

namespace {

// What one engine run writes, from each kind of writer: message events of the three levels,
// life-cycle lines, and a channel's own line (handed over whole, as the engine does).
void writeOneOfEach(runtime::JsonLog& log) {
  runtime::Event received{"received", "lab", "", 17, 0, "", 1795807881751};
  runtime::Event retry{"retry", "lab", "lab/hospital", 17, 4, "connection_error: refused", 1795807881752};
  runtime::Event dead{"dead_lettered", "lab", "lab/hospital", 17, 4, "10 attempts", 1795807881753};
  log.event(received);
  log.event(retry);
  log.event(dead);
  log.info("engine.started");
  log.error("processor_error", "store unavailable");
  mllp::EventLog channel("lab", [&log](std::string_view json) { log.line(json); });
  channel.write(mllp::LogEvent("mllp.connection.opened"));
  channel.write(mllp::LogEvent("mllp.sender.connect_failed", mllp::LogLevel::Warning));
}

struct Line {
  std::string time, level, event;
};

// Each line parsed; the test fails on a line that is not a JSON object starting with
// "time", "level" and "event", in that order.
std::vector<Line> linesOf(const std::string& path) {
  std::vector<Line> lines;
  std::istringstream in(test::readFile(path));
  std::string text;
  while (std::getline(in, text)) {
    rapidjson::Document d;
    d.Parse(text.c_str());
    EXPECT_FALSE(d.HasParseError()) << text;
    if (d.HasParseError() || !d.IsObject() || d.MemberCount() < 3) {
      ADD_FAILURE() << "not a log line: " << text;
      continue;
    }
    auto m = d.MemberBegin();
    EXPECT_STREQ(m[0].name.GetString(), "time") << text;
    EXPECT_STREQ(m[1].name.GetString(), "level") << text;
    EXPECT_STREQ(m[2].name.GetString(), "event") << text;
    lines.push_back({m[0].value.GetString(), m[1].value.GetString(), m[2].value.GetString()});
  }
  return lines;
}

std::string levelOf(const std::vector<Line>& lines, const std::string& event) {
  for (const auto& l : lines) {
    if (l.event == event) return l.level;
  }
  return "(not written)";
}

}  // namespace

TEST(JsonLog, EveryLineStartsWithAnIsoTimeItsLevelAndItsEvent) {
  TempFolder dir;
  const std::string path = dir.path() + "/ferry.log";
  {
    runtime::JsonLog log(path);
    writeOneOfEach(log);
  }
  const auto lines = linesOf(path);
  ASSERT_EQ(lines.size(), 7u);
  const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  for (const auto& l : lines) EXPECT_TRUE(std::regex_match(l.time, iso)) << l.time;
  EXPECT_EQ(levelOf(lines, "received"), "info");
  EXPECT_EQ(levelOf(lines, "retry"), "warning");
  EXPECT_EQ(levelOf(lines, "dead_lettered"), "error");
  EXPECT_EQ(levelOf(lines, "engine.started"), "info");
  EXPECT_EQ(levelOf(lines, "processor_error"), "error");
  EXPECT_EQ(levelOf(lines, "mllp.connection.opened"), "info");
  EXPECT_EQ(levelOf(lines, "mllp.sender.connect_failed"), "warning");
  // A message event carries the time it happened, not the time it was written.
  for (const auto& l : lines) {
    if (l.event == "received") {
      EXPECT_EQ(l.time, "2026-11-27T19:31:21.751Z");
    }
  }
}

TEST(JsonLog, BelowTheConfiguredLevelNothingIsWritten) {
  TempFolder dir;
  const std::string warnings = dir.path() + "/warning.log";
  const std::string errors = dir.path() + "/error.log";
  {
    runtime::JsonLog log(warnings);
    log.setLevel(runtime::LogLevel::Warning);
    writeOneOfEach(log);
    runtime::JsonLog only_errors(errors);
    only_errors.setLevel(runtime::LogLevel::Error);
    writeOneOfEach(only_errors);
  }
  const auto w = linesOf(warnings);
  ASSERT_EQ(w.size(), 4u);
  for (const auto& l : w) EXPECT_NE(l.level, "info") << l.event;
  EXPECT_EQ(levelOf(w, "mllp.sender.connect_failed"), "warning") << "a channel's own lines are filtered by their level too";
  const auto e = linesOf(errors);
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(levelOf(e, "dead_lettered"), "error");
  EXPECT_EQ(levelOf(e, "processor_error"), "error");
}

TEST(JsonLog, EventsThatNeedAnOperatorAreWarningsOrErrors) {
  // Every event type the engine publishes that an operator must see at "warning".
  for (const char* type : {"errored", "failed", "dead_lettered", "not_stored", "processor_error", "worker_error"}) {
    EXPECT_EQ(runtime::eventLogLevel(type), runtime::LogLevel::Error) << type;
  }
  for (const char* type : {"retry", "rejected", "processor_retry", "worker_resumed"}) {
    EXPECT_EQ(runtime::eventLogLevel(type), runtime::LogLevel::Warning) << type;
  }
  for (const char* type : {"received", "parsed", "routed", "sent", "delivered", "filtered", "duplicate", "linked"}) {
    EXPECT_EQ(runtime::eventLogLevel(type), runtime::LogLevel::Info) << type;
  }
}

TEST(JsonLog, LevelNames) {
  EXPECT_EQ(runtime::parseLogLevel("warning"), runtime::LogLevel::Warning);
  EXPECT_FALSE(runtime::parseLogLevel("debug").has_value());
  EXPECT_EQ(runtime::isoTimeUtc(0), "1970-01-01T00:00:00.000Z");
}
