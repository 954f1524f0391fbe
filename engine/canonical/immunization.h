// A vaccine given (or recorded as given): the VXU flow to immunization registries.
#pragma once

#include <string>

#include "engine/canonical/datatypes.h"

namespace ferry::canonical {

// One administered vaccine (v2 RXA + RXR; FHIR Immunization).
struct Immunization {
  CodeableConcept vaccine_code;  // RXA-5, usually CVX
  DateTime administered_time;    // RXA-3 as ISO 8601
  std::string dose;              // RXA-6 amount as decimal text ("0.5"); "999" means unknown in v2
  Coding dose_unit;              // RXA-7, usually UCUM
  std::string lot_number;        // RXA-15
  DateTime expiration_date;      // RXA-16 as ISO 8601
  Coding manufacturer;           // RXA-17, usually MVX
  CodeableConcept route;         // RXR-1 (table 0162 or NCIT)
  CodeableConcept site;          // RXR-2 (table 0163)
  // FHIR immunization-status: "completed", "not-done", "entered-in-error".
  std::string status;
  std::string completion_status;       // RXA-20 as sent (table 0322): "CP", "RE", "NA", "PA"
  CodeableConcept information_source;  // RXA-9 (NIP001): new record or historical
  Practitioner performer;              // RXA-10 administering provider

  bool operator==(const Immunization&) const = default;
};

}  // namespace ferry::canonical
