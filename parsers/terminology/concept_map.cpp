#include "parsers/terminology/concept_map.h"

#include <cstddef>
#include <cstring>
#include <string>
#include <unordered_map>

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

// Normalizers look codes up several times per result segment, so the forward direction gets a
// hash index built once from the tables (the tables stay the single source of truth). The first
// row wins for a repeated key, as in the linear search.
struct ForwardIndex {
    std::unordered_map<std::string, const ConceptMapping*> rows;  // key: table + '\0' + v2 code
    ForwardIndex() {
        for (const TableEntry& entry : kTables) {
            for (const ConceptMapping& row : entry.rows) {
                std::string key(entry.table);
                key += '\0';
                key += row.v2_code;
                rows.emplace(std::move(key), &row);
            }
        }
    }
};

const ForwardIndex& forwardIndex() {
    static const ForwardIndex index;
    return index;
}

}  // namespace

std::optional<ConceptMapping> toFhir(std::string_view table, std::string_view v2Code) {
    // Keys fit a small stack buffer; longer ones cannot be in the tables.
    char key[64];
    const std::string_view number = tableNumber(table);
    if (number.size() + 1 + v2Code.size() > sizeof key) return std::nullopt;
    std::memcpy(key, number.data(), number.size());
    key[number.size()] = '\0';
    std::memcpy(key + number.size() + 1, v2Code.data(), v2Code.size());
    const auto& rows = forwardIndex().rows;
    const auto it = rows.find(std::string(key, number.size() + 1 + v2Code.size()));
    if (it == rows.end()) return std::nullopt;
    return *it->second;
}

std::optional<ConceptMapping> toV2(std::string_view table, std::string_view fhirCode) {
    for (const ConceptMapping& row : conceptMap(table)) {
        if (row.fhir_code == fhirCode) return row;
    }
    return std::nullopt;
}

}  // namespace ferry::terminology
