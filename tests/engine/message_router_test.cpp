// The router between decoding and delivery: a channel's mapping decides (filtered with the
// filter's reason, errored with the failing rule's name, routed to some destinations), and each
// routed destination gets its payload in its own format, with the mapping's edits of the outgoing
// HL7 v2 message applied.

#include <gtest/gtest.h>

#include "engine/runtime/inbound_decoder.h"
#include "engine/runtime/message_router.h"
#include "mappings/mapping_set.h"
#include "parsers/hl7v2/message.h"
#include "parsers/xml/profile_set.h"
#include "tests/support/files.h"
#include "tests/support/temp_folder.h"

namespace ferry::test {
namespace {

runtime::DestinationConfig destination(const std::string& name, const std::string& format) {
  runtime::DestinationConfig d;
  d.name = name;
  d.type = "file";
  d.format = format;
  return d;
}

class MessageRouterTest : public ::testing::Test {
 protected:
  // A configuration folder with one mapping and one table, loaded the way the engine loads it.
  void load(const std::string& mapping_json) {
    dir_.write("mappings/m.json", mapping_json);
    dir_.write("tables/codes.csv", "local,loinc\nGLU,2345-7\n");
    std::vector<mappings::LoadError> errors;
    mappings_ = mappings::MappingSet::load(dir_.path(), {}, errors);
    for (const auto& e : errors) ADD_FAILURE() << e.describe();
    profiles_ = xml::ProfileSet::load(std::string(FERRY_SOURCE_DIR) + "/samples/profiles");
  }

  runtime::RouteDecision route(const std::vector<runtime::DestinationConfig>& destinations,
                               const std::string& raw, canonical::Message* out = nullptr) {
    runtime::ChannelConfig channel;
    channel.name = "lab";
    channel.mapping = "m@1";
    channel.destinations = destinations;
    const runtime::MessageRouter router({channel}, &profiles_, &mappings_,
                                        mappings::Environment::fixed("2026-11-25T12:00:00Z", 1));
    runtime::Decoded decoded = runtime::InboundDecoder(&profiles_).decode(raw);
    EXPECT_TRUE(decoded.ok()) << decoded.error;
    runtime::RouteDecision decision = router.route("lab", decoded.message, raw, nullptr);
    if (out != nullptr) *out = decoded.message;
    return decision;
  }

  TempFolder dir_;
  mappings::MappingSet mappings_;
  xml::ProfileSet profiles_;
};

TEST_F(MessageRouterTest, AFilterDropsTheMessageWithItsNameAndReason) {
  load(R"J({"name": "m", "version": "1",
    "filters": [{"name": "results only", "accept": "header.message_type == 'ORU'", "reason": "not a result"}],
    "routes": [{"name": "all", "when": "true", "to": ["a"]}]})J");
  const auto d = route({destination("a", "original")}, sample("hl7v2/adt_a01_admit.hl7"));
  EXPECT_EQ(d.kind, runtime::RouteDecision::Kind::Filtered);
  EXPECT_EQ(d.reason, "mapping m@1, filter \"results only\": not a result");
  EXPECT_TRUE(d.deliveries.empty());
}

TEST_F(MessageRouterTest, ARuleThatFailsErrorsTheMessageNamingTheRuleButNotTheValueInItsSummary) {
  load(R"J({"name": "m", "version": "1",
    "transforms": [{"name": "to LOINC", "for_each": "observations[*]", "set": "code.text",
                    "value": "lookup('codes', code.codings[0].code)"}],
    "routes": [{"name": "all", "when": "true", "to": ["a"]}]})J");
  const auto d = route({destination("a", "original")}, sample("hl7v2/oru_r01_local_codes.hl7"));
  EXPECT_EQ(d.kind, runtime::RouteDecision::Kind::Errored);
  EXPECT_NE(d.reason.find("rule \"to LOINC\""), std::string::npos) << d.reason;
  EXPECT_NE(d.reason.find("'K'"), std::string::npos) << d.reason;  // the missing key, for the store
  EXPECT_EQ(d.summary, "mapping m@1, rule \"to LOINC\" failed");
  EXPECT_TRUE(d.deliveries.empty());
}

