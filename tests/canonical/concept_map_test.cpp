// Specification of the v2 <-> FHIR concept maps (parsers/terminology/concept_map.h).
#include "parsers/terminology/concept_map.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

namespace ferry::terminology {
namespace {

// "system|code" of the FHIR side, or "none" when there is no mapping.
std::string fhirOf(std::string_view table, std::string_view v2Code) {
  const std::optional<ConceptMapping> row = toFhir(table, v2Code);
  if (!row) return "none";
  return std::string(row->fhir_system) + "|" + std::string(row->fhir_code);
}

std::string v2Of(std::string_view table, std::string_view fhirCode) {
  const std::optional<ConceptMapping> row = toV2(table, fhirCode);
  return row ? std::string(row->v2_code) : "none";
}

TEST(ConceptMap, AdministrativeSexMapsToAdministrativeGender) {
  EXPECT_EQ(fhirOf("0001", "F"), "http://hl7.org/fhir/administrative-gender|female");
  EXPECT_EQ(fhirOf("0001", "M"), "http://hl7.org/fhir/administrative-gender|male");
  EXPECT_EQ(fhirOf("0001", "U"), "http://hl7.org/fhir/administrative-gender|unknown");
}

TEST(ConceptMap, AmbiguousAndNotApplicableSexMapToOther) {
  EXPECT_EQ(fhirOf("0001", "A"), "http://hl7.org/fhir/administrative-gender|other");
  EXPECT_EQ(fhirOf("0001", "N"), "http://hl7.org/fhir/administrative-gender|other");
}

TEST(ConceptMap, OtherGoesBackAsTheFirstListedV2Code) {
  EXPECT_EQ(v2Of("0001", "other"), "O");
  EXPECT_EQ(v2Of("0001", "female"), "F");
}

TEST(ConceptMap, DisplayComesWithTheMapping) {
  const std::optional<ConceptMapping> row = toFhir("0001", "F");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->display, "Female");
  EXPECT_EQ(row->table, "0001");
  EXPECT_EQ(row->v2_code, "F");
}

TEST(ConceptMap, UnknownCodeHasNoMapping) {
  EXPECT_FALSE(toFhir("0001", "Z"));
  EXPECT_FALSE(toFhir("0001", ""));
  EXPECT_FALSE(toV2("0001", "woman"));
}

TEST(ConceptMap, CodesAreCaseSensitive) {
  EXPECT_FALSE(toFhir("0001", "f"));
  EXPECT_FALSE(toV2("0001", "Female"));
}

TEST(ConceptMap, TableMayBeNamedWithTheHl7Prefix) {
  EXPECT_EQ(fhirOf("HL70001", "F"), "http://hl7.org/fhir/administrative-gender|female");
  EXPECT_EQ(v2Of("HL70078", "HH"), "HH");
}

TEST(ConceptMap, UnknownTableHasNoMapping) {
  EXPECT_FALSE(toFhir("9999", "F"));
  EXPECT_FALSE(toV2("9999", "female"));
  EXPECT_TRUE(conceptMap("9999").empty());
  EXPECT_TRUE(conceptMap("").empty());
}

TEST(ConceptMap, AbnormalFlagsMapToObservationInterpretation) {
  const std::string_view system = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
  EXPECT_EQ(fhirOf("0078", "H"), std::string(system) + "|H");
  EXPECT_EQ(fhirOf("0078", "LL"), std::string(system) + "|LL");
  EXPECT_EQ(fhirOf("0078", "<"), std::string(system) + "|<");
  EXPECT_EQ(fhirOf("0078", "POS"), std::string(system) + "|POS");
  EXPECT_EQ(toFhir("0078", "HH")->display, "Critical high");
}

TEST(ConceptMap, AbnormalFlagsInactiveInFhirAreUnmapped) {
  EXPECT_FALSE(toFhir("0078", "TOX"));
  EXPECT_FALSE(toFhir("0078", "QCF"));
  EXPECT_FALSE(toFhir("0078", "AC"));
}

TEST(ConceptMap, ObservationResultStatusMapsToObservationStatus) {
  EXPECT_EQ(fhirOf("0085", "F"), "http://hl7.org/fhir/observation-status|final");
  EXPECT_EQ(fhirOf("0085", "P"), "http://hl7.org/fhir/observation-status|preliminary");
  EXPECT_EQ(fhirOf("0085", "C"), "http://hl7.org/fhir/observation-status|corrected");
  EXPECT_EQ(fhirOf("0085", "A"), "http://hl7.org/fhir/observation-status|amended");
  EXPECT_EQ(fhirOf("0085", "D"), "http://hl7.org/fhir/observation-status|entered-in-error");
  EXPECT_EQ(fhirOf("0085", "W"), "http://hl7.org/fhir/observation-status|entered-in-error");
  EXPECT_EQ(fhirOf("0085", "X"), "http://hl7.org/fhir/observation-status|cancelled");
}

TEST(ConceptMap, ObservationResultStatusesThePublishedMapLeavesOpenAreUnmapped) {
  for (std::string_view code : {"B", "I", "N", "O", "R", "S", "U", "V"}) {
    EXPECT_FALSE(toFhir("0085", code)) << code;
  }
}

TEST(ConceptMap, EnteredInErrorObservationGoesBackAsPostedWrong) {
  EXPECT_EQ(v2Of("0085", "entered-in-error"), "W");
  EXPECT_EQ(v2Of("0085", "final"), "F");
}

TEST(ConceptMap, PatientClassMapsToActCodeEncounterClass) {
  EXPECT_EQ(fhirOf("0004", "I"), "http://terminology.hl7.org/CodeSystem/v3-ActCode|IMP");
  EXPECT_EQ(fhirOf("0004", "O"), "http://terminology.hl7.org/CodeSystem/v3-ActCode|AMB");
  EXPECT_EQ(fhirOf("0004", "E"), "http://terminology.hl7.org/CodeSystem/v3-ActCode|EMER");
  EXPECT_EQ(fhirOf("0004", "P"), "http://terminology.hl7.org/CodeSystem/v3-ActCode|PRENC");
  EXPECT_EQ(v2Of("0004", "AMB"), "O");
}

TEST(ConceptMap, PatientClassWithoutActCodeKeepsItsV2Coding) {
  EXPECT_EQ(fhirOf("0004", "R"), "http://terminology.hl7.org/CodeSystem/v2-0004|R");
  EXPECT_EQ(fhirOf("0004", "U"), "http://terminology.hl7.org/CodeSystem/v2-0004|U");
}

TEST(ConceptMap, ResultStatusMapsToDiagnosticReportStatus) {
  EXPECT_EQ(fhirOf("0123", "F"), "http://hl7.org/fhir/diagnostic-report-status|final");
  EXPECT_EQ(fhirOf("0123", "R"), "http://hl7.org/fhir/diagnostic-report-status|partial");
  EXPECT_EQ(fhirOf("0123", "I"), "http://hl7.org/fhir/diagnostic-report-status|registered");
  EXPECT_EQ(fhirOf("0123", "X"), "http://hl7.org/fhir/diagnostic-report-status|cancelled");
  EXPECT_FALSE(toFhir("0123", "A"));
  EXPECT_EQ(v2Of("0123", "registered"), "O");
}

TEST(ConceptMap, IdentifierTypeKeepsItsCodeInV2Table0203) {
  EXPECT_EQ(fhirOf("0203", "MR"), "http://terminology.hl7.org/CodeSystem/v2-0203|MR");
  EXPECT_EQ(fhirOf("0203", "SS"), "http://terminology.hl7.org/CodeSystem/v2-0203|SS");
  EXPECT_EQ(toFhir("0203", "NPI")->display, "National provider identifier");
  EXPECT_EQ(v2Of("0203", "VN"), "VN");
  EXPECT_FALSE(toFhir("0203", "ZZZ"));
}

TEST(ConceptMap, RoutesWithAV3CodeMapToRouteOfAdministration) {
  EXPECT_EQ(fhirOf("0162", "IM"), "http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration|IM");
  EXPECT_EQ(fhirOf("0162", "SC"), "http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration|SQ");
  EXPECT_EQ(fhirOf("0162", "IV"), "http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration|IVINJ");
  EXPECT_EQ(v2Of("0162", "SQ"), "SC");
  EXPECT_EQ(v2Of("0162", "TRNSDERM"), "TD");
}

TEST(ConceptMap, OtherRoutesKeepTheirV2Coding) {
  EXPECT_EQ(fhirOf("0162", "IN"), "http://terminology.hl7.org/CodeSystem/v2-0162|IN");
  EXPECT_EQ(fhirOf("0162", "NS"), "http://terminology.hl7.org/CodeSystem/v2-0162|NS");
}

TEST(ConceptMap, BodySiteKeepsItsCodeInV2Table0163) {
  EXPECT_EQ(fhirOf("0163", "LD"), "http://terminology.hl7.org/CodeSystem/v2-0163|LD");
  EXPECT_EQ(toFhir("0163", "RVL")->display, "Right Vastus Lateralis");
}

TEST(ConceptMap, OrderControlCodesAreKeptAsTheyAre) {
  EXPECT_EQ(fhirOf("0119", "NW"), "http://terminology.hl7.org/CodeSystem/v2-0119|NW");
  EXPECT_EQ(fhirOf("0119", "RE"), "http://terminology.hl7.org/CodeSystem/v2-0119|RE");
  EXPECT_EQ(v2Of("0119", "CA"), "CA");
}

TEST(ConceptMap, ListsTheRowsOfATableInTableOrder) {
  const auto rows = conceptMap("0001");
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows.front().v2_code, "F");
  EXPECT_EQ(rows.back().v2_code, "N");
}

