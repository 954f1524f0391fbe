#pragma once
// Writes a processed message in the format a destination asks for (DestinationConfig::format):
//   "original"    the bytes as received (empty payload: the delivery reads the message row),
//                 or, when the mapping edits the outgoing HL7 v2 message, those bytes edited
//   "canonical"   the ferry.canonical/v1 JSON
//   "hl7v2"       HL7 v2.5.1 written from canonical (ORU^R01, ADT^A01/A08)
//   "fhir"        a FHIR R4 transaction Bundle written from canonical
//   "xml:PROFILE" the insurer XML document of that profile
// Encoding happens when the message is routed, so what is queued is exactly what is sent, and a
// message that cannot be written for a destination is errored at once, not retried for ever.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/canonical/message.h"
#include "engine/runtime/config.h"
#include "mappings/outcome.h"

namespace ferry::xml {
class ProfileSet;
}

namespace ferry::runtime {

struct Encoded {
  std::optional<std::string> payload;  // empty: send the original bytes
  std::string error;                   // why the message cannot be written for the destination
  bool ok() const { return error.empty(); }
};

// True when format is one encode() knows; for "xml:NAME", when profiles has NAME.
bool knownOutboundFormat(std::string_view format, const xml::ProfileSet* profiles);

Encoded encode(const DestinationConfig& destination, const canonical::Message& message,
               std::string_view original, const std::vector<mappings::OutgoingEdit>& edits,
               const xml::ProfileSet* profiles);

}  // namespace ferry::runtime
