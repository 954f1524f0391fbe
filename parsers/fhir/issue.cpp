#include "parsers/fhir/issue.h"

#include "parsers/fhir/json_node.h"

namespace ferry::fhir {

std::string_view severityCode(Severity severity) {
  switch (severity) {
    case Severity::Fatal:
      return "fatal";
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Information:
      return "information";
  }
  return "error";
}

bool hasErrors(const std::vector<Issue>& issues) {
  for (const Issue& issue : issues) {
    if (issue.severity == Severity::Error || issue.severity == Severity::Fatal) return true;
  }
  return false;
}

std::string operationOutcomeJson(const std::vector<Issue>& issues) {
  Node outcome = Node::object();
  outcome.set("resourceType", "OperationOutcome");
  Node list = Node::array();
  for (const Issue& issue : issues) {
    Node item = Node::object();
    item.set("severity", severityCode(issue.severity));
    item.set("code", issue.code.empty() ? std::string_view("processing") : std::string_view(issue.code));
    std::string diagnostics = issue.diagnostics;
    if (issue.offset) diagnostics += " (byte offset " + std::to_string(*issue.offset) + ")";
    item.set("diagnostics", diagnostics);
    if (!issue.expression.empty()) item.set("expression", Node::array().push(Node::string(issue.expression)));
    list.push(std::move(item));
  }
  if (list.empty()) {
    list.push(Node::object()
                  .set("severity", "information")
                  .set("code", "informational")
                  .set("diagnostics", "No issues found"));
  }
  outcome.set("issue", std::move(list));
  return outcome.json();
}

std::string describe(const Issue& issue) {
  std::string out(severityCode(issue.severity));
  out += ' ';
  out += issue.code;
  if (!issue.expression.empty()) out += " at " + issue.expression;
  if (issue.offset) out += " at byte " + std::to_string(*issue.offset);
  out += ": " + issue.diagnostics;
  return out;
}

std::string describe(const std::vector<Issue>& issues) {
  std::string out;
  for (const Issue& issue : issues) out += describe(issue) + "\n";
  return out;
}

}  // namespace ferry::fhir
