#include "parsers/terminology/concept_map.h"

#include <array>
#include <cstddef>
#include <cstdint>

#include "parsers/terminology/code_key.h"
#include "parsers/terminology/v2_tables_administration.h"
#include "parsers/terminology/v2_tables_coding_systems.h"
#include "parsers/terminology/v2_tables_demographics.h"
#include "parsers/terminology/v2_tables_patient.h"
#include "parsers/terminology/v2_tables_results.h"

namespace ferry::terminology {
namespace {

// A table number and its rows.
struct TableEntry {
  std::string_view table;
  std::span<const ConceptMapping> rows;
};

constexpr TableEntry kTables[] = {
    {"0001", tables::kAdministrativeSex},
    {"0004", tables::kPatientClass},
    {"0038", tables::kOrderStatus},
    {"0063", tables::kRelationship},
    {"0078", tables::kAbnormalFlags},
    {"0085", tables::kObservationResultStatus},
    {"0119", tables::kOrderControl},
    {"0123", tables::kResultStatus},
    {"0162", tables::kRoutesOfAdministration},
    {"0163", tables::kBodySites},
    {"0190", tables::kAddressType},
    {"0200", tables::kNameType},
    {"0201", tables::kTelecommunicationUse},
    {"0202", tables::kTelecommunicationEquipment},
    {"0203", tables::kIdentifierType},
    {"0396", tables::kCodingSystems},
};

// Every row belongs to the table it is filed under, and no v2 code appears twice in a table
// (a duplicate would make toFhir() silently ignore the second row).
constexpr bool wellFormed(const TableEntry& entry) {
  for (std::size_t i = 0; i < entry.rows.size(); ++i) {
    if (entry.rows[i].table != entry.table) return false;
    for (std::size_t j = i + 1; j < entry.rows.size(); ++j) {
      if (entry.rows[i].v2_code == entry.rows[j].v2_code) return false;
    }
  }
  return true;
}

constexpr bool allWellFormed() {
  for (const TableEntry& entry : kTables) {
    if (!wellFormed(entry)) return false;
  }
  return true;
}
static_assert(allWellFormed(), "a concept map table has a misfiled row or a duplicate v2 code");

// "HL70001" and "0001" both name table 0001.
constexpr std::string_view tableNumber(std::string_view table) {
  if (table.size() == 7 && table.substr(0, 3) == "HL7") return table.substr(3);
  return table;
}

}  // namespace

std::span<const ConceptMapping> conceptMap(std::string_view table) {
  const std::string_view number = tableNumber(table);
  for (const TableEntry& entry : kTables) {
    if (entry.table == number) return entry.rows;
  }
  return {};
}

namespace {

// Every table number has four digits ("0001"), so a table is named by one 32-bit word: it is
// hashed and compared in one step instead of a loop over its characters.
constexpr std::size_t kTableNumberSize = 4;

constexpr bool tableNumbersHaveFourDigits() {
  for (const TableEntry& entry : kTables) {
    if (entry.table.size() != kTableNumberSize) return false;
  }
  return true;
}
static_assert(tableNumbersHaveFourDigits(), "ForwardIndex keys tables by a four-character number");

// The four characters as one little-endian word, as the key of a code (code_key.h).
constexpr std::uint32_t tableWord(std::string_view number) {
  return static_cast<std::uint32_t>(codeKey(number.substr(0, kTableNumberSize)).word);
}

// Normalizers look codes up several times per result segment, so the forward direction gets a
// hash index built once from the tables (the tables stay the single source of truth). It is an
// open-addressing table keyed by (table word, CodeKey of the code), so a look-up packs the code
// into one word, hashes it with a multiply and compares integers in place: no key string is
// built, no loop over characters. The first row wins for a repeated key, as in a linear search
// (wellFormed() rules duplicates out anyway).
class ForwardIndex {
 public:
  constexpr ForwardIndex() {
    for (const TableEntry& entry : kTables) {
      const std::uint32_t table = tableWord(entry.table);
      for (const ConceptMapping& row : entry.rows) {
        const CodeKey key = codeKey(row.v2_code);
        std::size_t slot = hash(table, key);
        while (!slots_[slot].empty() && !matches(slots_[slot], table, key, row.v2_code)) {
          slot = (slot + 1) & kMask;
        }
        if (slots_[slot].empty()) {
          slots_[slot] = Slot{&row, key.word, table, static_cast<std::uint32_t>(key.size)};
        }
      }
    }
  }