TEST(ConceptMap, OrderStatusMapsToRequestStatusAsPublished) {
  EXPECT_EQ(fhirOf("0038", "CM"), "http://hl7.org/fhir/request-status|completed");
  EXPECT_EQ(fhirOf("0038", "IP"), "http://hl7.org/fhir/request-status|active");
  EXPECT_EQ(fhirOf("0038", "SC"), "http://hl7.org/fhir/request-status|active");
  EXPECT_EQ(fhirOf("0038", "HD"), "http://hl7.org/fhir/request-status|on-hold");
  EXPECT_EQ(fhirOf("0038", "DC"), "http://hl7.org/fhir/request-status|revoked");
  EXPECT_EQ(fhirOf("0038", "ER"), "http://hl7.org/fhir/request-status|entered-in-error");
  EXPECT_FALSE(toFhir("0038", "A")) << "some results available: the published map leaves it open";
  EXPECT_EQ(v2Of("0038", "revoked"), "CA");
  EXPECT_EQ(v2Of("0038", "active"), "IP");
  EXPECT_FALSE(toV2("0038", "draft"));
}

TEST(ConceptMap, EveryRowIsFoundFromBothDirections) {
  for (std::string_view table :
       {"0001", "0004", "0038", "0078", "0085", "0119", "0123", "0162", "0163", "0203", "0396"}) {
    const auto rows = conceptMap(table);
    ASSERT_FALSE(rows.empty()) << table;
    for (const ConceptMapping& row : rows) {
      const std::optional<ConceptMapping> forward = toFhir(table, row.v2_code);
      ASSERT_TRUE(forward) << table << " " << row.v2_code;
      EXPECT_EQ(forward->fhir_code, row.fhir_code);
      const std::optional<ConceptMapping> back = toV2(table, row.fhir_code);
      ASSERT_TRUE(back) << table << " " << row.fhir_code;
      EXPECT_EQ(back->fhir_code, row.fhir_code);
      EXPECT_FALSE(row.fhir_system.empty());
      EXPECT_FALSE(row.display.empty());
    }
  }
}

