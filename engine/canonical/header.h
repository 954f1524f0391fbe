// The envelope of a canonical message: who sent it, what kind of message it is, how to answer it.
//
// Filled from MSH for HL7 v2, from Bundle/MessageHeader for FHIR, and from the insurer profile's
// envelope XPaths for XML. Routing rules and ACK builders read these fields only.
#pragma once

#include <string>
#include <string_view>

#include "engine/canonical/date_time.h"

namespace ferry::canonical {

// Values of Header::source_format.
inline constexpr std::string_view kSourceHl7v2 = "hl7v2";
inline constexpr std::string_view kSourceFhir = "fhir";
inline constexpr std::string_view kSourceXml = "xml";

// Message header (v2 MSH; FHIR MessageHeader / Bundle).
struct Header {
  std::string source_format;          // kSourceHl7v2, kSourceFhir or kSourceXml
  std::string message_type;           // MSH-9.1, e.g. "ORU"
  std::string trigger_event;          // MSH-9.2, e.g. "R01"
  std::string message_structure;      // MSH-9.3, e.g. "ORU_R01"
  std::string control_id;             // MSH-10
  std::string version;                // MSH-12, e.g. "2.5.1"
  std::string sending_application;    // MSH-3 namespace id
  std::string sending_facility;       // MSH-4 namespace id
  std::string receiving_application;  // MSH-5 namespace id
  std::string receiving_facility;     // MSH-6 namespace id
  DateTime message_datetime;          // MSH-7 as ISO 8601
  std::string processing_id;          // MSH-11: "P", "T", "D"
  std::string character_set;          // MSH-18, e.g. "UNICODE UTF-8"
  std::string accept_ack_type;        // MSH-15 (table 0155): "AL", "NE", "ER", "SU"
  std::string application_ack_type;   // MSH-16 (table 0155)

  bool operator==(const Header&) const = default;
};

}  // namespace ferry::canonical
