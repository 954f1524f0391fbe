#include "parsers/hl7v2/normalizer.h"

#include <gtest/gtest.h>

#include "tests/support/files.h"

using namespace ferry;
using hl7v2::ErrorCode;

namespace {

hl7v2::Normalized normalizeBytes(const std::string& bytes) {
  auto m = hl7v2::Message::parse(bytes);
  if (!m) {
    ADD_FAILURE() << m.error().describe();
    return {};
  }
  return hl7v2::normalize(*m);
}

hl7v2::Normalized normalizeSample(const std::string& name) {
  auto n = normalizeBytes(test::sample("hl7v2/" + name));
  EXPECT_TRUE(n.ok()) << name << ": " << (n.errors.empty() ? "" : n.errors[0].describe());
  return n;
}

}  // namespace

TEST(Normalizer, LabResultHeader) {
  const auto n = normalizeSample("oru_r01_lab_result.hl7");
  const auto& h = n.message.header;
  EXPECT_EQ(h.source_format, "hl7v2");
  EXPECT_EQ(h.message_type, "ORU");
  EXPECT_EQ(h.trigger_event, "R01");
  EXPECT_EQ(h.message_structure, "ORU_R01");
  EXPECT_EQ(h.control_id, "NL-000184211");
  EXPECT_EQ(h.version, "2.5.1");
  EXPECT_EQ(h.sending_application, "NORTHLAB");
  EXPECT_EQ(h.receiving_facility, "CITYHOSP");
  EXPECT_EQ(h.message_datetime, "2026-11-20T08:30:15-05:00");
  EXPECT_EQ(h.accept_ack_type, "AL");
  EXPECT_EQ(h.application_ack_type, "NE");
  EXPECT_TRUE(n.warnings.empty());
}

TEST(Normalizer, LabResultPatient) {
  const auto p = normalizeSample("oru_r01_lab_result.hl7").message.patient;
  ASSERT_EQ(p.identifiers.size(), 2u);
  EXPECT_EQ(p.identifiers[0].value, "MRN448812");
  EXPECT_EQ(p.identifiers[0].type, "MR");
  EXPECT_EQ(p.identifiers[0].system, "CITYHOSP");
  EXPECT_EQ(p.identifiers[1].type, "SS");
  EXPECT_EQ(p.identifiers[1].system, "http://hl7.org/fhir/sid/us-ssn");
  ASSERT_EQ(p.names.size(), 1u);
  EXPECT_EQ(p.names[0].family, "Testperson");
  EXPECT_EQ(p.names[0].given, (std::vector<std::string>{"Adaline", "Q"}));
  EXPECT_EQ(p.birth_date, "1972-03-14");
  EXPECT_EQ(p.sex, "female");
  ASSERT_EQ(p.addresses.size(), 1u);
  EXPECT_EQ(p.addresses[0].lines, (std::vector<std::string>{"118 Elm Street", "Apt 4"}));
  EXPECT_EQ(p.addresses[0].postal_code, "62701");
  ASSERT_EQ(p.telecom.size(), 1u);
  EXPECT_EQ(p.telecom[0].value, "+1 (217) 555-0123");
  EXPECT_EQ(p.telecom[0].system, "phone");
  EXPECT_EQ(p.telecom[0].use, "home");              // XTN.2 PRN through table 0201
  EXPECT_EQ(p.names[0].use, "official");            // XPN.7 L through table 0200
  EXPECT_EQ(p.addresses[0].use, "home");            // XAD.7 H through table 0190
  ASSERT_EQ(p.race.size(), 1u);
  EXPECT_EQ(p.race[0].code, "2106-3");
  EXPECT_EQ(p.account_number.value, "ACCT55012");
}

