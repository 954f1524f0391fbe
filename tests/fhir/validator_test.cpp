// Validation of FHIR R4 JSON: required elements, cardinality, primitive formats, value sets.
#include "parsers/fhir/validator.h"

#include <gtest/gtest.h>

#include "parsers/fhir/primitives.h"
#include "tests/fhir/fhir_test_support.h"

namespace ferry::fhir {
namespace {

std::string issuesOf(const std::string& json) {
  return describe(validate(json));
}

bool has(const std::vector<Issue>& issues, std::string_view code, std::string_view expression) {
  for (const Issue& i : issues) {
    if (i.code == code && i.expression == expression) return true;
  }
  return false;
}

TEST(FhirValidator, SamplesAreValid) {
  for (const char* file :
       {"bundle_lab_result.json", "claim.json", "bundle_rich_transaction.json", "bundle_message.json",
        "bundle_collection.json", "bundle_batch.json", "claim_response.json", "operation_outcome.json"}) {
    std::vector<Issue> issues = validate(test::data(file));
    std::erase_if(issues, [](const Issue& i) { return i.severity == Severity::Information; });
    EXPECT_TRUE(issues.empty()) << file << "\n" << describe(issues);
  }
}

TEST(FhirValidator, AByteOrderMarkIsSkippedAsTheReaderSkipsIt) {
  const std::string claim = test::data("claim.json");
  EXPECT_EQ(describe(validate("\xEF\xBB\xBF" + claim)), describe(validate(claim)));
  // Offsets of a malformed document still count the mark's three bytes.
  const auto broken = validate("\xEF\xBB\xBF{\"resourceType\":}");
  const auto plain = validate("{\"resourceType\":}");
  ASSERT_EQ(broken.size(), 1u);
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(broken[0].severity, Severity::Fatal);
  ASSERT_TRUE(broken[0].offset.has_value() && plain[0].offset.has_value());
  EXPECT_EQ(*broken[0].offset, *plain[0].offset + 3) << describe(broken);
  EXPECT_EQ(*plain[0].offset, 16u) << describe(plain);  // at the '}' where a value belongs
}

TEST(FhirValidator, RequiredElementsAreNamed) {
  const auto issues = validate(R"({"resourceType":"Observation","code":{"text":"x"}})");
  EXPECT_TRUE(has(issues, "required", "Observation.status")) << describe(issues);
  const auto claim = validate(R"({"resourceType":"MessageHeader","source":{"endpoint":"urn:x"}})");
  EXPECT_TRUE(has(claim, "required", "MessageHeader.event[x]")) << describe(claim);
}

TEST(FhirValidator, RequiredElementsInsideBackboneElements) {
  const auto issues = validate(R"({"resourceType":"Claim","status":"active","type":{"text":"x"},"use":"claim",
        "patient":{"display":"p"},"created":"2026-11-21","provider":{"display":"p"},"priority":{"text":"n"},
        "insurance":[{"focal":true,"coverage":{"display":"c"}}]})");
  EXPECT_TRUE(has(issues, "required", "Claim.insurance[0].sequence")) << describe(issues);
}

TEST(FhirValidator, Cardinality) {
  const auto single = validate(R"({"resourceType":"Patient","gender":["female"]})");
  EXPECT_TRUE(has(single, "structure", "Patient.gender")) << describe(single);
  const auto many = validate(R"({"resourceType":"Patient","name":{"family":"x"}})");
  EXPECT_TRUE(has(many, "structure", "Patient.name")) << describe(many);
  const auto empty = validate(R"({"resourceType":"Patient","name":[]})");
  EXPECT_TRUE(has(empty, "structure", "Patient.name")) << describe(empty);
}

TEST(FhirValidator, UnknownAndDuplicateElements) {
  const auto unknown = validate(R"({"resourceType":"Patient","gendre":"female"})");
  EXPECT_TRUE(has(unknown, "structure", "Patient.gendre")) << describe(unknown);
  const auto dup = validate(R"({"resourceType":"Patient","gender":"female","gender":"male"})");
  EXPECT_TRUE(has(dup, "structure", "Patient.gender")) << describe(dup);
  const auto choice = validate(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
                                     "valueString":"a","valueBoolean":true})");
  EXPECT_TRUE(has(choice, "structure", "Observation.valueBoolean")) << describe(choice);
}

TEST(FhirValidator, EmptyValuesAreInvalid) {
  EXPECT_TRUE(has(validate(R"({"resourceType":"Patient","name":[{}]})"), "structure", "Patient.name[0]"));
  EXPECT_TRUE(has(validate(R"({"resourceType":"Patient","gender":""})"), "value", "Patient.gender"));
}

TEST(FhirValidator, PrimitiveExtensionsAreElements) {
  EXPECT_EQ(
      issuesOf(
          R"({"resourceType":"Patient","_birthDate":{"extension":[{"url":"urn:x","valueString":"y"}]}})"),
      "");
  EXPECT_TRUE(
      has(validate(R"({"resourceType":"Patient","_name":{"id":"x"}})"), "structure", "Patient._name"));
}

TEST(FhirValidator, RequiredValueSets) {
  const auto status = validate(R"({"resourceType":"Observation","status":"done","code":{"text":"x"}})");
  EXPECT_TRUE(has(status, "code-invalid", "Observation.status")) << describe(status);
  const auto gender = validate(R"({"resourceType":"Patient","gender":"F"})");
  EXPECT_TRUE(has(gender, "code-invalid", "Patient.gender")) << describe(gender);
}

