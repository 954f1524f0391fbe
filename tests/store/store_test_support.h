#pragma once
// Helpers for the store tests: a fresh temporary folder per test (removed afterwards), a store
// opened in it with a controllable clock, and sample messages.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "engine/store/sqlite/sqlite_store.h"
#include "engine/store/store.h"

namespace ferry::store::test {

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "ferry_store_test_XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A clock the test moves by hand, shared with the store through SqliteOptions::clock.
struct ManualClock {
  std::shared_ptr<std::atomic<std::int64_t>> ms = std::make_shared<std::atomic<std::int64_t>>(1'000'000);
  std::function<std::int64_t()> function() const {
    auto shared = ms;
    return [shared] { return shared->load(); };
  }
  std::int64_t now() const { return ms->load(); }
  void advance(std::int64_t by) { ms->fetch_add(by); }
};

inline NewMessage sampleMessage(const std::string& control_id, std::int64_t received_at_ms = 1'000'000,
                                const std::string& sender = "LAB^HOSP") {
  NewMessage message;
  message.channel = "lab-in";
  message.raw = "MSH|^~\\&|LAB|HOSP|FERRY|HOSP|20240101120000||ORU^R01|" + control_id +
                "|P|2.5.1\rPID|1||12345\r";
  message.control_id = control_id;
  message.sender = sender;
  message.message_type = "ORU^R01";
  message.received_at_ms = received_at_ms;
  return message;
}

// A test with its own folder and a store in it; reopen() closes and opens the same file.
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }

  sqlite::SqliteOptions options() const {
    sqlite::SqliteOptions o;
    o.clock = clock.function();
    return o;
  }
  void open() { store = std::make_unique<sqlite::SqliteStore>(path(), options()); }
  void reopen() {
    store.reset();
    open();
  }
  std::string path() const { return dir.file("ferry.db"); }

  // A store at `file` made by an older build, which knew only the first `migrations`: `fill`
  // writes to it as that build would. Upgrade tests open the file with options() afterwards.
  template <typename Fill>
  void makeOlderStore(const std::string& file, std::size_t migrations, Fill fill) const {
    auto older = options();
    older.migrations.resize(migrations);
    sqlite::SqliteStore old(file, older);
    fill(old);
  }

  TempDir dir;
  ManualClock clock;
  std::unique_ptr<sqlite::SqliteStore> store;
};

}  // namespace ferry::store::test
