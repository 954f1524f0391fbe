#include "channels/file/writer.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <regex>

#include "channels/file/poller.h"
#include "tests/http/support.h"

namespace ferry::file {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

std::vector<std::string> entriesIn(const std::string& folder) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(folder)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

Writer::Config writerConfig(const TempDir& dir, std::string tpl = "{channel}_{id}") {
  Writer::Config config;
  config.folder = dir.path();
  config.filename_template = std::move(tpl);
  config.channel = "lab-out";
  return config;
}

TEST(FileWriter, WritesExactBytesAndLeavesNoTemporaryFile) {
  TempDir dir;
  Writer writer(writerConfig(dir));
  std::string content(300'000, '\0');
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i % 251);
  const std::string path = writer.write(content, "42");
  EXPECT_EQ(path, dir.file("lab-out_42.hl7"));
  EXPECT_EQ(test::readFile(path), content);
  EXPECT_EQ(entriesIn(dir.path()), std::vector<std::string>{"lab-out_42.hl7"});
}

TEST(FileWriter, NeverOverwritesAnExistingFile) {
  TempDir dir;
  Writer writer(writerConfig(dir, "batch"));
  test::writeText(dir.file("batch.hl7"), "someone else's");
  const std::string first = writer.write("one", "1");
  const std::string second = writer.write("two", "2");
  EXPECT_EQ(first, dir.file("batch-1.hl7"));
  EXPECT_EQ(second, dir.file("batch-2.hl7"));
  EXPECT_EQ(test::readFile(dir.file("batch.hl7")), "someone else's");
  EXPECT_EQ(test::readFile(first), "one");
  EXPECT_EQ(test::readFile(second), "two");
}

TEST(FileWriter, TemplateFillsChannelIdAndUtcTimestamp) {
  TempDir dir;
  auto config = writerConfig(dir, "{channel}-{timestamp}-{id}");
  config.extension = "xml";
  Writer writer(config);
  const std::string name = fs::path(writer.write("<x/>", "MSG0001")).filename().string();
  EXPECT_TRUE(std::regex_match(name, std::regex(R"(lab-out-\d{8}T\d{6}\.\d{3}Z-MSG0001\.xml)"))) << name;
}

TEST(FileWriter, IdCannotLeaveTheFolder) {
  TempDir dir;
  Writer writer(writerConfig(dir, "{id}"));
  const std::string path = writer.write("x", "../../etc/passwd");
  EXPECT_EQ(fs::path(path).parent_path(), fs::path(dir.path()));
  EXPECT_EQ(fs::path(path).filename(), "_.._.._etc_passwd.hl7");
  const std::string hidden = writer.write("x", ".profile");
  EXPECT_EQ(fs::path(hidden).filename(), "_.profile.hl7");
}

TEST(FileWriter, AppliesConfiguredPermissions) {
  TempDir dir;
  auto config = writerConfig(dir);
  config.permissions = 0600;
  Writer writer(config);
  struct stat info {};
  ASSERT_EQ(::stat(writer.write("x", "1").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST(FileWriter, CreatesItsFolder) {
  TempDir dir;
  Writer::Config config;
  config.folder = dir.file("out/daily");
  Writer writer(config);
  EXPECT_TRUE(fs::exists(writer.write("x", "1")));
}

TEST(FileWriter, UnknownPlaceholderOrSlashIsRejected) {
  TempDir dir;
  EXPECT_THROW(Writer(writerConfig(dir, "{date}_{id}")), std::invalid_argument);
  EXPECT_THROW(Writer(writerConfig(dir, "sub/{id}")), std::invalid_argument);
  EXPECT_THROW(Writer(writerConfig(dir, "{id")), std::invalid_argument);
}

TEST(FileWriter, FailedWriteLeavesNothingBehind) {
  TempDir dir;
  Writer writer(writerConfig(dir));
  // A file size limit makes write() fail with EFBIG half way, as a full disk would (root too).
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  const auto previous = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = saved;
  small.rlim_cur = 1000;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  EXPECT_THROW(writer.write(std::string(5000, 'x'), "1"), std::system_error);
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, previous);
  EXPECT_TRUE(entriesIn(dir.path()).empty());
}

TEST(FileWriter, PollerPicksUpWrittenFilesButNeverTemporaryOnes) {
  TempDir dir;
  Writer writer(writerConfig(dir));
  writer.write("MSH|1", "1");
  test::writeText(dir.file(".lab-out_2.hl7.tmp-abcdef"), "half");
  Poller::Config config;
  config.folder = dir.path();
  config.pattern = "*.hl7";
  config.min_age = std::chrono::milliseconds(0);
  Poller poller(config);
  std::vector<std::string> seen;
  poller.poll([&](const std::string& path, std::string) {
    seen.push_back(fs::path(path).filename().string());
    return true;
  });
  EXPECT_EQ(seen, std::vector<std::string>{"lab-out_1.hl7"});
}

}  // namespace
}  // namespace ferry::file
