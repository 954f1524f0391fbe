// What a configuration revision holds: exactly the files the configuration consists of, with
// secrets redacted (a changed secret still changes the digest), and recording it at each start
// only when it changed, with a summary naming the changed files.

#include <gtest/gtest.h>

#include <cstdlib>

#include "engine/runtime/config.h"
#include "engine/runtime/config_revision.h"
#include "engine/runtime/secret_redaction.h"
#include "engine/store/sqlite/sqlite_store.h"
#include "tests/support/temp_folder.h"

using namespace ferry;
using ferry::test::TempFolder;

namespace {

constexpr const char* kToken = "tok-7d1e5c0a9b8f4e21";
constexpr const char* kPassword = "pw-horse-battery-staple";
constexpr const char* kHeaderKey = "hdr-5f0c1d9e8a7b";

std::string insurerChannel(const std::string& token = kToken) {
  return R"({"name": "insurer", "source": {"type": "file", "folder": "in"},
  "destinations": [
    {"name": "claims", "type": "http", "url": "https://insurer.example/claims",
     "bearer_token": ")" + token + R"(", "headers": {"X-Api-Key": ")" + kHeaderKey + R"("}},
    {"name": "portal", "type": "http", "url": "https://portal.example/in",
     "basic_user": "ferry", "basic_password": ")" + kPassword + R"("},
    {"name": "lab", "type": "mllp", "host": "127.0.0.1", "port": 2576,
     "tls": {"enabled": true, "cert_file": "tls/client.pem", "key_file": "tls/client.key", "ca_file": "tls/ca.pem"}}
  ]})";
}

class ConfigRevision : public ::testing::Test {
 protected:
  void SetUp() override {
    folder.write("ferry.json", R"({"store": {"path": "var/ferry.db"}, "log_file": "var/ferry.log",
      "hash_keys": {"pseudonym": {"file": "keys/pseudonym.key"}}})");
    folder.write("keys/pseudonym.key", "k-0123456789abcdef0123\n");
    folder.write("channels/insurer.json", insurerChannel());
    folder.write("channels/lab.json", R"({"name": "lab", "source": {"type": "file", "folder": "lab-in"},
      "destinations": [{"name": "archive", "type": "file", "folder": "out/archive"}]})");
    folder.write("tls/client.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    folder.write("tls/client.key", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n");
    folder.write("tls/ca.pem", "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n");
    folder.write("tables/lab-loinc.csv", "local_code,loinc_code\nGLU,2345-7\n");
    folder.write("out/archive/1.hl7", "MSH|^~\\&|LAB\r");
    folder.write("tests/lab/glucose/fixture.json", "{}");
    folder.write("var/ferry.log", "{}\n");
  }

  runtime::EngineConfig load() const {
    runtime::ConfigLoad loaded = runtime::loadConfig(folder.path());
    for (const auto& e : loaded.errors) ADD_FAILURE() << e.describe();
    return loaded.config;
  }

  runtime::ConfigSnapshot snapshot(const std::string& salt = "salt-one") const {
    return runtime::snapshotConfig(load(), runtime::SecretFingerprint(salt));
  }

  std::unique_ptr<store::Store> openStore() const {
    return store::openSqliteStore(folder.path() + "/var/ferry.db");
  }

  runtime::RecordedConfig record() const {
    auto store = openStore();
    return runtime::recordConfigRevision(*store, load(), "alice", "engine start");
  }

  static const store::ConfigFile* find(const runtime::ConfigSnapshot& s, const std::string& path) {
    for (const auto& file : s.files) {
      if (file.path == path) return &file;
    }
    return nullptr;
  }

  TempFolder folder;
};

TEST_F(ConfigRevision, HoldsExactlyTheFilesTheConfigurationConsistsOf) {
  // Written after loading: a snapshot reads the folder, and these are not complete files.
  runtime::EngineConfig config = load();
  folder.write("mappings/lab-results.json", R"({"name": "lab-results", "version": "1"})");
  folder.write("tables/lab-loinc.json", R"({"version": "2"})");
  folder.write("profiles/insurer.json", "{}");
  folder.write("profiles/README.md", "notes");
  config.profiles_folder = folder.path() + "/profiles";
  std::vector<std::string> paths;
  for (const auto& file : runtime::snapshotConfig(config, runtime::SecretFingerprint("s")).files) {
    paths.push_back(file.path);
  }
  const std::vector<std::string> expected = {
      "channels/insurer.json", "channels/lab.json", "ferry.json", "keys/pseudonym.key",
      "mappings/lab-results.json", "profiles/insurer.json", "tables/lab-loinc.csv",
      "tables/lab-loinc.json", "tls/ca.pem", "tls/client.key", "tls/client.pem"};
  EXPECT_EQ(paths, expected) << "no output folder, store, log, fixture or README";
}

