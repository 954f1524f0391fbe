// Writing the canonical model as FHIR R4: Bundles with urn:uuid references, single resources,
// fallbacks for required elements, the date and decimal rules, OperationOutcome.
#include "parsers/fhir/writer.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <set>

#include "parsers/fhir/datatype_writer.h"
#include "parsers/fhir/validator.h"
#include "tests/fhir/fhir_test_support.h"
#include "tests/fhir/produced.h"

namespace ferry::fhir {
namespace {

using test::normalizeV2;

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  EXPECT_FALSE(d.HasParseError()) << json;
  return d;
}

// The resources of a Bundle by resourceType, in entry order.
std::vector<const rapidjson::Value*> resources(const rapidjson::Document& bundle, const char* type) {
  std::vector<const rapidjson::Value*> out;
  for (const auto& e : bundle["entry"].GetArray()) {
    if (e.HasMember("resource") && std::string(e["resource"]["resourceType"].GetString()) == type) {
      out.push_back(&e["resource"]);
    }
  }
  return out;
}

void collectReferences(const rapidjson::Value& v, std::vector<std::string>& out) {
  if (v.IsObject()) {
    for (const auto& m : v.GetObject()) {
      if (std::string(m.name.GetString()) == "reference" && m.value.IsString())
        out.push_back(m.value.GetString());
      collectReferences(m.value, out);
    }
  } else if (v.IsArray()) {
    for (const auto& item : v.GetArray()) collectReferences(item, out);
  }
}

TEST(FhirWriter, LabResultBecomesAValidTransactionWithResolvableReferences) {
  std::vector<Issue> issues;
  const std::string json =
      writeBundle(normalizeV2("oru_r01_lab_result.hl7"), BundleType::Transaction, {}, &issues);
  EXPECT_TRUE(test::errorsOf(json).empty()) << describe(test::errorsOf(json));
  const rapidjson::Document b = parse(json);
  EXPECT_STREQ(b["type"].GetString(), "transaction");
  EXPECT_EQ(resources(b, "Patient").size(), 1u);
  EXPECT_EQ(resources(b, "Observation").size(), 3u);
  EXPECT_EQ(resources(b, "ServiceRequest").size(), 1u);
  EXPECT_EQ(resources(b, "DiagnosticReport").size(), 1u);
  EXPECT_EQ(resources(b, "Specimen").size(), 1u);
  std::set<std::string> fullUrls;
  for (const auto& e : b["entry"].GetArray()) {
    const std::string url = e["fullUrl"].GetString();
    EXPECT_EQ(url.rfind("urn:uuid:", 0), 0u) << url;
    EXPECT_TRUE(fullUrls.insert(url).second) << "duplicate " << url;
    EXPECT_STREQ(e["request"]["method"].GetString(), "POST");
  }
  std::vector<std::string> references;
  collectReferences(b, references);
  EXPECT_GT(references.size(), 10u);
  for (const std::string& ref : references) {
    if (ref[0] == '#') continue;  // contained
    EXPECT_EQ(fullUrls.count(ref), 1u) << ref << " names no entry";
  }
  const rapidjson::Value& report = *resources(b, "DiagnosticReport")[0];
  EXPECT_EQ(report["result"].Size(), 3u);
  EXPECT_STREQ(report["status"].GetString(), "final");
}

TEST(FhirWriter, MessageBundleStartsWithItsMessageHeader) {
  const rapidjson::Document b =
      parse(writeBundle(normalizeV2("oru_r01_lab_result.hl7"), BundleType::Message));
  const rapidjson::Value& header = b["entry"][0]["resource"];
  EXPECT_STREQ(header["resourceType"].GetString(), "MessageHeader");
  EXPECT_STREQ(header["eventCoding"]["code"].GetString(), "R01");
  EXPECT_STREQ(header["source"]["name"].GetString(), "NORTHLAB");
  EXPECT_FALSE(b["entry"][0].HasMember("request")) << "requests belong to transactions and batches";
}

TEST(FhirWriter, WhatIsWrittenReadsBackToTheSameFacts) {
  const canonical::Message v2 = normalizeV2("oru_r01_lab_result.hl7");
  const canonical::Message back = test::readOk(writeBundle(v2, BundleType::Transaction)).message;
  EXPECT_EQ(back.patient.identifiers, v2.patient.identifiers);
  EXPECT_EQ(back.patient.names, v2.patient.names);
  EXPECT_EQ(back.patient.race, v2.patient.race);
  ASSERT_EQ(back.observations.size(), v2.observations.size());
  for (std::size_t i = 0; i < v2.observations.size(); ++i) {
    EXPECT_EQ(back.observations[i].code, v2.observations[i].code);
    EXPECT_EQ(back.observations[i].value.decimal, v2.observations[i].value.decimal);
    EXPECT_EQ(*back.observations[i].value.text, *v2.observations[i].value.text);
    EXPECT_EQ(back.observations[i].units, v2.observations[i].units);
    EXPECT_EQ(back.observations[i].interpretations, v2.observations[i].interpretations);
    EXPECT_EQ(back.observations[i].reference_range, v2.observations[i].reference_range);
    EXPECT_EQ(back.observations[i].status, v2.observations[i].status);
    EXPECT_EQ(back.observations[i].order_index, v2.observations[i].order_index);
  }
  ASSERT_EQ(back.orders.size(), 1u) << "ServiceRequest and DiagnosticReport of one order read back as one";
  EXPECT_EQ(back.orders[0].placer_order_number, v2.orders[0].placer_order_number);
  EXPECT_EQ(back.orders[0].filler_order_number, v2.orders[0].filler_order_number);
  EXPECT_EQ(back.orders[0].result_status, v2.orders[0].result_status);
  EXPECT_EQ(back.orders[0].ordering_provider, v2.orders[0].ordering_provider);
  EXPECT_EQ(back.specimens, v2.specimens);
  EXPECT_EQ(back.encounter.attending, v2.encounter.attending);
  EXPECT_EQ(back.encounter.location, v2.encounter.location);
  EXPECT_EQ(back.notes.at(0).text, v2.notes.at(0).text);
}

TEST(FhirWriter, ServiceRequestStatusComesFromOrc5ThroughTable0038) {
  canonical::Message m = test::edgeCaseMessage();
  const auto statusFor = [&](const std::string& orc5) {
    m.orders[0].order_status = orc5;
    const rapidjson::Document b = parse(writeBundle(m, BundleType::Collection));
    return std::string((*resources(b, "ServiceRequest")[0])["status"].GetString());
  };
  EXPECT_EQ(statusFor("CM"), "completed");
  EXPECT_EQ(statusFor("IP"), "active");
  EXPECT_EQ(statusFor("DC"), "revoked");
  EXPECT_EQ(statusFor("A"), "unknown") << "unmapped in the published map";
  EXPECT_EQ(statusFor(""), "unknown");
}

TEST(FhirWriter, ObservationStatusWithoutFhirCodeFallsBackToUnknown) {
  const rapidjson::Document b = parse(writeBundle(test::edgeCaseMessage(), BundleType::Collection));
  const auto observations = resources(b, "Observation");
  ASSERT_FALSE(observations.empty());
  EXPECT_STREQ((*observations[0])["status"].GetString(), "unknown") << "v2 'I' has no observation-status";
  EXPECT_STREQ((*resources(b, "DiagnosticReport")[0])["status"].GetString(), "unknown");
  EXPECT_STREQ((*resources(b, "ServiceRequest")[0])["status"].GetString(), "unknown");
  EXPECT_STREQ((*resources(b, "ServiceRequest")[0])["intent"].GetString(), "order");
}

TEST(FhirWriter, EdgeCaseValuesAreWrittenValid) {
  std::vector<Issue> issues;
  const std::string json = writeBundle(test::edgeCaseMessage(), BundleType::Transaction, {}, &issues);
  EXPECT_TRUE(test::errorsOf(json).empty()) << describe(test::errorsOf(json));
  const rapidjson::Document b = parse(json);
  const auto obs = resources(b, "Observation");
  ASSERT_EQ(obs.size(), 8u);
  EXPECT_NE(json.find(R"("valueQuantity":{"value":0.50,"unit":"mg/dL")"), std::string::npos)
      << "'+.50' as 0.50";
  EXPECT_STREQ((*obs[0])["effectiveDateTime"].GetString(), "2026-11-19") << "no offset anywhere: date kept";
  EXPECT_FALSE(obs[0]->HasMember("issued"));
  EXPECT_STREQ((*obs[0])["interpretation"][0]["coding"][0]["code"].GetString(), "AC");
  EXPECT_STREQ((*obs[0])["note"][0]["text"].GetString(), "Specimen slightly haemolysed");
  EXPECT_STREQ((*obs[1])["valueQuantity"]["comparator"].GetString(), ">");
  EXPECT_EQ((*obs[2])["valueRatio"]["denominator"]["value"].GetInt(), 128);
  EXPECT_EQ((*obs[3])["valueRange"]["high"]["value"].GetInt(), 5);
  EXPECT_STREQ((*obs[4])["valueString"].GetString(), "2+");
  EXPECT_STREQ((*obs[5])["valueString"].GetString(), "Line one\nLine two");
  EXPECT_STREQ((*obs[6])["valueString"].GetString(), "12,5");
  EXPECT_STREQ((*obs[7])["valueDateTime"].GetString(), "2026-11-01");
  EXPECT_STREQ((*resources(b, "Patient")[0])["birthDate"].GetString(), "1980-02-29");
  EXPECT_FALSE(b.HasMember("timestamp")) << "an instant needs a time zone";
  bool foreign = false;
  for (const Issue& i : issues)
    foreign = foreign || i.diagnostics.find("another format") != std::string::npos;
  EXPECT_TRUE(foreign) << "the Z-segment extension is reported, not silently dropped";
}

TEST(FhirWriter, NumberBeyondADoubleIsKeptAsTextAndTheBundleReadsBack) {
  canonical::Message m = test::edgeCaseMessage();
  ASSERT_EQ(m.observations.at(6).value_type, "NM");
  m.observations[6].value.decimal = "1e999";
  const std::string json = writeBundle(m, BundleType::Transaction);
  EXPECT_EQ(json.find("1e999,"), std::string::npos) << "not written as a JSON number";
  EXPECT_STREQ((*resources(parse(json), "Observation")[6])["valueString"].GetString(), "1e999");
  const canonical::Message back = test::readOk(json).message;
  EXPECT_EQ(*back.observations.at(6).value.text, "1e999") << "Ferry's own reader takes it back";
}

TEST(FhirWriter, ObservationCategoryIsWrittenInItsPlaceAndReadsBack) {
  canonical::Message m = test::edgeCaseMessage();
  const canonical::CodeableConcept vitals{
      {{"http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs", "Vital Signs"}}, ""};
  m.observations[1].category = {vitals, canonical::CodeableConcept{{}, "bedside"}};
  const std::string json = writeBundle(m, BundleType::Transaction);
  EXPECT_TRUE(test::errorsOf(json).empty()) << describe(test::errorsOf(json));
  EXPECT_NE(
      json.find(
          R"("status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/)"
          R"(observation-category","code":"vital-signs","display":"Vital Signs"}]},{"text":"bedside"}],"code")"),
      std::string::npos)
      << json;
  const ReadResult back = read(json);
  ASSERT_EQ(back.message.observations.size(), m.observations.size());
  EXPECT_EQ(back.message.observations[1].category, m.observations[1].category);
  EXPECT_TRUE(back.message.observations[0].category.empty());
}

