// Orders and their results: what was asked for, what was measured, on which specimen.
//
// This is the heart of the lab and national-reporting flows (ORM/OML orders, ORU results, FHIR
// ServiceRequest / DiagnosticReport / Observation / Specimen). Results keep both the value as the
// source wrote it and a typed reading of it, so a round trip to v2 changes no byte of "8.10" and
// a rule can still compare numbers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/canonical/boxed.h"
#include "engine/canonical/datatypes.h"

namespace ferry::canonical {

// An order or a report header (v2 ORC + OBR; FHIR ServiceRequest / DiagnosticReport).
struct Order {
  Identifier placer_order_number;  // ORC-2 / OBR-2
  Identifier filler_order_number;  // ORC-3 / OBR-3
  std::string order_control;       // ORC-1, v2 table 0119 code kept as sent ("NW", "RE")
  std::string order_status;        // ORC-5, v2 table 0038 code kept as sent ("CM", "IP")
  // OBR-25 result status (table 0123) and its FHIR diagnostic-report-status.
  StatusCode result_status;
  CodeableConcept code;            // OBR-4 universal service identifier
  Practitioner ordering_provider;  // ORC-12 / OBR-16
  DateTime requested_time;         // ORC-9 / OBR-6 as ISO 8601
  DateTime observation_time;       // OBR-7 (specimen collection / observation start)
  DateTime results_time;           // OBR-22 results reported or status changed
  std::vector<CodeableConcept> reason_codes;  // OBR-31 repetitions; FHIR ServiceRequest.reasonCode

  bool operator==(const Order&) const = default;
};

// v2 SN (structured numeric), kept as text: "<^100", "^1^:^128", "^2^-^5".
struct StructuredNumeric {
  std::string comparator;  // SN.1: "<", ">", "<=", ">=", "=", "<>"
  std::string num1;        // SN.2
  std::string separator;   // SN.3: "-", "+", "/", ".", ":"
  std::string num2;        // SN.4

  bool operator==(const StructuredNumeric&) const = default;
};

// The value of one observation. Observation::value_type says which member is meaningful; the
// others stay empty. Numbers keep the source's decimal text next to their double reading.
//
// Most results are numbers, so NM stays inline and the other kinds are boxed (boxed.h): inline
// they would take 248 bytes of every result for the one that uses them.
struct ObservationValue {
  std::string decimal;                          // NM as written, e.g. "8.10" (never reformatted)
  std::optional<double> number;                 // the same NM read as a double, when it parses
  Boxed<std::string> text;                      // ST, TX, FT (unescaped), or any type kept as plain text
  Boxed<CodeableConcept> coded;                 // CWE, CE, CNE
  Boxed<StructuredNumeric> structured_numeric;  // SN
  Boxed<DateTime> date_time;                    // DT, DTM, TS as ISO 8601

  bool operator==(const ObservationValue&) const = default;
};

// Reference range (OBX-7): the text as sent, plus its bounds when it reads as numbers.
struct ReferenceRange {
  std::string text;            // e.g. "70-99", "<5", "negative"
  std::optional<double> low;   // 70 for "70-99"
  std::optional<double> high;  // 99 for "70-99"

  bool operator==(const ReferenceRange&) const = default;
};

// One abnormal flag (OBX-8 repetition) and its FHIR Observation.interpretation coding
// (v3-ObservationInterpretation, via v2 table 0078).
struct Interpretation {
  std::string v2;  // the flag as sent, e.g. "H"
  Coding fhir;     // empty when table 0078 maps the flag to nothing

  bool operator==(const Interpretation&) const = default;
};

// One result (v2 OBX; FHIR Observation). A Bundle may hold a hundred thousand of them, so members
// most results leave empty are boxed (boxed.h).
struct Observation {
  std::string set_id;      // OBX-1
  std::string value_type;  // OBX-2 v2 data type: "NM", "ST", "TX", "FT", "CWE", "CE", "SN", "DT", "TS"...
  // FHIR Observation.category ("laboratory", "vital-signs"); v2 has no such field, so results
  // read from v2 leave it empty.
  std::vector<CodeableConcept> category;
  CodeableConcept code;                         // OBX-3 observation identifier (local code, then LOINC)
  std::string sub_id;                           // OBX-4
  ObservationValue value;                       // OBX-5
  Coding units;                                 // OBX-6, system usually http://unitsofmeasure.org
  ReferenceRange reference_range;               // OBX-7
  std::vector<Interpretation> interpretations;  // OBX-8 repetitions
  // OBX-11 result status (table 0085) and its FHIR observation-status.
  StatusCode status;
  DateTime observation_time;      // OBX-14 as ISO 8601
  DateTime analysis_time;         // OBX-19 as ISO 8601
  Boxed<Practitioner> performer;  // OBX-16 responsible observer
  // Index into Message::orders of the order (OBR) this result belongs to.
  std::optional<std::uint32_t> order_index;
  Boxed<CodeableConcept> method;  // OBX-17 (first repetition: FHIR Observation.method is 0..1)
  // OBX-23 name and identifier, OBX-24 address: the lab that did the test (an ELR must name it).
  Boxed<Organization> performing_organization;
  Boxed<Practitioner> medical_director;  // OBX-25 the performing organization's medical director

  bool operator==(const Observation&) const = default;
};

// A specimen (v2 SPM, or OBR-15 in older versions; FHIR Specimen).
struct Specimen {
  Identifier identifier;                     // SPM-2
  CodeableConcept type;                      // SPM-4
  DateTime collection_time;                  // SPM-17 start, as ISO 8601
  CodeableConcept source_site;               // SPM-8
  std::optional<std::uint32_t> order_index;  // Message::orders index of its order
  DateTime collection_end_time;              // SPM-17.2; FHIR collection.collectedPeriod.end
  DateTime received_time;                    // SPM-18; FHIR Specimen.receivedTime

  bool operator==(const Specimen&) const = default;
};

// A free-text comment (v2 NTE; FHIR Annotation). It is attached to the observation or order it
// followed in the source; with neither index set it belongs to the patient or the message.
struct Note {
  std::string text;     // NTE-3, unescaped; repetitions joined with "\n"
  std::string source;   // NTE-2 source of comment (table 0105): "L", "P", "O"
  Coding comment_type;  // NTE-4 (table 0364)
  std::optional<std::uint32_t> order_index;
  std::optional<std::uint32_t> observation_index;

  bool operator==(const Note&) const = default;
};

}  // namespace ferry::canonical