TEST(Normalizer, LabResultGlucoseObservation) {
  const auto m = normalizeSample("oru_r01_lab_result.hl7").message;
  ASSERT_EQ(m.observations.size(), 3u);
  const auto& glucose = m.observations[0];
  EXPECT_EQ(glucose.value_type, "NM");
  EXPECT_EQ(glucose.value.decimal, "182");
  ASSERT_TRUE(glucose.value.number);
  EXPECT_DOUBLE_EQ(*glucose.value.number, 182.0);
  EXPECT_EQ(glucose.units.code, "mg/dL");
  EXPECT_EQ(glucose.units.system, "http://unitsofmeasure.org");
  ASSERT_EQ(glucose.code.codings.size(), 2u);
  EXPECT_EQ(glucose.code.codings[0].code, "GLU");
  EXPECT_EQ(glucose.code.codings[1].system, "http://loinc.org");
  EXPECT_EQ(glucose.code.codings[1].code, "2345-7");
  ASSERT_EQ(glucose.interpretations.size(), 1u);
  EXPECT_EQ(glucose.interpretations[0].v2, "H");
  EXPECT_EQ(glucose.interpretations[0].fhir.code, "H");
  EXPECT_EQ(glucose.interpretations[0].fhir.system,
            "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation");
  // Every result repeats these URIs: they are shared, not copied (canonical::CodeSystem).
  EXPECT_TRUE(glucose.units.system.wellKnown());
  EXPECT_TRUE(glucose.code.codings[1].system.wellKnown());
  EXPECT_TRUE(glucose.interpretations[0].fhir.system.wellKnown());
  EXPECT_EQ(glucose.reference_range.text, "70-99");
  EXPECT_EQ(glucose.reference_range.low, 70.0);
  EXPECT_EQ(glucose.reference_range.high, 99.0);
  EXPECT_EQ(glucose.status.v2, "F");
  EXPECT_EQ(glucose.status.fhir, "final");
  EXPECT_EQ(glucose.observation_time, "2026-11-20T07:15:00-05:00");
  EXPECT_EQ(glucose.analysis_time, "2026-11-20T08:25:00-05:00");
  EXPECT_EQ(glucose.order_index, 0u);
}

TEST(Normalizer, LabResultTextCommentAndNote) {
  const auto m = normalizeSample("oru_r01_lab_result.hl7").message;
  EXPECT_EQ(m.observations[2].value_type, "ST");
  EXPECT_EQ(*m.observations[2].value.text, "Fasting specimen & verified by tech | 2nd draw");
  ASSERT_EQ(m.notes.size(), 1u);
  EXPECT_EQ(m.notes[0].text, "Patient reports fasting since 22:00 ^ no medications.");
  EXPECT_EQ(m.notes[0].observation_index, 2u);
}

TEST(Normalizer, LabResultOrderAndSpecimen) {
  const auto m = normalizeSample("oru_r01_lab_result.hl7").message;
  ASSERT_EQ(m.orders.size(), 1u);  // ORC and OBR describe one order
  const auto& o = m.orders[0];
  EXPECT_EQ(o.order_control, "RE");
  EXPECT_EQ(o.placer_order_number.value, "ORD-77120");
  EXPECT_EQ(o.filler_order_number.value, "LAB-55120");
  EXPECT_EQ(o.code.codings[0].code, "GLU-P");
  EXPECT_EQ(o.ordering_provider.identifier.value, "1234567893");
  EXPECT_EQ(o.ordering_provider.identifier.system, "http://hl7.org/fhir/sid/us-npi");
  EXPECT_EQ(o.result_status.fhir, "final");
  ASSERT_EQ(m.specimens.size(), 1u);
  EXPECT_EQ(m.specimens[0].identifier.value, "SP-99812");
  EXPECT_EQ(m.specimens[0].type.codings[0].code, "119297000");
  EXPECT_EQ(m.specimens[0].type.codings[0].system, "http://snomed.info/sct");
  EXPECT_EQ(m.specimens[0].collection_time, "2026-11-20T07:15:00-05:00");
}

