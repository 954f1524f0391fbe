// Fuzz target: FHIR R4 JSON -> canonical (reader and validator), canonical JSON both ways, and,
// for a document read without errors, FHIR written back, read again and written again to the
// same bytes, and HL7 v2 written from it (`ferry convert --to hl7v2`) that parses. These are the
// properties tests/fhir/mutation_test.cpp checks: every error says what and where (a FHIRPath
// or a byte offset inside the input); what was read gives canonical JSON that reads back to
// itself.
//
// Input: one JSON document.

#include <rapidjson/document.h>

#include "engine/canonical/json_reader.h"
#include "engine/canonical/json_writer.h"
#include "parsers/fhir/reader.h"
#include "parsers/fhir/validator.h"
#include "parsers/fhir/writer.h"
#include "parsers/hl7v2/canonical_writer.h"
#include "parsers/hl7v2/message.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace ferry::fhir;

void checkPlaced(const std::vector<Issue>& issues, std::size_t size, const char* step) {
  for (const Issue& issue : issues) {
    if (issue.severity != Severity::Error && issue.severity != Severity::Fatal) continue;
    ferry::fuzz::check(!issue.diagnostics.empty(), std::string(step) + ": an error without diagnostics");
    ferry::fuzz::check(!issue.expression.empty() || issue.offset.has_value(),
                       std::string(step) + ": an error without a location: " + describe(issue));
    ferry::fuzz::check(!issue.offset || *issue.offset <= size,
                       std::string(step) + ": an error offset past the input: " + describe(issue));
  }
}

bool isJson(const std::string& json) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
  // A number beyond a double ("1e999") is JSON that RapidJSON refuses; the writers keep
  // decimals as written (FHIR's decimal is arbitrary precision).
  return !d.HasParseError() || d.GetParseError() == rapidjson::kParseErrorNumberTooBig;
}

BundleType bundleTypeOf(std::string_view json) {
  if (json.find("\"type\":\"message\"") != std::string_view::npos) return BundleType::Message;
  if (json.find("\"type\":\"collection\"") != std::string_view::npos) return BundleType::Collection;
  if (json.find("\"type\":\"batch\"") != std::string_view::npos) return BundleType::Batch;
  return BundleType::Transaction;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const ReadResult first = read(input);
  checkPlaced(first.issues, size, "read");
  checkPlaced(validate(std::string_view(input)), size, "validate");
  const std::string canonical_json = ferry::canonical::toJson(first.message);
  ferry::fuzz::check(isJson(canonical_json), "the canonical JSON is not JSON");
  const ferry::canonical::JsonReadResult back = ferry::canonical::fromJson(canonical_json);
  ferry::fuzz::check(static_cast<bool>(back), "the canonical JSON does not read back: " + back.error);
  ferry::fuzz::check(ferry::canonical::toJson(*back.message) == canonical_json,
                     "the canonical JSON changes when read back");
  if (!first.ok()) return 0;

  const BundleType type = bundleTypeOf(input);
  const std::string written = writeBundle(first.message, type);
  ferry::fuzz::check(isJson(written), "the written FHIR is not JSON");
  const ReadResult second = read(written);
  ferry::fuzz::check(second.ok(), "the written Bundle does not read: " + describe(second.issues));
  ferry::fuzz::check(writeBundle(second.message, type) == written, "writing the Bundle again gives other bytes");

  ferry::hl7v2::WriteOptions options;
  const auto& h = first.message.header;
  if (!(h.message_type == "ORU" || (h.message_type == "ADT" && (h.trigger_event == "A01" || h.trigger_event == "A08")))) {
    options.message_type = first.message.observations.empty() ? "ADT" : "ORU";
    options.trigger_event = first.message.observations.empty() ? "A08" : "R01";
  }
  options.control_id = "FUZZ-1";
  options.message_datetime = "2026-11-20T08:30:15Z";
  const auto v2 = ferry::hl7v2::writeV2(first.message, options);
  if (!v2) {
    ferry::fuzz::check(!v2.error().text.empty(), "writeV2 refused without a sentence");
    return 0;
  }
  const auto reparsed = ferry::hl7v2::Message::parse(*v2);
  ferry::fuzz::check(reparsed.ok(), "the HL7 v2 written from FHIR does not parse: " +
                                        (reparsed ? std::string() : reparsed.error().describe()));
  return 0;
}
