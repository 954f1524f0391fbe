// Normalizing a stream into one reused Message and Normalized (message.h parse(bytes, into),
// normalizer.h normalize(message, into)) must give exactly what a fresh parse and normalize give,
// whatever the message before left behind.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/canonical/json_writer.h"
#include "parsers/hl7v2/normalizer.h"
#include "parsers/hl7v2/reused_list.h"
#include "tests/support/files.h"
#include "tests/support/lab_reporting_message.h"
#include "tests/support/normalized_stream.h"

using namespace ferry;

namespace {

// Results with every member valued: each value type, units, range, two flags (one unmapped),
// a performer, both times, and notes on a result and on the order.
const std::string kRich =
    "MSH|^~\\&|LAB|NORTHLAB|RES|CITYHOSP|20261120083015-0500||ORU^R01^ORU_R01|RICH-1|P|2.5.1\r"
    "PID|1||MRN1^^^CITYHOSP^MR||Doe^Jane^Q||19720314|F\r"
    "OBR|1|ORD-1^HOSP|LAB-1^NORTHLAB|24356-8^Urinalysis complete panel - Urine^LN^UA^UA "
    "panel^L|||20261120060000-0500|||||||||1234567893^Rivera^Marco^^^Dr^^^NPI||||||"
    "20261120074600-0500|||F\r"
    "NTE|1|L|Order comment long enough for the heap|RE^Remark^HL70364\r"
    "OBX|1|NM|2345-7^Glucose SerPl-mCnc^LN^GLU^Glucose local^L|1|107|mg/dL^milligram per "
    "deciliter^UCUM|70-99|H~ZZ|||F|||20261120060000-0500||1234567893^Rivera^Marco^^^Dr^^^NPI|||"
    "20261120074600-0500\r"
    "NTE|1|L|Result comment long enough for the heap\r"
    "OBX|2|CWE|94500-6^SARS-CoV-2 RNA Resp Ql NAA+probe^LN||260415000^Not detected^SCT^ND^Not "
    "det^L|||N|||F\r"
    "OBX|3|SN|5370-8^S pyogenes Ab Titr Ser^LN||<=^1^:^128|{titer}^^UCUM|<5|A|||F\r"
    "OBX|4|TS|8665-2^Last menstrual period^LN||20261101|||||F\r"
    "OBX|5|TX|8251-1^Service comment^LN||First line of a long text~Second line of it||||||F\r"
    "OBX|6|NM|777-3^Platelets^LN||not a number|10*3/uL^^UCUM|150-400|L|||C\r"
    "SPM|1|SP-1&NORTHLAB||258500001^Nasopharyngeal swab^SCT|||||||||||||20261120060000-0500\r";

// Few and sparse results: the members kRich valued must come out empty, not stale.
const std::string kSparse =
    "MSH|^~\\&|LAB|NORTHLAB|RES|CITYHOSP|20261121||ORU^R01|SPARSE-1|P|2.5.1\r"
    "OBR|1\r"
    "OBX|1|CWE|||||\r"
    "OBX|2||X^Y\r"
    "NTE|1||short\r";

// The patient, visit, orders and specimens with many members valued: repetitions (some empty,
// which are skipped), two PIDs (the second appends), an order an ORC opens and no OBR
// completes, an order opened by an OBR alone, and specimens in both SPM-2 forms.
const std::string kDemographics =
    "MSH|^~\\&|LAB|NORTHLAB|RES|CITYHOSP|20261120083015-0500||ORM^O01|DEMO-1|P|2.5.1\r"
    "PID|1||MRN1^^^CITYHOSP&2.16.840.1.113883.3.9999.3&ISO^MR~~123-45-6789^^^USSSA^SS||"
    "Doe^Jane^Quinn^Jr^Dr^^L~^^^^^^A~Roe^J||19720314|F||2106-3^White^CDCREC~~2054-5^Black^CDCREC|"
    "1 Long Street Name^Apartment 22^Springfield^IL^62701^USA^H~^^^^^^B~^^Shelbyville||"
    "^PRN^PH^^1^217^5550123^42~^NET^Internet^jane.doe@example.org|(217)555-0199^WPN^PH||S^Single^HL70002||"
    "ACCT1^^^CITYHOSP^AN||||2186-5^Not Hispanic or Latino^CDCREC\r"
    "PID|2||MRN2^^^NPI^NPI||Second^Person\r"
    "PV1|1|I|4W^401^B^CITYHOSP||||1234567893^Rivera^Marco^Antonio^^Dr^^^NPI~^^^^^^^^NPI||||||||||"
    "9876543210^Attending^Admitting^^^^^^NPI||V123^^^CITYHOSP^VN|||||||||||||||||||||||||"
    "20261119080000|20261120100000\r"
    "ORC|NW|ORD-1^HOSP|LAB-1^NORTHLAB||IP||||20261120060000-0500|||1234567893^Rivera^Marco^^^Dr^^^NPI\r"
    "ORC|NW|ORD-2^HOSP\r"
    "OBR|1|||24356-8^Urinalysis complete panel - Urine^LN^UA^UA panel^L|||20261120060000-0500\r"
    "OBR|2|ORD-3^HOSP|LAB-3^NORTHLAB|2345-7^Glucose SerPl-mCnc^LN|||20261120061500-0500|||||||||"
    "9876543210^Other^Bob^^^^^^NPI||||||20261120070000-0500|||F\r"
    "SPM|1|SP-1&NORTHLAB^LAB-1&NORTHLAB||258500001^Nasopharyngeal swab^SCT|||||||||||||20261120060000\r"
    "SPM|2|SP-2^NORTHLAB||119297000^Blood specimen^SCT||||^^^LOC^Left arm^L\r";

// The same segments nearly empty: what kDemographics valued must come out empty, not stale.
const std::string kSparseDemographics =
    "MSH|^~\\&|LAB|NORTHLAB|RES|CITYHOSP|20261121||ORM^O01|DEMO-2|P|2.5.1\r"
    "PID|1||~^^^X^MR||~^^^^^^L|||||||~^PRN^PH\r"
    "PV1|1||||||^Nobody\r"
    "ORC|NW\r"
    "OBR|1\r"
    "SPM|1\r";

// Two reports whose codings and flags trade places: at each position a shared system (LN, UCUM,
// the interpretation system) follows a local or unknown one and the other way round, and a
// mapped flag follows an unmapped one. A coding or flag written over the other report's must
// take its own system, never keep the one it held.
const std::string kSystemsA =
    "MSH|^~\\&|LAB|NORTHLAB|RES|CITYHOSP|20261121||ORU^R01|SYS-A|P|2.5.1\r"
    "OBR|1|||24356-8^Urinalysis^LN\r"
    "OBX|1|NM|2345-7^Glucose^LN^GLU^Glucose local^L||107|mg/dL^^UCUM|70-99|H|||F\r"
    "OBX|2|CWE|LOCAL1^Local test^99LAB||260415000^Not detected^SCT|||ZZ|||F\r"
    "OBX|3|NM|777-3^Platelets^http://example.org/codes||5|x^^99UNIT||N~L|||F\r";
const std::string kSystemsB =
    "MSH|^~\\&|LAB|NORTHLAB|RES|CITYHOSP|20261121||ORU^R01|SYS-B|P|2.5.1\r"
    "OBR|1|||24356-8^Urinalysis^99LAB\r"
    "OBX|1|NM|GLU^Glucose local^L^2345-7^Glucose^LN||107|mg/dL^^99UNIT|70-99|ZZ|||F\r"
    "OBX|2|CWE|2345-7^Glucose^LN||ND^Not detected^L|||H|||F\r"
    "OBX|3|NM|777-3^Platelets^LN||5|10*3/uL^^UCUM||L~N|||F\r";

const std::string kUnsupported =
    "MSH|^~\\&|LAB|NORTHLAB|RES|CITYHOSP|20261121||SIU^S12|SIU-1|P|2.5.1\r"
    "OBX|1|NM|1^A^LN||5\r";

std::vector<std::string> messages() {
  std::vector<std::string> out = {kRich,     kSparse,    kDemographics, kSparseDemographics,
                                  kSystemsA, kSystemsB, kUnsupported, test::kLabReporting,
                                  test::kLabReportingWithout};
  for (const char* name : {"oru_r01_lab_result.hl7", "oru_r01_local_codes.hl7",
                           "oru_r01_reportable.hl7", "oru_r01_not_reportable.hl7",
                           "adt_a01_admit.hl7", "adt_a01_insured.hl7", "oml_o21_order.hl7",
                           "vxu_v04_immunization.hl7"}) {
    out.push_back(test::sample(std::string("hl7v2/") + name));
  }
  return out;
}

std::vector<std::string> described(const std::vector<hl7v2::Error>& errors) {
  std::vector<std::string> out;
  for (const hl7v2::Error& e : errors) out.push_back(e.describe());
  return out;
}

// Same model, same canonical JSON, same problems, and a box allocated exactly where a fresh
// normalization allocates one.
void expectSame(const hl7v2::Normalized& reused, const hl7v2::Normalized& fresh) {
  EXPECT_EQ(reused.message, fresh.message);
  canonical::JsonWriter writer;
  const std::string reused_json(writer.write(reused.message));
  EXPECT_EQ(reused_json, writer.write(fresh.message));
  EXPECT_EQ(described(reused.errors), described(fresh.errors));
  EXPECT_EQ(described(reused.warnings), described(fresh.warnings));
  ASSERT_EQ(reused.message.observations.size(), fresh.message.observations.size());
  for (std::size_t i = 0; i < fresh.message.observations.size(); ++i) {
    const auto& r = reused.message.observations[i];
    const auto& f = fresh.message.observations[i];
    EXPECT_EQ(r.value.text.has_value(), f.value.text.has_value()) << i;
    EXPECT_EQ(r.value.coded.has_value(), f.value.coded.has_value()) << i;
    EXPECT_EQ(r.value.structured_numeric.has_value(), f.value.structured_numeric.has_value()) << i;
    EXPECT_EQ(r.value.date_time.has_value(), f.value.date_time.has_value()) << i;
    EXPECT_EQ(r.performer.has_value(), f.performer.has_value()) << i;
    EXPECT_EQ(r.method.has_value(), f.method.has_value()) << i;
    EXPECT_EQ(r.performing_organization.has_value(), f.performing_organization.has_value()) << i;
    EXPECT_EQ(r.medical_director.has_value(), f.medical_director.has_value()) << i;
  }
}

}  // namespace

