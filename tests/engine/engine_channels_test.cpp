// File and HTTP channels wired into the engine: a folder drop in, files and HTTP POSTs out.
#include <gtest/gtest.h>

#include <filesystem>

#include "channels/http/listener.h"
#include "tests/engine/engine_fixture.h"
#include "tests/support/files.h"

using namespace ferry;
using ferry::test::eventually;
using ferry::test::TempFolder;

namespace {

std::vector<std::string> filesIn(const std::string& folder) {
  std::vector<std::string> out;
  if (!std::filesystem::is_directory(folder)) return out;
  for (const auto& e : std::filesystem::directory_iterator(folder)) {
    if (e.is_regular_file() && e.path().filename().string()[0] != '.') out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

runtime::EngineConfig fileConfig(const TempFolder& dir) {
  runtime::EngineConfig config;
  config.store.path = dir.path() + "/var/ferry.db";
  runtime::ChannelConfig drop;
  drop.name = "drop";
  drop.source.type = "file";
  drop.source.folder = dir.path() + "/in";
  drop.source.pattern = "*.hl7";
  drop.source.interval_ms = 50;
  drop.ack_mode = "after_parse";
  runtime::DestinationConfig out;
  out.name = "out";
  out.type = "file";
  out.format = "original";
  out.folder = dir.path() + "/out";
  out.filename = "{id}";
  drop.destinations.push_back(out);
  config.channels.push_back(drop);
  return config;
}

}  // namespace

TEST(EngineChannels, FolderDropOfABatchBecomesOneFilePerMessage) {
  TempFolder dir;
  runtime::JsonLog log("/dev/null");
  runtime::Engine engine(fileConfig(dir), log);
  std::filesystem::create_directories(dir.path() + "/in");
  engine.start();
  const std::string batch = ferry::test::sample("hl7v2/batch_elr.hl7");
  dir.write("in/elr.hl7", batch);
  ASSERT_TRUE(eventually([&] { return filesIn(dir.path() + "/out").size() == 2; }));
  ASSERT_TRUE(eventually([&] { return filesIn(dir.path() + "/in/done").size() == 1; }));
  const auto out = filesIn(dir.path() + "/out");
  const std::string first = ferry::test::readFile(out[0]);
  const std::string second = ferry::test::readFile(out[1]);
  EXPECT_EQ(first.rfind("MSH|", 0), 0u);
  EXPECT_NE(first.find("B1-0001"), std::string::npos);
  EXPECT_NE(second.find("B1-0002"), std::string::npos);
  EXPECT_NE(batch.find(first), std::string::npos);  // the message bytes, unchanged
  engine.stop();
}

TEST(EngineChannels, RejectedFileGoesToErrorFolderButIsStored) {
  TempFolder dir;
  runtime::JsonLog log("/dev/null");
  runtime::Engine engine(fileConfig(dir), log);
  std::filesystem::create_directories(dir.path() + "/in");
  engine.start();
  dir.write("in/bad.hl7", "MSH|^~\\&|A|B|C|D|2026||MFN^M02|Z1|P|2.5\r");
  ASSERT_TRUE(eventually([&] { return filesIn(dir.path() + "/in/error").size() == 1; }));
  EXPECT_EQ(engine.store().countMessagesByStatus().at("errored"), 1);
  engine.stop();
}

TEST(EngineChannels, HttpDestinationPostsCanonicalJson) {
  TempFolder dir;
  std::mutex mutex;
  std::vector<std::string> bodies;
  std::vector<std::string> types;
  http::Listener::Config lc;
  lc.log = [](std::string_view) {};
  http::Listener receiver(lc);
  receiver.route("POST", "/fhir", [&](const http::Request& r) {
    std::lock_guard lock(mutex);
    bodies.push_back(r.body);
    types.push_back(r.headers.value("Content-Type", ""));
    http::Response response;
    response.status = 201;
    return response;
  });
  receiver.start();

  auto config = test::labConfig(dir, 1);
  runtime::DestinationConfig api;
  api.name = "api";
  api.type = "http";
  api.format = "canonical";
  api.url = "http://127.0.0.1:" + std::to_string(receiver.port()) + "/fhir";
  api.headers["X-Ferry-Test"] = "yes";
  config.channels[0].destinations = {api};
  runtime::JsonLog log("/dev/null");
  runtime::Engine engine(config, log);
  engine.start();
  const std::string adt = "MSH|^~\\&|ADT|HOSP|FERRY|FERRY|20261126||ADT^A08|H-1|P|2.5\rPID|1||X1||Doe^J\rPV1|1|O\r";
  EXPECT_EQ(test::sendAndReadMsa1(engine.port("lab"), adt), "AA");
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return !bodies.empty();
  }));
  {
    std::lock_guard lock(mutex);
    EXPECT_EQ(bodies[0].rfind("{\"schema\":\"ferry.canonical/v1\"", 0), 0u);
    EXPECT_NE(bodies[0].find("\"controlId\":\"H-1\""), std::string::npos);
    EXPECT_EQ(types[0], "application/json");
  }
  ASSERT_TRUE(eventually([&] { return engine.store().countDeliveriesByStatus()["delivered"] == 1; }));
  engine.stop();
  receiver.stop();
}