TEST(Normalizer, AdmissionWithInsuranceAndZSegment) {
  const auto n = normalizeSample("adt_a01_admit.hl7");
  const auto& m = n.message;
  EXPECT_EQ(m.header.version, "2.3");
  EXPECT_EQ(m.header.message_datetime, "2026-11-19T14:22");  // minute precision kept
  EXPECT_EQ(m.patient.identifiers[0].value, "MRN448813");
  EXPECT_EQ(m.patient.sex, "male");
  EXPECT_EQ(m.patient.birth_date, "1958-01-02");
  EXPECT_EQ(m.encounter.patient_class, "I");
  EXPECT_EQ(m.encounter.class_code.code, "IMP");
  EXPECT_EQ(m.encounter.location.point_of_care, "4W");
  EXPECT_EQ(m.encounter.location.bed, "B");
  ASSERT_EQ(m.encounter.attending.size(), 1u);
  EXPECT_EQ(m.encounter.attending[0].name.family, "Okafor");
  EXPECT_EQ(m.encounter.admit_time, "2026-11-19T14:00");
  ASSERT_EQ(m.coverages.size(), 1u);
  const auto& c = m.coverages[0];
  EXPECT_EQ(c.plan_id, "PPO-GOLD");
  EXPECT_EQ(c.payer.identifier.value, "INS001");
  EXPECT_EQ(c.payer.name, "Acme Health Plans");
  EXPECT_EQ(c.payer.address.city, "Hartford");
  EXPECT_EQ(c.period_start, "2026-01-01");
  EXPECT_EQ(c.period_end, "2026-12-31");
  EXPECT_EQ(c.subscriber_name.family, "Samplename");
  EXPECT_EQ(c.relationship.code, "self");  // IN1-17 SEL through table 0063
  EXPECT_EQ(c.relationship.system, "http://terminology.hl7.org/CodeSystem/subscriber-relationship");
  ASSERT_EQ(m.extensions.size(), 1u);
  EXPECT_EQ(m.extensions[0].path, "ZPV");
  EXPECT_EQ(m.extensions[0].raw, "ZPV|VIP^N|Preferred language^ENG");
}

TEST(Normalizer, OrderMessage) {
  const auto m = normalizeSample("oml_o21_order.hl7").message;
  ASSERT_EQ(m.orders.size(), 1u);
  EXPECT_EQ(m.orders[0].order_control, "NW");
  EXPECT_EQ(m.orders[0].placer_order_number.value, "ORD-77120");
  EXPECT_EQ(m.orders[0].placer_order_number.system, "HOSPORD");
  EXPECT_EQ(m.orders[0].code.codings[0].display, "Glucose panel");
  EXPECT_EQ(m.orders[0].requested_time, "2026-11-20T06:54:00");
  EXPECT_EQ(m.patient.names[0].family, "Testperson");
}

TEST(Normalizer, ImmunizationReadsStandardPositions) {
  const auto n = normalizeSample("vxu_v04_immunization.hl7");
  const auto& m = n.message;
  ASSERT_EQ(m.immunizations.size(), 1u);
  const auto& imm = m.immunizations[0];
  EXPECT_EQ(imm.vaccine_code.codings[0].code, "141");
  EXPECT_EQ(imm.vaccine_code.codings[0].system, "http://hl7.org/fhir/sid/cvx");
  EXPECT_EQ(imm.administered_time, "2026-11-18T10:00:00-05:00");
  EXPECT_EQ(imm.dose, "0.5");
  EXPECT_EQ(imm.dose_unit.code, "mL");
  EXPECT_EQ(imm.route.codings[0].code, "C28161");
  EXPECT_EQ(imm.site.codings[0].code, "LD");
  EXPECT_EQ(imm.status, "completed");
  // The sample writes the lot number one field late (RXA-16, the expiration date's place):
  // the value is not a date, so it is a warning and kept whole as an extension.
  ASSERT_EQ(n.warnings.size(), 1u);
  EXPECT_EQ(n.warnings[0].segment, "RXA");
  EXPECT_EQ(n.warnings[0].field, 16);
  ASSERT_EQ(m.extensions.size(), 1u);
  EXPECT_EQ(m.extensions[0].path, "RXA-16");
  EXPECT_EQ(m.extensions[0].raw, "FL1234A");
}

TEST(Normalizer, BatchMessagesNormalizeOneByOne) {
  const std::string batch = test::sample("hl7v2/batch_elr.hl7");
  const std::size_t first = batch.find("MSH");
  const std::size_t second = batch.find("MSH", first + 1);
  const std::size_t end = batch.find("BTS");
  const auto a = normalizeBytes(batch.substr(first, second - first));
  const auto b = normalizeBytes(batch.substr(second, end - second));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a.message.observations[0].value.coded->codings[0].code, "260373001");
  EXPECT_EQ(b.message.observations[0].value.coded->codings[0].display, "Salmonella");
  EXPECT_EQ(b.message.observations[0].value.coded->codings[0].system, "http://snomed.info/sct");
}

TEST(Normalizer, UnsupportedMessageTypeIsCode200) {
  const auto n = normalizeBytes("MSH|^~\\&|A|B|C|D|20260101||MFN^M02|1|P|2.5\r");
  ASSERT_EQ(n.errors.size(), 1u);
  EXPECT_EQ(n.errors[0].code, ErrorCode::UnsupportedMessageType);
  EXPECT_EQ(n.errors[0].field, 9);
}

