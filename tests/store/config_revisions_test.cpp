// The trail of configuration changes in the store: a revision is recorded only when its digest
// differs from the latest one, in one transaction (so two engines starting together record it
// once), listed newest first, and read back with its files as they were.

#include <thread>

#include "tests/store/store_test_support.h"

namespace ferry::store::test {
namespace {

using Outcome = ConfigRevisionResult::Outcome;

std::string digestOf(char c) { return std::string(64, c); }

ConfigFile stored(const std::string& path, const std::string& content, char hash = 'a') {
  return {path, std::string(64, hash), static_cast<std::int64_t>(content.size()), false, content};
}

ConfigRevision revision(char digest, std::vector<ConfigFile> files, const std::string& summary = "") {
  ConfigRevision r;
  r.actor = "alice";
  r.reason = "engine start";
  r.digest = digestOf(digest);
  r.summary = summary;
  r.files = std::move(files);
  return r;
}

class ConfigRevisionsTest : public StoreTest {};

TEST_F(ConfigRevisionsTest, RecordsTheFirstRevisionWithWhoWhenAndWhy) {
  const auto result = store->recordConfigRevision(revision('1', {stored("ferry.json", "{}")}, "first revision: 1 files"), 0);
  ASSERT_EQ(result.outcome, Outcome::Recorded);
  const auto listed = store->configRevisions(10);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, result.id);
  EXPECT_EQ(listed[0].recorded_at_ms, clock.now());
  EXPECT_EQ(listed[0].actor, "alice");
  EXPECT_EQ(listed[0].reason, "engine start");
  EXPECT_EQ(listed[0].digest, digestOf('1'));
  EXPECT_EQ(listed[0].summary, "first revision: 1 files");
  EXPECT_TRUE(listed[0].files.empty()) << "a list carries no files";
}

TEST_F(ConfigRevisionsTest, TheSameDigestAgainRecordsNothing) {
  const auto first = store->recordConfigRevision(revision('1', {stored("ferry.json", "{}")}), 0);
  const auto again = store->recordConfigRevision(revision('1', {stored("ferry.json", "{}")}), first.id);
  EXPECT_EQ(again.outcome, Outcome::Unchanged);
  EXPECT_EQ(again.id, first.id);
  // Also when the caller read the history before the first was recorded (a second engine).
  EXPECT_EQ(store->recordConfigRevision(revision('1', {}), 0).outcome, Outcome::Unchanged);
  EXPECT_EQ(store->configRevisions(10).size(), 1u);
}

TEST_F(ConfigRevisionsTest, AChangeRecordsASecondRevisionWithItsSummary) {
  const auto first = store->recordConfigRevision(revision('1', {stored("channels/lab.json", "{}")}), 0);
  clock.advance(5000);
  const auto second = store->recordConfigRevision(
      revision('2', {stored("channels/lab.json", "{\"a\": 1}", 'b')}, "changed channels/lab.json"), first.id);
  ASSERT_EQ(second.outcome, Outcome::Recorded);
  EXPECT_GT(second.id, first.id);
  const auto latest = store->configRevisions(1);
  ASSERT_EQ(latest.size(), 1u);
  EXPECT_EQ(latest[0].summary, "changed channels/lab.json");
  EXPECT_EQ(latest[0].recorded_at_ms, clock.now());
}

TEST_F(ConfigRevisionsTest, ARevisionMadeAgainstAnOlderLatestIsStaleAndRecordsNothing) {
  const auto first = store->recordConfigRevision(revision('1', {}), 0);
  store->recordConfigRevision(revision('2', {}), first.id);
  const auto stale = store->recordConfigRevision(revision('3', {}), first.id);
  EXPECT_EQ(stale.outcome, Outcome::Stale);
  EXPECT_EQ(store->configRevisions(10).size(), 2u);
}

TEST_F(ConfigRevisionsTest, ListsNewestFirstWithALimitAndPaging) {
  std::int64_t latest = 0;
  for (char d : {'1', '2', '3', '4'}) latest = store->recordConfigRevision(revision(d, {}), latest).id;
  const auto all = store->configRevisions(10);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].digest, digestOf('4'));
  EXPECT_EQ(all[3].digest, digestOf('1'));
  EXPECT_EQ(store->configRevisions(2).size(), 2u);
  const auto before = store->configRevisions(1, all[0].id);
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0].id, all[1].id);
  EXPECT_TRUE(store->configRevisions(5, all[3].id).empty());
  EXPECT_TRUE(store->configRevisions(0).empty());
}

