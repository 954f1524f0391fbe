// Everything a codec did not map, kept whole so that nothing the sender wrote is lost.
//
// A v2 Z-segment, an unknown FHIR element or an XML element outside the insurer profile becomes an
// Extension carrying its original text untouched (not unescaped, not trimmed). Mapping rules can
// read it by path, and a writer for the same format can put it back as it came.
#pragma once

#include <string>

namespace ferry::canonical {

// One unmapped piece of the source message.
struct Extension {
  // Where it came from: a v2 segment id or field ("ZPV", "PV1-10"), a FHIR element path
  // ("Patient.extension[2]") or an XPath ("/claim/header/remarks").
  std::string path;
  std::string format;  // format of raw: "hl7v2", "fhir" or "xml"
  // The original text, whole: for v2 the full segment bytes with their escape sequences and
  // delimiters as received; for FHIR the JSON of the element; for XML the element's markup.
  std::string raw;

  bool operator==(const Extension&) const = default;
};

}  // namespace ferry::canonical
