// The FHIR resource types Ferry maps to the canonical model, and how a resource Ferry writes is
// tied to the canonical item it comes from.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ferry::fhir {

// FHIR resource types with a canonical counterpart. Other types (Practitioner, Organization,
// Provenance...) are kept whole as extensions when they arrive in a Bundle.
enum class ResourceKind : std::uint8_t {
  MessageHeader,
  Patient,
  Encounter,
  ServiceRequest,
  DiagnosticReport,
  Observation,
  Specimen,
  Immunization,
  Coverage,
  Claim,
  ClaimResponse,
};

inline constexpr ResourceKind kAllKinds[] = {
    ResourceKind::MessageHeader,  ResourceKind::Patient,          ResourceKind::Encounter,
    ResourceKind::ServiceRequest, ResourceKind::DiagnosticReport, ResourceKind::Observation,
    ResourceKind::Specimen,       ResourceKind::Immunization,     ResourceKind::Coverage,
    ResourceKind::Claim,          ResourceKind::ClaimResponse,
};

std::string_view resourceTypeName(ResourceKind kind);
std::optional<ResourceKind> resourceKindOf(std::string_view resourceType);

// One canonical item: Message::observations[index] for Observation; for ServiceRequest and
// DiagnosticReport the index is into Message::orders; Patient, Encounter and MessageHeader use 0.
struct ItemRef {
  ResourceKind kind;
  std::uint32_t index = 0;

  bool operator==(const ItemRef&) const = default;
};

}  // namespace ferry::fhir