TEST(Normalizer, UnsupportedEventIsCode201) {
  const auto n = normalizeBytes("MSH|^~\\&|A|B|C|D|20260101||ORU^R99|1|P|2.5\r");
  ASSERT_EQ(n.errors.size(), 1u);
  EXPECT_EQ(n.errors[0].code, ErrorCode::UnsupportedEventCode);
}

// v2.1 MSH-9 is the message type alone; the event is EVN-1.
TEST(Normalizer, OldestVersionsTakeTheEventFromEvn1) {
  const auto n = normalizeBytes(
      "MSH|^~\\&|ADM|H|LAB|L|198912011200||ADT|C1|P|2.1\r"
      "EVN|A01|198912011200\r"
      "PID|||X1||Doe^Jane||19800101|F\r"
      "PV1||I\r");
  ASSERT_TRUE(n.ok()) << n.errors[0].describe();
  EXPECT_EQ(n.message.header.message_type, "ADT");
  EXPECT_EQ(n.message.header.trigger_event, "A01");
  EXPECT_EQ(n.message.patient.identifiers.at(0).value, "X1");
}

// The header's values are decoded when MSH-3 on holds the escape character, near the start or
// past the first 32 bytes, and read as written when only MSH-2 holds it.
TEST(Normalizer, HeaderValuesAfterMsh2AreDecoded) {
  const auto near = normalizeBytes(
      "MSH|^~\\&|NORTH\\T\\LAB|H|LAB|L|20261120||ADT^A01|C1|P|2.5.1\rEVN|A01\rPID|1||X||Doe\r"
      "PV1|1|I\r");
  EXPECT_EQ(near.message.header.sending_application, "NORTH&LAB");
  const auto far = normalizeBytes(
      "MSH|^~\\&|NORTHLAB|NORTHLABORATORIES|LAB|CITY\\S\\HOSPITAL|20261120||ADT^A01|C1|P|2.5.1\r"
      "EVN|A01\rPID|1||X||Doe\rPV1|1|I\r");
  EXPECT_EQ(far.message.header.receiving_facility, "CITY^HOSPITAL");
  const auto plain = normalizeBytes(
      "MSH|^~\\&|NORTHLAB|NORTHLABORATORIES|LAB|CITYHOSPITAL|20261120||ADT^A01|C1|P|2.5.1\r"
      "EVN|A01\rPID|1||X||Doe\rPV1|1|I\r");
  EXPECT_EQ(plain.message.header.receiving_facility, "CITYHOSPITAL");
}

// An event read from EVN-1 is canonical text like any other: bytes that are not UTF-8 are read
// as ISO 8859-1 (found by fuzzing: they reached the canonical JSON as they were).
TEST(Normalizer, EventFromEvn1IsUtf8) {
  const auto n = normalizeBytes(
      "MSH|^~\\&|ADM|H|LAB|L|198912011200||ADT|C1|P|2.1\r"
      "EVN|A0\xE9\xFF" "1|198912011200\r"
      "PID|||X1||Doe^Jane\r"
      "PV1||I\r");
  EXPECT_EQ(n.message.header.trigger_event, "A0\xC3\xA9\xC3\xBF" "1");
}

// XTN.7 of seven digits is written 555-0123; seven bytes of anything else are kept whole. A
// Latin-1 local number widens to seven UTF-8 bytes, and a dash after the third cut a character
// in two, so the canonical JSON was not UTF-8 (found by scripts/fuzz.sh hl7v2_message).
TEST(Normalizer, ALocalNumberThatIsNotSevenDigitsIsKeptWhole) {
  const auto n = normalizeBytes(
      "MSH|^~\\&|ADM|H|LAB|L|20261128||ADT^A08|C1|P|2.5.1\r"
      "PID|||X1||Doe^Jane||||||||^PRN^PH^^1^217^5P\xA0\xB2R~^PRN^PH^^1^217^5550123\r"
      "PV1||O\r");
  ASSERT_EQ(n.message.patient.telecom.size(), 2u);
  EXPECT_EQ(n.message.patient.telecom[0].value, "+1 (217) 5P\xC2\xA0\xC2\xB2R");
  EXPECT_EQ(n.message.patient.telecom[1].value, "+1 (217) 555-0123");
}