TEST(NormalizeInto, EveryMessageAfterEveryOtherEqualsAFreshNormalization) {
  const std::vector<std::string> all = messages();
  for (std::size_t before = 0; before < all.size(); ++before) {
    for (std::size_t after = 0; after < all.size(); ++after) {
      SCOPED_TRACE("message " + std::to_string(after) + " after " + std::to_string(before));
      hl7v2::Message message;
      hl7v2::Normalized reused;
      ASSERT_TRUE(hl7v2::Message::parse(all[before], message));
      hl7v2::normalize(message, reused);
      ASSERT_TRUE(hl7v2::Message::parse(all[after], message));
      hl7v2::normalize(message, reused);
      const auto fresh = hl7v2::Message::parse(all[after]);
      ASSERT_TRUE(fresh);
      expectSame(reused, hl7v2::normalize(*fresh));
    }
  }
}

TEST(NormalizeInto, ReadsTheRichMessage) {
  hl7v2::Message message;
  ASSERT_TRUE(hl7v2::Message::parse(kRich, message));
  hl7v2::Normalized n;
  hl7v2::normalize(message, n);
  const auto& obs = n.message.observations;
  ASSERT_EQ(obs.size(), 6u);
  ASSERT_EQ(obs[0].code.codings.size(), 2u);
  EXPECT_EQ(obs[0].code.codings[1].display, "Glucose local");
  EXPECT_EQ(obs[0].value.decimal, "107");
  EXPECT_EQ(obs[0].units.display, "milligram per deciliter");
  ASSERT_EQ(obs[0].interpretations.size(), 2u);
  EXPECT_EQ(obs[0].interpretations[0].fhir.code, "H");
  EXPECT_EQ(obs[0].interpretations[1].v2, "ZZ");
  EXPECT_TRUE(obs[0].interpretations[1].fhir.code.empty());
  EXPECT_EQ(obs[0].performer->identifier.value, "1234567893");
  EXPECT_EQ(obs[1].value.coded->codings[0].display, "Not detected");
  EXPECT_EQ(obs[2].value.structured_numeric->num2, "128");
  EXPECT_EQ(*obs[3].value.date_time, "2026-11-01");
  EXPECT_EQ(*obs[4].value.text, "First line of a long text\nSecond line of it");
  EXPECT_EQ(n.warnings.size(), 1u);  // OBX-5 "not a number"
  ASSERT_EQ(n.message.notes.size(), 2u);
  EXPECT_FALSE(n.message.notes[0].observation_index.has_value());
  EXPECT_EQ(n.message.notes[1].observation_index, 0u);
}

