#pragma once
// Turns a parsed HL7 v2 message into the canonical Message. Supported: ADT^A01/A03/A04/A08 (and
// the other ADT events that share their PID/PV1/IN1 shape), ORM^O01, OML^O21, ORU^R01, VXU^V04.
// Coded values go through the v2-to-FHIR concept maps in parsers/terminology; dates become ISO
// 8601 with their precision and offset. Segments Ferry does not model (Z-segments and others)
// are kept whole as extensions, so nothing is dropped.

#include <vector>

#include "engine/canonical/message.h"
#include "parsers/hl7v2/composite_memo.h"
#include "parsers/hl7v2/error.h"
#include "parsers/hl7v2/message.h"
#include "parsers/hl7v2/spares.h"

namespace ferry::hl7v2 {

struct Normalized {
  canonical::Message message;
  // Problems that make the message unusable: an unsupported message type (200/201), a bad
  // header (101/203), a required segment missing (100). The message is filled as far as
  // possible even when there are errors.
  std::vector<Error> errors;
  // Values that could not be read as their type (102, 103): the message is usable, the raw
  // values are kept in message.extensions.
  std::vector<Error> warnings;
  bool ok() const { return errors.empty(); }
  // Not part of the result: what normalize(message, into) keeps for the next message.
  Spares spares;
  CompositeMemo memo;
};

Normalized normalize(const Message& message);
// The same, into a result a previous call filled: it is reset and filled again, and its lists
// and strings keep their heap blocks (lists are written over element by element, see
// segment_normalizers.h; surplus results and value boxes wait in spares).
// A reader of a stream normalizes every message into one Normalized this way; the result
// equals what normalize(message) returns.
void normalize(const Message& message, Normalized& into);

// True for the message type / trigger event pairs normalize() understands.
bool isSupportedMessageType(std::string_view type, std::string_view event);

}  // namespace ferry::hl7v2