// Later versions keep EVN-1 for backward compatibility: a sender that fills it and leaves
// MSH-9.2 empty still names its event.
TEST(Normalizer, EmptyMsh92IsReadFromEvn1InAnyVersion) {
  const auto n = normalizeBytes(
      "MSH|^~\\&|ADM|H|LAB|L|20260101||ADT|C1|P|2.4\r"
      "EVN|A08|20260101\r"
      "PID|||X1||Doe^Jane\r"
      "PV1||O\r");
  ASSERT_TRUE(n.ok()) << n.errors[0].describe();
  EXPECT_EQ(n.message.header.trigger_event, "A08");
}

// Before v2.3 ORU had one event, R01, and no EVN to say it.
TEST(Normalizer, Version22ResultWithoutEventIsR01) {
  const auto n = normalizeBytes(
      "MSH|^~\\&|LAB|L|HIS|H|199401011200||ORU|C1|P|2.2\r"
      "PID|||X1||Doe^Jane\r"
      "OBR|1||F1|GLU^Glucose^L\r"
      "OBX|1|NM|GLU^Glucose^L||99|mg/dl\r");
  ASSERT_TRUE(n.ok()) << n.errors[0].describe();
  EXPECT_EQ(n.message.header.trigger_event, "R01");
  ASSERT_EQ(n.message.observations.size(), 1u);
  EXPECT_EQ(n.message.observations[0].value.decimal, "99");
}

// From v2.3 on MSH-9.2 is where the event is: a result without it is not guessed.
TEST(Normalizer, Version25ResultWithoutEventIsStillCode201) {
  const auto n = normalizeBytes(
      "MSH|^~\\&|LAB|L|HIS|H|20260101||ORU|C1|P|2.5\r"
      "PID|||X1||Doe^Jane\r"
      "OBR|1||F1|GLU^Glucose^L\r"
      "OBX|1|NM|GLU^Glucose^L||99|mg/dl\r");
  ASSERT_EQ(n.errors.size(), 1u);
  EXPECT_EQ(n.errors[0].code, ErrorCode::UnsupportedEventCode);
}

// HL7's PID-to-Patient map: PID-2, PID-4, PID-19 and PID-20 are identifiers too, after PID-3's;
// an id a sender copied from PID-3 into PID-2 is listed once.
TEST(Normalizer, BackwardCompatiblePatientIdsAreIdentifiersAfterPid3) {
  const auto n = normalizeBytes(
      "MSH|^~\\&|ADM|H|LAB|L|20260101||ADT^A08|C1|P|2.3\r"
      "EVN|A08|20260101\r"
      "PID|1|MRN1^^^H^MR|MRN1^^^H^MR~ENC9^^^H^VN|ALT7^^^OLDSYS^PI~ALT8^^^OLDSYS^PI|Doe^Jane||19800101|F"
      "|||||||||||123-45-6789|D1234567^CA^20300101\r"
      "PV1||O\r");
  ASSERT_TRUE(n.ok()) << n.errors[0].describe();
  const auto& ids = n.message.patient.identifiers;
  ASSERT_EQ(ids.size(), 6u);
  EXPECT_EQ(ids[0].value, "MRN1");
  EXPECT_EQ(ids[0].type, "MR");
  EXPECT_EQ(ids[1].value, "ENC9");
  EXPECT_EQ(ids[2].value, "ALT7");
  EXPECT_EQ(ids[2].system, "OLDSYS");
  EXPECT_EQ(ids[3].value, "ALT8");
  EXPECT_EQ(ids[4].value, "123-45-6789");
  EXPECT_EQ(ids[4].system, "http://hl7.org/fhir/sid/us-ssn");
  EXPECT_EQ(ids[4].type, "SS");
  EXPECT_EQ(ids[5].value, "D1234567");
  EXPECT_EQ(ids[5].system, "CA");
  EXPECT_EQ(ids[5].type, "DL");
}

