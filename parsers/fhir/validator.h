// Validation of FHIR R4 JSON against the R4 element definitions (r4_schema.h).
//
// It checks what a receiving FHIR server would reject: an unknown resourceType, unknown or
// duplicated elements, a missing required element, an array where one value belongs (or the
// other way round), more than one member of a choice group (value[x]), primitives of the wrong
// JSON kind or format (date, dateTime, instant, id, code, decimal, uri...), codes outside a
// required value set (Observation.status), empty objects, arrays and strings. Bundles are also
// checked for the rules that tie entries to the Bundle type (request for transaction and batch,
// MessageHeader first in a message, unique fullUrls). Each failure is one Issue with its FHIRPath.
// Invariants written in FHIRPath (obs-6, ref-1...) are not evaluated.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/fhir/issue.h"
#include "parsers/fhir/json_input.h"
#include "parsers/fhir/r4_schema.h"

namespace ferry::fhir {

// Checks one resource (a Bundle with its entries included) parsed the ordinary way.
std::vector<Issue> validate(const rapidjson::Value& resource);

// Parses json and checks it; malformed JSON is one issue with its byte offset.
std::vector<Issue> validate(std::string_view json);

// A Reference.reference met while validating, for the reader to resolve.
struct ReferenceUse {
  std::string path;       // FHIRPath of the reference element, "...subject.reference"
  std::string reference;  // its value, "urn:uuid:...", "Patient/123", "#p1"
};

// The validator itself, for callers that validate a document piece by piece (the streaming
// reader validates the Bundle shell and then each entry as it arrives).
class Validator {
 public:
  // Issues are appended to issues; references met are appended to references when given.
  Validator(const JsonInput& input, std::vector<Issue>& issues,
            std::vector<ReferenceUse>* references = nullptr)
      : input_(input), issues_(issues), references_(references) {}

  // A resource at path ("Observation", "Bundle.entry[2].resource"); false when it is not an
  // object with a known resourceType (nothing more is checked then).
  bool resource(const JsonValue& resource, const std::string& path);

  // The top-level members of a Bundle other than its entries.
  void bundleShell(const JsonValue& bundle);
  // One element of Bundle.entry, its resource included.
  void bundleEntry(const JsonValue& entry, const std::string& path);

  void addIssue(Severity severity, std::string_view code, std::string diagnostics, std::string expression);

 private:
  // Each works on the element at path_, which callers extend and restore (PathScope), so that a
  // path string is only copied when an issue or a reference is recorded.
  void resourceAtPath(const JsonValue& resource);
  void elements(const JsonValue& object, std::span<const schema::ElementDef> defs,
                std::string_view skip = {});
  void member(const schema::ElementDef& def, const JsonValue& value);
  void value(const schema::ElementDef& def, const JsonValue& value);
  void primitive(const schema::ElementDef& def, const JsonValue& value);
  void primitiveExtension(const schema::ElementDef* def, const JsonValue& value);
  void binding(const schema::ElementDef& def, const JsonValue& value);
  void required(const JsonValue& object, std::span<const schema::ElementDef> defs, std::string_view skip);
  void issue(Severity severity, std::string_view code, std::string diagnostics);
  void issueAt(Severity severity, std::string_view code, std::string diagnostics, std::string_view child);

  std::string path_;
  const JsonInput& input_;
  std::vector<Issue>& issues_;
  std::vector<ReferenceUse>* references_;
};

// Bundle rules that need every entry: checked by the caller with facts gathered per entry.
struct BundleEntryFacts {
  std::string_view full_url;  // a view into the entry's JSON
  std::string_view resource_type;
  bool has_request = false;
  bool has_response = false;
  bool has_search = false;
  bool has_resource = false;
};
void checkBundleRules(std::string_view bundleType, const std::vector<BundleEntryFacts>& entries,
                      std::vector<Issue>& issues);
BundleEntryFacts entryFacts(const JsonInput& input, const JsonValue& entry);

}  // namespace ferry::fhir