  constexpr const ConceptMapping* find(std::string_view number, std::string_view code) const {
    if (number.size() != kTableNumberSize) return nullptr;  // no such table
    const std::uint32_t table = tableWord(number);
    const CodeKey key = codeKey(code);
    if (!key.wholeCode()) return findLong(table, key, code);
    // Nearly every code: the key alone decides, and the loop calls nothing, so the look-up
    // saves no registers (measured: -145 instructions a message).
    for (std::size_t slot = hash(table, key);; slot = (slot + 1) & kMask) {
      const Slot& s = slots_[slot];
      if (s.empty()) return nullptr;
      if (sameKey(s, table, key)) return s.row;
    }
  }

 private:
  // Comfortably over twice the ~400 rows, so probe sequences stay short and always end at an
  // empty slot.
  static constexpr int kSlotBits = 10;
  static constexpr std::size_t kSlots = std::size_t{1} << kSlotBits;
  static constexpr std::size_t kMask = kSlots - 1;

  struct Slot {
    const ConceptMapping* row = nullptr;
    std::uint64_t code = 0;   // CodeKey::word of the row's v2 code
    std::uint32_t table = 0;  // tableWord() of the row's table
    std::uint32_t size = 0;   // CodeKey::size of the row's v2 code

    // No table number is 0 ("0000" is 0x30303030): an empty slot needs no pointer compared,
    // which GCC's UndefinedBehaviorSanitizer does not allow while the compiler builds the index.
    constexpr bool empty() const { return table == 0; }
  };

  static constexpr bool sameKey(const Slot& s, std::uint32_t table, const CodeKey& key) {
    return s.code == key.word && s.table == table && s.size == key.size;
  }
  static constexpr bool matches(const Slot& s, std::uint32_t table, const CodeKey& key,
                                std::string_view code) {
    return sameKey(s, table, key) && (key.wholeCode() || s.row->v2_code == code);
  }

  // find() of a code longer than eight bytes, whose key only narrows the search.
  [[gnu::noinline]] constexpr const ConceptMapping* findLong(std::uint32_t table,
                                                             const CodeKey& key,
                                                             std::string_view code) const {
    for (std::size_t slot = hash(table, key);; slot = (slot + 1) & kMask) {
      const Slot& s = slots_[slot];
      if (s.empty()) return nullptr;
      if (matches(s, table, key, code)) return s.row;
    }
  }

  // Multiplicative hashing of the code word with the table word folded in: the top bits of
  // the product depend on every input bit.
  static constexpr std::size_t hash(std::uint32_t table, const CodeKey& key) {
    const std::uint64_t mixed =
        (key.word ^ (static_cast<std::uint64_t>(table) << 29) ^ key.size) * 0x9E3779B97F4A7C15ull;
    return static_cast<std::size_t>(mixed >> (64 - kSlotBits));
  }

  std::array<Slot, kSlots> slots_{};
};

// Built by the compiler: a look-up tests no guard of a static made on first use (measured: -79
// instructions a message).
constexpr ForwardIndex kForwardIndex;

}  // namespace

const ConceptMapping* findFhir(std::string_view table, std::string_view v2Code) {
  return kForwardIndex.find(tableNumber(table), v2Code);
}

std::optional<ConceptMapping> toFhir(std::string_view table, std::string_view v2Code) {
  const ConceptMapping* row = findFhir(table, v2Code);
  if (row == nullptr) return std::nullopt;
  return *row;
}

std::optional<ConceptMapping> toV2(std::string_view table, std::string_view fhirCode) {
  for (const ConceptMapping& row : conceptMap(table)) {
    if (row.fhir_code == fhirCode) return row;
  }
  return std::nullopt;
}

}  // namespace ferry::terminology
