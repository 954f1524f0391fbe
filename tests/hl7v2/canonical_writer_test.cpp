#include "parsers/hl7v2/canonical_writer.h"

#include <gtest/gtest.h>

#include <optional>

#include "engine/canonical/json_writer.h"
#include "parsers/hl7v2/datatype_writer.h"
#include "parsers/hl7v2/normalizer.h"
#include "parsers/terminology/coding_systems.h"
#include "tests/support/files.h"

using namespace ferry;
using hl7v2::ErrorCode;
using hl7v2::WriteOptions;

namespace {

canonical::Message normalizeBytes(const std::string& bytes) {
  auto parsed = hl7v2::Message::parse(bytes);
  if (!parsed) {
    ADD_FAILURE() << parsed.error().describe();
    return {};
  }
  hl7v2::Normalized n = hl7v2::normalize(*parsed);
  if (!n.ok()) ADD_FAILURE() << n.errors[0].describe();
  return std::move(n.message);
}

canonical::Message normalizeSample(const std::string& name) {
  return normalizeBytes(test::sample("hl7v2/" + name));
}

WriteOptions as(std::string type, std::string event) {
  WriteOptions options;
  options.message_type = std::move(type);
  options.trigger_event = std::move(event);
  return options;
}

// The written bytes, or nullopt (and a test failure) when writing fails.
std::optional<std::string> written(const canonical::Message& m, const WriteOptions& options) {
  auto v2 = hl7v2::writeV2(m, options);
  if (!v2) {
    ADD_FAILURE() << v2.error().describe();
    return std::nullopt;
  }
  return std::move(*v2);
}

// The written message parsed back, so tests read fields the way a receiver would.
std::optional<hl7v2::Message> writtenAndParsed(const canonical::Message& m,
                                               const WriteOptions& options) {
  const auto bytes = written(m, options);
  if (!bytes) return std::nullopt;
  auto parsed = hl7v2::Message::parse(*bytes);
  if (!parsed) {
    ADD_FAILURE() << parsed.error().describe() << "\n" << *bytes;
    return std::nullopt;
  }
  return std::move(*parsed);
}

std::string segmentIds(const hl7v2::Message& m) {
  std::string ids;
  for (std::size_t i = 0; i < m.segmentCount(); ++i) {
    if (i > 0) ids += ' ';
    ids += m.segment(i).id();
  }
  return ids;
}

// The canonical JSON of one part of a message, so a failed comparison shows the values.
template <typename Part>
std::string jsonOf(const canonical::Message& m, Part canonical::Message::*part) {
  canonical::Message only;
  only.*part = m.*part;
  return canonical::toJson(only);
}

hl7v2::Error writeError(const canonical::Message& m, const WriteOptions& options) {
  auto v2 = hl7v2::writeV2(m, options);
  if (v2) {
    ADD_FAILURE() << "expected an error, got:\n" << *v2;
    return {};
  }
  return v2.error();
}

// A minimal ORU: one order with one numeric result.
canonical::Message oneResult() {
  canonical::Message m;
  m.patient.identifiers.push_back({"P1", "CITYHOSP", "MR"});
  m.orders.emplace_back().code.codings.push_back({"L", "GLU-P", "Glucose panel"});
  canonical::Observation& obs = m.observations.emplace_back();
  obs.code.codings.push_back({"http://loinc.org", "2345-7", "Glucose"});
  obs.value.decimal = "182";
  obs.order_index = 0;
  return m;
}

const std::string kAllDelimiters = "a|b^c~d\\e&f";

}  // namespace

// --- ORU^R01 from the lab result sample -------------------------------------------------------

