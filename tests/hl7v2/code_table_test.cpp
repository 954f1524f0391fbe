// The patient and visit readers look codes up in CodeTables instead of the concept map's index:
// a table must hold the concept map's own rows and answer every code as findFhir does.

#include "parsers/hl7v2/code_table.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "parsers/terminology/concept_map.h"

namespace code_table_test {

using ferry::terminology::findFhir;

// Codes of every length around the key's eight bytes, near-misses of real codes, and each row's.
template <std::size_t kRows>
void expectAnswersAsFindFhir(const ferry::hl7v2::CodeTable<kRows>& table, std::string_view number) {
  const auto rows = ferry::terminology::conceptMap(number);
  EXPECT_EQ(table.rows().data(), rows.data()) << number;
  EXPECT_EQ(table.rows().size(), rows.size()) << number;
  std::vector<std::string> codes = {"", "x", "XX", "NET", "Intern", "Internet", "Internets",
                                    "X.400", "X.40", "x.400", "PRNX", "HL70200", "LongerThanEight"};
  for (const auto& row : rows) {
    codes.emplace_back(row.v2_code);
    codes.push_back(std::string(row.v2_code) + "Z");
    codes.push_back(std::string(row.v2_code).substr(1));
  }
  for (const std::string& code : codes) {
    EXPECT_EQ(table.find(code), findFhir(number, code)) << number << " '" << code << "'";
    const auto* row = findFhir(number, code);
    EXPECT_EQ(table.fhirCode(code), row != nullptr && !code.empty() ? row->fhir_code : "")
        << number << " '" << code << "'";
  }
}

}  // namespace code_table_test

using code_table_test::expectAnswersAsFindFhir;

TEST(CodeTable, HoldsTheConceptMapsRowsAndAnswersAsFindFhir) {
  expectAnswersAsFindFhir(ferry::hl7v2::kAdministrativeSexTable, "0001");
  expectAnswersAsFindFhir(ferry::hl7v2::kPatientClassTable, "0004");
  expectAnswersAsFindFhir(ferry::hl7v2::kAddressTypeTable, "0190");
  expectAnswersAsFindFhir(ferry::hl7v2::kNameTypeTable, "0200");
  expectAnswersAsFindFhir(ferry::hl7v2::kTelecommunicationUseTable, "0201");
  expectAnswersAsFindFhir(ferry::hl7v2::kTelecommunicationEquipmentTable, "0202");
}

TEST(CodeTable, TellsApartCodesLongerThanTheirKey) {
  // Nine bytes share the key of their first eight; the whole code decides.
  static constexpr ferry::terminology::ConceptMapping kRows[] = {
      {"9999", "ABCDEFGHI", "s", "first", "First"},
      {"9999", "ABCDEFGHJ", "s", "second", "Second"},
  };
  constexpr ferry::hl7v2::CodeTable table(kRows);
  EXPECT_EQ(table.fhirCode("ABCDEFGHI"), "first");
  EXPECT_EQ(table.fhirCode("ABCDEFGHJ"), "second");
  EXPECT_EQ(table.fhirCode("ABCDEFGH"), "");
  EXPECT_EQ(table.fhirCode("ABCDEFGHK"), "");
}
