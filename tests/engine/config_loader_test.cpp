#include <gtest/gtest.h>

#include "engine/runtime/config.h"
#include "engine/json/located_json.h"
#include "tests/support/temp_folder.h"

using namespace ferry::runtime;
using namespace ferry::json;
using ferry::test::TempFolder;

namespace {

const char* kEngine = R"({"store": {"path": "var/ferry.db"}, "duplicate_window_seconds": 600})";

const char* kLab = R"({
  "name": "lab-results",
  "source": {"type": "mllp", "port": 2575, "max_connections": 8},
  "ack_mode": "after_parse",
  "destinations": [
    {"name": "hospital", "type": "mllp", "host": "127.0.0.1", "port": 2576,
     "retry": {"max_attempts": 5, "initial_backoff_ms": 100}},
    {"name": "archive", "type": "file", "folder": "out/archive"}
  ]
})";

std::string errorsOf(const ConfigLoad& load) {
  std::string all;
  for (const auto& e : load.errors) all += e.describe() + "\n";
  return all;
}

}  // namespace

TEST(LocatedJson, RemembersLinesOfMembers) {
  auto parsed = parseLocatedJson("{\n  \"a\": 1,\n  \"b\": {\n    \"c\": \"x\"\n  }\n}");
  ASSERT_TRUE(parsed.ok()) << parsed.error;
  EXPECT_EQ(parsed.root.find("a")->line, 2);
  EXPECT_EQ(parsed.root.find("b")->find("c")->line, 4);
  EXPECT_EQ(parsed.root.find("b")->find("c")->string, "x");
  EXPECT_TRUE(parsed.root.find("a")->is_integer);
}

TEST(LocatedJson, SyntaxErrorNamesLineAndColumn) {
  auto parsed = parseLocatedJson("{\n  \"a\": 1\n  \"b\": 2\n}");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error.rfind("line 3, column 3:", 0), 0u) << parsed.error;
}

TEST(ConfigLoader, ReadsEngineAndChannels) {
  TempFolder dir;
  dir.write("ferry.json", kEngine);
  dir.write("channels/lab.json", kLab);
  const ConfigLoad load = loadConfig(dir.path());
  ASSERT_TRUE(load.ok()) << errorsOf(load);
  EXPECT_EQ(load.config.store.path, dir.path() + "/var/ferry.db");
  EXPECT_EQ(load.config.duplicate_window_ms, 600000);
  ASSERT_EQ(load.config.channels.size(), 1u);
  const ChannelConfig& c = load.config.channels[0];
  EXPECT_EQ(c.name, "lab-results");
  EXPECT_EQ(c.file, "channels/lab.json");
  EXPECT_EQ(c.source.type, "mllp");
  EXPECT_EQ(c.source.port, 2575);
  EXPECT_EQ(c.source.host, "127.0.0.1");
  EXPECT_EQ(c.source.max_connections, 8);
  EXPECT_EQ(c.ack_mode, "after_parse");
  ASSERT_EQ(c.destinations.size(), 2u);
  EXPECT_EQ(c.destinations[0].retry.max_attempts, 5);
  EXPECT_EQ(c.destinations[0].retry.initial_backoff_ms, 100);
  EXPECT_EQ(c.destinations[0].format, "original");
  EXPECT_EQ(c.destinations[1].folder, dir.path() + "/out/archive");
}

TEST(ConfigLoader, UnknownKeyIsAnErrorWithFileLineAndField) {
  TempFolder dir;
  dir.write("ferry.json", kEngine);
  dir.write("channels/lab.json", R"({
  "name": "lab",
  "source": {"type": "mllp", "port": 2575},
  "destinations": [
    {"name": "h", "type": "mllp", "host": "127.0.0.1", "port": 2576,
     "retry": {"max_atempts": 5}}
  ]
})");
  const ConfigLoad load = loadConfig(dir.path());
  ASSERT_EQ(load.errors.size(), 1u) << errorsOf(load);
  EXPECT_EQ(load.errors[0].describe(),
            "channels/lab.json:6: destinations[0].retry.max_atempts: unknown key");
}

