// The header, patient and visit as normalize() reads them: values taken from a field's first
// repetition, the encounter class written over in place, and a result normalized into again
// keeping nothing of the message before (model_reset.h).
#include <gtest/gtest.h>

#include <string>

#include "parsers/hl7v2/normalizer.h"
#include "tests/support/normalized_stream.h"

using namespace ferry;

namespace patient_visit_test {

using ferry::test::normalizeAlone;

// `after` normalized into a result `before` filled equals `after` normalized alone.
void expectNothingSurvives(const std::string& before, const std::string& after) {
  hl7v2::Message message;
  hl7v2::Normalized reused;
  ASSERT_TRUE(hl7v2::Message::parse(before, message));
  hl7v2::normalize(message, reused);
  ASSERT_TRUE(hl7v2::Message::parse(after, message));
  hl7v2::normalize(message, reused);
  const hl7v2::Normalized fresh = normalizeAlone(after);
  EXPECT_EQ(reused.message, fresh.message);
  EXPECT_EQ(reused.errors.size(), fresh.errors.size());
  EXPECT_EQ(reused.warnings.size(), fresh.warnings.size());
}

const std::string kMsh = "MSH|^~\\&|A|B|C|D|20260101||ADT^A01|1|P|2.5.1\r";

// Every member of the header, patient and visit that is not a list valued, and the lists of the
// message that are not written over element by element (coverages, extensions).
const std::string kFull =
    "MSH|^~\\&|APP^1.2^ISO|FAC|RAPP|RFAC|20260101120000-0500||ADT^A01^ADT_A01|FULL-1|P|2.5.1|||"
    "AL|NE||UNICODE UTF-8\r"
    "PID|1||MRN1^^^NPI^MR||Doe^Jane^Q^Jr^Dr^^L|Maiden^Mary|19720314|F||2106-3^White^CDCREC|"
    "1 Main St^^Town^IL^62701^USA^H||^PRN^PH^^1^217^5550123||VIE^Vietnamese^ISO6392|"
    "M^Married^HL70002||ACCT1^^^H^AN||||N^Not Hispanic^CDCREC||Y|2||||20260101|Y\r"
    "PV1|1|I|4W^401^B^HOSP||||1234567893^Rivera^Marco^^^Dr^^^NPI||||||||||"
    "9876543210^Other^Bob^^^^^^NPI||V1^^^HOSP^VN|||||||||||||||||||||||||20260101080000|"
    "20260102080000\r"
    "IN1|1|PLAN1^Plan|PAYER^^^NPI|Payer Inc|1 Payer Way^^City^IL|||GRP1|Group\r"
    "ZPI|1|custom\r";

}  // namespace patient_visit_test

using patient_visit_test::expectNothingSurvives;
using patient_visit_test::kMsh;
using ferry::test::normalizeAlone;

TEST(PatientAndVisit, AccountAndVisitNumbersAreTheFieldsFirstRepetition) {
  const auto first = normalizeAlone(kMsh + "PID|1||MRN1||Doe|||||||||||||ACCT1^^^H^AN~ACCT2\r"
                                           "PV1|1|I|4W||||||||||||||||V1^^^H^VN~V2\r");
  EXPECT_EQ(first.message.patient.account_number.value, "ACCT1");
  EXPECT_EQ(first.message.patient.account_number.system, "H");
  EXPECT_EQ(first.message.patient.account_number.type, "AN");
  EXPECT_EQ(first.message.encounter.visit_number.value, "V1");
  EXPECT_EQ(first.message.encounter.visit_number.type, "VN");
  // An empty first repetition is an empty identifier, whatever the repetitions after it hold.
  const auto empty = normalizeAlone(kMsh + "PID|1||MRN1||Doe|||||||||||||~ACCT2^^^H^AN\r"
                                           "PV1|1|I|4W||||||||||||||||~V2^^^H^VN\r");
  EXPECT_EQ(empty.message.patient.account_number, canonical::Identifier{});
  EXPECT_EQ(empty.message.encounter.visit_number, canonical::Identifier{});
}

TEST(PatientAndVisit, ASecondPv1WritesTheEncounterClassOverTheFirst) {
  // A second PV1's patient class is appended to the first's; only a class that then maps
  // replaces the encounter class.
  const auto empty_then_e = normalizeAlone(kMsh + "PID|1||MRN1||Doe\rPV1|1|\rPV1|2|E\r");
  EXPECT_EQ(empty_then_e.message.encounter.patient_class, "E");
  EXPECT_EQ(empty_then_e.message.encounter.class_code.code, "EMER");
  EXPECT_EQ(empty_then_e.message.encounter.class_code.display, "emergency");
  EXPECT_EQ(empty_then_e.message.encounter.class_code.system,
            "http://terminology.hl7.org/CodeSystem/v3-ActCode");
  const auto i_then_e = normalizeAlone(kMsh + "PID|1||MRN1||Doe\rPV1|1|I\rPV1|2|E\r");
  EXPECT_EQ(i_then_e.message.encounter.patient_class, "IE");
  EXPECT_EQ(i_then_e.message.encounter.class_code.code, "IMP");
  expectNothingSurvives(kMsh + "PID|1||MRN1||Doe\rPV1|1|R\r",
                        kMsh + "PID|1||M||D\rPV1|1|\rPV1|2|E\r");
}

TEST(PatientAndVisit, AnEscapedAssigningAuthorityIsDecodedBeforeItIsLookedUp) {
  const auto n = normalizeAlone(kMsh + "PID|1||MRN1^^^N\\X50\\I^MR~MRN2^^^NPI^MR||Doe\r");
  ASSERT_EQ(n.message.patient.identifiers.size(), 2u);
  EXPECT_EQ(n.message.patient.identifiers[0].system, "http://hl7.org/fhir/sid/us-npi");
  EXPECT_EQ(n.message.patient.identifiers[1].system, "http://hl7.org/fhir/sid/us-npi");
}

TEST(PatientAndVisit, NothingOfAFullMessageSurvivesInTheNextOne) {
  const std::string& full = patient_visit_test::kFull;
  expectNothingSurvives(full, kMsh + "PID|1||MRN2||Roe\rPV1|1|O\r");
  expectNothingSurvives(full,
                        "MSH|^~\\&|X|Y|||20260102||ORU^R01|2|T|2.3\rOBR|1\rOBX|1|NM|1^A^LN||5\r");
  expectNothingSurvives(full, "MSH|^~\\&|X|Y|||20260102||SIU^S12|3|P|2.5.1\r");  // no segment read
  expectNothingSurvives(full, full);
  const auto n = normalizeAlone(full);
  EXPECT_FALSE(n.message.patient.language.codings.empty());
  EXPECT_FALSE(n.message.patient.mothers_maiden_name.family.empty());
  EXPECT_FALSE(n.message.encounter.class_code.code.empty());
  EXPECT_FALSE(n.message.coverages.empty());
  EXPECT_FALSE(n.message.extensions.empty());
}