TEST(FhirWriter, DefaultOffsetCompletesTimesWithoutOne) {
  WriteOptions options;
  options.default_offset = "-05:00";
  const rapidjson::Document b = parse(writeBundle(test::edgeCaseMessage(), BundleType::Collection, options));
  EXPECT_STREQ(b["timestamp"].GetString(), "2026-11-19T14:22:00-05:00");
  EXPECT_STREQ((*resources(b, "Observation")[0])["issued"].GetString(), "2026-11-19T15:00:05-05:00");
  EXPECT_STREQ((*resources(b, "DiagnosticReport")[0])["effectiveDateTime"].GetString(),
               "2026-11-19T14:00:00-05:00");
}

TEST(FhirWriter, DateTimeRule) {
  bool dropped = false;
  EXPECT_EQ(fhirDateTime("2026-11-19T14:22", "-05:00", &dropped), "2026-11-19T14:22:00-05:00");
  EXPECT_EQ(fhirDateTime("2026-11-19T14", "Z", &dropped), "2026-11-19T14:00:00Z");
  EXPECT_EQ(fhirDateTime("2026-11-20T08:30:15.1234+01:00", "", &dropped), "2026-11-20T08:30:15.1234+01:00");
  EXPECT_FALSE(dropped);
  EXPECT_EQ(fhirDateTime("2026-11-19T14:22", "", &dropped), "2026-11-19");
  EXPECT_TRUE(dropped) << "no time zone known: the time is dropped, never invented";
  EXPECT_EQ(fhirDateTime("2026-11-19", "-05:00", nullptr), "2026-11-19") << "a date stays a date";
  EXPECT_EQ(fhirDateTime("1972-03", "", nullptr), "1972-03");
  EXPECT_EQ(fhirDateTime("2026-02-30", "", nullptr), std::nullopt);
  EXPECT_EQ(fhirInstant("2026-11-19", "Z"), std::nullopt);
  EXPECT_EQ(fhirInstant("2026-11-19T14:22", "Z"), "2026-11-19T14:22:00Z");
  EXPECT_EQ(fhirDate("2026-11-19T14:22:00-05:00"), "2026-11-19");
}