TEST(NormalizeInto, AResultKeepsItsHeapBlocksFromMessageToMessage) {
  hl7v2::Message message;
  hl7v2::Normalized n;
  ASSERT_TRUE(hl7v2::Message::parse(kRich, message));
  hl7v2::normalize(message, n);
  const canonical::Coding* codings = n.message.observations[0].code.codings.data();
  const char* display = n.message.observations[0].code.codings[0].display.data();
  const canonical::Observation* results = n.message.observations.data();
  ASSERT_TRUE(hl7v2::Message::parse(kRich, message));
  hl7v2::normalize(message, n);
  EXPECT_EQ(n.message.observations.data(), results);
  EXPECT_EQ(n.message.observations[0].code.codings.data(), codings);
  EXPECT_EQ(n.message.observations[0].code.codings[0].display.data(), display);
}

TEST(NormalizeInto, ReadsThePatientOrdersAndSpecimensOfTheDemographicsMessage) {
  hl7v2::Message message;
  ASSERT_TRUE(hl7v2::Message::parse(kDemographics, message));
  hl7v2::Normalized n;
  hl7v2::normalize(message, n);
  const canonical::Patient& p = n.message.patient;
  ASSERT_EQ(p.identifiers.size(), 3u);  // two from the first PID, one from the second
  EXPECT_EQ(p.identifiers[1].system, "http://hl7.org/fhir/sid/us-ssn");
  EXPECT_EQ(p.identifiers[2].value, "MRN2");
  ASSERT_EQ(p.names.size(), 3u);
  EXPECT_EQ(p.names[0].given, (std::vector<std::string>{"Jane", "Quinn"}));
  EXPECT_EQ(p.names[2].family, "Second");
  EXPECT_EQ(p.race.size(), 2u);
  ASSERT_EQ(p.addresses.size(), 2u);
  EXPECT_EQ(p.addresses[0].lines.size(), 2u);
  EXPECT_EQ(p.addresses[1].city, "Shelbyville");
  ASSERT_EQ(p.telecom.size(), 3u);
  EXPECT_EQ(p.telecom[0].value, "+1 (217) 555-0123 x42");
  EXPECT_EQ(p.telecom[2].use, "work");
  EXPECT_EQ(p.ethnicity.size(), 1u);
  EXPECT_EQ(n.message.encounter.attending.size(), 1u);
  EXPECT_EQ(n.message.encounter.admitting.size(), 1u);
  const auto& orders = n.message.orders;
  ASSERT_EQ(orders.size(), 3u);
  EXPECT_TRUE(orders[0].code.codings.empty());  // an ORC no OBR completed
  EXPECT_EQ(orders[0].ordering_provider.name.family, "Rivera");
  EXPECT_EQ(orders[1].placer_order_number.value, "ORD-2");
  EXPECT_EQ(orders[1].code.codings.size(), 2u);
  EXPECT_TRUE(orders[1].ordering_provider.name.family.empty());
  EXPECT_EQ(orders[2].code.codings[0].code, "2345-7");  // an order an OBR opened
  EXPECT_EQ(orders[2].ordering_provider.name.family, "Other");
  ASSERT_EQ(n.message.specimens.size(), 2u);
  EXPECT_EQ(n.message.specimens[0].identifier.system, "NORTHLAB");
  EXPECT_EQ(n.message.specimens[1].identifier.system, "NORTHLAB");
}