TEST_F(MessageRouterTest, NoMatchingRouteIsFilteredNotErrored) {
  load(R"J({"name": "m", "version": "1",
    "routes": [{"name": "vip", "when": "patient.identifiers[0].value == 'NOBODY'", "to": ["a"]}]})J");
  const auto d = route({destination("a", "original")}, sample("hl7v2/oru_r01_local_codes.hl7"));
  EXPECT_EQ(d.kind, runtime::RouteDecision::Kind::Filtered);
  EXPECT_EQ(d.reason, "mapping m@1: no route matched");
}

TEST_F(MessageRouterTest, OnlyRoutedDestinationsGetDeliveriesEachInItsFormat) {
  load(R"J({"name": "m", "version": "1",
    "transforms": [{"name": "receiver", "set": "out('MSH-5')", "value": "'RESULTS'"}],
    "routes": [{"name": "r", "when": "true", "to": ["v2", "json", "fhir", "as-is"]}]})J");
  const std::string raw = sample("hl7v2/oru_r01_local_codes.hl7");
  const auto d = route({destination("v2", "hl7v2"), destination("json", "canonical"),
                        destination("unused", "canonical"), destination("fhir", "fhir"),
                        destination("as-is", "original")},
                       raw);
  ASSERT_EQ(d.kind, runtime::RouteDecision::Kind::Routed) << d.reason;
  ASSERT_EQ(d.deliveries.size(), 4u);
  EXPECT_EQ(d.routes, (std::vector<std::string>{"r"}));
  EXPECT_EQ(d.deliveries[0].destination, "lab/v2");
  auto v2 = hl7v2::Message::parse(*d.deliveries[0].payload);
  ASSERT_TRUE(v2);
  EXPECT_EQ(v2->get("MSH-5"), "RESULTS");  // the edit, on the written v2.5.1 message
  EXPECT_EQ(v2->get("MSH-12"), "2.5.1");
  EXPECT_EQ(d.deliveries[1].destination, "lab/json");
  EXPECT_EQ(d.deliveries[1].payload->rfind("{\"schema\":\"ferry.canonical/v1\"", 0), 0u);
  EXPECT_EQ(d.deliveries[2].destination, "lab/fhir");
  EXPECT_NE(d.deliveries[2].payload->find("\"resourceType\":\"Bundle\""), std::string::npos);
  EXPECT_EQ(d.deliveries[3].destination, "lab/as-is");
  // The original bytes with the edit: only MSH-5 differs.
  auto edited = hl7v2::Message::parse(*d.deliveries[3].payload);
  ASSERT_TRUE(edited);
  EXPECT_EQ(edited->get("MSH-5"), "RESULTS");
  std::string expected = raw;
  expected.replace(expected.find("|HOSPRES|"), 9, "|RESULTS|");
  EXPECT_EQ(*d.deliveries[3].payload, expected);
}

TEST_F(MessageRouterTest, AMessageThatCannotBeWrittenForADestinationIsErroredNamingIt) {
  load(R"J({"name": "m", "version": "1", "routes": [{"name": "r", "when": "true", "to": ["insurer"]}]})J");
  // A lab result holds no claim: the claim profile cannot carry it.
  const auto d = route({destination("insurer", "xml:example-insurer-claims-1-submission")},
                       sample("hl7v2/oru_r01_local_codes.hl7"));
  EXPECT_EQ(d.kind, runtime::RouteDecision::Kind::Errored);
  EXPECT_EQ(d.reason.rfind("destination insurer: cannot be written as example-insurer-claims-1-submission", 0), 0u)
      << d.reason;
}

TEST_F(MessageRouterTest, TransformsChangeTheCanonicalMessageThatIsStored) {
  load(R"J({"name": "m", "version": "1",
    "transforms": [{"name": "to LOINC", "for_each": "observations[*]",
                    "when": "in_table('codes', code.codings[0].code)",
                    "set": "code.text", "value": "lookup('codes', code.codings[0].code)"}],
    "routes": [{"name": "r", "when": "true", "to": ["a"]}]})J");
  canonical::Message message;
  const auto d = route({destination("a", "canonical")}, sample("hl7v2/oru_r01_local_codes.hl7"), &message);
  ASSERT_EQ(d.kind, runtime::RouteDecision::Kind::Routed);
  EXPECT_EQ(message.observations[0].code.text, "2345-7");
  EXPECT_EQ(message.observations[1].code.text, "");  // K is not in the table
  EXPECT_NE(d.deliveries[0].payload->find("\"text\":\"2345-7\""), std::string::npos);
}

}  // namespace
}  // namespace ferry::test