TEST(FhirWriter, DecimalRule) {
  EXPECT_EQ(fhirDecimal("8.10"), "8.10");
  EXPECT_EQ(fhirDecimal("+5"), "5");
  EXPECT_EQ(fhirDecimal(".5"), "0.5");
  EXPECT_EQ(fhirDecimal("-.5"), "-0.5");
  EXPECT_EQ(fhirDecimal("007"), "7");
  EXPECT_EQ(fhirDecimal(" 12 "), "12");
  EXPECT_EQ(fhirDecimal("1e3"), "1e3");
  EXPECT_EQ(fhirDecimal("12,5"), std::nullopt);
  EXPECT_EQ(fhirDecimal("."), std::nullopt);
  EXPECT_EQ(fhirDecimal("abc"), std::nullopt);
  // Beyond a double: JSON readers refuse the number (or read 0), so it is not written as one.
  EXPECT_EQ(fhirDecimal("1e999"), std::nullopt);
  EXPECT_EQ(fhirDecimal("-2.5E+400"), std::nullopt);
  EXPECT_EQ(fhirDecimal("1e-999"), std::nullopt);
  EXPECT_EQ(fhirDecimal(std::string(400, '9')), std::nullopt);
  EXPECT_EQ(fhirDecimal("1.5e300"), "1.5e300");
  EXPECT_EQ(fhirDecimal("0e999"), "0e999");
}