TEST(NormalizeInto, ThePatientAndOrdersKeepTheirHeapBlocksFromMessageToMessage) {
  hl7v2::Message message;
  hl7v2::Normalized n;
  ASSERT_TRUE(hl7v2::Message::parse(kDemographics, message));
  hl7v2::normalize(message, n);
  const canonical::Identifier* identifiers = n.message.patient.identifiers.data();
  const char* system = n.message.patient.identifiers[1].system.data();
  const char* line = n.message.patient.addresses[0].lines[0].data();
  const char* display = n.message.orders[1].code.codings[0].display.data();
  ASSERT_TRUE(hl7v2::Message::parse(kDemographics, message));
  hl7v2::normalize(message, n);
  EXPECT_EQ(n.message.patient.identifiers.data(), identifiers);
  EXPECT_EQ(n.message.patient.identifiers[1].system.data(), system);
  EXPECT_EQ(n.message.patient.addresses[0].lines[0].data(), line);
  EXPECT_EQ(n.message.orders[1].code.codings[0].display.data(), display);
}

TEST(NormalizeInto, ResultsBeyondAShorterMessageComeBackForALongerOne) {
  hl7v2::Message message;
  hl7v2::Normalized n;
  ASSERT_TRUE(hl7v2::Message::parse(kRich, message));
  hl7v2::normalize(message, n);
  // Results 3 and 4, which kSparse does not have, have displays longer than a string's own buffer.
  const char* third = n.message.observations[2].code.codings[0].display.data();
  const char* fourth = n.message.observations[3].code.codings[0].display.data();
  ASSERT_TRUE(hl7v2::Message::parse(kSparse, message));
  hl7v2::normalize(message, n);
  EXPECT_EQ(n.message.observations.size(), 2u);
  ASSERT_TRUE(hl7v2::Message::parse(kRich, message));
  hl7v2::normalize(message, n);
  EXPECT_EQ(n.message.observations[2].code.codings[0].display.data(), third);
  EXPECT_EQ(n.message.observations[3].code.codings[0].display.data(), fourth);
}

