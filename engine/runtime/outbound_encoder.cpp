#include "engine/runtime/outbound_encoder.h"

#include "engine/canonical/json_writer.h"
#include "mappings/mapping.h"
#include "parsers/fhir/writer.h"
#include "parsers/hl7v2/canonical_writer.h"
#include "parsers/hl7v2/message.h"
#include "parsers/xml/profile_set.h"
#include "parsers/xml/writer.h"

namespace ferry::runtime {

namespace {

constexpr std::string_view kXmlPrefix = "xml:";

// Applies the mapping's edits to HL7 v2 bytes; an edit that cannot be applied is an error.
Encoded editHl7(std::string bytes, const std::vector<mappings::OutgoingEdit>& edits) {
  auto parsed = hl7v2::Message::parse(std::move(bytes));
  if (!parsed) return {std::nullopt, "the outgoing HL7 v2 message cannot be parsed: " + parsed.error().describe()};
  const std::vector<std::string> problems = mappings::applyOutgoing(*parsed, edits);
  if (!problems.empty()) return {std::nullopt, problems.front()};
  return {parsed->bytes(), ""};
}

}  // namespace

bool knownOutboundFormat(std::string_view format, const xml::ProfileSet* profiles) {
  if (format == "original" || format == "canonical" || format == "hl7v2" || format == "fhir") {
    return true;
  }
  if (!format.starts_with(kXmlPrefix)) return false;
  return profiles && profiles->find(format.substr(kXmlPrefix.size())) != nullptr;
}

Encoded encode(const DestinationConfig& destination, const canonical::Message& message,
               std::string_view original, const std::vector<mappings::OutgoingEdit>& edits,
               const xml::ProfileSet* profiles) {
  const std::string& format = destination.format;
  if (format == "original") {
    if (edits.empty()) return {};
    if (message.header.source_format != canonical::kSourceHl7v2) {
      return {std::nullopt, "out(...) edits need an HL7 v2 message; the original is " +
                                message.header.source_format};
    }
    return editHl7(std::string(original), edits);
  }
  if (format == "canonical") return {canonical::toJson(message), ""};
  if (format == "hl7v2") {
    auto written = hl7v2::writeV2(message);
    if (!written) return {std::nullopt, "cannot be written as HL7 v2: " + written.error().describe()};
    if (edits.empty()) return {std::move(*written), ""};
    return editHl7(std::move(*written), edits);
  }
  if (format == "fhir") return {fhir::writeBundle(message, fhir::BundleType::Transaction), ""};
  if (format.starts_with(kXmlPrefix)) {
    const std::string name = format.substr(kXmlPrefix.size());
    const xml::Profile* profile = profiles ? profiles->find(name) : nullptr;
    if (!profile) return {std::nullopt, "no XML profile \"" + name + "\" is loaded"};
    xml::WriteResult written = xml::write(message, *profile);
    if (!written) return {std::nullopt, "cannot be written as " + name + ": " + written.error};
    return {std::move(written.xml), ""};
  }
  return {std::nullopt, "unknown destination format \"" + format + "\""};
}

}  // namespace ferry::runtime
