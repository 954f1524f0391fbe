// Specification of the "ferry.canonical/v1" JSON writer.
#include "engine/canonical/json_writer.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "tests/canonical/sample_messages.h"

namespace ferry::canonical {
namespace {

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(json.c_str());
  EXPECT_FALSE(doc.HasParseError()) << json;
  return doc;
}

std::string str(const rapidjson::Value& v) {
  if (!v.IsString()) return "<not a string>";
  return {v.GetString(), v.GetStringLength()};
}

std::vector<std::string> memberNames(const rapidjson::Value& object) {
  std::vector<std::string> names;
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) names.push_back(str(it->name));
  return names;
}

TEST(JsonWriter, EmptyMessageIsOnlyTheSchema) {
  EXPECT_EQ(toJson(Message{}), R"({"schema":"ferry.canonical/v1"})");
}

TEST(JsonWriter, EmptyStringsArraysAndObjectsAreOmitted) {
  Message m;
  m.header.control_id = "X1";
  m.patient.names.push_back(HumanName{"Doe", {}, "", "", ""});
  EXPECT_EQ(toJson(m), R"({"schema":"ferry.canonical/v1","header":{"controlId":"X1"},)"
                       R"("patient":{"names":[{"family":"Doe"}]}})");
}

TEST(JsonWriter, SchemaIsTheFirstMember) {
  const std::string json = toJson(samples::labResult());
  EXPECT_EQ(json.rfind(R"({"schema":"ferry.canonical/v1",)", 0), 0u) << json;
}

TEST(JsonWriter, OutputIsASingleLineEvenWhenValuesHoldLineBreaks) {
  const std::string json = toJson(samples::everyMemberSet());
  EXPECT_EQ(json.find('\n'), std::string::npos);
  EXPECT_EQ(json.find('\r'), std::string::npos);
}

TEST(JsonWriter, TopLevelMembersFollowTheDocumentedOrder) {
  const rapidjson::Document doc = parse(toJson(samples::everyMemberSet()));
  const std::vector<std::string> expected = {
      "schema", "header",        "patient",   "encounter", "orders",         "observations", "specimens",
      "notes",  "immunizations", "coverages", "claims",    "claimResponses", "extensions"};
  EXPECT_EQ(memberNames(doc), expected);
}

TEST(JsonWriter, HeaderMembersFollowTheDocumentedOrder) {
  const rapidjson::Document doc = parse(toJson(samples::everyMemberSet()));
  const std::vector<std::string> expected = {"sourceFormat",       "messageType",     "triggerEvent",
                                             "messageStructure",   "controlId",       "version",
                                             "sendingApplication", "sendingFacility", "receivingApplication",
                                             "receivingFacility",  "messageDateTime", "processingId",
                                             "characterSet",       "acceptAckType",   "applicationAckType"};
  EXPECT_EQ(memberNames(doc["header"]), expected);
}

TEST(JsonWriter, HeaderCarriesTheMshValues) {
  const rapidjson::Document doc = parse(toJson(samples::labResult()));
  const rapidjson::Value& header = doc["header"];
  EXPECT_EQ(str(header["sourceFormat"]), "hl7v2");
  EXPECT_EQ(str(header["messageType"]), "ORU");
  EXPECT_EQ(str(header["triggerEvent"]), "R01");
  EXPECT_EQ(str(header["messageStructure"]), "ORU_R01");
  EXPECT_EQ(str(header["controlId"]), "NL-000184211");
  EXPECT_EQ(str(header["messageDateTime"]), "2026-11-20T08:30:15-05:00");
  EXPECT_FALSE(header.HasMember("characterSet"));
}

