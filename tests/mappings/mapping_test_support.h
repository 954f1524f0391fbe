#pragma once
// Helpers for the mapping tests: a temporary config folder, the sample messages normalized to
// canonical form, and one-line ways to compile a mapping and evaluate one expression.

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "mappings/mapping.h"
#include "parsers/hl7v2/message.h"
#include "parsers/hl7v2/normalizer.h"
#include "tests/support/files.h"
#include "tests/support/temp_folder.h"

namespace ferry::mappings::test {

using ferry::test::TempFolder;

inline std::string oruText() { return ferry::test::sample("hl7v2/oru_r01_lab_result.hl7"); }

// The lab result sample (ORU^R01) in canonical form.
inline canonical::Message oruMessage() {
  auto parsed = hl7v2::Message::parse(oruText());
  return hl7v2::normalize(*parsed).message;
}

// Escapes text for a JSON string literal.
inline std::string jsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\t') {
      out += "\\t";
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Compiles mapping JSON; on failure returns nullptr and fills errors.
inline std::shared_ptr<const Mapping> compile(const std::string& json, const TableSet& tables,
                                              std::vector<LoadError>& errors,
                                              const Keys& keys = {}) {
  return Mapping::parse(json, "mappings/test.json", tables, keys, errors);
}

// All error descriptions joined, for assertion messages.
inline std::string describeAll(const std::vector<LoadError>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.describe() + "\n";
  return out;
}

// Evaluates one expression against a message by setting a scratch member to it
// (encounter.location.bed). Returns the text, or "ERROR: ..." for a run-time error, or
// "LOAD: ..." for a load error.
struct Evaluator {
  TableSet tables;
  Keys keys;
  Source source;
  Environment env = Environment::fixed("2026-11-20T13:30:15Z", 7);

  std::string operator()(const std::string& expr, canonical::Message message = oruMessage()) const {
    const std::string json = R"({"name": "t", "version": "1", "namespaces": {"c": "urn:example:insurer:claims:1"},
      "transforms": [{"name": "probe", "set": "encounter.location.bed", "value": )" +
                             jsonString(expr) + "}]}";
    std::vector<LoadError> errors;
    auto mapping = compile(json, tables, errors, keys);
    if (!mapping) return "LOAD: " + (errors.empty() ? std::string("?") : errors.front().text);
    const Outcome out = mapping->apply(message, source, env);
    if (out.kind == Outcome::Kind::Errored) return "ERROR: " + out.reason;
    return message.encounter.location.bed;
  }

  // Evaluates a condition through a route: "true" or "false".
  std::string condition(const std::string& expr, canonical::Message message = oruMessage()) const {
    const std::string json = R"({"name": "t", "version": "1", "namespaces": {"c": "urn:example:insurer:claims:1"},
      "routes": [{"name": "probe", "when": )" + jsonString(expr) + R"(, "to": ["yes"]}]})";
    std::vector<LoadError> errors;
    auto mapping = compile(json, tables, errors, keys);
    if (!mapping) return "LOAD: " + (errors.empty() ? std::string("?") : errors.front().text);
    const Outcome out = mapping->apply(message, source, env);
    if (out.kind == Outcome::Kind::Errored) return "ERROR: " + out.reason;
    return out.destinations.empty() ? "false" : "true";
  }
};

}  // namespace ferry::mappings::test
