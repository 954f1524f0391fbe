// The subject of a message: the patient's identity and demographics.
//
// One canonical message carries at most one patient (a v2 batch is split into messages before
// parsing). Codes are stored the FHIR way (administrative-gender for sex) so that rules and
// destinations need to know only one vocabulary; v2 writers map them back with
// parsers/terminology.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/canonical/datatypes.h"

namespace ferry::canonical {

// Patient identity and demographics (v2 PID; FHIR Patient).
struct Patient {
  std::vector<Identifier> identifiers;  // PID-3 repetitions, e.g. MRN then SSN
  std::vector<HumanName> names;         // PID-5 repetitions
  DateTime birth_date;                  // PID-7 as ISO 8601 ("1972-03-14")
  // FHIR administrative-gender code ("female", "male", "other", "unknown"), mapped from PID-8
  // through v2 table 0001.
  std::string sex;
  std::vector<Address> addresses;     // PID-11
  std::vector<ContactPoint> telecom;  // PID-13 (home), PID-14 (work)
  std::vector<Coding> race;           // PID-10, usually CDCREC codes
  std::vector<Coding> ethnicity;      // PID-22
  Coding marital_status;              // PID-16 (v2 table 0002)
  Identifier account_number;          // PID-18
  // PID-6; FHIR has only the family name (extension patient-mothersMaidenName, valueString).
  HumanName mothers_maiden_name;
  CodeableConcept language;  // PID-15 primary language; FHIR communication[0].language (preferred)
  DateTime deceased_time;    // PID-29 as ISO 8601; FHIR deceasedDateTime
  // PID-30 and PID-24 as sent, v2 table 0136 "Y" or "N"; FHIR deceasedBoolean and
  // multipleBirthBoolean, written there only when there is no date or birth order.
  std::string deceased_indicator;
  std::string multiple_birth_indicator;
  std::optional<std::uint32_t> birth_order;  // PID-25; FHIR multipleBirthInteger

  bool operator==(const Patient&) const = default;
};

}  // namespace ferry::canonical
