// The visit a message belongs to: where the patient is, who is responsible, when it started.
//
// ADT feeds are mostly about this part; lab and claim flows use it for the visit number and the
// attending clinician.
#pragma once

#include <string>
#include <vector>

#include "engine/canonical/datatypes.h"

namespace ferry::canonical {

// Where the patient is (v2 PL: PV1-3 assigned patient location).
struct Location {
  std::string point_of_care;  // PL.1, e.g. a ward or clinic "4W"
  std::string room;           // PL.2
  std::string bed;            // PL.3
  std::string facility;       // PL.4 namespace id

  bool operator==(const Location&) const = default;
};

// A patient visit (v2 PV1; FHIR Encounter).
struct Encounter {
  // Encounter.class: v3-ActCode ("IMP", "AMB", "EMER"...) mapped from the patient class through
  // v2 table 0004, or a v2-0004 coding where the map has no ActCode.
  Coding class_code;
  std::string patient_class;            // PV1-2 as sent (table 0004), e.g. "I"
  Location location;                    // PV1-3
  std::vector<Practitioner> attending;  // PV1-7
  std::vector<Practitioner> admitting;  // PV1-17
  DateTime admit_time;                  // PV1-44 as ISO 8601
  DateTime discharge_time;              // PV1-45 as ISO 8601
  Identifier visit_number;              // PV1-19

  bool operator==(const Encounter&) const = default;
};

}  // namespace ferry::canonical
