// The same clinical facts sent as HL7 v2 (samples/hl7v2/oru_r01_lab_result.hl7) and as FHIR
// (bundle_lab_result.json, the same glucose result) give the same canonical patient and result.
#include <gtest/gtest.h>

#include "tests/fhir/fhir_test_support.h"

namespace ferry::fhir {
namespace {

const canonical::Coding* loinc(const canonical::CodeableConcept& cc) {
  for (const canonical::Coding& c : cc.codings) {
    if (c.system == "http://loinc.org") return &c;
  }
  return nullptr;
}

const canonical::Observation* glucose(const canonical::Message& m) {
  for (const canonical::Observation& o : m.observations) {
    if (const canonical::Coding* c = loinc(o.code); c != nullptr && c->code == "2345-7") return &o;
  }
  return nullptr;
}

class GlucoseInBothFormats : public ::testing::Test {
 protected:
  canonical::Message v2 = test::normalizeV2("oru_r01_lab_result.hl7");
  canonical::Message fhir = test::readOk(test::data("bundle_lab_result.json")).message;
};

TEST_F(GlucoseInBothFormats, SamePatient) {
  // Identifier: same value and type. The system differs legitimately: PID-3 names only the
  // assigning authority "CITYHOSP", the FHIR sample gives its OID.
  ASSERT_FALSE(v2.patient.identifiers.empty());
  ASSERT_FALSE(fhir.patient.identifiers.empty());
  EXPECT_EQ(fhir.patient.identifiers[0].value, v2.patient.identifiers[0].value);
  EXPECT_EQ(fhir.patient.identifiers[0].type, v2.patient.identifiers[0].type);
  EXPECT_EQ(v2.patient.identifiers[0].system, "CITYHOSP");
  EXPECT_EQ(fhir.patient.identifiers[0].system, "urn:oid:2.16.840.1.113883.3.9999.2");
  EXPECT_EQ(fhir.patient.names.at(0), v2.patient.names.at(0));
  EXPECT_EQ(fhir.patient.birth_date, v2.patient.birth_date);
  EXPECT_EQ(fhir.patient.sex, v2.patient.sex);
  EXPECT_EQ(fhir.patient.addresses.at(0).lines, v2.patient.addresses.at(0).lines);
  EXPECT_EQ(fhir.patient.addresses.at(0).postal_code, v2.patient.addresses.at(0).postal_code);
}

TEST_F(GlucoseInBothFormats, SameResult) {
  const canonical::Observation* a = glucose(v2);
  const canonical::Observation* b = glucose(fhir);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  // OBX-3 carries the local code first and LOINC as the alternate; the FHIR sample only LOINC.
  // The LOINC coding is the same fact.
  EXPECT_EQ(*loinc(a->code), *loinc(b->code));
  EXPECT_EQ(a->code.codings.front().system, "L");
  EXPECT_EQ(a->value_type, b->value_type);
  EXPECT_EQ(a->value.decimal, b->value.decimal);
  EXPECT_EQ(a->value.number, b->value.number);
  EXPECT_EQ(a->units, b->units);
  EXPECT_EQ(a->status, b->status);
  EXPECT_EQ(a->observation_time, b->observation_time);
  // Interpretation: the same v2 flag and the same ObservationInterpretation code. Only the
  // display differs: the v2 normalizer adds the table's "High", the FHIR sample sends none.
  ASSERT_EQ(a->interpretations.size(), 1u);
  ASSERT_EQ(b->interpretations.size(), 1u);
  EXPECT_EQ(a->interpretations[0].v2, b->interpretations[0].v2);
  EXPECT_EQ(a->interpretations[0].fhir.system, b->interpretations[0].fhir.system);
  EXPECT_EQ(a->interpretations[0].fhir.code, b->interpretations[0].fhir.code);
  // Reference range: the same bounds. OBX-7 also has the text "70-99"; FHIR sends only low/high.
  EXPECT_EQ(a->reference_range.low, b->reference_range.low);
  EXPECT_EQ(a->reference_range.high, b->reference_range.high);
  EXPECT_EQ(a->reference_range.text, "70-99");
  EXPECT_EQ(a->order_index, b->order_index);
}

TEST_F(GlucoseInBothFormats, SameReportTimes) {
  ASSERT_EQ(v2.orders.size(), 1u);
  ASSERT_EQ(fhir.orders.size(), 1u);
  EXPECT_EQ(v2.orders[0].results_time, fhir.orders[0].results_time);
  EXPECT_EQ(v2.orders[0].result_status, fhir.orders[0].result_status);
  EXPECT_EQ(v2.header.message_datetime, fhir.header.message_datetime);
}

}  // namespace
}  // namespace ferry::fhir
