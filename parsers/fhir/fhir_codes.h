// FHIR code systems and fixed codes the FHIR codec writes that are structure rather than v2
// translations (v2 <-> FHIR code translations, and the URIs of the v2 tables listed in table 0396,
// come from parsers/terminology). The v2 tables here (0003, 0076, 0354, 0443) have no 0396 row.
#pragma once

#include <string_view>

namespace ferry::fhir::codes {

inline constexpr std::string_view kV2EventType = "http://terminology.hl7.org/CodeSystem/v2-0003";
inline constexpr std::string_view kV2MessageType = "http://terminology.hl7.org/CodeSystem/v2-0076";
inline constexpr std::string_view kV2MessageStructure = "http://terminology.hl7.org/CodeSystem/v2-0354";
inline constexpr std::string_view kV2PerformerFunction = "http://terminology.hl7.org/CodeSystem/v2-0443";
inline constexpr std::string_view kParticipationType =
    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
inline constexpr std::string_view kNullFlavor = "http://terminology.hl7.org/CodeSystem/v3-NullFlavor";
inline constexpr std::string_view kLocationPhysicalType =
    "http://terminology.hl7.org/CodeSystem/location-physical-type";
inline constexpr std::string_view kCoverageClass = "http://terminology.hl7.org/CodeSystem/coverage-class";
inline constexpr std::string_view kProcessPriority = "http://terminology.hl7.org/CodeSystem/processpriority";
inline constexpr std::string_view kAdjudication = "http://terminology.hl7.org/CodeSystem/adjudication";
inline constexpr std::string_view kPaymentType = "http://terminology.hl7.org/CodeSystem/ex-paymenttype";
inline constexpr std::string_view kX12AdjustmentGroup = "https://x12.org/codes/claim-adjustment-group-codes";
inline constexpr std::string_view kX12AdjustmentReason =
    "https://x12.org/codes/claim-adjustment-reason-codes";
inline constexpr std::string_view kMothersMaidenName =
    "http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName";
inline constexpr std::string_view kUsCoreRace =
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race";
inline constexpr std::string_view kUsCoreEthnicity =
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity";

// Identifier types of v2 table 0203 for order numbers (absent from Ferry's 0203 rows).
inline constexpr std::string_view kPlacerIdentifier = "PLAC";
inline constexpr std::string_view kFillerIdentifier = "FILL";

// Prefix of the ids of resources the writer puts in "contained".
inline constexpr std::string_view kContainedIdPrefix = "ferry-";

}  // namespace ferry::fhir::codes
