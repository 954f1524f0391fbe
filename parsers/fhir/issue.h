// One problem found in FHIR JSON that Ferry reads or writes, in the shape of an
// OperationOutcome.issue, and the OperationOutcome resource that reports a list of them.
//
// Reading and validating return issues as values (a malformed message is ordinary business, not
// an exception). Each names where the problem is: a FHIRPath expression such as
// "Bundle.entry[1].resource.valueQuantity.value", or the byte offset for JSON that does not parse.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::fhir {

// FHIR issue-severity.
enum class Severity { Fatal, Error, Warning, Information };

std::string_view severityCode(Severity severity);

// One issue. code is a FHIR issue-type code: "structure", "required", "value", "invalid",
// "code-invalid", "not-found", "not-supported", "informational".
struct Issue {
  Severity severity = Severity::Error;
  std::string code;
  std::string diagnostics;            // one sentence for an operator
  std::string expression;             // FHIRPath location, empty when there is none
  std::optional<std::size_t> offset;  // byte offset in the input, for malformed JSON

  bool operator==(const Issue&) const = default;
};

// True when an issue is an error or fatal: the content cannot be trusted as read.
bool hasErrors(const std::vector<Issue>& issues);

// An OperationOutcome resource (compact JSON) listing the issues. With no issues it holds a
// single "informational" issue, since OperationOutcome requires at least one.
std::string operationOutcomeJson(const std::vector<Issue>& issues);

// "error structure at Bundle.entry[1].resource.status: ..." for logs and test messages.
std::string describe(const Issue& issue);
std::string describe(const std::vector<Issue>& issues);

}  // namespace ferry::fhir
