#include "parsers/fhir/reader.h"

#include <rapidjson/document.h>

#include "parsers/fhir/bundle_reader.h"
#include "parsers/fhir/bundle_stream.h"
#include "parsers/fhir/resource_kind.h"

namespace ferry::fhir {
namespace {

// How many resources of each type a document holds, from a scan for "resourceType" members: a
// hint to size the canonical vectors once, so that a large Bundle does not hold the old and the
// grown copy of a vector at the same time. Counts may be a little high (contained resources).
// Returns how many resources there are.
std::size_t reserveFor(std::string_view json, canonical::Message& m) {
  std::size_t counts[std::size(kAllKinds)] = {};
  std::size_t resources = 0;
  constexpr std::string_view kKey = "\"resourceType\"";
  for (std::size_t at = json.find(kKey); at != std::string_view::npos; at = json.find(kKey, at + 1)) {
    std::size_t p = at + kKey.size();
    while (p < json.size() &&
           (json[p] == ' ' || json[p] == ':' || json[p] == '\t' || json[p] == '\n' || json[p] == '\r')) {
      ++p;
    }
    if (p >= json.size() || json[p] != '"') continue;
    const std::size_t end = json.find('"', p + 1);
    if (end == std::string_view::npos) break;
    ++resources;
    if (const auto kind = resourceKindOf(json.substr(p + 1, end - p - 1)))
      ++counts[static_cast<std::size_t>(*kind)];
  }
  auto count = [&](ResourceKind k) { return counts[static_cast<std::size_t>(k)]; };
  m.orders.reserve(count(ResourceKind::ServiceRequest) + count(ResourceKind::DiagnosticReport));
  m.observations.reserve(count(ResourceKind::Observation));
  m.specimens.reserve(count(ResourceKind::Specimen));
  m.immunizations.reserve(count(ResourceKind::Immunization));
  m.coverages.reserve(count(ResourceKind::Coverage));
  m.claims.reserve(count(ResourceKind::Claim));
  m.claim_responses.reserve(count(ResourceKind::ClaimResponse));
  // Each entry leaves its skeleton; an element the model has no member for is rarer (an
  // Observation.category used to be one in every result, and doubled this).
  m.extensions.reserve(resources + resources / 8 + 16);
  return resources;
}

}  // namespace

ReadResult read(std::string json) {
  ReadResult result;
  const std::size_t bom = json.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  if (json.find_first_not_of(" \t\r\n", bom) == std::string::npos) {
    result.issues.push_back({Severity::Fatal, "structure", "the document is empty", "", bom});
    return result;
  }
  const std::size_t size = json.size();
  if (endsInsideUtf8Sequence(json)) json.append(kUtf8TailPadding, '\0');
  const JsonInput input(json.data(), json.data() + size);
  BundleReader bundle(input, result.message, result.issues, result.outcome);
  if (size > (1u << 20)) bundle.reserve(reserveFor(json, result.message));
  std::size_t entries = 0;
  rapidjson::Document shell;
  // json is this function's own: the pages of entries read are given back while parsing, since
  // the Bundle reader keeps no view into them (bundle_reader.h).
  const BundleStream::Outcome parsed = BundleStream(BundleStream::Pages::ReleaseConsumed)
                                           .parse(
                                               json.data() + bom, shell,
                                               [&](std::size_t index, const rapidjson::Value& entry) {
                                                 ++entries;
                                                 bundle.entry(index, entry);
                                               },
                                               [&](std::size_t index) {
                                                 ++entries;
                                                 bundle.badEntry(index);
                                               });
  if (!parsed.ok) {
    result.issues.push_back({Severity::Fatal, "structure", parsed.error, "", bom + parsed.error_offset});
    return result;
  }
  const JsonValue* type = member(shell, "resourceType");
  if (type != nullptr && input.stringValue(*type) == "Bundle") {
    bundle.finish(shell);
    return result;
  }
  if (entries > 0) {
    const std::string_view name = type != nullptr ? input.stringValue(*type) : std::string_view();
    result.issues.push_back({Severity::Error, "structure", "'entry' belongs to a Bundle; this resource is not one",
                             std::string(name.empty() ? "Resource" : name) + ".entry", std::nullopt});
  }
  bundle.single(shell);
  return result;
}

}  // namespace ferry::fhir
