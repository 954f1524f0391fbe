// Reading FHIR R4 JSON into the canonical model: resources, Bundles, references, errors.
#include "parsers/fhir/reader.h"

#include <gtest/gtest.h>

#include "tests/fhir/fhir_test_support.h"

namespace ferry::fhir {
namespace {

using test::data;
using test::readOk;

bool hasIssue(const ReadResult& r, std::string_view code, std::string_view expression) {
  for (const Issue& i : r.issues) {
    if (i.code == code && i.expression == expression) return true;
  }
  return false;
}

// The sample lab Bundle with one text replaced.
std::string labBundleWith(const std::string& from, const std::string& to) {
  std::string json = data("bundle_lab_result.json");
  const std::size_t at = json.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) json.replace(at, from.size(), to);
  return json;
}

TEST(FhirReader, LabBundleGivesPatientResultAndReport) {
  const ReadResult r = readOk(data("bundle_lab_result.json"));
  const canonical::Message& m = r.message;
  EXPECT_EQ(m.header.source_format, "fhir");
  EXPECT_EQ(m.header.message_datetime, "2026-11-20T08:30:15-05:00");
  ASSERT_EQ(m.patient.identifiers.size(), 1u);
  EXPECT_EQ(m.patient.identifiers[0].value, "MRN448812");
  EXPECT_EQ(m.patient.identifiers[0].type, "MR");
  EXPECT_EQ(m.patient.names.at(0).family, "Testperson");
  EXPECT_EQ(m.patient.names.at(0).given, (std::vector<std::string>{"Adaline", "Q"}));
  EXPECT_EQ(m.patient.sex, "female");
  EXPECT_EQ(m.patient.birth_date, "1972-03-14");
  ASSERT_EQ(m.orders.size(), 1u);
  EXPECT_EQ(m.orders[0].result_status, (canonical::StatusCode{"F", "final"}));
  EXPECT_EQ(m.orders[0].results_time, "2026-11-20T08:29:00-05:00");
  ASSERT_EQ(m.observations.size(), 1u);
  const canonical::Observation& o = m.observations[0];
  ASSERT_EQ(o.category.size(), 1u);
  EXPECT_EQ(
      o.category[0].codings.at(0),
      (canonical::Coding{"http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", ""}));
  EXPECT_EQ(o.value_type, "NM");
  EXPECT_EQ(o.value.decimal, "182");
  EXPECT_EQ(o.value.number, 182.0);
  EXPECT_EQ(o.units, (canonical::Coding{"http://unitsofmeasure.org", "mg/dL", "mg/dL"}));
  EXPECT_EQ(o.status, (canonical::StatusCode{"F", "final"}));
  ASSERT_EQ(o.interpretations.size(), 1u);
  EXPECT_EQ(o.interpretations[0].v2, "H");
  EXPECT_EQ(o.reference_range.low, 70.0);
  EXPECT_EQ(o.reference_range.high, 99.0);
  EXPECT_EQ(o.order_index, 0u) << "DiagnosticReport.result ties the result to the report's order";
}

TEST(FhirReader, DecimalsKeepTheirDigits) {
  const ReadResult r = readOk(data("bundle_message.json"));
  EXPECT_EQ(r.message.observations.at(0).value.decimal, "8.10");
  EXPECT_EQ(r.message.observations.at(0).value.number, 8.1);
}

TEST(FhirReader, MessageBundleFillsTheHeaderFromMessageHeader) {
  const canonical::Header h = readOk(data("bundle_message.json")).message.header;
  EXPECT_EQ(h.message_type, "ORU");
  EXPECT_EQ(h.trigger_event, "R01");
  EXPECT_EQ(h.message_structure, "ORU_R01");
  EXPECT_EQ(h.control_id, "NL-000184211");
  EXPECT_EQ(h.sending_application, "NORTHLAB");
  EXPECT_EQ(h.sending_facility, "NORTHLAB");
  EXPECT_EQ(h.receiving_application, "HOSPRES");
  EXPECT_EQ(h.receiving_facility, "CITYHOSP");
}

TEST(FhirReader, ReferencesBetweenEntriesBecomeCanonicalLinks) {
  const ReadResult r = readOk(data("bundle_rich_transaction.json"));
  const canonical::Message& m = r.message;
  // "Patient/p1" (relative, resolved by type and id) and urn:uuid references both resolve.
  EXPECT_EQ(m.patient.identifiers.at(0).value, "MRN448812");
  // The DiagnosticReport based on the ServiceRequest is one order: placer, filler, result status.
  ASSERT_EQ(m.orders.size(), 1u);
  EXPECT_EQ(m.orders[0].placer_order_number.value, "ORD-77120");
  EXPECT_EQ(m.orders[0].filler_order_number.value, "LAB-55120");
  EXPECT_EQ(m.orders[0].result_status.fhir, "final");
  EXPECT_EQ(m.orders[0].requested_time, "2026-11-20T06:54:00-05:00");
  // The Practitioner entry fills the orderer, the attending and the glucose's performer.
  EXPECT_EQ(m.orders[0].ordering_provider.identifier.value, "1234567893");
  EXPECT_EQ(m.encounter.attending.at(0).name.family, "Rivera");
  EXPECT_EQ(m.observations.at(0).performer->name.family, "Rivera");
  // A contained Practitioner is read in place.
  EXPECT_EQ(m.observations.at(1).performer->name.family, "Nguyen");
  // Results listed by the report, and the specimen requested by the order, belong to it.
  EXPECT_EQ(m.observations.at(0).order_index, 0u);
  EXPECT_EQ(m.observations.at(2).order_index, 0u);
  EXPECT_FALSE(m.observations.at(3).order_index.has_value());
  EXPECT_EQ(m.specimens.at(0).order_index, 0u);
  EXPECT_EQ(m.specimens.at(0).source_site.codings.at(0).code, "LACF");
  // Location chain (room partOf ward) from contained resources.
  EXPECT_EQ(m.encounter.location, (canonical::Location{"4W", "401", "", "CITYHOSP"}));
  EXPECT_EQ(m.encounter.patient_class, "I");
  // The Organization entry is the payer of the coverage and of the claim.
  EXPECT_EQ(m.coverages.at(0).payer.name, "Acme Health Plans");
  EXPECT_EQ(m.coverages.at(0).payer.address.city, "Hartford");
  EXPECT_EQ(m.claims.at(0).payer.identifier.value, "INS001");
  EXPECT_EQ(m.coverages.at(0).subscriber_name.given, (std::vector<std::string>{"Bertram"}));
  EXPECT_EQ(m.coverages.at(0).group_number, "GRP-7788");
  EXPECT_EQ(m.coverages.at(0).plan_id, "PPO-GOLD");
  // The ClaimResponse names its Claim by reference: it answers CLM-55013.
  EXPECT_EQ(m.claim_responses.at(0).claim_id, "CLM-55013");
  EXPECT_EQ(m.claim_responses.at(0).items.at(0).adjustments.at(0),
            (canonical::Adjustment{"CO", "45", "15.00"}));
  EXPECT_EQ(m.claim_responses.at(0).total_paid, "383.00");
}

TEST(FhirReader, ObservationValuesOfEachKind) {
  const canonical::Message m = readOk(data("bundle_rich_transaction.json")).message;
  EXPECT_EQ(m.observations.at(0).value.decimal, "182.0");
  EXPECT_EQ(m.observations.at(1).value_type, "CWE");
  EXPECT_EQ(m.observations.at(1).value.coded->codings.at(0).code, "3092008");
  EXPECT_EQ(m.observations.at(1).interpretations.at(0).v2, "AC");
  EXPECT_EQ(m.observations.at(2).value_type, "SN");
  EXPECT_EQ(*m.observations.at(2).value.structured_numeric,
            (canonical::StructuredNumeric{">", "160", "", ""}));
  EXPECT_EQ(m.observations.at(2).status, (canonical::StatusCode{"", "unknown"}));
  EXPECT_EQ(*m.observations.at(3).value.structured_numeric,
            (canonical::StructuredNumeric{"", "1", ":", "128"}));
  EXPECT_EQ(*m.observations.at(4).value.structured_numeric,
            (canonical::StructuredNumeric{"", "2", "-", "5"}));
  EXPECT_EQ(m.observations.at(4).status, (canonical::StatusCode{"A", "amended"}));
  EXPECT_EQ(m.observations.at(5).value_type, "")
      << "valueInteger has no canonical form: kept as an extension";
  EXPECT_EQ(*m.observations.at(6).value.text, "Fasting specimen & verified by tech | 2nd draw");
}

TEST(FhirReader, ImmunizationCoverageClaim) {
  const canonical::Message m = readOk(data("bundle_rich_transaction.json")).message;
  const canonical::Immunization& im = m.immunizations.at(0);
  EXPECT_EQ(im.vaccine_code.codings.at(0).code, "141");
  EXPECT_EQ(im.dose, "0.50");
  EXPECT_EQ(im.manufacturer, (canonical::Coding{"http://hl7.org/fhir/sid/mvx", "SKB", "GlaxoSmithKline"}));
  EXPECT_EQ(im.performer.identifier.value, "N-77");
  EXPECT_EQ(im.lot_number, "FL1234A");
  const canonical::Claim& c = m.claims.at(0);
  EXPECT_EQ(c.claim_id, "CLM-55013");
  EXPECT_EQ(c.items.at(0).unit_price, "410.00");
  EXPECT_EQ(c.currency, "USD");
  EXPECT_EQ(c.provider.identifier.value, "1992753880");
}

TEST(FhirReader, SingleClaimNamesItsPatientByIdentifier) {
  const canonical::Message m = readOk(data("claim.json")).message;
  ASSERT_EQ(m.claims.size(), 1u);
  const canonical::Claim& c = m.claims[0];
  EXPECT_EQ(c.claim_id, "clm-55013") << "a Claim without identifier is named by its id";
  EXPECT_EQ(c.type.code, "institutional");
  EXPECT_EQ(c.payer.name, "Acme Health Plans");
  EXPECT_EQ(c.member.value, "GRP-7788-001");
  EXPECT_EQ(c.total, "506.50");
  EXPECT_EQ(c.items.at(1).net, "96.50");
  EXPECT_EQ(c.diagnoses.at(0).code.codings.at(0).code, "J18.9");
  EXPECT_EQ(m.patient.identifiers.at(0).value, "MRN448813");
}

TEST(FhirReader, OperationOutcomeIssuesAreReturnedAsOutcome) {
  const ReadResult r = readOk(data("operation_outcome.json"));
  ASSERT_EQ(r.outcome.size(), 2u);
  EXPECT_EQ(r.outcome[0].severity, Severity::Error);
  EXPECT_EQ(r.outcome[0].expression, "Bundle.entry[1].resource.status");
  EXPECT_EQ(r.outcome[1].diagnostics, "Processed with warnings");
  ASSERT_EQ(r.message.extensions.size(), 1u) << "the resource itself is kept whole";
  EXPECT_EQ(r.message.extensions[0].path, "OperationOutcome");
}

TEST(FhirReader, ServiceRequestStatusGoesBackToTable0038) {
  const auto orc5 = [](const std::string& status) {
    const ReadResult r = read(R"({"resourceType":"ServiceRequest","status":")" + status +
                              R"(","intent":"order","subject":{"display":"x"},"code":{"text":"CBC"}})");
    EXPECT_TRUE(r.ok()) << status;
    return r.message.orders.empty() ? std::string("(no order)") : r.message.orders[0].order_status;
  };
  EXPECT_EQ(orc5("completed"), "CM");
  EXPECT_EQ(orc5("revoked"), "CA");
  EXPECT_EQ(orc5("active"), "IP");
  EXPECT_EQ(orc5("draft"), "") << "v2 has no code for it; the fidelity extension keeps it";
}