TEST(FhirValidator, PrimitiveKindsAndFormats) {
  EXPECT_TRUE(has(validate(R"({"resourceType":"Patient","active":"true"})"), "structure", "Patient.active"));
  EXPECT_TRUE(
      has(validate(R"({"resourceType":"Patient","birthDate":"1972-02-30"})"), "value", "Patient.birthDate"));
  EXPECT_TRUE(
      has(validate(R"({"resourceType":"Patient","birthDate":"14.03.1972"})"), "value", "Patient.birthDate"));
  EXPECT_TRUE(has(validate(R"({"resourceType":"Patient","multipleBirthInteger":1.5})"), "value",
                  "Patient.multipleBirthInteger"));
  EXPECT_TRUE(has(validate(R"({"resourceType":"Claim","item":[{"sequence":0}]})"), "value",
                  "Claim.item[0].sequence"));
  EXPECT_TRUE(has(validate(R"({"resourceType":"Patient","id":"a_b"})"), "value", "Patient.id"));
  EXPECT_TRUE(has(validate(R"({"resourceType":"Patient","identifier":[{"system":"urn x"}]})"), "value",
                  "Patient.identifier[0].system"));
  EXPECT_TRUE(has(validate(R"({"resourceType":"Patient","maritalStatus":{"coding":[{"code":" M"}]}})"),
                  "value", "Patient.maritalStatus.coding[0].code"));
}

TEST(FhirValidator, PrimitiveRules) {
  EXPECT_TRUE(isFhirDate("2026"));
  EXPECT_TRUE(isFhirDate("2024-02-29"));
  EXPECT_FALSE(isFhirDate("2023-02-29"));
  EXPECT_FALSE(isFhirDate("0000"));
  EXPECT_TRUE(isFhirDateTime("2026-11-20T08:30:15-05:00"));
  EXPECT_TRUE(isFhirDateTime("2026-11-20T08:30:15.123Z"));
  EXPECT_FALSE(isFhirDateTime("2026-11-20T08:30-05:00")) << "seconds are required";
  EXPECT_FALSE(isFhirDateTime("2026-11-20T08:30:15")) << "a time needs a time zone";
  EXPECT_FALSE(isFhirDateTime("2026-11T08:30:15Z")) << "a time needs a full date";
  EXPECT_FALSE(isFhirDateTime("2026-11-20T08:30:15+14:30"));
  EXPECT_TRUE(isFhirInstant("2026-11-20T08:30:15Z"));
  EXPECT_FALSE(isFhirInstant("2026-11-20"));
  EXPECT_TRUE(isFhirDecimal("-0.50"));
  EXPECT_TRUE(isFhirDecimal("1.5e-3"));
  EXPECT_FALSE(isFhirDecimal("01"));
  EXPECT_FALSE(isFhirDecimal("1."));
  EXPECT_TRUE(isFhirId("ferry-practitioner-1"));
  EXPECT_FALSE(isFhirId(std::string(65, 'a')));
  EXPECT_TRUE(isFhirCode("final"));
  EXPECT_FALSE(isFhirCode("a  b"));
  EXPECT_TRUE(isFhirUri("urn:uuid:6a1c7d1e-0c4b-4c1e-9a51-1f0b8a7e0001"));
  EXPECT_FALSE(isFhirUri(""));
  EXPECT_TRUE(isValidPrimitive("uuid", "urn:uuid:6a1c7d1e-0c4b-4c1e-9a51-1f0b8a7e0001"));
  EXPECT_FALSE(isValidPrimitive("uuid", "urn:uuid:6A1C7D1E-0c4b-4c1e-9a51-1f0b8a7e0001"));
  EXPECT_TRUE(isValidPrimitive("oid", "urn:oid:2.16.840.1.113883.3.9999.2"));
  EXPECT_FALSE(isValidPrimitive("integer", "2147483648"));
  EXPECT_TRUE(isValidPrimitive("integer", "-2147483648"));
  EXPECT_FALSE(isValidPrimitive("unsignedInt", "-1"));
}

TEST(FhirValidator, ContainedAndEntryResourcesAreValidatedToo) {
  const auto contained = validate(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
        "contained":[{"resourceType":"Practitioner","id":"p","gender":"x"}],"performer":[{"reference":"#p"}]})");
  EXPECT_TRUE(has(contained, "code-invalid", "Observation.contained[0].gender")) << describe(contained);
  const auto entry = validate(R"({"resourceType":"Bundle","type":"collection",
        "entry":[{"resource":{"resourceType":"Observation","code":{"text":"x"}}}]})");
  EXPECT_TRUE(has(entry, "required", "Bundle.entry[0].resource.status")) << describe(entry);
}

TEST(FhirValidator, ValidatesAnOrdinaryDom) {
  rapidjson::Document d;
  d.Parse(
      R"({"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1.0}})");
  EXPECT_TRUE(validate(static_cast<const rapidjson::Value&>(d)).empty());
  d.Parse(R"({"resourceType":"Patient","multipleBirthInteger":2.5})");
  EXPECT_FALSE(validate(static_cast<const rapidjson::Value&>(d)).empty());
}

TEST(FhirValidator, MalformedJsonHasAnOffset) {
  const auto issues = validate(std::string_view(R"({"resourceType": "Patient",, })"));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].offset, 27u);
}

TEST(FhirValidator, OperationOutcomeOfIssuesIsItselfValid) {
  const auto issues = validate(R"({"resourceType":"Observation","status":"done"})");
  ASSERT_FALSE(issues.empty());
  EXPECT_EQ(issuesOf(operationOutcomeJson(issues)), "");
}

}  // namespace
}  // namespace ferry::fhir