// Normalized into again (a stream), a message without them leaves no identifier of the one before.
TEST(Normalizer, BackwardCompatibleIdsDoNotOutliveTheirMessage) {
  auto first = hl7v2::Message::parse(
      "MSH|^~\\&|ADM|H|LAB|L|20260101||ADT^A08|C1|P|2.3\rPID|1|EXT1|MRN1|||Doe^Jane\rPV1||O\r");
  auto second = hl7v2::Message::parse(
      "MSH|^~\\&|ADM|H|LAB|L|20260101||ADT^A08|C2|P|2.3\rPID|1||MRN2||Roe^Rick\rPV1||O\r");
  ASSERT_TRUE(first && second);
  hl7v2::Normalized n;
  hl7v2::normalize(*first, n);
  ASSERT_EQ(n.message.patient.identifiers.size(), 2u);
  EXPECT_EQ(n.message.patient.identifiers[1].value, "EXT1");
  hl7v2::normalize(*second, n);
  ASSERT_EQ(n.message.patient.identifiers.size(), 1u);
  EXPECT_EQ(n.message.patient.identifiers[0].value, "MRN2");
}

TEST(Normalizer, MissingRequiredSegment) {
  const auto n = normalizeBytes("MSH|^~\\&|A|B|C|D|20260101||ADT^A01|1|P|2.5\rPID|1||X\r");
  ASSERT_EQ(n.errors.size(), 1u);
  EXPECT_EQ(n.errors[0].segment, "PV1");
  EXPECT_EQ(n.errors[0].code, ErrorCode::SegmentSequence);
}

// A missing segment is reported at the end of the segment it should have followed, a byte inside
// the message: the message's size, reported before, is where the next message of a file starts.
TEST(Normalizer, MissingSegmentIsReportedWhereItWasExpected) {
  const std::string bytes =
      "MSH|^~\\&|LAB|FAC|EHR|HOSP|20260101||ORU^R01|2|P|2.5.1\rPID|1||X\rPV1|1|I\r"
      "OBX|1|NM|A^a^L||5\rOBX|2|NM|B^b^L||6\r";
  const auto n = normalizeBytes(bytes);
  ASSERT_EQ(n.errors.size(), 1u);
  EXPECT_EQ(n.errors[0].segment, "OBR");
  EXPECT_EQ(n.errors[0].code, ErrorCode::SegmentSequence);
  EXPECT_EQ(n.errors[0].offset, bytes.find("\rOBX|1"));  // the end of PV1
  EXPECT_EQ(n.errors[0].text,
            "segment OBR is required in ORU messages but is missing; it belongs after PV1 "
            "(segment 3)");
}

TEST(Normalizer, MissingSegmentSkipsZSegmentsAndStopsAtSegmentsThatComeAfterIt) {
  // ADT^A01: PV1 follows EVN, PID, PD1, ROL and NK1; a site's Z-segments may sit anywhere, and
  // AL1 comes after PV1.
  const std::string bytes = "MSH|^~\\&|A|B|C|D|20260101||ADT^A01|3|P|2.5\rEVN|A01\rPID|1||X\r"
                            "ZPD|1\rNK1|1|Doe\rZPV|2\rAL1|1\r";
  const auto n = normalizeBytes(bytes);
  ASSERT_EQ(n.errors.size(), 1u);
  EXPECT_EQ(n.errors[0].segment, "PV1");
  EXPECT_EQ(n.errors[0].offset, bytes.find("\rZPV"));  // the end of NK1
  EXPECT_NE(n.errors[0].text.find("after NK1 (segment 5)"), std::string::npos) << n.errors[0].text;
}

TEST(Normalizer, MissingSegmentRightAfterTheHeaderIsReportedAtTheEndOfMsh) {
  const std::string bytes =
      "MSH|^~\\&|A|B|C|D|20260101||VXU^V04|4|P|2.5.1\rORC|RE\rRXA|0|1|20260101\r";
  const auto n = normalizeBytes(bytes);
  ASSERT_EQ(n.errors.size(), 1u);
  EXPECT_EQ(n.errors[0].segment, "PID");
  EXPECT_EQ(n.errors[0].offset, bytes.find("\rORC"));
  EXPECT_NE(n.errors[0].text.find("after MSH (segment 1)"), std::string::npos) << n.errors[0].text;
}