TEST(FhirReader, UnmappedResourceIsKeptWhole) {
  const ReadResult r = read(R"({"resourceType":"Practitioner","name":[{"family":"Rivera"}]})");
  EXPECT_TRUE(r.ok());
  ASSERT_EQ(r.message.extensions.size(), 1u);
  EXPECT_EQ(r.message.extensions[0].path, "Practitioner");
  EXPECT_EQ(r.message.extensions[0].raw, R"({"resourceType":"Practitioner","name":[{"family":"Rivera"}]})");
}

TEST(FhirReader, BatchAndCollectionBundles) {
  const ReadResult batch = readOk(data("bundle_batch.json"));
  EXPECT_EQ(batch.message.patient.names.at(0).family, "Batchperson");
  EXPECT_EQ(batch.message.observations.at(0).value.decimal, "70.5");
  const ReadResult collection = readOk(data("bundle_collection.json"));
  EXPECT_EQ(collection.message.observations.at(0).status, (canonical::StatusCode{"C", "corrected"}));
  EXPECT_EQ(collection.message.patient.sex, "male");
}

TEST(FhirReader, DanglingUrnReferenceIsAnErrorAtItsPath) {
  const ReadResult r =
      read(labBundleWith(R"("result": [{"reference": "urn:uuid:6a1c7d1e-0c4b-4c1e-9a51-1f0b8a7e0002"}])",
                         R"("result": [{"reference": "urn:uuid:00000000-0000-4000-8000-000000000000"}])"));
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(hasIssue(r, "not-found", "Bundle.entry[2].resource.result[0].reference")) << describe(r.issues);
}

