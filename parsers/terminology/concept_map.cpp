#include "parsers/terminology/concept_map.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "parsers/terminology/v2_tables_administration.h"
#include "parsers/terminology/v2_tables_coding_systems.h"
#include "parsers/terminology/v2_tables_demographics.h"
#include "parsers/terminology/v2_tables_patient.h"
#include "parsers/terminology/v2_tables_results.h"

namespace ferry::terminology {
namespace {

/// A table number and its rows.
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

/// Every row belongs to the table it is filed under, and no v2 code appears twice in a table
/// (a duplicate would make toFhir() silently ignore the second row).
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

/// "HL70001" and "0001" both name table 0001.
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

std::uint32_t tableWord(std::string_view number) {
    std::uint32_t word = 0;
    std::memcpy(&word, number.data(), kTableNumberSize);
    return word;
}

// Normalizers look codes up several times per result segment, so the forward direction gets a
// hash index built once from the tables (the tables stay the single source of truth). It is an
// open-addressing table of row pointers keyed by (table word, code), so a look-up hashes a few
// bytes and compares in place: no key string is built. The first row wins for a repeated key, as
// in a linear search (wellFormed() rules duplicates out anyway).
class ForwardIndex {
public:
    ForwardIndex() {
        for (const TableEntry& entry : kTables) {
            const std::uint32_t table = tableWord(entry.table);
            for (const ConceptMapping& row : entry.rows) {
                std::size_t slot = hash(table, row.v2_code) & kMask;
                while (slots_[slot].row != nullptr) {
                    if (slots_[slot].table == table && slots_[slot].row->v2_code == row.v2_code) break;
                    slot = (slot + 1) & kMask;
                }
                if (slots_[slot].row == nullptr) slots_[slot] = Slot{&row, table};
            }
        }
    }

    const ConceptMapping* find(std::string_view number, std::string_view code) const {
        if (number.size() != kTableNumberSize) return nullptr;  // no such table
        const std::uint32_t table = tableWord(number);
        for (std::size_t slot = hash(table, code) & kMask;; slot = (slot + 1) & kMask) {
            const Slot& s = slots_[slot];
            if (s.row == nullptr) return nullptr;
            if (s.table == table && same(s.row->v2_code, code)) return s.row;
        }
    }

private:
    // Comfortably over twice the ~400 rows, so probe sequences stay short and always end at an
    // empty slot.
    static constexpr std::size_t kSlots = 2048;
    static constexpr std::size_t kMask = kSlots - 1;

    struct Slot {
        const ConceptMapping* row = nullptr;
        std::uint32_t table = 0;  // tableWord() of the row's table
    };

    // Codes are a few bytes: an inline loop beats a memcmp call.
    static bool same(std::string_view a, std::string_view b) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (a[i] != b[i]) return false;
        }
        return true;
    }

    // FNV-1a over the code, started from the table word.
    static std::size_t hash(std::uint32_t table, std::string_view code) {
        std::uint32_t h = (2166136261u ^ table) * 16777619u;
        for (char c : code) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
        return h ^ (h >> 15);
    }

    std::array<Slot, kSlots> slots_{};
};

const ForwardIndex& forwardIndex() {
    static const ForwardIndex index;
    return index;
}

}  // namespace

const ConceptMapping* findFhir(std::string_view table, std::string_view v2Code) {
    return forwardIndex().find(tableNumber(table), v2Code);
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