TEST_F(ConfigRevision, StoredContentNeverHoldsATokenPasswordOrHeaderValue) {
  const auto s = snapshot();
  for (const auto& file : s.files) {
    if (!file.content) continue;
    EXPECT_EQ(file.content->find(kToken), std::string::npos) << file.path;
    EXPECT_EQ(file.content->find(kPassword), std::string::npos) << file.path;
    EXPECT_EQ(file.content->find(kHeaderKey), std::string::npos) << file.path;
  }
  const std::string& channel = *find(s, "channels/insurer.json")->content;
  const runtime::SecretFingerprint fingerprint("salt-one");
  EXPECT_NE(channel.find("\"bearer_token\": \"" + fingerprint.marker(kToken) + "\""), std::string::npos) << channel;
  EXPECT_NE(channel.find(fingerprint.marker(kPassword)), std::string::npos) << channel;
  EXPECT_NE(channel.find("\"basic_user\": \"ferry\""), std::string::npos) << "not a secret: kept";
  EXPECT_NE(channel.find("\"url\": \"https://insurer.example/claims\""), std::string::npos);
}

TEST_F(ConfigRevision, AChangedSecretChangesTheFileAndTheDigest) {
  const auto before = snapshot();
  folder.write("channels/insurer.json", insurerChannel("tok-rotated-4a3b2c1d"));
  const auto after = snapshot();
  EXPECT_NE(before.digest, after.digest);
  const auto changes = runtime::compareConfigFiles(before.files, after.files);
  EXPECT_EQ(changes.changed, std::vector<std::string>{"channels/insurer.json"});
  EXPECT_EQ(find(after, "channels/insurer.json")->content->find("tok-rotated"), std::string::npos);
}

TEST_F(ConfigRevision, KeyFilesKeepOnlyAKeyedFingerprint) {
  const auto s = snapshot("salt-one");
  for (const std::string path : {"tls/client.key", "keys/pseudonym.key"}) {
    const store::ConfigFile* file = find(s, path);
    ASSERT_NE(file, nullptr) << path;
    EXPECT_TRUE(file->secret) << path;
    EXPECT_FALSE(file->content) << path;
    EXPECT_EQ(file->size, 0) << path;
  }
  EXPECT_TRUE(find(s, "tls/client.pem")->content) << "a certificate is public";
  // Keyed: another store's salt gives other fingerprints of the same key.
  EXPECT_NE(find(snapshot("salt-two"), "tls/client.key")->sha256, find(s, "tls/client.key")->sha256);
  EXPECT_EQ(find(snapshot("salt-one"), "tls/client.key")->sha256, find(s, "tls/client.key")->sha256);
}

TEST_F(ConfigRevision, ACertificateFileCarryingAPrivateKeyIsKeptLikeAKey) {
  folder.write("tls/client.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
                                 "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n");
  const auto s = snapshot();
  const store::ConfigFile* file = find(s, "tls/client.pem");
  EXPECT_TRUE(file->secret);
  EXPECT_FALSE(file->content);
}

TEST_F(ConfigRevision, AHashKeyFromTheEnvironmentIsRecordedByItsFingerprint) {
  ::setenv("FERRY_TEST_REVISION_KEY", "env-key-0123456789abcdef", 1);
  folder.write("ferry.json", R"({"store": {"path": "var/ferry.db"},
    "hash_keys": {"pseudonym": {"env": "FERRY_TEST_REVISION_KEY"}}})");
  const auto before = snapshot();
  const store::ConfigFile* variable = find(before, "env:FERRY_TEST_REVISION_KEY");
  ASSERT_NE(variable, nullptr);
  EXPECT_TRUE(variable->secret);
  ::setenv("FERRY_TEST_REVISION_KEY", "env-key-rotated-0123456789", 1);
  const auto after = snapshot();
  ::unsetenv("FERRY_TEST_REVISION_KEY");
  EXPECT_EQ(runtime::compareConfigFiles(before.files, after.files).changed,
            std::vector<std::string>{"env:FERRY_TEST_REVISION_KEY"});
}