TEST(FhirReader, DanglingRelativeReferenceIsAnError) {
  const ReadResult r =
      read(labBundleWith(R"("subject": {"reference": "urn:uuid:6a1c7d1e-0c4b-4c1e-9a51-1f0b8a7e0001"},
        "effectiveDateTime")",
                         R"("subject": {"reference": "Patient/nobody"},
        "effectiveDateTime")"));
  EXPECT_TRUE(hasIssue(r, "not-found", "Bundle.entry[1].resource.subject.reference")) << describe(r.issues);
}

TEST(FhirReader, AbsoluteAndConditionalReferencesMayPointOutsideTheBundle) {
  const ReadResult r =
      read(labBundleWith(R"("subject": {"reference": "urn:uuid:6a1c7d1e-0c4b-4c1e-9a51-1f0b8a7e0001"},
        "effectiveDateTime")",
                         R"("subject": {"reference": "https://other.example.org/fhir/Patient/9"},
        "effectiveDateTime")"));
  EXPECT_TRUE(r.ok()) << describe(r.issues);
}

TEST(FhirReader, DanglingContainedReferenceIsAnError) {
  const ReadResult r = read(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
                                 "performer":[{"reference":"#nobody"}]})");
  EXPECT_TRUE(hasIssue(r, "not-found", "Observation.performer[0].reference")) << describe(r.issues);
}

