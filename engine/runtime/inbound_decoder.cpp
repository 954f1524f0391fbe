#include "engine/runtime/inbound_decoder.h"

#include "parsers/fhir/issue.h"
#include "parsers/fhir/reader.h"
#include "parsers/hl7v2/normalizer.h"
#include "parsers/xml/error.h"
#include "parsers/xml/profile_set.h"
#include "parsers/xml/reader.h"

namespace ferry::runtime {

namespace {

std::string describeAll(const std::vector<hl7v2::Error>& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += "; ";
    out += std::to_string(static_cast<int>(e.code)) + " " + e.describe();
  }
  return out;
}

// "hl7v2 error 102 at PID-7; ..." — code and location, never the value.
std::string summarize(const std::vector<hl7v2::Error>& errors) {
  std::string out;
  for (const auto& e : errors) {
    out += out.empty() ? "hl7v2 error " : "; error ";
    out += std::to_string(static_cast<int>(e.code));
    if (!e.segment.empty()) {
      out += " at " + e.segment;
      if (e.field > 0) out += "-" + std::to_string(e.field);
      if (e.component > 0) out += "." + std::to_string(e.component);
    }
  }
  return out;
}

fhir::Issue issue(std::string code, std::string text) {
  fhir::Issue i;
  i.code = std::move(code);
  i.diagnostics = std::move(text);
  return i;
}

}  // namespace

std::string_view toString(InboundFormat format) {
  switch (format) {
    case InboundFormat::Hl7v2: return "hl7v2";
    case InboundFormat::Fhir: return "fhir";
    case InboundFormat::Xml: return "xml";
    case InboundFormat::Unknown: break;
  }
  return "unknown";
}

InboundFormat detectInboundFormat(std::string_view raw) {
  std::size_t i = 0;
  // A UTF-8 byte order mark, an MLLP start block and blank space may come first.
  if (raw.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < raw.size() && (raw[i] == '\x0B' || raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\r' ||
                            raw[i] == '\n')) {
    ++i;
  }
  const std::string_view rest = raw.substr(i);
  if (rest.starts_with("MSH") || rest.starts_with("FHS") || rest.starts_with("BHS")) {
    return InboundFormat::Hl7v2;
  }
  if (rest.starts_with("{")) return InboundFormat::Fhir;
  if (rest.starts_with("<")) return InboundFormat::Xml;
  return InboundFormat::Unknown;
}

Decoded InboundDecoder::decode(std::string_view raw) const {
  switch (detectInboundFormat(raw)) {
    case InboundFormat::Fhir: return decodeFhir(raw);
    case InboundFormat::Xml: return decodeXml(raw);
    case InboundFormat::Hl7v2:
    case InboundFormat::Unknown: break;  // v2's parser gives the precise error for garbage
  }
  // Parsed from the view: the parser copies the bytes into the message's own buffer anyway.
  auto message = hl7v2::Message::parse(raw);
  if (message) return decode(*message);
  Decoded d;
  d.format = InboundFormat::Hl7v2;
  d.hl7_errors = {message.error()};
  d.error = describeAll(d.hl7_errors);
  d.summary = summarize(d.hl7_errors);
  d.operation_outcome = fhir::operationOutcomeJson({issue("structure", d.error)});
  return d;
}

Decoded InboundDecoder::decode(const hl7v2::Message& message) const {
  hl7v2::Normalized normalized = hl7v2::normalize(message);
  Decoded d;
  d.format = InboundFormat::Hl7v2;
  d.warnings = normalized.warnings.size();
  d.message = std::move(normalized.message);
  if (!normalized.ok()) {
    d.hl7_errors = std::move(normalized.errors);
    d.error = describeAll(d.hl7_errors);
    d.summary = summarize(d.hl7_errors);
    d.operation_outcome = fhir::operationOutcomeJson({issue("invalid", d.error)});
  }
  return d;
}

Decoded InboundDecoder::decodeFhir(std::string_view raw) const {
  fhir::ReadResult read = fhir::read(std::string(raw));
  Decoded d;
  d.format = InboundFormat::Fhir;
  d.message = std::move(read.message);
  for (const fhir::Issue& i : read.issues) {
    if (i.severity != fhir::Severity::Error && i.severity != fhir::Severity::Fatal) {
      ++d.warnings;
      continue;
    }
    if (!d.error.empty()) d.error += "; ";
    d.error += i.expression.empty() ? i.diagnostics : i.expression + ": " + i.diagnostics;
    d.summary += (d.summary.empty() ? "fhir " : "; ") + i.code;
    if (!i.expression.empty()) d.summary += " at " + i.expression;
    if (i.offset) d.summary += " at byte " + std::to_string(*i.offset);
  }
  if (!d.ok()) d.operation_outcome = fhir::operationOutcomeJson(read.issues);
  return d;
}

Decoded InboundDecoder::decodeXml(std::string_view raw) const {
  Decoded d;
  d.format = InboundFormat::Xml;
  if (!profiles_ || profiles_->empty()) {
    d.error = "XML received, but no insurer profiles are configured (ferry.json \"profiles\")";
    d.summary = "xml: no profiles configured";
  } else if (xml::ReadResult read = xml::read(raw, *profiles_); read) {
    d.message = std::move(*read.message);
    return d;
  } else {
    d.error = read.error.describe();
    d.summary = "xml " + std::string(xml::errorCodeName(read.error.code));
    if (read.error.hasPosition()) d.summary += " at line " + std::to_string(read.error.line);
    if (!read.error.path.empty()) d.summary += " at " + read.error.path;
  }
  d.operation_outcome = fhir::operationOutcomeJson({issue("structure", d.error)});
  return d;
}

}  // namespace ferry::runtime
