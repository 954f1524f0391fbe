// Opening the SQLite store: where the file goes, how it is configured, and that what it
// committed is there after closing and reopening.

#include <Poco/Data/SQLite/SessionImpl.h>
#include <Poco/Data/Session.h>

#include <fstream>

#include "engine/store/sqlite/connection.h"
#include "tests/store/store_test_support.h"

namespace ferry::store::test {
namespace {

using namespace Poco::Data::Keywords;

std::string rawWithEveryByte() {
  std::string raw = "\x0bMSH|^~\\&|LAB|HOSP\rPID|1||\xc3\xa9\r\x1c\r";
  for (int b = 0; b < 256; ++b) raw.push_back(static_cast<char>(b));
  raw.append("\r\n\0tail", 7);
  return raw;
}

TEST_F(StoreTest, RawBytesComeBackExactly) {
  NewMessage message = sampleMessage("C1");
  message.raw = rawWithEveryByte();
  const std::int64_t id = store->insertReceived(message).id;

  auto record = store->message(id);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->raw, message.raw);
  EXPECT_EQ(record->raw.size(), message.raw.size());
  EXPECT_EQ(record->channel, "lab-in");
  EXPECT_EQ(record->direction, Direction::Inbound);
  EXPECT_EQ(record->status, MessageStatus::Received);
  EXPECT_EQ(record->control_id, "C1");
  EXPECT_EQ(record->sender, "LAB^HOSP");
  EXPECT_EQ(record->message_type, "ORU^R01");
  EXPECT_EQ(record->received_at_ms, 1'000'000);
  EXPECT_EQ(record->updated_at_ms, clock.now());
  EXPECT_FALSE(record->canonical_json.has_value());
  EXPECT_FALSE(record->error.has_value());
}

TEST_F(StoreTest, EmptyAndLargeRawBytesAreKept) {
  NewMessage empty = sampleMessage("E");
  empty.raw.clear();
  NewMessage large = sampleMessage("L");
  large.raw.resize(4 << 20);
  for (std::size_t i = 0; i < large.raw.size(); ++i) large.raw[i] = static_cast<char>(i * 131);

  const auto empty_id = store->insertReceived(empty).id;
  const auto large_id = store->insertReceived(large).id;
  EXPECT_EQ(store->message(empty_id)->raw, "");
  EXPECT_EQ(store->message(large_id)->raw, large.raw);
}

TEST_F(StoreTest, OutboundDirectionIsKept) {
  NewMessage message = sampleMessage("OUT1");
  message.direction = Direction::Outbound;
  EXPECT_EQ(store->message(store->insertReceived(message).id)->direction, Direction::Outbound);
}

TEST_F(StoreTest, IdsIncrease) {
  std::int64_t previous = 0;
  for (int i = 0; i < 5; ++i) {
    const auto id = store->insertReceived(sampleMessage("C" + std::to_string(i))).id;
    EXPECT_GT(id, previous);
    previous = id;
  }
}

TEST_F(StoreTest, UnknownMessageIsNotFound) { EXPECT_FALSE(store->message(424242).has_value()); }

TEST_F(StoreTest, FileIsInWalModeWithNormalSyncForeignKeysAndBusyTimeout) {
  const auto settings = store->settings();
  EXPECT_EQ(settings.journal_mode, "wal");
  // NORMAL: COMMIT does not fsync; durable writes wait for the WAL's fsync after it (wal_sync_test).
  EXPECT_EQ(settings.synchronous, 1);
  EXPECT_EQ(settings.busy_timeout_ms, 5000);
  EXPECT_TRUE(settings.foreign_keys);

  // WAL is a property of the file: a separate connection sees it too.
  Poco::Data::Session other(Poco::AutoPtr<Poco::Data::SessionImpl>(
      new Poco::Data::SQLite::SessionImpl(path(), 0)));
  std::string mode;
  other << "PRAGMA journal_mode", into(mode), now;
  EXPECT_EQ(mode, "wal");
}

TEST_F(StoreTest, WriterTimeIsCountedByKindOfTransaction) {
  const auto before = store->writerTime();
  EXPECT_EQ(before.durable_statements_us + before.durable_commit_us, 0u);
  const auto id = store->insertReceived(sampleMessage("W1")).id;  // durable: fsynced
  const auto received = store->writerTime();
  EXPECT_GT(received.durable_commit_us, 0u);  // an fsync takes time on any disk
  EXPECT_EQ(received.bookkeeping_statements_us, before.bookkeeping_statements_us);
  ASSERT_TRUE(store->markErrored(id, "test"));  // bookkeeping: no fsync of its own
  const auto bookkept = store->writerTime();
  EXPECT_EQ(bookkept.durable_commit_us, received.durable_commit_us);
  EXPECT_GT(bookkept.bookkeeping_statements_us + bookkept.bookkeeping_commit_us,
            received.bookkeeping_statements_us + received.bookkeeping_commit_us);
}

TEST_F(StoreTest, CommittedMessagesSurviveCloseAndReopen) {
  NewMessage message = sampleMessage("DURABLE");
  message.raw = rawWithEveryByte();
  const auto id = store->insertReceived(message).id;
  ASSERT_TRUE(store->markProcessedAndRoute(id, R"({"v":1})", {{"lab-out", "OUT\r"}}));

  reopen();

  auto record = store->message(id);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->raw, message.raw);
  EXPECT_EQ(record->status, MessageStatus::Processed);
  EXPECT_EQ(record->canonical_json, R"({"v":1})");
  auto deliveries = store->deliveriesFor(id);
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].payload, "OUT\r");
  // New ids continue after the old ones.
  EXPECT_GT(store->insertReceived(sampleMessage("NEXT")).id, id);
}

TEST(SqliteStoreOpen, CreatesTheFileAndItsFolders) {
  TempDir dir;
  const std::string path = dir.file("a/b/c/ferry.db");
  auto store = openSqliteStore(path);
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_GT(store->insertReceived(sampleMessage("X")).id, 0);
}

TEST(SqliteStoreOpen, AFileThatIsNotADatabaseIsRefusedNamingTheFile) {
  TempDir dir;
  const std::string path = dir.file("garbage.db");
  {
    std::ofstream out(path, std::ios::binary);
    out << std::string(4096, 'x');
  }
  try {
    openSqliteStore(path);
    FAIL() << "opened a file that is not a database";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_EQ(e.location(), path);
  }
}

TEST(SqliteStoreOpen, AFolderThatCannotBeCreatedIsRefusedNamingTheFile) {
  TempDir dir;
  {
    std::ofstream out(dir.file("plain-file"));
    out << "not a folder";
  }
  const std::string path = dir.file("plain-file/sub/ferry.db");
  try {
    openSqliteStore(path);
    FAIL() << "opened a store below a plain file";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST_F(StoreTest, ConcurrentReadersAndWritersDoNotInterfere) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  std::atomic<int> read_failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const auto id = store->insertReceived(sampleMessage("T" + std::to_string(t) + "-" +
                                                            std::to_string(i))).id;
        // A commit is visible to every reader connection as soon as it returns.
        if (!store->message(id).has_value()) ++read_failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(read_failures.load(), 0);
  EXPECT_EQ(store->countMessagesByStatus().at("received"), kThreads * kPerThread);
}

}  // namespace
}  // namespace ferry::store::test