TEST(Normalizer, TypedObservationValues) {
  const auto n = normalizeBytes(
      "MSH|^~\\&|A|B|C|D|20260101||ORU^R01|1|P|2.5.1\rOBR|1\r"
      "OBX|1|SN|X^x^L||<^100|||\rOBX|2|DT|Y^y^L||20261101\rOBX|3|TX|Z^z^L||line one~line two\r"
      "OBX|4|NM|N^n^L||8.10\rOBX|5|NM|N^n^L||<5\r");
  const auto& obs = n.message.observations;
  ASSERT_EQ(obs.size(), 5u);
  EXPECT_EQ(obs[0].value.structured_numeric->comparator, "<");
  EXPECT_EQ(obs[0].value.structured_numeric->num1, "100");
  EXPECT_EQ(*obs[1].value.date_time, "2026-11-01");
  EXPECT_EQ(*obs[2].value.text, "line one\nline two");
  EXPECT_EQ(obs[3].value.decimal, "8.10");  // decimal text never reformatted
  EXPECT_DOUBLE_EQ(*obs[3].value.number, 8.1);
  EXPECT_EQ(obs[4].value.decimal, "<5");
  EXPECT_FALSE(obs[4].value.number);
  ASSERT_EQ(n.warnings.size(), 1u);
  EXPECT_EQ(n.warnings[0].segment_sequence, 7);
  EXPECT_EQ(n.warnings[0].field, 5);
}

TEST(Normalizer, Latin1TextBecomesUtf8) {
  const auto n = normalizeBytes(
      "MSH|^~\\&|A|B|C|D|20260101||ADT^A08|1|P|2.5||||||8859/1\rPID|1||X||M\xfcller^J\xf6rg\rPV1|1|O\r");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.message.header.character_set, "8859/1");
  EXPECT_EQ(n.message.patient.names[0].family, "M\xc3\xbcller");
  EXPECT_EQ(n.message.patient.names[0].given[0], "J\xc3\xb6rg");
}

TEST(Normalizer, BadDateIsAWarningWithLocationAndKeepsRawValue) {
  const auto n = normalizeBytes(
      "MSH|^~\\&|A|B|C|D|20260101||ADT^A08|1|P|2.5\rPID|1||X||Doe^J||19721314\rPV1|1|O\r");
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(n.warnings.size(), 1u);
  EXPECT_EQ(n.warnings[0].segment, "PID");
  EXPECT_EQ(n.warnings[0].field, 7);
  EXPECT_EQ(n.warnings[0].offset, std::string("MSH|^~\\&|A|B|C|D|20260101||ADT^A08|1|P|2.5\rPID|1||X||Doe^J||").size());
  EXPECT_TRUE(n.message.patient.birth_date.empty());
  EXPECT_EQ(n.message.extensions[0].raw, "19721314");
}

TEST(Normalizer, OrmOrderMessage) {
  const auto n = normalizeBytes(
      "MSH|^~\\&|HOSPORD|CITYHOSP|NORTHLAB|NORTHLAB|20261120065500||ORM^O01|ORM-1|P|2.3\r"
      "PID|1||MRN1^^^CITYHOSP^MR||Doe^Jane||19800101|F\r"
      "ORC|NW|ORD-1^HOSPORD||||||||||1234567893^Rivera^Marco^^^Dr^^^NPI\r"
      "OBR|1|ORD-1^HOSPORD||GLU-P^Glucose panel^L|||20261120065400\r");
  ASSERT_TRUE(n.ok()) << n.errors[0].describe();
  ASSERT_EQ(n.message.orders.size(), 1u);
  EXPECT_EQ(n.message.orders[0].order_control, "NW");
  EXPECT_EQ(n.message.orders[0].placer_order_number.value, "ORD-1");
  EXPECT_EQ(n.message.orders[0].code.codings[0].code, "GLU-P");
  EXPECT_EQ(n.message.orders[0].ordering_provider.identifier.system, "http://hl7.org/fhir/sid/us-npi");
  EXPECT_EQ(n.message.orders[0].observation_time, "2026-11-20T06:54:00");
}

TEST(Normalizer, DischargeAndRegistrationEvents) {
  for (const char* event : {"A03", "A04"}) {
    const auto n = normalizeBytes(std::string("MSH|^~\\&|A|B|C|D|20260101||ADT^") + event +
                                  "|1|P|2.5\rPID|1||X||Doe^J\rPV1|1|I||||||||||||||||||||||||||||||||||||||||||202601011200|202601031000\r");
    ASSERT_TRUE(n.ok()) << event;
    EXPECT_EQ(n.message.header.trigger_event, event);
    EXPECT_EQ(n.message.encounter.admit_time, "2026-01-01T12:00");
    EXPECT_EQ(n.message.encounter.discharge_time, "2026-01-03T10:00");
  }
}
