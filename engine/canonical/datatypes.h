// Value types shared by every part of the canonical model.
//
// They are the common ground of HL7 v2 data types (CWE, CX, XPN, XAD, XTN, XCN, XON) and FHIR R4
// data types (Coding, CodeableConcept, Identifier, HumanName, Address, ContactPoint). Codecs fill
// them from either side, so the field names follow FHIR and the comments name the v2 components
// they usually come from. Dates and times everywhere in the model are ISO 8601 text with the
// precision and offset the source gave (see parsers/terminology/datetime.h), kept in a DateTime
// (date_time.h).
#pragma once

#include <string>
#include <vector>

#include "engine/canonical/code_system.h"
#include "engine/canonical/date_time.h"

namespace ferry::canonical {

// One code in one code system (FHIR Coding; v2 CWE.1-3, or CWE.4-6 for the alternate code).
struct Coding {
  // FHIR code system URI where one is known ("http://loinc.org"), else the v2 coding system id
  // as given in CWE.3 ("L", "99LAB"). A well-known URI is shared, not copied (code_system.h).
  CodeSystem system;
  std::string code;
  std::string display;

  bool operator==(const Coding&) const = default;
};

// A concept with one or more codings (FHIR CodeableConcept; a whole v2 CWE).
struct CodeableConcept {
  // The primary coding first (CWE.1-3), then the alternate (CWE.4-6) and any further ones.
  std::vector<Coding> codings;
  // Original text (CWE.9), or the only text when there is no code.
  std::string text;

  bool operator==(const CodeableConcept&) const = default;
};

// A business identifier (FHIR Identifier; v2 CX, EI).
struct Identifier {
  std::string value;
  // FHIR Identifier.system URI, or the v2 assigning authority (CX.4 / EI.2 namespace id) when
  // no URI is known for it.
  std::string system;
  // Identifier type code from v2 table 0203 ("MR", "SS", "VN"); the FHIR system for it is
  // http://terminology.hl7.org/CodeSystem/v2-0203.
  std::string type;

  bool operator==(const Identifier&) const = default;
};

// A person's name (FHIR HumanName; v2 XPN, the name part of XCN).
struct HumanName {
  std::string family;
  std::vector<std::string> given;  // first name, then middle names
  std::string prefix;
  std::string suffix;
  // FHIR name-use code ("official", "usual", "maiden"...), mapped from v2 table 0200.
  std::string use;

  bool operator==(const HumanName&) const = default;
};

// A postal address (FHIR Address; v2 XAD).
struct Address {
  std::vector<std::string> lines;  // street lines (XAD.1, XAD.2)
  std::string city;
  std::string state;
  std::string postal_code;
  std::string country;
  // FHIR address-use code ("home", "work", "temp", "old", "billing").
  std::string use;

  bool operator==(const Address&) const = default;
};

// A phone number or e-mail address (FHIR ContactPoint; v2 XTN).
struct ContactPoint {
  // FHIR contact-point-system code: "phone", "email", "fax", "pager", "url", "sms", "other".
  std::string system;
  std::string value;
  // FHIR contact-point-use code: "home", "work", "temp", "old", "mobile".
  std::string use;

  bool operator==(const ContactPoint&) const = default;
};

// A clinician named by identifier and name (v2 XCN; FHIR Practitioner).
struct Practitioner {
  Identifier identifier;  // XCN.1 with XCN.9 as system, e.g. an NPI
  HumanName name;

  bool operator==(const Practitioner&) const = default;
};

// An organization such as a payer or a billing provider (v2 XON, IN1-3/4/5; FHIR Organization).
struct Organization {
  Identifier identifier;
  std::string name;
  Address address;

  bool operator==(const Organization&) const = default;
};

// A status kept twice: the v2 code as sent and its FHIR equivalent from the concept maps in
// parsers/terminology. Either side may be empty when the source had no such value or the map has
// no equivalent.
struct StatusCode {
  std::string v2;
  std::string fhir;

  bool operator==(const StatusCode&) const = default;
};

}  // namespace ferry::canonical