TEST(ConfigLoader, ReportsEveryProblemNotJustTheFirst) {
  TempFolder dir;
  dir.write("ferry.json", R"({"store": {"kind": "oracle"}, "colour": "blue"})");
  dir.write("channels/a.json", R"({"name": "A B", "source": {"type": "mllp", "port": 70000}})");
  dir.write("channels/b.json", R"({"name": "b", "source": {"type": "smtp"}, "destinations": [{"name": "x", "type": "http", "url": "ftp://x"}]})");
  const ConfigLoad load = loadConfig(dir.path());
  const std::string all = errorsOf(load);
  EXPECT_NE(all.find("ferry.json:1: store.kind: \"oracle\" is not one of \"sqlite\""), std::string::npos) << all;
  EXPECT_NE(all.find("ferry.json:1: colour: unknown key"), std::string::npos) << all;
  EXPECT_NE(all.find("channels/a.json:1: name: use lowercase"), std::string::npos) << all;
  EXPECT_NE(all.find("source.port: must be between 1 and 65535, found 70000"), std::string::npos) << all;
  EXPECT_NE(all.find("channels/b.json:1: source.type: \"smtp\" is not one of"), std::string::npos) << all;
  EXPECT_NE(all.find("destinations[0].url: must start with http:// or https://"), std::string::npos) << all;
}

TEST(ConfigLoader, StoreMigrationsAreAutomaticUnlessSetToManual) {
  TempFolder dir;
  dir.write("ferry.json", kEngine);
  EXPECT_EQ(loadConfig(dir.path()).config.store.migrations, "automatic");
  dir.write("ferry.json", R"({"store": {"path": "var/ferry.db", "migrations": "manual"}})");
  const ConfigLoad load = loadConfig(dir.path());
  ASSERT_TRUE(load.ok()) << errorsOf(load);
  EXPECT_EQ(load.config.store.migrations, "manual");
}

TEST(ConfigLoader, AnUnknownStoreMigrationsPolicyIsAnErrorWithFileLineAndField) {
  TempFolder dir;
  dir.write("ferry.json", "{\"store\": {\n  \"path\": \"var/ferry.db\",\n  \"migrations\": \"sometimes\"}}");
  const ConfigLoad load = loadConfig(dir.path());
  ASSERT_EQ(load.errors.size(), 1u) << errorsOf(load);
  EXPECT_EQ(load.errors[0].describe(),
            "ferry.json:3: store.migrations: \"sometimes\" is not one of \"automatic\", \"manual\"");
}

TEST(ConfigLoader, AcceptAcksIsAlwaysUnlessSetAndOnlyForAnMllpSource) {
  TempFolder dir;
  dir.write("ferry.json", kEngine);
  dir.write("channels/lab.json", kLab);
  EXPECT_EQ(loadConfig(dir.path()).config.channels.at(0).source.accept_acks, "always");
  dir.write("channels/lab.json", R"({"name": "lab", "source": {"type": "mllp", "port": 2575, "accept_acks": "as_requested"}})");
  EXPECT_EQ(loadConfig(dir.path()).config.channels.at(0).source.accept_acks, "as_requested");
  dir.write("channels/lab.json", "{\"name\": \"lab\",\n \"source\": {\"type\": \"mllp\", \"port\": 2575,\n  \"accept_acks\": \"never\"}}");
  ConfigLoad load = loadConfig(dir.path());
  ASSERT_EQ(load.errors.size(), 1u) << errorsOf(load);
  EXPECT_EQ(load.errors[0].describe(),
            "channels/lab.json:3: source.accept_acks: \"never\" is not one of \"always\", \"as_requested\"");
  dir.write("channels/lab.json", R"({"name": "web", "source": {"type": "http", "port": 8080, "accept_acks": "always"}})");
  load = loadConfig(dir.path());
  ASSERT_EQ(load.errors.size(), 1u) << errorsOf(load);
  EXPECT_NE(load.errors[0].describe().find("source.accept_acks"), std::string::npos) << errorsOf(load);
}

TEST(ConfigLoader, LogLevelIsInfoUnlessSetAndAnUnknownOneIsAnError) {
  TempFolder dir;
  dir.write("ferry.json", kEngine);
  EXPECT_EQ(loadConfig(dir.path()).config.log_level, "info");
  dir.write("ferry.json", R"({"log_level": "warning"})");
  EXPECT_EQ(loadConfig(dir.path()).config.log_level, "warning");
  dir.write("ferry.json", "{\"store\": {\"path\": \"var/ferry.db\"},\n  \"log_level\": \"debug\"}");
  const ConfigLoad load = loadConfig(dir.path());
  ASSERT_EQ(load.errors.size(), 1u) << errorsOf(load);
  EXPECT_EQ(load.errors[0].describe(),
            "ferry.json:2: log_level: \"debug\" is not one of \"info\", \"warning\", \"error\"");
}

TEST(ConfigLoader, MissingRequiredFieldsAndTypeMismatch) {
  TempFolder dir;
  dir.write("ferry.json", "{}");
  dir.write("channels/a.json", R"({"name": "a", "source": {"type": "mllp", "port": "2575"}, "destinations": [{"type": "mllp"}]})");
  const std::string all = errorsOf(loadConfig(dir.path()));
  EXPECT_NE(all.find("source.port: expected a number, found a string"), std::string::npos) << all;
  EXPECT_NE(all.find("destinations[0].name: is required"), std::string::npos) << all;
  EXPECT_NE(all.find("destinations[0].host: is required"), std::string::npos) << all;
}

TEST(ConfigLoader, ParallelConnectionsNeedAnUnorderedDestination) {
  TempFolder dir;
  dir.write("ferry.json", "{}");
  dir.write("channels/a.json", R"({
  "name": "a", "source": {"type": "mllp", "port": 2575},
  "destinations": [
    {"name": "fifo", "type": "mllp", "host": "127.0.0.1", "port": 2576,
     "connections": 4},
    {"name": "too-many", "type": "mllp", "host": "127.0.0.1", "port": 2577, "ordered": false,
     "connections": 33},
    {"name": "fanned", "type": "mllp", "host": "127.0.0.1", "port": 2578, "ordered": false,
     "connections": 8}
  ]
})");
  const ConfigLoad load = loadConfig(dir.path());
  const std::string all = errorsOf(load);
  EXPECT_NE(all.find("channels/a.json:5: destinations[0].connections: more than one connection"
                     " needs \"ordered\": false"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("channels/a.json:7: destinations[1].connections: must be between 1 and 32, found 33"),
            std::string::npos)
      << all;
  EXPECT_EQ(load.errors.size(), 2u) << all;
}

TEST(ConfigLoader, RetentionIsOffUnlessConfiguredAndOutlastsTheDuplicateWindow) {
  TempFolder dir;
  dir.write("ferry.json", "{}");
  ConfigLoad load = loadConfig(dir.path());
  ASSERT_TRUE(load.ok()) << errorsOf(load);
  EXPECT_EQ(load.config.retention.days, 0);

  dir.write("ferry.json", R"({"retention": {"days": 90, "check_interval_minutes": 15}})");
  load = loadConfig(dir.path());
  ASSERT_TRUE(load.ok()) << errorsOf(load);
  EXPECT_EQ(load.config.retention.days, 90);
  EXPECT_EQ(load.config.retention.check_interval_minutes, 15);
  EXPECT_EQ(load.config.retention.max_messages_per_transaction, 200);

  dir.write("ferry.json", R"({"duplicate_window_seconds": 172800,
 "retention": {"days": 2, "every": 5}})");
  const std::string all = errorsOf(loadConfig(dir.path()));
  EXPECT_NE(all.find("ferry.json:2: retention.days: must be longer than duplicate_window_seconds"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("ferry.json:2: retention.every: unknown key"), std::string::npos) << all;
  dir.write("ferry.json", R"({"retention": {}})");
  EXPECT_NE(errorsOf(loadConfig(dir.path())).find("retention.days: is required"), std::string::npos);
}

TEST(ConfigLoader, AdminEndpointOnlyWhenConfiguredAndOnLoopbackByDefault) {
  TempFolder dir;
  dir.write("ferry.json", "{}");
  EXPECT_FALSE(loadConfig(dir.path()).config.admin.enabled);
  dir.write("ferry.json", R"({"admin": {"port": 9090}})");
  ConfigLoad load = loadConfig(dir.path());
  ASSERT_TRUE(load.ok()) << errorsOf(load);
  EXPECT_TRUE(load.config.admin.enabled);
  EXPECT_EQ(load.config.admin.host, "127.0.0.1");
  EXPECT_EQ(load.config.admin.port, 9090);
  dir.write("ferry.json", R"({"admin": {"host": "0.0.0.0"}})");
  EXPECT_NE(errorsOf(loadConfig(dir.path())).find("ferry.json:1: admin.port: is required"), std::string::npos);
}

TEST(ConfigLoader, DuplicateChannelNamesAndPorts) {
  TempFolder dir;
  dir.write("ferry.json", "{}");
  dir.write("channels/a.json", R"({"name": "lab", "source": {"type": "mllp", "port": 2575}})");
  dir.write("channels/b.json", R"({"name": "lab", "source": {"type": "mllp", "port": 2575}})");
  const std::string all = errorsOf(loadConfig(dir.path()));
  EXPECT_NE(all.find("channel \"lab\" is also defined in channels/a.json"), std::string::npos) << all;
  EXPECT_NE(all.find("port 2575 is also used by channels/a.json"), std::string::npos) << all;
}

TEST(ConfigLoader, InvalidJsonAndMissingEngineFile) {
  TempFolder dir;
  EXPECT_NE(errorsOf(loadConfig(dir.path())).find("needs ferry.json"), std::string::npos);
  dir.write("ferry.json", "{\"store\": }");
  EXPECT_NE(errorsOf(loadConfig(dir.path())).find("ferry.json: not valid JSON: line 1, column 11"),
            std::string::npos)
      << errorsOf(loadConfig(dir.path()));
}

TEST(ConfigLoader, TlsFilesMustExist) {
  TempFolder dir;
  dir.write("ferry.json", "{}");
  dir.write("channels/a.json", R"({"name": "a", "source": {"type": "mllp", "port": 2575,
    "tls": {"enabled": true, "cert_file": "nope.pem", "key_file": "nope.key", "require_client_cert": true}}})");
  const std::string all = errorsOf(loadConfig(dir.path()));
  EXPECT_NE(all.find("nope.pem' does not exist"), std::string::npos) << all;
  EXPECT_NE(all.find("source.tls.ca_file: is required when require_client_cert is true"), std::string::npos) << all;
}