TEST(JsonWriter, PatientIdentifiersNamesAndSexAreWritten) {
  const rapidjson::Document doc = parse(toJson(samples::labResult()));
  const rapidjson::Value& patient = doc["patient"];
  ASSERT_EQ(patient["identifiers"].Size(), 2u);
  EXPECT_EQ(str(patient["identifiers"][0]["value"]), "MRN448812");
  EXPECT_EQ(str(patient["identifiers"][0]["system"]), "CITYHOSP");
  EXPECT_EQ(str(patient["identifiers"][0]["type"]), "MR");
  EXPECT_EQ(str(patient["identifiers"][1]["type"]), "SS");
  EXPECT_EQ(str(patient["names"][0]["family"]), "Testperson");
  EXPECT_EQ(str(patient["names"][0]["given"][1]), "Q");
  EXPECT_EQ(str(patient["sex"]), "female");
  EXPECT_EQ(str(patient["birthDate"]), "1972-03-14");
  EXPECT_EQ(str(patient["addresses"][0]["postalCode"]), "62701");
}

TEST(JsonWriter, NumericResultKeepsItsDecimalTextBesideTheNumber) {
  const rapidjson::Document doc = parse(toJson(samples::labResult()));
  const rapidjson::Value& value = doc["observations"][1]["value"];
  EXPECT_EQ(str(value["decimal"]), "8.10");
  ASSERT_TRUE(value["number"].IsNumber());
  EXPECT_EQ(value["number"].GetDouble(), 8.1);
}

TEST(JsonWriter, ReferenceRangeHasTextAndNumericBounds) {
  const rapidjson::Document doc = parse(toJson(samples::labResult()));
  const rapidjson::Value& range = doc["observations"][0]["referenceRange"];
  EXPECT_EQ(str(range["text"]), "70-99");
  EXPECT_EQ(range["low"].GetDouble(), 70.0);
  EXPECT_EQ(range["high"].GetDouble(), 99.0);
}

TEST(JsonWriter, AbnormalFlagAndStatusKeepV2CodeAndFhirCode) {
  const rapidjson::Document doc = parse(toJson(samples::labResult()));
  const rapidjson::Value& glucose = doc["observations"][0];
  EXPECT_EQ(str(glucose["interpretations"][0]["v2"]), "H");
  EXPECT_EQ(str(glucose["interpretations"][0]["fhir"]["system"]),
            "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation");
  EXPECT_EQ(str(glucose["interpretations"][0]["fhir"]["code"]), "H");
  EXPECT_EQ(str(glucose["status"]["v2"]), "F");
  EXPECT_EQ(str(glucose["status"]["fhir"]), "final");
}

TEST(JsonWriter, IndexZeroIsWrittenBecauseItIsSet) {
  const rapidjson::Document doc = parse(toJson(samples::labResult()));
  ASSERT_TRUE(doc["observations"][0]["orderIndex"].IsUint());
  EXPECT_EQ(doc["observations"][0]["orderIndex"].GetUint(), 0u);
  EXPECT_EQ(doc["notes"][0]["observationIndex"].GetUint(), 2u);
}

TEST(JsonWriter, UnsetMembersOfAnArrayElementAreOmitted) {
  const rapidjson::Document doc = parse(toJson(samples::labResult()));
  EXPECT_FALSE(doc["observations"][1].HasMember("analysisTime"));
  EXPECT_FALSE(doc["notes"][0].HasMember("commentType"));
}

TEST(JsonWriter, UnsetIndexIsOmitted) {
  Message m;
  m.observations.push_back(Observation{});
  m.observations[0].set_id = "1";
  EXPECT_EQ(toJson(m), R"({"schema":"ferry.canonical/v1","observations":[{"setId":"1"}]})");
}

TEST(JsonWriter, EmptyArrayElementsKeepTheirPlace) {
  Message m;
  m.orders.resize(2);
  m.orders[1].order_control = "NW";
  EXPECT_EQ(toJson(m), R"({"schema":"ferry.canonical/v1","orders":[{},{"orderControl":"NW"}]})");
}

TEST(JsonWriter, NonFiniteNumbersAreOmittedBecauseJsonCannotHoldThem) {
  Message m;
  m.observations.resize(1);
  m.observations[0].value.decimal = "NaN";
  m.observations[0].value.number = std::numeric_limits<double>::quiet_NaN();
  m.observations[0].reference_range.low = std::numeric_limits<double>::infinity();
  EXPECT_EQ(toJson(m), R"({"schema":"ferry.canonical/v1","observations":[{"value":{"decimal":"NaN"}}]})");
}