TEST(NormalizeInto, AValueBoxMovesToTheResultThatNeedsItsKind) {
  const std::string coded_first =
      "MSH|^~\\&|LAB|NORTHLAB|RES|CITYHOSP|20261121||ORU^R01|BOX-1|P|2.5.1\r"
      "OBR|1\r"
      "OBX|1|CWE|5802-4^Nitrite^LN||260385009^Negative^SCT\r"
      "OBX|2|NM|2160-0^Creat^LN||1.24\r";
  const std::string coded_second =
      "MSH|^~\\&|LAB|NORTHLAB|RES|CITYHOSP|20261121||ORU^R01|BOX-2|P|2.5.1\r"
      "OBR|1\r"
      "OBX|1|NM|2160-0^Creat^LN||0.78\r"
      "OBX|2|CWE|94500-6^SARS-CoV-2 RNA^LN||260415000^Not detected^SCT\r";
  hl7v2::Message message;
  hl7v2::Normalized n;
  ASSERT_TRUE(hl7v2::Message::parse(coded_first, message));
  hl7v2::normalize(message, n);
  const canonical::CodeableConcept* box = &*n.message.observations[0].value.coded;
  ASSERT_TRUE(hl7v2::Message::parse(coded_second, message));
  hl7v2::normalize(message, n);
  EXPECT_FALSE(n.message.observations[0].value.coded.has_value());
  EXPECT_EQ(&*n.message.observations[1].value.coded, box);
  EXPECT_EQ(n.message.observations[1].value.coded->codings[0].display, "Not detected");
}

TEST(NormalizeInto, AValueBoxStaysForItsKindAndGoesWhenTheValueIsEmpty) {
  const std::string text_result =
      "MSH|^~\\&|LAB|NORTHLAB|RES|CITYHOSP|20261121||ORU^R01|BOX-3|P|2.5.1\r"
      "OBR|1\r"
      "OBX|1|ST|8251-1^Service comment^LN||Few epithelial cells\r";
  const std::string empty_text =
      "MSH|^~\\&|LAB|NORTHLAB|RES|CITYHOSP|20261121||ORU^R01|BOX-4|P|2.5.1\r"
      "OBR|1\r"
      "OBX|1|ST|8251-1^Service comment^LN||\r";
  hl7v2::Message message;
  hl7v2::Normalized n;
  ASSERT_TRUE(hl7v2::Message::parse(text_result, message));
  hl7v2::normalize(message, n);
  const std::string* box = &*n.message.observations[0].value.text;
  ASSERT_TRUE(hl7v2::Message::parse(text_result, message));
  hl7v2::normalize(message, n);
  EXPECT_EQ(&*n.message.observations[0].value.text, box);
  EXPECT_EQ(*n.message.observations[0].value.text, "Few epithelial cells");
  ASSERT_TRUE(hl7v2::Message::parse(empty_text, message));
  hl7v2::normalize(message, n);
  EXPECT_FALSE(n.message.observations[0].value.text.has_value());
  expectSame(n, hl7v2::normalize(message));
}