TEST(FhirReader, MalformedJsonIsAFatalIssueWithTheByteOffset) {
  const std::string json = R"({"resourceType": "Patient", "gender": })";
  const ReadResult r = read(json);
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].severity, Severity::Fatal);
  EXPECT_EQ(r.issues[0].code, "structure");
  EXPECT_EQ(r.issues[0].offset, json.find('}'));
  EXPECT_NE(r.issues[0].diagnostics.find("malformed JSON"), std::string::npos);
}

TEST(FhirReader, ByteOffsetCountsAByteOrderMark) {
  const ReadResult r = read("\xEF\xBB\xBF{\"resourceType\": \"Patient\",}");
  ASSERT_FALSE(r.issues.empty());
  EXPECT_EQ(r.issues[0].offset, 30u);
}

TEST(FhirReader, EmptyDocumentAndNonObjectAreFatal) {
  EXPECT_EQ(read("  \n").issues.at(0).severity, Severity::Fatal);
  const ReadResult array = read("[1, 2]");
  ASSERT_FALSE(array.ok());
  EXPECT_NE(array.issues[0].diagnostics.find("JSON object"), std::string::npos);
}

TEST(FhirReader, UnknownResourceTypeIsInvalid) {
  const ReadResult r = read(R"({"resourceType":"Patiënt","gender":"female"})");
  EXPECT_TRUE(hasIssue(r, "invalid", "Patiënt.resourceType")) << describe(r.issues);
  EXPECT_EQ(r.message.extensions.size(), 1u) << "kept whole, not lost";
}

TEST(FhirReader, MissingResourceTypeIsRequired) {
  const ReadResult r = read(R"({"gender":"female"})");
  EXPECT_TRUE(hasIssue(r, "required", "Resource")) << describe(r.issues);
}

TEST(FhirReader, InvalidPrimitivesAreReportedWithTheirPath) {
  const ReadResult r =
      read(R"({"resourceType":"Observation","id":"has space","status":"final","code":{"text":"x"},
        "effectiveDateTime":"2026-11-20T07:15","issued":"2026-11-20",
        "valueQuantity":{"value":"182","system":"http://unitsofmeasure .org"}})");
  EXPECT_TRUE(hasIssue(r, "value", "Observation.id"));
  EXPECT_TRUE(hasIssue(r, "value", "Observation.effectiveDateTime"));
  EXPECT_TRUE(hasIssue(r, "value", "Observation.issued"));
  EXPECT_TRUE(hasIssue(r, "structure", "Observation.valueQuantity.value"));
  EXPECT_TRUE(hasIssue(r, "value", "Observation.valueQuantity.system"));
  EXPECT_EQ(r.issues.size(), 5u) << describe(r.issues);
}

TEST(FhirReader, RequiredElementsOfEntriesAreNamed) {
  const ReadResult r = read(labBundleWith(R"("resourceType": "Observation",
        "status": "final",)",
                                          R"("resourceType": "Observation",)"));
  EXPECT_TRUE(hasIssue(r, "required", "Bundle.entry[1].resource.status")) << describe(r.issues);
}