TEST(FhirWriter, SingleResourceRefersByIdentifier) {
  const canonical::Message m = normalizeV2("oru_r01_lab_result.hl7");
  const std::string json = writeResource(m, {ResourceKind::Observation, 0});
  EXPECT_TRUE(test::errorsOf(json).empty()) << describe(test::errorsOf(json));
  const rapidjson::Document o = parse(json);
  EXPECT_STREQ(o["subject"]["identifier"]["value"].GetString(), "MRN448812");
  EXPECT_STREQ(o["basedOn"][0]["identifier"]["value"].GetString(), "ORD-77120");
  EXPECT_EQ(writeResource(m, {ResourceKind::Observation, 9}), "") << "no such item";
}

TEST(FhirWriter, ImmunizationAndCoverageFromV2) {
  const rapidjson::Document vxu =
      parse(writeBundle(normalizeV2("vxu_v04_immunization.hl7"), BundleType::Transaction));
  const auto imm = resources(vxu, "Immunization");
  ASSERT_EQ(imm.size(), 1u);
  EXPECT_TRUE((*imm[0]).HasMember("vaccineCode"));
  EXPECT_TRUE((*imm[0]).HasMember("occurrenceDateTime"));
  const rapidjson::Document adt =
      parse(writeBundle(normalizeV2("adt_a01_admit.hl7"), BundleType::Transaction));
  const auto coverage = resources(adt, "Coverage");
  ASSERT_EQ(coverage.size(), 1u);
  EXPECT_STREQ((*coverage[0])["status"].GetString(), "active");
  EXPECT_STREQ((*coverage[0])["relationship"]["coding"][0]["code"].GetString(), "self");
  const auto encounter = resources(adt, "Encounter");
  ASSERT_EQ(encounter.size(), 1u);
  EXPECT_STREQ((*encounter[0])["class"]["code"].GetString(), "IMP");
}

TEST(FhirWriter, OperationOutcomeListsIssuesWithTheirExpression) {
  const rapidjson::Document oo = parse(operationOutcomeJson(
      {{Severity::Error, "required", "'status' is required", "Observation.status", std::nullopt},
       {Severity::Fatal, "structure", "malformed JSON", "", 17}}));
  EXPECT_STREQ(oo["resourceType"].GetString(), "OperationOutcome");
  ASSERT_EQ(oo["issue"].Size(), 2u);
  EXPECT_STREQ(oo["issue"][0]["severity"].GetString(), "error");
  EXPECT_STREQ(oo["issue"][0]["expression"][0].GetString(), "Observation.status");
  EXPECT_STREQ(oo["issue"][1]["diagnostics"].GetString(), "malformed JSON (byte offset 17)");
  const rapidjson::Document empty = parse(operationOutcomeJson({}));
  EXPECT_STREQ(empty["issue"][0]["code"].GetString(), "informational");
  EXPECT_TRUE(validate(operationOutcomeJson({})).empty());
}

TEST(FhirWriter, SameMessageGivesSameBytes) {
  const canonical::Message m = normalizeV2("oml_o21_order.hl7");
  EXPECT_EQ(writeBundle(m, BundleType::Transaction), writeBundle(m, BundleType::Transaction));
}

}  // namespace
}  // namespace ferry::fhir
