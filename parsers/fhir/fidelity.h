// Nothing silently lost: the FHIR elements the canonical model does not hold are kept as
// canonical extensions and put back in the same place when the message is written as FHIR.
//
// Rather than list per resource what is mapped, the reader writes each resource it has read back
// from the canonical model (resource_writer.h) and compares: every input element that the
// rewritten resource lacks, or holds with another value, becomes an Extension whose path is its
// FHIRPath ("Bundle.entry[1].resource.method", "Patient.extension[0]") and whose raw is its
// JSON. An array element that the rewritten one does not match as a whole is kept whole, so that
// two different things are never mixed. The writer puts each such element back at its path
// (overlay). Reading, writing and reading again therefore keeps every element of the input.
//
// References that the writer derives from canonical links (Observation.subject, DiagnosticReport
// .result...) depend on the whole Bundle, so they are compared once all entries are read
// (RefCheck, settle()).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/canonical/extension.h"
#include "parsers/fhir/json_input.h"
#include "parsers/fhir/json_node.h"

namespace ferry::fhir {

// A reference element whose comparison waits for the whole Bundle.
struct RefCheck {
  std::string path;  // relative to the resource: "subject", "performer[0]"
  std::string raw;   // the input element's JSON
};

// True for elements of resourceType that the writer derives from links between canonical items;
// pattern is a relative path with array indices written "[*]" ("participant[*].individual").
bool isLinkElement(std::string_view resourceType, std::string_view pattern);

// Compares input (a resource, or the Bundle without its entries) with generated; appends an
// Extension (path prefix + relative path) for each input element generated does not hold, and a
// RefCheck for each link element. Members named in skip are not compared.
void diffResource(const JsonInput& in, const JsonValue& input, const Node& generated,
                  std::string_view resourceType, const std::string& prefix,
                  std::vector<canonical::Extension>& out, std::vector<RefCheck>* checks,
                  std::span<const std::string_view> skip = {});

// Settles reference checks against the finally written resource.
void settleReferences(const Node& generated, const std::vector<RefCheck>& checks, const std::string& prefix,
                      std::vector<canonical::Extension>& out);

// Puts extensions back into a written resource. Each extension's path is prefix + "." +
// relative path; applied in order. A member that joins a choice group (valueString) replaces
// the group's other member (valueQuantity).
void overlay(Node& resource, std::string_view resourceType, const std::string& prefix,
             std::span<const canonical::Extension* const> extensions);

// Removes contained resources the writer generated (ids "ferry-...") that nothing refers to
// any more once the overlay restored the input's own references.
void pruneContained(Node& resource);

// A node inside a tree at a relative path ("performer[0].reference"); nullptr when absent.
const Node* nodeAt(const Node& root, std::string_view relativePath);

}  // namespace ferry::fhir
