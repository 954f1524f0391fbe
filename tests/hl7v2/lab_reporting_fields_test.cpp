// The fields of the lab and national-reporting flows that HL7's v2-to-FHIR segment maps carry
// and most feeds leave empty (PID-6/15/24/25/29/30, OBR-31, OBX-17/23/24/25, SPM-17.2, SPM-18):
// read into the canonical model, written back at their positions, kept through the canonical
// JSON, and never left behind for the next message of a stream.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "engine/canonical/json_reader.h"
#include "engine/canonical/json_writer.h"
#include "parsers/hl7v2/canonical_writer.h"
#include "parsers/hl7v2/normalizer.h"
#include "tests/support/lab_reporting_message.h"
#include "tests/support/normalized_stream.h"

using namespace ferry;

namespace {

// The canonical message written as ORU^R01 and parsed back, as a receiver would read it.
hl7v2::Message writtenBack(const canonical::Message& m) {
  hl7v2::WriteOptions options;
  options.message_type = "ORU";
  options.trigger_event = "R01";
  auto bytes = hl7v2::writeV2(m, options);
  EXPECT_TRUE(bytes) << (bytes ? "" : bytes.error().describe());
  auto parsed = hl7v2::Message::parse(bytes ? *bytes : std::string());
  EXPECT_TRUE(parsed);
  return parsed ? std::move(*parsed) : hl7v2::Message();
}

class LabReportingFields : public ::testing::Test {
 protected:
  canonical::Message m = test::normalizedLabReport(test::kLabReporting);
};

TEST_F(LabReportingFields, PatientFieldsAreRead) {
  const canonical::Patient& p = m.patient;
  EXPECT_EQ(p.mothers_maiden_name.family, "Maidenname");
  EXPECT_EQ(p.mothers_maiden_name.given, std::vector<std::string>{"Clara"});
  ASSERT_EQ(p.language.codings.size(), 1u);
  EXPECT_EQ(p.language.codings[0].code, "eng");
  EXPECT_EQ(p.language.codings[0].display, "English");
  EXPECT_EQ(p.multiple_birth_indicator, "Y");
  EXPECT_EQ(p.birth_order, 2u);
  EXPECT_EQ(p.deceased_time, "2026-11-25T10:15:00-05:00");
  EXPECT_EQ(p.deceased_indicator, "Y");
}

TEST_F(LabReportingFields, OrderReasonsAreRead) {
  ASSERT_EQ(m.orders.size(), 1u);
  const auto& reasons = m.orders[0].reason_codes;
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_EQ(reasons[0].codings.at(0).code, "R05");
  EXPECT_EQ(reasons[1].codings.at(0).code, "Z20.822");
  EXPECT_EQ(reasons[1].codings.at(0).display, "Contact with and (suspected) exposure to COVID-19");
}

TEST_F(LabReportingFields, ObservationFieldsAreRead) {
  ASSERT_EQ(m.observations.size(), 1u);
  const canonical::Observation& o = m.observations[0];
  ASSERT_EQ(o.method->codings.size(), 1u);
  EXPECT_EQ(o.method->codings[0].code, "PCR");
  EXPECT_EQ(o.method->codings[0].display, "Polymerase chain reaction");
  EXPECT_EQ(o.performing_organization->name, "Northlab Reference Laboratory");
  EXPECT_EQ(o.performing_organization->identifier.value, "05D0987654");  // XON.10
  EXPECT_EQ(o.performing_organization->identifier.system, "CLIA");        // XON.6.1
  EXPECT_EQ(o.performing_organization->identifier.type, "XX");            // XON.7
  EXPECT_EQ(o.performing_organization->address.lines, std::vector<std::string>{"400 Lab Way"});
  EXPECT_EQ(o.performing_organization->address.postal_code, "62702");
  EXPECT_EQ(o.medical_director->identifier.value, "1234567893");
  EXPECT_EQ(o.medical_director->name.family, "Director");
  EXPECT_EQ(o.medical_director->name.prefix, "Dr");
  EXPECT_FALSE(o.performer.has_value());  // OBX-16 is empty: the director is not the observer
}

TEST_F(LabReportingFields, SpecimenFieldsAreRead) {
  ASSERT_EQ(m.specimens.size(), 1u);
  const canonical::Specimen& s = m.specimens[0];
  EXPECT_EQ(s.collection_time, "2026-11-20T07:15:00-05:00");
  EXPECT_EQ(s.collection_end_time, "2026-11-20T07:30:00-05:00");
  EXPECT_EQ(s.received_time, "2026-11-20T09:00:00-05:00");
}

TEST_F(LabReportingFields, WrittenBackAtTheirPositions) {
  const hl7v2::Message v2 = writtenBack(m);
  EXPECT_EQ(v2.get("PID-6"), "Maidenname^Clara");
  EXPECT_EQ(v2.get("PID-15"), "eng^English^ISO6392");
  EXPECT_EQ(v2.get("PID-24"), "Y");
  EXPECT_EQ(v2.get("PID-25"), "2");
  EXPECT_EQ(v2.get("PID-29"), "20261125101500-0500");
  EXPECT_EQ(v2.get("PID-30"), "Y");
  EXPECT_EQ(v2.get("OBR-31[1].1"), "R05");
  EXPECT_EQ(v2.get("OBR-31[2].1"), "Z20.822");
  EXPECT_EQ(v2.get("OBX-17.1"), "PCR");
  EXPECT_EQ(v2.get("OBX-23.1"), "Northlab Reference Laboratory");
  EXPECT_EQ(v2.get("OBX-23.6"), "CLIA");
  EXPECT_EQ(v2.get("OBX-23.7"), "XX");
  EXPECT_EQ(v2.get("OBX-23.10"), "05D0987654");
  EXPECT_EQ(v2.get("OBX-24.1"), "400 Lab Way");
  EXPECT_EQ(v2.get("OBX-24.5"), "62702");
  EXPECT_EQ(v2.get("OBX-25.1"), "1234567893");
  EXPECT_EQ(v2.get("OBX-25.2"), "Director");
  EXPECT_EQ(v2.get("OBX-16"), "");
  EXPECT_EQ(v2.get("SPM-17.1"), "20261120071500-0500");
  EXPECT_EQ(v2.get("SPM-17.2"), "20261120073000-0500");
  EXPECT_EQ(v2.get("SPM-18"), "20261120090000-0500");
}

TEST_F(LabReportingFields, WrittenBackAndReadAgainGiveTheSameFields) {
  hl7v2::Normalized again = hl7v2::normalize(writtenBack(m));
  const canonical::Message& r = again.message;
  EXPECT_EQ(r.patient.mothers_maiden_name, m.patient.mothers_maiden_name);
  EXPECT_EQ(r.patient.language, m.patient.language);
  EXPECT_EQ(r.patient.multiple_birth_indicator, m.patient.multiple_birth_indicator);
  EXPECT_EQ(r.patient.birth_order, m.patient.birth_order);
  EXPECT_EQ(r.patient.deceased_time, m.patient.deceased_time);
  EXPECT_EQ(r.patient.deceased_indicator, m.patient.deceased_indicator);
  EXPECT_EQ(r.orders.at(0).reason_codes, m.orders[0].reason_codes);
  EXPECT_EQ(r.observations.at(0).method, m.observations[0].method);
  EXPECT_EQ(r.observations.at(0).performing_organization, m.observations[0].performing_organization);
  EXPECT_EQ(r.observations.at(0).medical_director, m.observations[0].medical_director);
  EXPECT_EQ(r.specimens.at(0), m.specimens[0]);
}

TEST_F(LabReportingFields, CanonicalJsonRoundTripEqualsTheOriginal) {
  const std::string json = canonical::toJson(m);
  for (const char* member : {"\"mothersMaidenName\"", "\"language\"", "\"deceasedTime\"",
                             "\"deceasedIndicator\"", "\"multipleBirthIndicator\"", "\"birthOrder\":2",
                             "\"reasonCodes\"", "\"method\"", "\"performingOrganization\"",
                             "\"medicalDirector\"", "\"collectionEndTime\"", "\"receivedTime\""}) {
    EXPECT_NE(json.find(member), std::string::npos) << member;
  }
  const canonical::JsonReadResult back = canonical::fromJson(json);
  ASSERT_TRUE(back) << back.error;
  EXPECT_EQ(*back.message, m);
  EXPECT_EQ(canonical::toJson(*back.message), json);
}

TEST_F(LabReportingFields, AReusedResultKeepsNoneOfThemForTheNextPatient) {
  hl7v2::Message message;
  hl7v2::Normalized reused;
  ASSERT_TRUE(hl7v2::Message::parse(test::kLabReporting, message));
  hl7v2::normalize(message, reused);
  ASSERT_TRUE(reused.message.observations.at(0).performing_organization.has_value());
  ASSERT_TRUE(hl7v2::Message::parse(test::kLabReportingWithout, message));
  hl7v2::normalize(message, reused);
  const canonical::Message& r = reused.message;
  EXPECT_EQ(r.patient.mothers_maiden_name, canonical::HumanName{});
  EXPECT_EQ(r.patient.language, canonical::CodeableConcept{});
  EXPECT_TRUE(r.patient.multiple_birth_indicator.empty());
  EXPECT_FALSE(r.patient.birth_order.has_value());
  EXPECT_TRUE(r.patient.deceased_time.empty());
  EXPECT_TRUE(r.patient.deceased_indicator.empty());
  ASSERT_EQ(r.orders.size(), 1u);
  EXPECT_TRUE(r.orders[0].reason_codes.empty());
  ASSERT_EQ(r.observations.size(), 1u);
  EXPECT_FALSE(r.observations[0].method.has_value());
  EXPECT_FALSE(r.observations[0].performing_organization.has_value());
  EXPECT_FALSE(r.observations[0].medical_director.has_value());
  ASSERT_EQ(r.specimens.size(), 1u);
  EXPECT_TRUE(r.specimens[0].collection_end_time.empty());
  EXPECT_TRUE(r.specimens[0].received_time.empty());
  EXPECT_EQ(r, test::normalizedLabReport(test::kLabReportingWithout));
}

TEST(LabReportingFieldsInput, ABirthOrderThatIsNoWholeNumberIsAWarningAndKeptWhole) {
  std::string bytes = test::kLabReporting;
  bytes.replace(bytes.find("|Y|2|"), 5, "|Y|2nd|");
  auto parsed = hl7v2::Message::parse(bytes);
  ASSERT_TRUE(parsed);
  hl7v2::Normalized n = hl7v2::normalize(*parsed);
  EXPECT_TRUE(n.ok());
  EXPECT_FALSE(n.message.patient.birth_order.has_value());
  ASSERT_EQ(n.warnings.size(), 1u);
  EXPECT_NE(n.warnings[0].describe().find("birth order"), std::string::npos);
}

// A result of 17 to 22 fields reads OBX-17 only when it has one (readObx skips the reader
// otherwise); streamed over results with a method, an organization and a director, it empties
// them as a fresh normalization does.
TEST(LabReportingFieldsInput, AResultOfFewerThan23FieldsReadsOrEmptiesItsMethod) {
  const std::string head =
      "MSH|^~\\&|LAB|F|APP|F|20260101||ORU^R01^ORU_R01|1|P|2.5.1\r"
      "OBR|1|P1|F1|2345-7^Glucose^LN\r";
  const std::string with_method = "OBX|1|NM|2345-7^Glucose^LN||5||||||F|||20260101|||PCR^PCR^L\r";
  const std::string without_method =
      "OBX|1|NM|2345-7^Glucose^LN||5||||||F|||20260101|||||20260102\r";
  const std::string everything = "OBX|1|NM|2345-7^Glucose^LN||5||||||F|||20260101|||PCR^PCR^L"
                                 "||||||Northlab^L|400 Lab Way^^Springfield|1234567893^Lab^Dora\r";
  const hl7v2::Normalized read = test::normalizeAlone(head + with_method);
  ASSERT_EQ(read.message.observations.size(), 1u);
  ASSERT_TRUE(read.message.observations[0].method.has_value());
  EXPECT_EQ(read.message.observations[0].method->codings.at(0).code, "PCR");
  const hl7v2::Normalized none = test::normalizeAlone(head + without_method);
  ASSERT_EQ(none.message.observations.size(), 1u);
  EXPECT_FALSE(none.message.observations[0].method.has_value());
  EXPECT_EQ(none.message.observations[0].analysis_time, "2026-01-02");
  test::expectEachEqualsFresh({head + everything, head + without_method, head + with_method,
                               head + without_method, head + everything, head + with_method,
                               head + everything});
}

}  // namespace
