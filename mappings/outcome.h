#pragma once
// What applying a mapping to one message decided: routed to destinations, dropped by a filter,
// or errored by a rule. Errors are values here: a rule that fails marks the message errored and
// names itself; the engine records that and carries on with the next message.

#include <string>
#include <vector>

namespace ferry::mappings {

// One edit of the outgoing HL7 v2 message, from a target such as out('MSH-5'). The engine
// applies them with applyOutgoing() (mapping.h) after it has written the v2 message.
struct OutgoingEdit {
  std::string path;   // HL7 v2 path as written in the rule, e.g. "MSH-5" or "PID-3[1].1"
  std::string value;  // plain text; escaped when applied
  bool remove = false;  // clear the element instead of setting it
};

struct Outcome {
  enum class Kind { Routed, Dropped, Errored };
  Kind kind = Kind::Routed;
  // The filter that dropped the message, or the rule that failed (filter, transform or route).
  std::string rule;
  // Dropped: the filter's reason. Errored: one sentence saying what went wrong.
  std::string reason;
  // Routed: destination names in route order, each once. May be empty when no route matched.
  std::vector<std::string> destinations;
  // Routed: names of the routes that matched, in file order.
  std::vector<std::string> routes;
  // Edits for the outgoing v2 message, in rule order.
  std::vector<OutgoingEdit> outgoing;
};

}  // namespace ferry::mappings
