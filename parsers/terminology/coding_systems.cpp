#include "parsers/terminology/coding_systems.h"

#include <optional>

#include "parsers/terminology/concept_map.h"

namespace ferry::terminology {
namespace {

constexpr std::string_view kCodingSystemTable = "0396";

// An assigning authority (CX.4, XCN.9) with a well-known FHIR identifier system.
struct IdentifierNamespace {
  std::string_view authority;
  std::string_view system;
};

constexpr IdentifierNamespace kIdentifierNamespaces[] = {
    {"NPI", "http://hl7.org/fhir/sid/us-npi"},
    {"USSSA", "http://hl7.org/fhir/sid/us-ssn"},
    {"SSA", "http://hl7.org/fhir/sid/us-ssn"},
};

}  // namespace

std::string_view codingSystemUri(std::string_view v2SystemId) {
  const ConceptMapping* row = findFhir(kCodingSystemTable, v2SystemId);
  return row != nullptr ? row->fhir_code : v2SystemId;
}

std::string_view v2CodingSystemId(std::string_view uri) {
  const std::optional<ConceptMapping> row = toV2(kCodingSystemTable, uri);
  return row ? row->v2_code : uri;
}

std::string_view identifierSystemUri(std::string_view assigningAuthority) {
  for (const IdentifierNamespace& ns : kIdentifierNamespaces) {
    if (ns.authority == assigningAuthority) return ns.system;
  }
  return assigningAuthority;
}

}  // namespace ferry::terminology
