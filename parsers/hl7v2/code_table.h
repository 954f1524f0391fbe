#pragma once
// The small HL7 tables the patient and visit readers look a code up in on every message (name
// type 0200, address type 0190, telecommunication use 0201 and equipment 0202, administrative
// sex 0001, patient class 0004), as constants compared in line. The concept map's hash index
// (terminology::findFhir) costs a call, a table-number check and a probe for each of the nine
// look-ups of a message; here the keys of a table's 3-10 codes (code_key.h) are fixed when the
// program is compiled, and a look-up compares the code's key with them in order (measured:
// -370 instructions a message; the tables built on first use behind a guard cost 300 more).
//
// The rows are the concept map's own (v2_tables_*.h, which concept_map.cpp indexes under the
// same table numbers; code_table_test checks that they are the same arrays), and a table holds
// each v2 code once, so a look-up finds the row findFhir finds.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "parsers/terminology/code_key.h"
#include "parsers/terminology/concept_map.h"
#include "parsers/terminology/v2_tables_demographics.h"
#include "parsers/terminology/v2_tables_patient.h"

namespace ferry::hl7v2 {

template <std::size_t kRows>
class CodeTable {
 public:
  constexpr explicit CodeTable(const terminology::ConceptMapping (&rows)[kRows]) : rows_(rows) {
    for (std::size_t i = 0; i < kRows; ++i) keys_[i] = keyOf(rows[i].v2_code);
  }

  // The row of v2 code code; nullptr when the table has none. Forced in line, where the keys
  // become constants of the comparisons.
  [[gnu::always_inline]] const terminology::ConceptMapping* find(std::string_view code) const {
    const terminology::CodeKey key = terminology::codeKey(code);
    for (std::size_t i = 0; i < kRows; ++i) {
      if (keys_[i] == key && (key.wholeCode() || rows_[i].v2_code == code)) return &rows_[i];
    }
    return nullptr;
  }

  // The FHIR code of code's row; empty when the table has none (or code is empty).
  [[gnu::always_inline]] std::string_view fhirCode(std::string_view code) const {
    if (code.empty()) return {};
    const terminology::ConceptMapping* row = find(code);
    return row != nullptr ? row->fhir_code : std::string_view();
  }

  std::span<const terminology::ConceptMapping> rows() const { return {rows_, kRows}; }

 private:
  // terminology::codeKey() at compile time: byte i of the first eight at bits 8i, which is what
  // its overlapping loads put together.
  static constexpr terminology::CodeKey keyOf(std::string_view code) {
    terminology::CodeKey key;
    key.size = code.size();
    for (std::size_t i = 0; i < code.size() && i < 8; ++i) {
      key.word |= std::uint64_t{static_cast<unsigned char>(code[i])} << (8 * i);
    }
    return key;
  }

  const terminology::ConceptMapping* rows_;
  std::array<terminology::CodeKey, kRows> keys_{};
};

// Tables 0001, 0004, 0190, 0200, 0201 and 0202.
inline constexpr CodeTable kAdministrativeSexTable(terminology::tables::kAdministrativeSex);
inline constexpr CodeTable kPatientClassTable(terminology::tables::kPatientClass);
inline constexpr CodeTable kAddressTypeTable(terminology::tables::kAddressType);
inline constexpr CodeTable kNameTypeTable(terminology::tables::kNameType);
inline constexpr CodeTable kTelecommunicationUseTable(terminology::tables::kTelecommunicationUse);
inline constexpr CodeTable kTelecommunicationEquipmentTable(
    terminology::tables::kTelecommunicationEquipment);

}  // namespace ferry::hl7v2
