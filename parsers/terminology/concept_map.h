// Coded values between HL7 v2 tables and FHIR code systems, as data.
//
// Codecs need the same translations in both directions: PID-8 "F" is FHIR "female", OBX-8 "H" is
// ObservationInterpretation "H", OBX-11 "F" is observation-status "final", and the v2 writer needs
// the way back. The rows follow HL7's published v2-to-FHIR concept maps (HL7 Version 2 to FHIR
// IG, STU1); a v2 code the published map leaves unmapped has no row, so toFhir() returns nullopt
// for it and the caller keeps the original code. The rows live in static constexpr tables
// (v2_tables_*.h, coding_systems.h), never in if-chains, so that a new table is a data change.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace ferry::terminology {

// One row of a concept map: a v2 code of one table and its FHIR coding.
struct ConceptMapping {
  std::string_view table;        // v2 table number, "0001"
  std::string_view v2_code;      // "F"
  std::string_view fhir_system;  // "http://hl7.org/fhir/administrative-gender"
  std::string_view fhir_code;    // "female"
  std::string_view display;      // FHIR display, "Female"
};

// FHIR code systems the tables map into.
inline constexpr std::string_view kAdministrativeGender = "http://hl7.org/fhir/administrative-gender";
inline constexpr std::string_view kObservationInterpretation =
    "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
inline constexpr std::string_view kObservationStatus = "http://hl7.org/fhir/observation-status";
inline constexpr std::string_view kDiagnosticReportStatus = "http://hl7.org/fhir/diagnostic-report-status";
inline constexpr std::string_view kRequestStatus = "http://hl7.org/fhir/request-status";
inline constexpr std::string_view kActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
inline constexpr std::string_view kRouteOfAdministration =
    "http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration";
inline constexpr std::string_view kV2PatientClass = "http://terminology.hl7.org/CodeSystem/v2-0004";
inline constexpr std::string_view kV2OrderControl = "http://terminology.hl7.org/CodeSystem/v2-0119";
inline constexpr std::string_view kV2Route = "http://terminology.hl7.org/CodeSystem/v2-0162";
inline constexpr std::string_view kV2BodySite = "http://terminology.hl7.org/CodeSystem/v2-0163";
inline constexpr std::string_view kV2IdentifierType = "http://terminology.hl7.org/CodeSystem/v2-0203";
// System of the rows of table 0396, whose FHIR "code" is a code system URI.
inline constexpr std::string_view kUriSystem = "urn:ietf:rfc:3986";

// The FHIR coding for v2Code of table ("0001" or "HL70001"); nullopt for an unknown table, an
// unknown code, or a code the published map leaves unmapped. Codes are case-sensitive.
std::optional<ConceptMapping> toFhir(std::string_view table, std::string_view v2Code);

// The same look-up as toFhir(), answered with the row in the static tables (nullptr when
// unmapped): no copy, no allocation, for normalizers that look codes up on every segment.
const ConceptMapping* findFhir(std::string_view table, std::string_view v2Code);

// The v2 code of table for fhirCode. Where several v2 codes map to one FHIR code (0001: "A",
// "N" and "O" are all "other"), the row listed first in the table wins ("O").
std::optional<ConceptMapping> toV2(std::string_view table, std::string_view fhirCode);

// All rows of table, in table order; empty for an unknown table.
std::span<const ConceptMapping> conceptMap(std::string_view table);

}  // namespace ferry::terminology
