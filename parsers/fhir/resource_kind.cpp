#include "parsers/fhir/resource_kind.h"

namespace ferry::fhir {

std::string_view resourceTypeName(ResourceKind kind) {
    switch (kind) {
        case ResourceKind::MessageHeader:
            return "MessageHeader";
        case ResourceKind::Patient:
            return "Patient";
        case ResourceKind::Encounter:
            return "Encounter";
        case ResourceKind::ServiceRequest:
            return "ServiceRequest";
        case ResourceKind::DiagnosticReport:
            return "DiagnosticReport";
        case ResourceKind::Observation:
            return "Observation";
        case ResourceKind::Specimen:
            return "Specimen";
        case ResourceKind::Immunization:
            return "Immunization";
        case ResourceKind::Coverage:
            return "Coverage";
        case ResourceKind::Claim:
            return "Claim";
        case ResourceKind::ClaimResponse:
            return "ClaimResponse";
    }
    return {};
}

std::optional<ResourceKind> resourceKindOf(std::string_view resourceType) {
    for (ResourceKind kind : kAllKinds) {
        if (resourceTypeName(kind) == resourceType) return kind;
    }
    return std::nullopt;
}

}  // namespace ferry::fhir
