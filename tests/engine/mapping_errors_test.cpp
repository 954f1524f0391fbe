// A rule that fails at run time, through the running engine: the message is stored as errored
// with the rule's name, the sender gets AE with an ERR naming an application error, and the
// engine carries on with the next message.

#include <gtest/gtest.h>

#include "engine/runtime/config.h"
#include "engine/runtime/engine.h"
#include "engine/runtime/json_log.h"
#include "tests/engine/engine_fixture.h"
#include "tests/support/files.h"

namespace ferry::test {
namespace {

// A lab channel whose mapping `strict@1` maps local codes to LOINC through a table that holds
// glucose only; a missing key is an error (the default policy). `channel_keys` are added to the
// channel's JSON. Returns the configuration with the listener on any free port.
runtime::EngineConfig strictLab(const TempFolder& dir, const std::string& channel_keys = {}) {
  dir.write("ferry.json", R"({"store": {"path": "var/ferry.db"}})");
  dir.write("channels/lab.json", R"({"name": "lab", "source": {"type": "mllp", "port": 1},
    "ack_mode": "after_parse", "mapping": "strict@1",)" + channel_keys + R"(
    "destinations": [{"name": "out", "type": "file", "folder": "out", "format": "hl7v2"}]})");
  dir.write("tables/codes.csv", "local,loinc\nGLU,2345-7\n");
  dir.write("mappings/strict.json", R"J({"name": "strict", "version": "1",
    "transforms": [{"name": "local code to LOINC", "for_each": "observations[*]",
                    "set": "code.codings[0].code", "value": "lookup('codes', code.codings[0].code)"}],
    "routes": [{"name": "all", "when": "true", "to": ["out"]}]})J");
  runtime::ConfigLoad load = runtime::loadConfig(dir.path());
  for (const auto& e : load.errors) ADD_FAILURE() << e.describe();
  load.config.channels[0].source.port = 0;
  return load.config;
}

// The sample with local codes fails the mapping (potassium is not in the table); its first
// result alone, under another control id, passes.
const std::string kFailing = sample("hl7v2/oru_r01_local_codes.hl7");
std::string glucoseOnly() {
  std::string message = kFailing.substr(0, kFailing.find("OBX|2|"));
  message.replace(message.find("NL-000190001"), 12, "NL-000190009");
  return message;
}

// store_canonical: "on_error" keeps the canonical JSON of errored messages only, "never" of none;
// the raw bytes are kept either way.
TEST(MappingErrors, StoreCanonicalKeepsTheCanonicalFormOnlyWhereTheChannelSaysSo) {
  for (const std::string policy : {"on_error", "never"}) {
    SCOPED_TRACE(policy);
    TempFolder dir;
    runtime::JsonLog log(dir.path() + "/ferry.log");
    runtime::Engine engine(strictLab(dir, R"( "store_canonical": ")" + policy + R"(",)"), log);
    engine.start();
    EXPECT_EQ(sendAndReadMsa1(engine.port("lab"), kFailing), "AE");
    EXPECT_EQ(sendAndReadMsa1(engine.port("lab"), glucoseOnly()), "AA");
    const auto rows = engine.store().listMessages({});
    engine.stop();
    ASSERT_EQ(rows.size(), 2u);
    for (const auto& row : rows) {
      const bool errored = row.status == store::MessageStatus::Errored;
      EXPECT_EQ(row.canonical_json.has_value(), errored && policy == "on_error") << row.id;
      if (row.canonical_json) {
        EXPECT_NE(row.canonical_json->find("ferry.canonical/v1"), std::string::npos);
      }
      EXPECT_EQ(row.raw, errored ? kFailing : glucoseOnly());
    }
  }
}

TEST(MappingErrors, AFailingRuleIsAnsweredAEAndStoredErroredWithTheRuleName) {
  TempFolder dir;
  runtime::JsonLog log(dir.path() + "/ferry.log");
  runtime::Engine engine(strictLab(dir), log);
  engine.start();

  std::string ack;
  EXPECT_EQ(sendAndReadMsa1(engine.port("lab"), kFailing, &ack), "AE");
  auto parsed = hl7v2::Message::parse(ack);
  ASSERT_TRUE(parsed) << ack;
  EXPECT_EQ(parsed->get("MSA-2"), "NL-000190001");
  EXPECT_EQ(parsed->get("ERR-3.1"), "207");
  EXPECT_NE(parsed->get("ERR-8").find("local code to LOINC"), std::string::npos) << ack;

  store::MessageFilter filter;
  filter.channel = "lab";
  const auto rows = engine.store().listMessages(filter);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, store::MessageStatus::Errored);
  ASSERT_TRUE(rows[0].error.has_value());
  EXPECT_NE(rows[0].error->find("rule \"local code to LOINC\""), std::string::npos) << *rows[0].error;
  EXPECT_NE(rows[0].error->find("'K'"), std::string::npos) << *rows[0].error;
  EXPECT_TRUE(engine.store().deliveriesFor(rows[0].id).empty());

  // The engine goes on: a message every rule can handle is accepted.
  EXPECT_EQ(sendAndReadMsa1(engine.port("lab"), glucoseOnly()), "AA");
  engine.stop();
  // The log names the rule but holds no value from the message.
  const std::string lines = readFile(dir.path() + "/ferry.log");
  EXPECT_NE(lines.find("local code to LOINC"), std::string::npos) << lines;
  EXPECT_EQ(lines.find("Fictional"), std::string::npos) << lines;
}

}  // namespace
}  // namespace ferry::test
