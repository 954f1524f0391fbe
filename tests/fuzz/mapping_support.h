#pragma once
// What the two mapping fuzz targets share: the sample code tables, a sample lab result as the
// engine hands it to a mapping (canonical message, parsed source, fixed clock), and applying a
// compiled mapping with the checks both make of its outcome.

#include <memory>
#include <string>
#include <vector>

#include "mappings/environment.h"
#include "mappings/mapping.h"
#include "mappings/outcome.h"
#include "mappings/source.h"
#include "mappings/table_set.h"
#include "parsers/hl7v2/message.h"
#include "parsers/hl7v2/normalizer.h"
#include "tests/fuzz/fuzz_support.h"

namespace ferry::fuzz {

inline const mappings::TableSet& sampleTables() {
  static const mappings::TableSet tables = [] {
    std::vector<mappings::LoadError> errors;
    return mappings::TableSet::load(sourceDir() + "/samples/tables", errors, "tables");
  }();
  return tables;
}

// A lab result with local codes, a repeated identifier and an escape: what the lab-results
// mapping of the samples works on. Fictitious patient.
inline const std::string& sampleV2() {
  static const std::string text =
      "MSH|^~\\&|LAB|NORTH^1.2.3^ISO|RES|CITY|20261120083015-0500||ORU^R01^ORU_R01|CTRL-1|P|2.5.1\r"
      "PID|1||MRN1^^^CITY^MR~111-22-3333^^^USSSA^SS||Doe^Jane^Q||19720314|F|||1 Elm St^^Springfield^IL^62701\r"
      "PV1|1|O|LAB^^^CITY||||123^Rivera^Marco\r"
      "ORC|RE|ORD-1^HOSP|LAB-1^NORTH||CM\r"
      "OBR|1|ORD-1^HOSP|LAB-1^NORTH|GLU^Glucose^L|||20261120071500-0500\r"
      "OBX|1|NM|GLU^Glucose^L||182|mg/dL^mg/dL^UCUM|70-99|H|||F\r"
      "OBX|2|CWE|94500-6^SARS-CoV-2^LN||260373001^Detected^SCT||||||F\r"
      "NTE|1|L|Fasting \\T\\ verified\r"
      "SPM|1|SP-1^NORTH||119297000^Blood^SCT\r";
  return text;
}

// Applies mapping to the sample and checks what every outcome promises: an error or a drop
// names its rule and says why; the outgoing edits apply to the message or are refused with a
// sentence each, and leave a message that parses.
inline void applyToSample(const mappings::Mapping& mapping) {
  static const hl7v2::Message source_message = *hl7v2::Message::parse(sampleV2());
  static const canonical::Message canonical_message = hl7v2::normalize(source_message).message;
  canonical::Message message = canonical_message;
  mappings::Source source{mappings::Source::Format::Hl7v2, sampleV2(), &source_message};
  static const mappings::Environment env = mappings::Environment::fixed("2026-11-20T13:30:15Z", 7);
  const mappings::Outcome outcome = mapping.apply(message, source, env);
  if (outcome.kind == mappings::Outcome::Kind::Errored) {
    check(!outcome.rule.empty() && !outcome.reason.empty(), "an errored outcome without its rule or reason");
    return;
  }
  if (outcome.kind == mappings::Outcome::Kind::Dropped) {
    check(!outcome.rule.empty(), "a dropped outcome without its filter");
    return;
  }
  hl7v2::Message out = source_message;
  for (const std::string& refusal : mappings::applyOutgoing(out, outcome.outgoing)) {
    check(!refusal.empty(), "an outgoing edit refused without a sentence");
  }
  check(hl7v2::Message::parse(out.bytes()).ok(), "the edited outgoing message does not parse");
}

inline void checkLoadErrors(const std::vector<mappings::LoadError>& errors) {
  check(!errors.empty(), "a mapping refused without a load error");
  for (const mappings::LoadError& e : errors) {
    check(!e.text.empty(), "a load error without a sentence");
    check(e.line >= 0 && e.column >= 0, "a load error at a negative line or column");
  }
}

}  // namespace ferry::fuzz