TEST_F(ConfigRevisionsTest, ReadsARevisionBackWithItsFilesAndContents) {
  ConfigFile secret{"keys/pseudonym.key", std::string(64, 'c'), 0, true, std::nullopt};
  const std::string binary("\x00\x01xyz", 5);
  const auto id = store->recordConfigRevision(
      revision('1', {stored("ferry.json", "{\"store\": {}}\n"), stored("tables/empty.csv", ""),
                     stored("tables/odd.bin", binary), secret}), 0).id;
  reopen();
  const auto r = store->configRevision(id);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->files.size(), 4u);  // by path
  EXPECT_EQ(r->files[0], stored("ferry.json", "{\"store\": {}}\n"));
  EXPECT_EQ(r->files[1], secret);
  EXPECT_EQ(r->files[2], stored("tables/empty.csv", "")) << "an empty file has empty content, not none";
  EXPECT_EQ(r->files[3].content, binary);
  EXPECT_FALSE(store->configRevision(id + 1));
}

TEST_F(ConfigRevisionsTest, ASecretFileNeverKeepsContentEvenWhenGiven) {
  ConfigFile secret{"tls/server.key", std::string(64, 'c'), 0, true, std::string("-----BEGIN PRIVATE KEY-----")};
  const auto id = store->recordConfigRevision(revision('1', {secret}), 0).id;
  EXPECT_FALSE(store->configRevision(id)->files[0].content);
}

TEST_F(ConfigRevisionsTest, RefusesNoActorOrADigestThatIsNotSha256Hex) {
  auto nobody = revision('1', {});
  nobody.actor.clear();
  EXPECT_THROW(store->recordConfigRevision(nobody, 0), std::invalid_argument);
  auto short_digest = revision('1', {});
  short_digest.digest = "abc";
  EXPECT_THROW(store->recordConfigRevision(short_digest, 0), std::invalid_argument);
  EXPECT_TRUE(store->configRevisions(10).empty());
}

TEST_F(ConfigRevisionsTest, TwoStoresOnOneFileRecordingTheSameChangeAtOnceRecordItOnce) {
  sqlite::SqliteStore other(path(), options());  // a second engine on the same file
  std::vector<Outcome> outcomes(2);
  std::thread a([&] { outcomes[0] = store->recordConfigRevision(revision('1', {}), 0).outcome; });
  std::thread b([&] { outcomes[1] = other.recordConfigRevision(revision('1', {}), 0).outcome; });
  a.join();
  b.join();
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), Outcome::Recorded), 1);
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), Outcome::Unchanged), 1);
  EXPECT_EQ(store->configRevisions(10).size(), 1u);
}

TEST_F(ConfigRevisionsTest, TheSecretSaltIsMadeOncePerStoreAndDiffersBetweenStores) {
  const std::string salt = store->configSecretSalt();
  EXPECT_EQ(salt.size(), 64u);
  reopen();
  EXPECT_EQ(store->configSecretSalt(), salt);
  TempDir other;
  sqlite::SqliteStore elsewhere(other.file("ferry.db"), options());
  EXPECT_NE(elsewhere.configSecretSalt(), salt);
}

TEST_F(ConfigRevisionsTest, MigrationFiveUpgradesAStoreOfVersionFourKeepingItsMessages) {
  store.reset();
  TempDir other;
  const std::string file = other.file("ferry.db");
  std::int64_t id = 0;
  makeOlderStore(file, 4, [&](sqlite::SqliteStore& old) { id = old.insertReceived(sampleMessage("V4")).id; });
  sqlite::SqliteStore upgraded(file, options());
  EXPECT_EQ(sqlite::sqliteMigrations()[4].version, 5);
  EXPECT_TRUE(upgraded.message(id));
  EXPECT_EQ(upgraded.configSecretSalt().size(), 64u);
  EXPECT_EQ(upgraded.recordConfigRevision(revision('1', {stored("ferry.json", "{}")}), 0).outcome,
            Outcome::Recorded);
}

}  // namespace
}  // namespace ferry::store::test