// findFhir() keys codes by their first eight bytes and length (code_key.h): every row is found
// as itself, and a code one byte longer or shorter than a row's is never taken for it.
TEST(ConceptMap, FindFhirFindsEveryRowAndOnlyItsOwnCode) {
  for (std::string_view table : {"0001", "0004", "0038", "0063", "0078", "0085", "0119", "0123", "0162",
                                 "0163", "0190", "0200", "0201", "0202", "0203", "0396"}) {
    const auto rows = conceptMap(table);
    ASSERT_FALSE(rows.empty()) << table;
    for (const ConceptMapping& row : rows) {
      EXPECT_EQ(findFhir(table, row.v2_code), &row) << table << " " << row.v2_code;
      const std::string longer = std::string(row.v2_code) + "X";
      const ConceptMapping* other = findFhir(table, longer);
      EXPECT_TRUE(other == nullptr || other->v2_code == longer) << table << " " << longer;
      const std::string_view shorter = row.v2_code.substr(0, row.v2_code.size() - 1);
      other = findFhir(table, shorter);
      EXPECT_TRUE(other == nullptr || other->v2_code == shorter) << table << " " << shorter;
    }
  }
  EXPECT_EQ(findFhir("0396", "LN-and-more-than-eight"), nullptr);
}

}  // namespace
}  // namespace ferry::terminology
