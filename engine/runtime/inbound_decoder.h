#pragma once
// Turns the raw bytes of a stored message into the canonical Message, whatever format they are
// in: HL7 v2 (MSH, FHS, BHS), FHIR R4 JSON ('{') or insurer XML ('<', the profile chosen by the
// root element among the configured profiles). The processor calls it for every message, so a
// channel can take any of the three formats; the HTTP intake reads the errors back as an
// OperationOutcome.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/canonical/message.h"
#include "parsers/hl7v2/error.h"
#include "parsers/hl7v2/message.h"

namespace ferry::xml {
class ProfileSet;
}

namespace ferry::runtime {

enum class InboundFormat { Hl7v2, Fhir, Xml, Unknown };

std::string_view toString(InboundFormat format);

// The format of raw bytes, from their first non-blank byte (an MLLP start block is skipped).
InboundFormat detectInboundFormat(std::string_view raw);

struct Decoded {
  InboundFormat format = InboundFormat::Unknown;
  canonical::Message message;
  std::vector<hl7v2::Error> hl7_errors;  // HL7 v2: why it cannot be used (for the AE/AR ACK)
  std::string error;                     // any format: one sentence per problem, "; "-joined
  std::string operation_outcome;         // FHIR OperationOutcome JSON for the problems, if any
  // The problems without any value from the message (codes and locations only), for events and
  // logs: error texts may quote patient data ("'1972-02-30' is not a valid date").
  std::string summary;
  std::size_t warnings = 0;
  bool ok() const { return error.empty(); }
};

class InboundDecoder {
 public:
  // profiles: the insurer XML formats this engine reads; null when it reads none.
  explicit InboundDecoder(const xml::ProfileSet* profiles) : profiles_(profiles) {}

  Decoded decode(std::string_view raw) const;
  Decoded decode(const hl7v2::Message& message) const;

 private:
  Decoded decodeFhir(std::string_view raw) const;
  Decoded decodeXml(std::string_view raw) const;

  const xml::ProfileSet* profiles_;
};

}  // namespace ferry::runtime
