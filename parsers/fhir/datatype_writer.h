// Canonical value types to FHIR R4 JSON data types, and the rules for writing dates and decimals.
//
// Date rule (canonical ISO 8601 -> FHIR): a date ("2026", "2026-11", "2026-11-19") is written as
// it is. A date with a time becomes a FHIR dateTime, which needs seconds and a time-zone offset:
// missing minutes and seconds are padded with zeros ("2026-11-19T14:22" -> "2026-11-19T14:22:00"),
// and a value without an offset takes the message's own offset (the offset of
// header.message_datetime, as HL7 v2 reads a time without zone as the sender's local time), else
// WriteOptions::default_offset. With neither, the time is dropped and the date kept, with an
// information issue: Ferry never invents a time zone. An instant (Bundle.timestamp,
// Observation.issued) needs a full time; when it cannot be made one it is left out, with an issue.
//
// Decimal rule: the canonical decimal text is kept digit for digit ("8.10"); only what JSON
// forbids is normalized ("+5" -> 5, ".5" -> 0.5, "007" -> 7). Text that is still no number is not
// written as one (the caller falls back or leaves the element out, with an issue).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/canonical/message.h"
#include "parsers/fhir/issue.h"
#include "parsers/fhir/json_node.h"

namespace ferry::fhir {

// Choices the writer cannot take from the message itself.
struct WriteOptions {
  // Offset for times that carry none when the message header has none either: "Z", "-05:00".
  // Empty: such times are cut to their date.
  std::string default_offset;
};

// FHIR dateTime for canonical ISO text (rule above); nullopt when it is not a date at all.
// timeDropped is set when a time had to be cut to its date for want of an offset.
std::optional<std::string> fhirDateTime(std::string_view iso, std::string_view fallbackOffset,
                                        bool* timeDropped);
// FHIR instant, or nullopt when iso has no full time or no offset can be had.
std::optional<std::string> fhirInstant(std::string_view iso, std::string_view fallbackOffset);
// The date part as a FHIR date.
std::optional<std::string> fhirDate(std::string_view iso);
// JSON/FHIR decimal text for canonical decimal text (rule above); nullopt when it is not a
// decimal, or lies outside what a JSON reader's double holds (1e999, 1e-999).
std::optional<std::string> fhirDecimal(std::string_view text);
// The "+hh:mm" / "-hh:mm" / "Z" at the end of an ISO date/time; empty when it has none.
std::string_view isoOffset(std::string_view iso);
// True when a system is written as a URI (has a scheme such as "http:" or "urn:").
bool looksLikeUri(std::string_view s);

// Writes canonical value types as FHIR data types, recording what it could not write.
class DatatypeWriter {
 public:
  DatatypeWriter(const canonical::Message& message, const WriteOptions& options, std::vector<Issue>* issues);

  Node coding(const canonical::Coding& c) const;
  Node codeableConcept(const canonical::CodeableConcept& cc) const;
  Node codeableConcept(const canonical::Coding& c) const;
  Node identifier(const canonical::Identifier& id) const;
  Node humanName(const canonical::HumanName& name) const;
  Node address(const canonical::Address& a) const;
  Node contactPoint(const canonical::ContactPoint& cp) const;

  // Each returns a null Node (nothing to write) for empty input or what cannot be written;
  // path names the element in the issue.
  Node dateTime(std::string_view iso, const std::string& path) const;
  Node date(std::string_view iso, const std::string& path) const;
  Node instant(std::string_view iso, const std::string& path) const;
  Node decimal(std::string_view text, const std::string& path) const;
  Node money(std::string_view value, std::string_view currency, const std::string& path) const;

  void note(Severity severity, std::string_view code, std::string text, std::string path) const;

 private:
  std::string fallback_offset_;
  std::vector<Issue>* issues_;
};

}  // namespace ferry::fhir