TEST_F(ConfigRevision, RedactionKeepsEveryOtherByteAndEmptyValues) {
  const runtime::SecretFingerprint fingerprint("s");
  const std::string text = "{\n  \"a\": [1, {\"token\": \"x\\\"y\"}],\n  \"bearer_token\": \"\",\n  \"b\": \"token\"\n}\n";
  const auto redacted = runtime::redactSecrets(text, fingerprint);
  ASSERT_TRUE(redacted);
  EXPECT_EQ(*redacted, "{\n  \"a\": [1, {\"token\": \"" + fingerprint.marker("x\\\"y") +
                           "\"}],\n  \"bearer_token\": \"\",\n  \"b\": \"token\"\n}\n");
  EXPECT_FALSE(runtime::redactSecrets("{\"bearer_token\": \"x\"", fingerprint)) << "not JSON";
}

TEST_F(ConfigRevision, CredentialsInAUrlAreRedactedTheRestOfItKept) {
  const runtime::SecretFingerprint fingerprint("s");
  const auto redacted = runtime::redactSecrets(
      R"({"url": "https://ferry:pw-9f8e7d@insurer.example/claims?x=a@b", "other_url": "http://h/p"})", fingerprint);
  ASSERT_TRUE(redacted);
  EXPECT_EQ(*redacted, R"({"url": "https://)" + fingerprint.marker("ferry:pw-9f8e7d") +
                           R"(@insurer.example/claims?x=a@b", "other_url": "http://h/p"})");
}

TEST_F(ConfigRevision, SecretQueryParametersOfAUrlAreRedactedTheOthersKept) {
  const runtime::SecretFingerprint fingerprint("s");
  const auto redacted = runtime::redactSecrets(
      R"({"url": "https://gw.example/claims?page=2&API_KEY=k-123&access_token=t-456&empty_token=#top"})", fingerprint);
  ASSERT_TRUE(redacted);
  EXPECT_EQ(*redacted, R"({"url": "https://gw.example/claims?page=2&API_KEY=)" + fingerprint.marker("k-123") +
                           "&access_token=" + fingerprint.marker("t-456") + R"(&empty_token=#top"})");
  EXPECT_EQ(redacted->find("k-123"), std::string::npos);
}

TEST_F(ConfigRevision, StartingTwiceOnAnUnchangedFolderRecordsOneRevision) {
  const auto first = record();
  EXPECT_TRUE(first.recorded);
  const auto second = record();
  EXPECT_FALSE(second.recorded);
  EXPECT_EQ(second.id, first.id);
  auto store = openStore();
  const auto revisions = store->configRevisions(10);
  ASSERT_EQ(revisions.size(), 1u);
  EXPECT_EQ(revisions[0].actor, "alice");
  EXPECT_EQ(revisions[0].summary, "first revision: 8 files");
}

TEST_F(ConfigRevision, EditingAChannelFileRecordsASecondRevisionNamingIt) {
  const auto first = record();
  folder.write("channels/lab.json", R"({"name": "lab", "source": {"type": "file", "folder": "lab-in", "interval_ms": 500},
      "destinations": [{"name": "archive", "type": "file", "folder": "out/archive"}]})");
  folder.write("tables/notifiable.csv", "loinc_code,condition\n94500-6,covid\n");
  const auto second = record();
  ASSERT_TRUE(second.recorded);
  EXPECT_GT(second.id, first.id);
  EXPECT_EQ(second.changes.changed, std::vector<std::string>{"channels/lab.json"});
  EXPECT_EQ(second.changes.added, std::vector<std::string>{"tables/notifiable.csv"});
  auto store = openStore();
  const auto latest = store->configRevision(second.id);
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->summary, "changed channels/lab.json; added tables/notifiable.csv");
  EXPECT_EQ(latest->digest, second.digest);
  EXPECT_EQ(store->configRevisions(10).size(), 2u);
}

TEST_F(ConfigRevision, TheDigestCoversPathsAndContentsButNotFileTimes) {
  const auto before = snapshot();
  folder.write("tables/lab-loinc.csv", "local_code,loinc_code\nGLU,2345-7\n");  // rewritten, same bytes
  EXPECT_EQ(snapshot().digest, before.digest);
  EXPECT_EQ(runtime::configDigest(before.files), before.digest);
}

}  // namespace
