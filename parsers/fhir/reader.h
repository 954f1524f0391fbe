// Reads FHIR R4 JSON into the canonical Message: a single resource or a Bundle (collection,
// transaction, batch, or message with a MessageHeader), of any size.
//
// read() takes the JSON by value and parses it in place in that buffer (no second copy); a Bundle
// is streamed one entry at a time, so memory stays near the input's own size plus the canonical
// result. References between entries ("urn:uuid:..." fullUrls, "Patient/123") are resolved: an
// Observation's subject is the message's patient, DiagnosticReport.result ties results to their
// order (Observation::order_index), Specimen.request and report specimens tie specimens to it.
// A reference that names no entry is an error with its FHIRPath. Every element the canonical model
// does not hold is kept as an extension (fidelity.h) and comes back when the message is written
// as FHIR again (writer.h). Errors are values: malformed JSON is an issue with its byte offset.
#pragma once

#include <string>
#include <vector>

#include "engine/canonical/message.h"
#include "parsers/fhir/issue.h"

namespace ferry::fhir {

struct ReadResult {
  canonical::Message message;
  // Problems with the input: malformed JSON, validation failures, dangling references.
  std::vector<Issue> issues;
  // The issues an OperationOutcome in the input reports (a server's answer), if any.
  std::vector<Issue> outcome;

  bool ok() const { return !hasErrors(issues); }
};

// Reads one FHIR JSON document. The message is filled as far as the input allows even when
// there are issues.
ReadResult read(std::string json);

}  // namespace ferry::fhir