TEST(NormalizeInto, ACodingOrFlagWrittenOverAnotherTakesItsOwnSystem) {
  hl7v2::Message message;
  hl7v2::Normalized normalized;
  for (const std::string* bytes : {&kSystemsA, &kSystemsB, &kSystemsA}) {
    ASSERT_TRUE(hl7v2::Message::parse(*bytes, message));
    hl7v2::normalize(message, normalized);
  }
  hl7v2::Message b;
  ASSERT_TRUE(hl7v2::Message::parse(kSystemsB, b));
  hl7v2::normalize(b, normalized);
  const auto& results = normalized.message.observations;
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].code.codings[0].system, "L");
  EXPECT_EQ(results[0].code.codings[1].system, "http://loinc.org");
  EXPECT_EQ(results[0].units.system, "99UNIT");
  EXPECT_EQ(results[0].interpretations[0].fhir.system, "");
  EXPECT_EQ(results[1].code.codings[0].system, "http://loinc.org");
  EXPECT_EQ(results[1].interpretations[0].fhir.system,
            "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation");
  EXPECT_EQ(results[2].units.system, "http://unitsofmeasure.org");
  expectSame(normalized, hl7v2::normalize(b));
}

namespace units_stream {

// A report whose first result has these OBX-6 units and NTE-4 comment type.
std::string reportWith(const std::string& units, const std::string& comment_type) {
  return "MSH|^~\\&|LAB|NORTHLAB|RES|CITYHOSP|20261121||ORU^R01|U-1|P|2.5.1\rOBR|1\r"
         "OBX|1|NM|2345-7^Glucose^LN||107|" + units + "\rNTE|1|L|Comment|" + comment_type +
         "\rOBX|2|NM|777-3^Platelets^LN||250|10*3/uL^^UCUM\r";
}

}  // namespace units_stream

// OBX-6 units and NTE-4 comment types come from the memo once a message kept them: a unit
// recalled, one read for the first time, one that is empty after one that was valued, and one
// with an escape (read outside a segment that needs no decoding) all read as fresh.
TEST(NormalizeInto, UnitsAndCommentTypesRecalledOrNotReadAsAFreshNormalization) {
  using units_stream::reportWith;
  const std::string units = reportWith("mg/dL^milligram per deciliter^UCUM", "RE^Remark^HL70364");
  const std::string empty = reportWith("", "");
  const std::string other = reportWith("mmol/L^^UCUM", "RE^Re\\T\\mark^HL70364");
  const std::string escaped = reportWith("mg\\S\\dL^^UCUM", "RE^Remark^HL70364");
  ferry::test::expectEachEqualsFresh(
      {units, units, empty, units, other, other, empty, escaped, escaped, other});
}

TEST(NormalizeInto, AnEmptyMessageIsAnError) {
  hl7v2::Normalized n;
  hl7v2::normalize(hl7v2::Message(), n);
  ASSERT_EQ(n.errors.size(), 1u);
  EXPECT_EQ(n.errors[0].code, hl7v2::ErrorCode::SegmentSequence);
  EXPECT_TRUE(n.message.observations.empty());
}

TEST(MessageParseInto, ReplacesTheMessageBefore) {
  hl7v2::Message message;
  ASSERT_TRUE(hl7v2::Message::parse(kRich, message));
  ASSERT_TRUE(hl7v2::Message::parse(kSparse, message));
  EXPECT_EQ(message.bytes(), kSparse);
  EXPECT_EQ(message.segmentCount(), 5u);
  EXPECT_EQ(message.controlId(), "SPARSE-1");
  EXPECT_EQ(message.get("OBX-2.1"), "CWE");
}

TEST(MessageParseInto, NormalizesLineEnds) {
  hl7v2::Message message;
  ASSERT_TRUE(hl7v2::Message::parse("MSH|^~\\&|A\r\nPID|1\nPV1|1", message));
  EXPECT_EQ(message.bytes(), "MSH|^~\\&|A\rPID|1\rPV1|1");
  EXPECT_EQ(message.segmentCount(), 3u);
}

