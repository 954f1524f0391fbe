#include "channels/file/poller.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "tests/http/support.h"

namespace ferry::file {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::TempDir;

// Writes a file and dates its modification `age` into the past, so min_age needs no sleeping.
void drop(const TempDir& dir, const std::string& name, const std::string& content,
          std::chrono::seconds age = std::chrono::seconds(3600)) {
  test::writeText(dir.file(name), content);
  fs::last_write_time(dir.file(name), fs::file_time_type::clock::now() - age);
}

Poller::Config pollerConfig(const TempDir& dir) {
  Poller::Config config;
  config.folder = dir.path();
  config.pattern = "*.hl7";
  config.min_age = 2000ms;
  return config;
}

std::vector<std::string> namesIn(const std::string& folder) {
  std::vector<std::string> names;
  if (!fs::exists(folder)) return names;
  for (const auto& e : fs::directory_iterator(folder)) {
    if (e.is_regular_file()) names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(FilePoller, AcceptedFileIsHandedOverExactlyAndMovedToDone) {
  TempDir dir;
  const std::string content = std::string("MSH|^~\\&|LAB\r") + std::string("\0\x01\xff", 3) + "PID|1\r";
  drop(dir, "a.hl7", content);
  Poller poller(pollerConfig(dir));
  std::string seen_path;
  std::string seen_bytes;
  const auto result = poller.poll([&](const std::string& path, std::string bytes) {
    seen_path = path;
    seen_bytes = std::move(bytes);
    EXPECT_TRUE(fs::exists(path));  // still in place while the handler commits
    return true;
  });
  EXPECT_EQ(result.done, 1u);
  EXPECT_TRUE(result.errors.empty());
  EXPECT_EQ(seen_path, dir.file("a.hl7"));
  EXPECT_EQ(seen_bytes, content);
  EXPECT_FALSE(fs::exists(dir.file("a.hl7")));
  EXPECT_EQ(test::readFile(dir.file("done/a.hl7")), content);
}

TEST(FilePoller, RejectedFileMovesToError) {
  TempDir dir;
  drop(dir, "bad.hl7", "garbage");
  Poller poller(pollerConfig(dir));
  const auto result = poller.poll([](const std::string&, std::string) { return false; });
  EXPECT_EQ(result.failed, 1u);
  EXPECT_EQ(namesIn(dir.file("error")), std::vector<std::string>{"bad.hl7"});
  EXPECT_TRUE(namesIn(dir.file("done")).empty());
}

TEST(FilePoller, FileYoungerThanMinAgeIsLeftForLater) {
  TempDir dir;
  drop(dir, "fresh.hl7", "x", 0s);
  Poller poller(pollerConfig(dir));
  int calls = 0;
  const auto result = poller.poll([&](const std::string&, std::string) {
    ++calls;
    return true;
  });
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(result.too_young, 1u);
  EXPECT_TRUE(fs::exists(dir.file("fresh.hl7")));
}

TEST(FilePoller, OnlyFilesMatchingThePatternAreTaken) {
  TempDir dir;
  drop(dir, "a.hl7", "1");
  drop(dir, "b.txt", "2");
  drop(dir, ".c.hl7.tmp-123456", "3");  // a writer's temporary file
  drop(dir, ".hidden.hl7", "4");
  fs::create_directory(dir.file("folder.hl7"));
  Poller poller(pollerConfig(dir));
  std::vector<std::string> seen;
  poller.poll([&](const std::string& path, std::string) {
    seen.push_back(fs::path(path).filename().string());
    return true;
  });
  EXPECT_EQ(seen, std::vector<std::string>{"a.hl7"});
  EXPECT_TRUE(fs::exists(dir.file("b.txt")));
  EXPECT_TRUE(fs::exists(dir.file(".hidden.hl7")));
}

TEST(FilePoller, OversizeFileGoesToErrorWithoutReachingTheHandler) {
  TempDir dir;
  drop(dir, "big.hl7", std::string(5000, 'x'));
  auto config = pollerConfig(dir);
  config.max_file_bytes = 4096;
  Poller poller(config);
  int calls = 0;
  const auto result = poller.poll([&](const std::string&, std::string) {
    ++calls;
    return true;
  });
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(result.oversize, 1u);
  EXPECT_EQ(namesIn(dir.file("error")), std::vector<std::string>{"big.hl7"});
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].find("big.hl7"), std::string::npos);
}

TEST(FilePoller, OldestFileComesFirst) {
  TempDir dir;
  drop(dir, "b.hl7", "b", 3h);
  drop(dir, "c.hl7", "c", 1h);
  drop(dir, "a.hl7", "a", 2h);
  Poller poller(pollerConfig(dir));
  std::string order;
  poller.poll([&](const std::string&, std::string bytes) {
    order += bytes;
    return true;
  });
  EXPECT_EQ(order, "bac");
}

TEST(FilePoller, NameTakenInDoneGetsASuffix) {
  TempDir dir;
  fs::create_directory(dir.file("done"));
  test::writeText(dir.file("done/a.hl7"), "earlier");
  test::writeText(dir.file("done/a-1.hl7"), "earlier too");
  drop(dir, "a.hl7", "now");
  Poller poller(pollerConfig(dir));
  EXPECT_EQ(poller.poll([](const std::string&, std::string) { return true; }).done, 1u);
  EXPECT_EQ(test::readFile(dir.file("done/a.hl7")), "earlier");
  EXPECT_EQ(test::readFile(dir.file("done/a-1.hl7")), "earlier too");
  EXPECT_EQ(test::readFile(dir.file("done/a-2.hl7")), "now");
}

TEST(FilePoller, ThrowingHandlerLeavesTheFileInPlace) {
  TempDir dir;
  drop(dir, "a.hl7", "x");
  Poller poller(pollerConfig(dir));
  const auto result = poller.poll([](const std::string&, std::string) -> bool { throw std::runtime_error("store down"); });
  EXPECT_EQ(result.left, 1u);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].find("store down"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir.file("a.hl7")));
  // Offered again on the next poll.
  EXPECT_EQ(poller.poll([](const std::string&, std::string) { return true; }).done, 1u);
}