TEST(FhirReader, TransactionEntriesNeedARequest) {
  const ReadResult r = read(labBundleWith(R"(,
      "request": {"method": "POST", "url": "Observation"})",
                                          ""));
  EXPECT_TRUE(hasIssue(r, "required", "Bundle.entry[1].request")) << describe(r.issues);
}

TEST(FhirReader, MessageBundleNeedsMessageHeaderFirst) {
  const ReadResult r = read(labBundleWith(R"("type": "transaction")", R"("type": "message")"));
  EXPECT_TRUE(hasIssue(r, "required", "Bundle.entry[0]")) << describe(r.issues);
}

TEST(FhirReader, FullUrlsMustBeUnique) {
  const ReadResult r = read(labBundleWith("urn:uuid:6a1c7d1e-0c4b-4c1e-9a51-1f0b8a7e0003",
                                          "urn:uuid:6a1c7d1e-0c4b-4c1e-9a51-1f0b8a7e0002"));
  EXPECT_TRUE(hasIssue(r, "invalid", "Bundle.entry[2].fullUrl")) << describe(r.issues);
}

TEST(FhirReader, EntryThatIsNotAnObjectIsSkippedWithAnError) {
  const ReadResult r = read(R"({"resourceType":"Bundle","type":"collection","entry":[42,
        {"resource":{"resourceType":"Patient","gender":"male"}}]})");
  EXPECT_TRUE(hasIssue(r, "structure", "Bundle.entry[0]")) << describe(r.issues);
  EXPECT_EQ(r.message.patient.sex, "male");
}

TEST(FhirReader, SecondPatientIsKeptWholeWithAWarning) {
  const ReadResult r = read(R"({"resourceType":"Bundle","type":"collection","entry":[
        {"fullUrl":"urn:uuid:11111111-1111-4111-8111-111111111111",
         "resource":{"resourceType":"Patient","gender":"male"}},
        {"fullUrl":"urn:uuid:22222222-2222-4222-8222-222222222222",
         "resource":{"resourceType":"Patient","gender":"female"}},
        {"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},
                     "subject":{"reference":"urn:uuid:22222222-2222-4222-8222-222222222222"}}}]})");
  EXPECT_TRUE(r.ok()) << describe(r.issues);
  EXPECT_EQ(r.message.patient.sex, "male");
  EXPECT_TRUE(hasIssue(r, "not-supported", "Bundle.entry[2].resource.subject.reference"))
      << describe(r.issues);
  bool kept = false;
  for (const auto& e : r.message.extensions)
    kept = kept || (e.path == "Bundle.entry[1]" && e.raw.find("female") != std::string::npos);
  EXPECT_TRUE(kept);
}

TEST(FhirReader, UnmappedElementsBecomeExtensionsNamedByFhirPath) {
  // Observation.bodySite is not in the model; Observation.category is.
  const ReadResult r = readOk(
      labBundleWith(R"("category": [)",
                    R"("bodySite": {"coding": [{"system": "http://snomed.info/sct", "code": "368209003"}]},
        "category": [)"));
  bool bodySite = false;
  for (const canonical::Extension& e : r.message.extensions) {
    EXPECT_EQ(e.format, "fhir");
    EXPECT_EQ(e.path.find(".category"), std::string::npos) << "category is modelled: " << e.path;
    if (e.path == "Bundle.entry[1].resource.bodySite") {
      bodySite = true;
      EXPECT_EQ(e.raw, R"({"coding":[{"system":"http://snomed.info/sct","code":"368209003"}]})");
    }
  }
  EXPECT_TRUE(bodySite);
  const ReadResult single =
      readOk(R"({"resourceType":"Patient","extension":[{"url":"urn:x","valueString":"y"}],
                                         "gender":"other"})");
  ASSERT_EQ(single.message.extensions.size(), 1u);
  EXPECT_EQ(single.message.extensions[0].path, "Patient.extension[0]");
}

}  // namespace
}  // namespace ferry::fhir

namespace ferry::fhir {
namespace {

TEST(FhirReader, BundleEntryMustBeAnArray) {
  const ReadResult r = read(R"({"resourceType":"Bundle","type":"collection","entry":{"resource":{}}})");
  bool found = false;
  for (const Issue& i : r.issues) found = found || (i.code == "structure" && i.expression == "Bundle.entry");
  EXPECT_TRUE(found) << describe(r.issues);
}

}  // namespace
}  // namespace ferry::fhir