TEST(MessageParseInto, AFailedParseLeavesTheMessageEmpty) {
  hl7v2::Message message;
  ASSERT_TRUE(hl7v2::Message::parse(kRich, message));
  const auto failed = hl7v2::Message::parse("MSH|^~\\&|A\rP!D|1\r", message);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, hl7v2::ErrorCode::SegmentSequence);
  EXPECT_EQ(message.segmentCount(), 0u);
  EXPECT_TRUE(message.bytes().empty());
  EXPECT_FALSE(hl7v2::Message::parse("PID|1", message));
  EXPECT_EQ(message.segmentCount(), 0u);
}

TEST(ReusedList, HandsOutTheElementsThereThenNewOnes) {
  std::vector<std::string> items = {"a", "b"};
  hl7v2::ReusedList<std::string> list(items);
  EXPECT_EQ(&list.next(), &items[0]);
  list.next() = "stale";
  EXPECT_EQ(list.size(), 2u);
  list.next() = "new";
  EXPECT_EQ(items.size(), 3u);
  list.finish();
  EXPECT_EQ(items, (std::vector<std::string>{"a", "stale", "new"}));
}

TEST(ReusedList, KeepsTheHeapBlocksOfWhatFinishDropsUpToItsBound) {
  // Longer than any small-string buffer, so that each text is a heap block of its own.
  const std::string b(40, 'b');
  const std::string c(40, 'c');
  std::vector<std::string> items = {"a", b, c, std::string(40, 'd')};
  const char* const b_block = items[1].data();
  hl7v2::SpareElements<std::string> spare;
  {
    hl7v2::ReusedList<std::string> list(items, spare, 2);
    list.next();
    list.finish();
  }
  EXPECT_EQ(items, (std::vector<std::string>{"a"}));
  EXPECT_EQ(spare.size(), 2u);  // b's and c's: the two nearest the end of the list
  hl7v2::ReusedList<std::string> list(items, spare, 2);
  list.next();
  EXPECT_EQ(list.next(), b);  // back in their order, in their own blocks
  EXPECT_EQ(items[1].data(), b_block);
  EXPECT_EQ(list.next(), c);
  EXPECT_EQ(list.next(), "");  // then new elements
  list.finish();
  EXPECT_EQ(items.size(), 4u);
  EXPECT_TRUE(spare.empty());
}

TEST(ReusedList, SpareElementsKeepNoShortTextOnlyBlocks) {
  std::vector<std::string> items = {"a", "short"};
  hl7v2::SpareElements<std::string> spare;
  {
    hl7v2::ReusedList<std::string> list(items, spare, 2);
    list.next();
    list.finish();
  }
  EXPECT_EQ(spare.size(), 1u);
  hl7v2::ReusedList<std::string> list(items, spare, 2);
  list.next();
  EXPECT_EQ(list.next(), "");  // a short text has no block: the element comes back empty
  list.finish();
  EXPECT_TRUE(spare.empty());
}

TEST(ReusedList, DropLastAndFinishTrimTheList) {
  std::vector<std::string> items = {"a", "b", "c"};
  hl7v2::ReusedList<std::string> list(items);
  list.next() = "x";
  list.next();
  list.dropLast();
  EXPECT_EQ(list.size(), 1u);
  list.finish();
  EXPECT_EQ(items, (std::vector<std::string>{"x"}));
}

namespace normalize_into_lists {

// kRich's header and order with results OBX|1 to OBX|count, a note after every fifth.
std::string withResults(int count) {
  std::string text = kRich.substr(0, kRich.find("NTE|1|L|Order"));
  for (int i = 1; i <= count; ++i) {
    text += "OBX|" + std::to_string(i) + "|NM|2345-7^Glucose SerPl-mCnc^LN||" +
            std::to_string(100 + i) + "|mg/dL^^UCUM|70-99|H|||F\r";
    if (i % 5 == 0) text += "NTE|1|L|Note " + std::to_string(i) + "\r";
  }
  return text;
}

}  // namespace normalize_into_lists

// A result normalized into again keeps the room of the messages before instead of counting a
// message's OBX and NTE first: a longer message grows its lists past that room, more than once.
TEST(NormalizeInto, ResultsAndNotesGrowPastTheRoomOfTheMessagesBefore) {
  using normalize_into_lists::withResults;
  test::expectEachEqualsFresh({kSparse, withResults(3), withResults(40), withResults(0),
                               withResults(70), withResults(1), withResults(130), kSparse});
}