TEST(FilePoller, MissingFolderIsReportedNotThrown) {
  TempDir dir;
  Poller::Config config;
  config.folder = dir.file("absent");
  Poller poller(config);
  const auto result = poller.poll([](const std::string&, std::string) { return true; });
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].find("absent"), std::string::npos);
}

TEST(FilePoller, OnePollTakesAtMostMaxFilesPerPoll) {
  TempDir dir;
  for (int i = 0; i < 5; ++i) drop(dir, "m" + std::to_string(i) + ".hl7", "x");
  auto config = pollerConfig(dir);
  config.max_files_per_poll = 2;
  Poller poller(config);
  EXPECT_EQ(poller.poll([](const std::string&, std::string) { return true; }).done, 2u);
  EXPECT_EQ(namesIn(dir.path()).size(), 3u);
}

TEST(FilePoller, RunPollsUntilStopped) {
  TempDir dir;
  auto config = pollerConfig(dir);
  config.interval = 20ms;
  Poller poller(config);
  std::atomic<int> passes = 0;
  std::atomic<int> files = 0;
  std::jthread worker([&](std::stop_token stop) {
    poller.run([&](const std::string&, std::string) { return ++files, true; }, stop,
               [&](const Poller::Result&) { ++passes; });
  });
  drop(dir, "late.hl7", "x");
  for (int i = 0; i < 250 && files == 0; ++i) std::this_thread::sleep_for(10ms);
  worker.request_stop();
  worker.join();
  EXPECT_EQ(files, 1);
  EXPECT_GE(passes, 1);
  EXPECT_TRUE(fs::exists(dir.file("done/late.hl7")));
}

TEST(FilePoller, BrokenConfigurationIsRejected) {
  EXPECT_THROW(Poller(Poller::Config{}), std::invalid_argument);
  Poller::Config config;
  config.folder = "/tmp";
  config.pattern = "sub/*.hl7";
  EXPECT_THROW(Poller{config}, std::invalid_argument);
}

}  // namespace
}  // namespace ferry::file