TEST(JsonWriter, ExtensionRawTextIsKeptByteForByte) {
  const Message m = samples::everyMemberSet();
  const rapidjson::Document doc = parse(toJson(m));
  EXPECT_EQ(str(doc["extensions"][0]["raw"]), m.extensions[0].raw);
  EXPECT_EQ(str(doc["extensions"][0]["path"]), "ZPV");
}

TEST(JsonWriter, SpecialCharactersAreEscaped) {
  Message m;
  m.notes.push_back(Note{"quote \" backslash \\ tab \t", "", {}, {}, {}});
  EXPECT_EQ(toJson(m),
            R"({"schema":"ferry.canonical/v1","notes":[{"text":"quote \" backslash \\ tab \t"}]})");
}

// What RapidJSON's own Writer makes of a message holding one extension with this raw text: the
// escaping the canonical writer must match byte for byte.
std::string stockJsonOfExtension(const std::string& raw) {
  rapidjson::StringBuffer expected;
  rapidjson::Writer<rapidjson::StringBuffer> stock(expected);
  stock.StartObject();
  stock.Key("schema");
  stock.String("ferry.canonical/v1");
  stock.Key("extensions");
  stock.StartArray();
  stock.StartObject();
  stock.Key("raw");
  stock.String(raw.data(), static_cast<rapidjson::SizeType>(raw.size()));
  stock.EndObject();
  stock.EndArray();
  stock.EndObject();
  return std::string(expected.GetString(), expected.GetSize());
}

TEST(JsonWriter, EscapingOfEveryByteMatchesRapidJsonsOwnWriter) {
  std::string everyByte;
  for (int c = 0; c < 256; ++c) everyByte += static_cast<char>(c);
  Message m;
  m.extensions.push_back(Extension{"", "", everyByte});
  EXPECT_EQ(toJson(m), stockJsonOfExtension(everyByte));
  EXPECT_EQ(str(parse(toJson(m))["extensions"][0]["raw"]), everyByte);
}

// The writer scans sixteen bytes at a time: an escape before, inside, across and after a
// sixteen-byte run, in values of every length up to three runs, must come out as RapidJSON's
// own Writer writes it.
TEST(JsonWriter, EscapesAtEveryPositionOfValuesOfEveryLengthMatchRapidJsonsOwnWriter) {
  for (const char special : {'"', '\\', '\n', '\x01', '\x1f'}) {
    for (std::size_t length = 1; length <= 48; ++length) {
      for (std::size_t at = 0; at < length; ++at) {
        std::string value(length, 'a');
        value[at] = special;
        Message m;
        m.extensions.push_back(Extension{"", "", value});
        ASSERT_EQ(toJson(m), stockJsonOfExtension(value)) << "length " << length << ", escape at " << at;
      }
    }
  }
}

TEST(JsonWriter, ReusedWriterGivesTheSameOutputAsToJson) {
  JsonWriter writer;
  const Message first = samples::everyMemberSet();
  const Message second = samples::labResult();
  EXPECT_EQ(std::string(writer.write(first)), toJson(first));
  EXPECT_EQ(std::string(writer.write(second)), toJson(second));
}

TEST(JsonWriter, MoneyAndQuantitiesStayDecimalText) {
  const rapidjson::Document doc = parse(toJson(samples::everyMemberSet()));
  const rapidjson::Value& item = doc["claims"][0]["items"][1];
  EXPECT_EQ(str(item["unitPrice"]), "37.50");
  EXPECT_EQ(str(item["net"]), "75.00");
  EXPECT_EQ(item["sequence"].GetUint(), 2u);
  const rapidjson::Value& response = doc["claimResponses"][0];
  EXPECT_EQ(str(response["claimId"]), "CLM-1");
  EXPECT_EQ(str(response["items"][0]["adjustments"][0]["groupCode"]), "CO");
  EXPECT_EQ(str(response["items"][0]["adjustments"][0]["amount"]), "15.00");
}

}  // namespace
}  // namespace ferry::canonical