TEST(CanonicalWriter, OruHeaderNamesTypeStructureAndVersion) {
  const auto out = writtenAndParsed(normalizeSample("oru_r01_lab_result.hl7"), as("ORU", "R01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->bytes().substr(0, 9), "MSH|^~\\&|");
  EXPECT_EQ(out->get("MSH-9"), "ORU^R01^ORU_R01");
  EXPECT_EQ(out->get("MSH-10"), "NL-000184211");
  EXPECT_EQ(out->get("MSH-11"), "P");
  EXPECT_EQ(out->get("MSH-12"), "2.5.1");
  EXPECT_EQ(out->get("MSH-7"), "20261120083015-0500");
  EXPECT_EQ(out->get("MSH-3"), "NORTHLAB");
  EXPECT_EQ(out->get("MSH-6"), "CITYHOSP");
  EXPECT_EQ(out->get("MSH-15"), "AL");
  EXPECT_EQ(out->get("MSH-18"), "");  // all text is ASCII
}

TEST(CanonicalWriter, OruSegmentsFollowTheOruR01Structure) {
  const auto out = writtenAndParsed(normalizeSample("oru_r01_lab_result.hl7"), as("ORU", "R01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(segmentIds(*out), "MSH PID PV1 ORC OBR OBX OBX OBX NTE SPM");
  EXPECT_EQ(out->bytes().back(), '\r');
  EXPECT_EQ(out->bytes().find('\n'), std::string::npos);
}

TEST(CanonicalWriter, OruPatientIdentifiersKeepAuthorityAndType) {
  const auto out = writtenAndParsed(normalizeSample("oru_r01_lab_result.hl7"), as("ORU", "R01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("PID-3[1]"), "MRN448812^^^CITYHOSP^MR");
  EXPECT_EQ(out->get("PID-3[2].1"), "990-22-1234");
  EXPECT_EQ(out->get("PID-3[2].4"), "USSSA");  // http://hl7.org/fhir/sid/us-ssn back to its authority
  EXPECT_EQ(out->get("PID-3[2].5"), "SS");
}

TEST(CanonicalWriter, OruPatientNameBirthDateAndSex) {
  const auto out = writtenAndParsed(normalizeSample("oru_r01_lab_result.hl7"), as("ORU", "R01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("PID-5"), "Testperson^Adaline^Q^^^^L");  // "official" back to table 0200 L
  EXPECT_EQ(out->get("PID-7"), "19720314");
  EXPECT_EQ(out->get("PID-8"), "F");
}

TEST(CanonicalWriter, OruPatientAddressPhoneAndRace) {
  const auto out = writtenAndParsed(normalizeSample("oru_r01_lab_result.hl7"), as("ORU", "R01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("PID-11"), "118 Elm Street^Apt 4^Springfield^IL^62701^USA^H");
  // "+1 (217) 555-0123" goes back to XTN country, area and local number.
  EXPECT_EQ(out->get("PID-13"), "^PRN^PH^^1^217^5550123");
  EXPECT_EQ(out->get("PID-10"), "2106-3^White^CDCREC");
  EXPECT_EQ(out->get("PID-18"), "ACCT55012");
}

TEST(CanonicalWriter, OruGlucoseObservation) {
  const auto out = writtenAndParsed(normalizeSample("oru_r01_lab_result.hl7"), as("ORU", "R01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("OBX-1"), "1");
  EXPECT_EQ(out->get("OBX-2"), "NM");
  EXPECT_EQ(out->get("OBX-3"), "GLU^Glucose^L^2345-7^Glucose [Mass/volume] in Serum or Plasma^LN");
  EXPECT_EQ(out->get("OBX-3.6"), "LN");  // http://loinc.org back to its v2 id
  EXPECT_EQ(out->get("OBX-5"), "182");
  EXPECT_EQ(out->get("OBX-6"), "mg/dL^mg/dL^UCUM");
  EXPECT_EQ(out->get("OBX-7"), "70-99");
  EXPECT_EQ(out->get("OBX-8"), "H");
  EXPECT_EQ(out->get("OBX-11"), "F");
  EXPECT_EQ(out->get("OBX-14"), "20261120071500-0500");
  EXPECT_EQ(out->get("OBX-19"), "20261120082500-0500");
}

TEST(CanonicalWriter, OruEscapedTextReadsBack) {
  const auto out = writtenAndParsed(normalizeSample("oru_r01_lab_result.hl7"), as("ORU", "R01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("OBX[3]-2"), "ST");
  EXPECT_EQ(out->get("OBX[3]-5"), "Fasting specimen & verified by tech | 2nd draw");
  EXPECT_NE(out->bytes().find("Fasting specimen \\T\\ verified by tech \\F\\ 2nd draw"),
            std::string::npos);
}

TEST(CanonicalWriter, OruNoteFollowsItsObservation) {
  const auto out = writtenAndParsed(normalizeSample("oru_r01_lab_result.hl7"), as("ORU", "R01"));
  ASSERT_TRUE(out);
  const std::size_t nte = out->findSegment("NTE");
  ASSERT_LT(nte, out->segmentCount());
  EXPECT_EQ(nte, out->findSegment("OBX", 3) + 1);
  EXPECT_EQ(out->get("NTE-1"), "1");
  EXPECT_EQ(out->get("NTE-2"), "L");
  EXPECT_EQ(out->get("NTE-3"), "Patient reports fasting since 22:00 ^ no medications.");
}

TEST(CanonicalWriter, OruOrderControlNumbersAndStatus) {
  const auto out = writtenAndParsed(normalizeSample("oru_r01_lab_result.hl7"), as("ORU", "R01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("ORC-1"), "RE");
  EXPECT_EQ(out->get("ORC-5"), "CM");
  EXPECT_EQ(out->get("OBR-2"), "ORD-77120^HOSPORD");
  EXPECT_EQ(out->get("OBR-3"), "LAB-55120^NORTHLAB");
  EXPECT_EQ(out->get("OBR-4"), "GLU-P^Glucose panel^L");
  EXPECT_EQ(out->get("OBR-7"), "20261120071500-0500");
  EXPECT_EQ(out->get("OBR-16"), "1234567893^Rivera^Marco^^^Dr^^^NPI");  // us-npi back to NPI
  EXPECT_EQ(out->get("OBR-22"), "20261120082900-0500");
  EXPECT_EQ(out->get("OBR-25"), "F");
}

TEST(CanonicalWriter, OruSpecimen) {
  const auto out = writtenAndParsed(normalizeSample("oru_r01_lab_result.hl7"), as("ORU", "R01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("SPM-2.1.1"), "SP-99812");
  EXPECT_EQ(out->get("SPM-2.1.2"), "NORTHLAB");
  EXPECT_EQ(out->get("SPM-4"), "119297000^Blood specimen^SCT");
  EXPECT_EQ(out->get("SPM-17"), "20261120071500-0500");
}

// normalize(writeV2(normalize(x))) == normalize(x). The ORU sample round-trips whole: nothing it
// carries is outside the canonical model except MSH-4.2/4.3 and MSH-21, which the model does not
// hold in the first place.
TEST(CanonicalWriter, OruRoundTripKeepsPatientAndObservations) {
  const canonical::Message first = normalizeSample("oru_r01_lab_result.hl7");
  const auto bytes = written(first, as("ORU", "R01"));
  ASSERT_TRUE(bytes);
  const canonical::Message second = normalizeBytes(*bytes);
  EXPECT_EQ(jsonOf(second, &canonical::Message::patient), jsonOf(first, &canonical::Message::patient));
  EXPECT_EQ(jsonOf(second, &canonical::Message::observations),
            jsonOf(first, &canonical::Message::observations));
  EXPECT_EQ(canonical::toJson(second), canonical::toJson(first));
}

TEST(CanonicalWriter, MessageTypeDefaultsToTheHeaders) {
  const auto out = writtenAndParsed(normalizeSample("oru_r01_lab_result.hl7"), {});
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("MSH-9"), "ORU^R01^ORU_R01");
}

// --- ADT^A01 from the admission sample --------------------------------------------------------

TEST(CanonicalWriter, AdtSegmentsFollowTheAdtA01Structure) {
  const auto out = writtenAndParsed(normalizeSample("adt_a01_admit.hl7"), as("ADT", "A01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(segmentIds(*out), "MSH EVN PID PV1 IN1 ZPV");
  EXPECT_EQ(out->get("MSH-9"), "ADT^A01^ADT_A01");
  EXPECT_EQ(out->get("MSH-12"), "2.5.1");  // the sample is v2.3; the writer writes 2.5.1
  EXPECT_EQ(out->get("MSH-7"), "202611191422");  // minute precision kept
  EXPECT_EQ(out->get("EVN-1"), "A01");
  EXPECT_EQ(out->get("EVN-2"), "202611191422");
}

TEST(CanonicalWriter, AdtPatient) {
  const auto out = writtenAndParsed(normalizeSample("adt_a01_admit.hl7"), as("ADT", "A01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("PID-3"), "MRN448813^^^CITYHOSP^MR");
  EXPECT_EQ(out->get("PID-5"), "Samplename^Bertram^J");
  EXPECT_EQ(out->get("PID-7"), "19580102");
  EXPECT_EQ(out->get("PID-8"), "M");
  EXPECT_EQ(out->get("PID-11"), "44 Oak Road^^Springfield^IL^62702");
  // A number not in the split form stays whole in XTN.1.
  EXPECT_EQ(out->get("PID-13"), "(217)555-0199^PRN^PH");
  EXPECT_EQ(out->get("PID-16"), "M");
  EXPECT_EQ(out->get("PID-18"), "ACCT55013");
}

TEST(CanonicalWriter, AdtVisit) {
  const auto out = writtenAndParsed(normalizeSample("adt_a01_admit.hl7"), as("ADT", "A01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("PV1-2"), "I");
  EXPECT_EQ(out->get("PV1-3"), "4W^412^B^CITYHOSP");
  EXPECT_EQ(out->get("PV1-7"), "2233445566^Okafor^Ngozi^^^Dr");
  EXPECT_EQ(out->get("PV1-17"), "2233445566^Okafor^Ngozi^^^Dr");
  EXPECT_EQ(out->get("PV1-44"), "202611191400");
}

TEST(CanonicalWriter, AdtInsurance) {
  const auto out = writtenAndParsed(normalizeSample("adt_a01_admit.hl7"), as("ADT", "A01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("IN1-1"), "1");
  EXPECT_EQ(out->get("IN1-2"), "PPO-GOLD");
  EXPECT_EQ(out->get("IN1-3"), "INS001");
  EXPECT_EQ(out->get("IN1-4"), "Acme Health Plans");
  EXPECT_EQ(out->get("IN1-5"), "PO Box 100^^Hartford^CT^06101");
  EXPECT_EQ(out->get("IN1-9"), "GRP-7788");
  EXPECT_EQ(out->get("IN1-12"), "20260101");
  EXPECT_EQ(out->get("IN1-13"), "20261231");
  EXPECT_EQ(out->get("IN1-16"), "Samplename^Bertram^J");
  EXPECT_EQ(out->get("IN1-17"), "SEL");  // "self" back through table 0063
}

TEST(CanonicalWriter, AdtZSegmentWrittenBackWholeAtTheEnd) {
  const auto out = writtenAndParsed(normalizeSample("adt_a01_admit.hl7"), as("ADT", "A01"));
  ASSERT_TRUE(out);
  const hl7v2::Segment last = out->segment(out->segmentCount() - 1);
  EXPECT_EQ(last.raw(), "ZPV|VIP^N|Preferred language^ENG");
}

// The visit, patient, coverage and Z-segment come back unchanged. The header does not: the
// writer writes v2.5.1 with structure ADT_A01 where the sample was v2.3 without a structure.
TEST(CanonicalWriter, AdtRoundTripKeepsPatientVisitCoverageAndExtensions) {
  const canonical::Message first = normalizeSample("adt_a01_admit.hl7");
  const auto bytes = written(first, as("ADT", "A01"));
  ASSERT_TRUE(bytes);
  const canonical::Message second = normalizeBytes(*bytes);
  EXPECT_EQ(jsonOf(second, &canonical::Message::patient), jsonOf(first, &canonical::Message::patient));
  EXPECT_EQ(jsonOf(second, &canonical::Message::encounter),
            jsonOf(first, &canonical::Message::encounter));
  EXPECT_EQ(jsonOf(second, &canonical::Message::coverages),
            jsonOf(first, &canonical::Message::coverages));
  EXPECT_EQ(jsonOf(second, &canonical::Message::extensions),
            jsonOf(first, &canonical::Message::extensions));
  EXPECT_EQ(second.header.version, "2.5.1");
  EXPECT_EQ(second.header.message_structure, "ADT_A01");
}

TEST(CanonicalWriter, AdtA08FromALabResultCarriesNoOrders) {
  const auto out = writtenAndParsed(normalizeSample("oru_r01_lab_result.hl7"), as("ADT", "A08"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("MSH-9"), "ADT^A08^ADT_A01");
  EXPECT_EQ(segmentIds(*out), "MSH EVN PID PV1");
  EXPECT_EQ(out->get("PV1-2"), "O");
}

TEST(CanonicalWriter, AdtVisitWithoutClassIsUnknown) {
  canonical::Message m;
  m.patient.identifiers.push_back({"P1", "CITYHOSP", "MR"});
  const auto out = writtenAndParsed(m, as("ADT", "A08"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("PV1-2"), "U");  // PV1-2 is required
}

TEST(CanonicalWriter, AdtPatientClassFromFhirClass) {
  canonical::Message m;
  m.patient.identifiers.push_back({"P1", "CITYHOSP", "MR"});
  m.encounter.class_code = {"http://terminology.hl7.org/CodeSystem/v3-ActCode", "EMER", ""};
  const auto out = writtenAndParsed(m, as("ADT", "A01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("PV1-2"), "E");
}

TEST(CanonicalWriter, AdtVisitNumberDischargeAndMemberId) {
  canonical::Message m;
  m.patient.identifiers.push_back({"P1", "CITYHOSP", "MR"});
  m.encounter.patient_class = "I";
  m.encounter.visit_number = {"V-9", "CITYHOSP", "VN"};
  m.encounter.discharge_time = "2026-11-22T10:15";
  m.coverages.emplace_back().member_id = "MEM-1";
  const auto out = writtenAndParsed(m, as("ADT", "A08"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("PV1-19"), "V-9^^^CITYHOSP^VN");
  EXPECT_EQ(out->get("PV1-45"), "202611221015");
  EXPECT_EQ(out->get("IN1-36"), "MEM-1");
}

TEST(CanonicalWriter, WorkContactsGoToPid14AndEmailToXtn4) {
  canonical::Message m = oneResult();
  // PID-13 comes before PID-14, so reading back puts the home-side numbers first.
  m.patient.telecom.push_back({"phone", "+1 (217) 555-0199 x12", "mobile"});
  m.patient.telecom.push_back({"email", "ann@example.org", "work"});
  const auto out = writtenAndParsed(m, as("ORU", "R01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("PID-14"), "^NET^Internet^ann@example.org");
  EXPECT_EQ(out->get("PID-13"), "^PRS^PH^^1^217^5550199^12");
  const canonical::Message back = normalizeBytes(out->bytes());
  EXPECT_EQ(jsonOf(back, &canonical::Message::patient), jsonOf(m, &canonical::Message::patient));
}

// --- Values the FHIR way: codes and types written back through the tables ---------------------

TEST(CanonicalWriter, FhirCodesGoBackThroughTheConceptMaps) {
  canonical::Message m = oneResult();
  m.patient.sex = "other";
  m.patient.names.push_back({"Doe", {"Jane"}, "", "", "maiden"});
  m.observations[0].interpretations.push_back({"", {"", "HH", ""}});
  m.observations[0].status.fhir = "corrected";
  m.orders[0].result_status.fhir = "preliminary";
  const auto out = writtenAndParsed(m, as("ORU", "R01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("PID-8"), "O");
  EXPECT_EQ(out->get("PID-5.7"), "M");
  EXPECT_EQ(out->get("OBX-8"), "HH");
  EXPECT_EQ(out->get("OBX-11"), "C");
  EXPECT_EQ(out->get("OBR-25"), "P");
}

TEST(CanonicalWriter, NumericValueKeepsItsDecimalText) {
  canonical::Message m = oneResult();
  m.observations[0].value.decimal = "8.10";
  m.observations[0].value.number = 8.1;
  const auto out = writtenAndParsed(m, as("ORU", "R01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("OBX-2"), "NM");  // inferred: the value has no data type
  EXPECT_EQ(out->get("OBX-5"), "8.10");
}

TEST(CanonicalWriter, NumberWithoutDecimalTextIsWrittenShortest) {
  canonical::Message m = oneResult();
  m.observations[0].value.decimal.clear();
  m.observations[0].value.number = 5.5;
  m.observations[0].reference_range.low = 3.9;
  m.observations[0].reference_range.high = 6.1;
  const auto out = writtenAndParsed(m, as("ORU", "R01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("OBX-5"), "5.5");
  EXPECT_EQ(out->get("OBX-7"), "3.9-6.1");
}

TEST(CanonicalWriter, DateTimesKeepPrecisionAndOffset) {
  canonical::Message m = oneResult();
  m.patient.birth_date = "1972-03";
  m.observations[0].observation_time = "2026-11-20T08:30:15.1234+01:00";
  m.observations[0].analysis_time = "2026-11-20T08:30Z";
  const auto out = writtenAndParsed(m, as("ORU", "R01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("PID-7"), "197203");
  EXPECT_EQ(out->get("OBX-14"), "20261120083015.1234+0100");
  EXPECT_EQ(out->get("OBX-19"), "202611200830+0000");
}

TEST(CanonicalWriter, TextLinesBecomeRepetitions) {
  canonical::Message m = oneResult();
  m.observations[0].value_type = "TX";
  m.observations[0].value.text = "line one\nline two";
  m.notes.push_back({"first\nsecond", "L", {}, std::nullopt, 0u});
  const auto out = writtenAndParsed(m, as("ORU", "R01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("OBX-5[1]"), "line one");
  EXPECT_EQ(out->get("OBX-5[2]"), "line two");
  EXPECT_EQ(out->get("NTE-3[1]"), "first");
  EXPECT_EQ(out->get("NTE-3[2]"), "second");
}

TEST(CanonicalWriter, StructuredNumericComponents) {
  canonical::Message m = oneResult();
  m.observations[0].value_type = "SN";
  m.observations[0].value.structured_numeric = {"", "1", ":", "128"};
  const auto out = writtenAndParsed(m, as("ORU", "R01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("OBX-5"), "^1^:^128");
}

TEST(CanonicalWriter, CodedAndDateValues) {
  canonical::Message m = oneResult();
  m.observations[0].value_type = "CWE";
  m.observations[0].value.coded.mut().codings.push_back({"http://snomed.info/sct", "260373001", "Detected"});
  canonical::Observation& date = m.observations.emplace_back();
  date.value_type = "DT";
  date.value.date_time = "2026-11-01";
  date.order_index = 0;
  const auto out = writtenAndParsed(m, as("ORU", "R01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("OBX-5"), "260373001^Detected^SCT");
  EXPECT_EQ(out->get("OBX[2]-1"), "2");
  EXPECT_EQ(out->get("OBX[2]-5"), "20261101");
}

TEST(CanonicalWriter, OrderNotesFollowTheOrder) {
  canonical::Message m = oneResult();
  m.notes.push_back({"about the order", "", {}, 0u, std::nullopt});
  const auto out = writtenAndParsed(m, as("ORU", "R01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(segmentIds(*out), "MSH PID OBR NTE OBX");  // no order control: no ORC
}

TEST(CanonicalWriter, AssigningAuthorityIsTheReverseOfIdentifierSystemUri) {
  for (std::string_view authority : {"NPI", "USSSA"}) {
    const std::string_view uri = terminology::identifierSystemUri(authority);
    EXPECT_EQ(hl7v2::assigningAuthority(uri), authority);
  }
  EXPECT_EQ(hl7v2::assigningAuthority("CITYHOSP"), "CITYHOSP");
}

// --- Header choices ---------------------------------------------------------------------------

TEST(CanonicalWriter, OptionsOverrideTheHeader) {
  WriteOptions options = as("ORU", "R01");
  options.sending_application = "FERRY";
  options.sending_facility = "HUB";
  options.receiving_application = "EHR";
  options.receiving_facility = "CLINIC";
  options.control_id = "OUT-1";
  options.message_datetime = "2026-12-01T10:00:00-05:00";
  const auto out = writtenAndParsed(normalizeSample("oru_r01_lab_result.hl7"), options);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("MSH-3"), "FERRY");
  EXPECT_EQ(out->get("MSH-4"), "HUB");
  EXPECT_EQ(out->get("MSH-5"), "EHR");
  EXPECT_EQ(out->get("MSH-6"), "CLINIC");
  EXPECT_EQ(out->get("MSH-10"), "OUT-1");
  EXPECT_EQ(out->get("MSH-7"), "20261201100000-0500");
}

TEST(CanonicalWriter, ControlIdAndTimestampAreGeneratedWhenAbsent) {
  const canonical::Message m = oneResult();  // a header with nothing in it
  const auto a = writtenAndParsed(m, as("ORU", "R01"));
  const auto b = writtenAndParsed(m, as("ORU", "R01"));
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(a->get("MSH-10").empty());
  EXPECT_LE(a->get("MSH-10").size(), 20u);  // MSH-10 length in v2.5.1
  EXPECT_NE(a->get("MSH-10"), b->get("MSH-10"));
  const std::string dtm = a->get("MSH-7");
  ASSERT_EQ(dtm.size(), 19u);
  EXPECT_EQ(dtm.substr(14), "+0000");
  EXPECT_EQ(a->get("MSH-11"), "P");
}

TEST(CanonicalWriter, NonAsciiTextDeclaresUtf8) {
  canonical::Message m = oneResult();
  m.patient.names.push_back({"M\xc3\xbcller", {"J\xc3\xb6rg"}, "", "", ""});
  const auto out = writtenAndParsed(m, as("ORU", "R01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->get("MSH-18"), "UNICODE UTF-8");
  EXPECT_EQ(normalizeBytes(out->bytes()).patient.names[0].family, "M\xc3\xbcller");
}

// --- Escaping ---------------------------------------------------------------------------------

TEST(CanonicalWriter, EveryDelimiterIsEscapedAndReadsBack) {
  canonical::Message m = oneResult();
  m.patient.identifiers[0].value = kAllDelimiters;
  m.patient.names.push_back({kAllDelimiters, {kAllDelimiters}, "", "", ""});
  m.observations[0].value_type = "ST";
  m.observations[0].value.text = kAllDelimiters;
  m.observations[0].code.codings[0].display = kAllDelimiters;
  m.notes.push_back({kAllDelimiters, "", {}, std::nullopt, 0u});
  const auto out = writtenAndParsed(m, as("ORU", "R01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(segmentIds(*out), "MSH PID OBR OBX NTE");  // no delimiter leaked into the structure
  EXPECT_EQ(out->get("PID-3.1"), kAllDelimiters);
  EXPECT_EQ(out->get("PID-5.1"), kAllDelimiters);
  EXPECT_EQ(out->get("PID-5.2"), kAllDelimiters);
  EXPECT_EQ(out->get("OBX-3.2"), kAllDelimiters);
  EXPECT_EQ(out->get("OBX-5"), kAllDelimiters);
  EXPECT_EQ(out->get("NTE-3"), kAllDelimiters);
  EXPECT_NE(out->bytes().find("a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f"), std::string::npos);
}

TEST(CanonicalWriter, EscapedValuesSurviveNormalizingAgain) {
  canonical::Message m = oneResult();
  m.observations[0].value_type = "ST";
  m.observations[0].value.text = kAllDelimiters;
  m.patient.names.push_back({kAllDelimiters, {"Ann"}, "", "", ""});
  const auto bytes = written(m, as("ORU", "R01"));
  ASSERT_TRUE(bytes);
  const canonical::Message back = normalizeBytes(*bytes);
  ASSERT_EQ(back.observations.size(), 1u);
  EXPECT_EQ(*back.observations[0].value.text, kAllDelimiters);
  EXPECT_EQ(back.patient.names[0].family, kAllDelimiters);
}

TEST(CanonicalWriter, SegmentTerminatorInTextCannotStartASegment) {
  canonical::Message m = oneResult();
  m.observations[0].value_type = "ST";
  m.observations[0].value.text = "one\rPID|forged";
  const auto out = writtenAndParsed(m, as("ORU", "R01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->countSegments("PID"), 1);
  EXPECT_EQ(out->get("OBX-5"), "one\rPID|forged");
}

// --- Errors -----------------------------------------------------------------------------------

TEST(CanonicalWriter, OruWithoutObservationsIsAnError) {
  canonical::Message m = oneResult();
  m.observations.clear();
  const hl7v2::Error e = writeError(m, as("ORU", "R01"));
  EXPECT_EQ(e.code, ErrorCode::SegmentSequence);
  EXPECT_NE(e.text.find("at least one observation"), std::string::npos) << e.text;
}

TEST(CanonicalWriter, OruObservationWithoutOrderIsAnError) {
  canonical::Message m = oneResult();
  m.observations[0].order_index.reset();
  const hl7v2::Error e = writeError(m, as("ORU", "R01"));
  EXPECT_EQ(e.segment, "OBR");
  EXPECT_NE(e.text.find("observation 1 belongs to no order"), std::string::npos) << e.text;
}

TEST(CanonicalWriter, UnsupportedMessageTypeIsAnError) {
  const hl7v2::Error e = writeError(oneResult(), as("VXU", "V04"));
  EXPECT_EQ(e.code, ErrorCode::UnsupportedMessageType);
  EXPECT_EQ(e.field, 9);
  EXPECT_NE(e.text.find("cannot write VXU^V04"), std::string::npos) << e.text;
}

TEST(CanonicalWriter, UnsupportedEventIsAnError) {
  const hl7v2::Error e = writeError(oneResult(), as("ADT", "A04"));
  EXPECT_EQ(e.code, ErrorCode::UnsupportedEventCode);
}

TEST(CanonicalWriter, NoMessageTypeIsAnError) {
  const hl7v2::Error e = writeError(oneResult(), {});
  EXPECT_EQ(e.code, ErrorCode::UnsupportedMessageType);
  EXPECT_NE(e.text.find("no message type"), std::string::npos) << e.text;
}

TEST(CanonicalWriter, AdtWithoutPatientIdentifierIsAnError) {
  canonical::Message m = oneResult();
  m.patient.identifiers.clear();
  const hl7v2::Error e = writeError(m, as("ADT", "A01"));
  EXPECT_EQ(e.code, ErrorCode::RequiredFieldMissing);
  EXPECT_EQ(e.segment, "PID");
  EXPECT_EQ(e.field, 3);
}

TEST(CanonicalWriter, DateThatIsNotIsoIsAnErrorNamingSegmentAndField) {
  canonical::Message m = oneResult();
  m.patient.birth_date = "1972-13-01";
  const hl7v2::Error e = writeError(m, as("ORU", "R01"));
  EXPECT_EQ(e.code, ErrorCode::DataType);
  EXPECT_EQ(e.segment, "PID");
  EXPECT_EQ(e.segment_sequence, 2);
  EXPECT_EQ(e.field, 7);
  EXPECT_NE(e.text.find("'1972-13-01'"), std::string::npos) << e.text;
}

TEST(CanonicalWriter, SexOutsideAdministrativeGenderIsAnError) {
  canonical::Message m = oneResult();
  m.patient.sex = "X";
  const hl7v2::Error e = writeError(m, as("ORU", "R01"));
  EXPECT_EQ(e.code, ErrorCode::TableValueNotFound);
  EXPECT_EQ(e.field, 8);
}

TEST(CanonicalWriter, LinkToAMissingOrderIsAnError) {
  canonical::Message m = oneResult();
  m.observations[0].order_index = 3;
  const hl7v2::Error e = writeError(m, as("ORU", "R01"));
  EXPECT_NE(e.text.find("order_index 3"), std::string::npos) << e.text;
}

TEST(CanonicalWriter, ExtensionHoldingMoreThanOneSegmentIsAnError) {
  canonical::Message m = oneResult();
  m.extensions.push_back({"ZPV", "hl7v2", "ZPV|a\rPID|forged"});
  const hl7v2::Error e = writeError(m, as("ORU", "R01"));
  EXPECT_EQ(e.segment, "ZPV");
}

TEST(CanonicalWriter, FieldExtensionsAreNotWrittenAsSegments) {
  canonical::Message m = oneResult();
  m.extensions.push_back({"RXA-16", "hl7v2", "FL1234A"});
  m.extensions.push_back({"ZPV", "fhir", "{}"});
  const auto out = writtenAndParsed(m, as("ORU", "R01"));
  ASSERT_TRUE(out);
  EXPECT_EQ(segmentIds(*out), "MSH PID OBR OBX");
}
