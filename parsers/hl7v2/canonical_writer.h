#pragma once
// Writes a canonical Message as an HL7 v2.5.1 message: the reverse of normalize(). Supported:
// ORU^R01 (structure ORU_R01) and ADT^A01 / ADT^A08 (structure ADT_A01). The output uses the
// standard delimiters |^~\& and \r segment terminators, and every value is escaped, so text
// holding a delimiter reads back unchanged. Codes go back through the FHIR-to-v2 concept maps in
// parsers/terminology; ISO 8601 dates become DTM with their precision and offset. Extensions that
// hold a whole v2 segment (Z-segments and other unmodelled segments) are written back at the end.
//
// What each message type carries:
// - ORU^R01: PID (and NTE, PV1) when the patient is known, then per order ORC (when it has an
//   order control or status) + OBR, its NTEs, its OBX each followed by its NTEs, and its SPMs.
//   Every observation must belong to an order.
// - ADT^A01 / ADT^A08: EVN, PID, PV1, the observations that belong to no order as OBX, one IN1
//   per coverage. Orders, notes and specimens have no place in ADT_A01 and are not written.

#include <string>

#include "engine/canonical/message.h"
#include "parsers/hl7v2/error.h"

namespace ferry::hl7v2 {

// Choices for one written message. An empty string means "take it from the canonical header".
struct WriteOptions {
  // MSH-9.1 and MSH-9.2: "ORU"/"R01", "ADT"/"A01" or "ADT"/"A08". Empty: the header's.
  std::string message_type;
  std::string trigger_event;
  std::string sending_application;    // MSH-3
  std::string sending_facility;       // MSH-4
  std::string receiving_application;  // MSH-5
  std::string receiving_facility;     // MSH-6
  // MSH-10. Empty: the header's, else a new random id.
  std::string control_id;
  // MSH-7 as ISO 8601 ("2026-11-20T08:30:15-05:00"). Empty: the header's, else the current time
  // in UTC.
  std::string message_datetime;
};

// The v2 message, or an error that names the part of the canonical message that cannot be
// written (an unsupported message type, an ORU without results, a date that is not ISO 8601).
Result<std::string> writeV2(const canonical::Message& message, const WriteOptions& options = {});

}  // namespace ferry::hl7v2
