#include <iostream>

#include "engine/canonical/json_writer.h"
#include "engine/cli/command.h"
#include "engine/cli/hl7_stream.h"
#include "parsers/hl7v2/normalizer.h"

namespace ferry::cli {

// ferry parse FILE|- : one canonical JSON object per message (NDJSON). A message that does not
// normalize is reported on stderr (first problem, and how many more) and gives no line; values
// that could not be read are reported as warnings and kept in the JSON as extensions.
int parseCommand(const Args& args) {
  if (args.size() != 1) {
    std::cerr << "usage: ferry parse FILE|-\n";
    return 2;
  }
  canonical::JsonWriter writer;
  bool normalize_failed = false;
  StreamHandlers handlers;
  handlers.on_message = [&](const hl7v2::Message& message, std::size_t number,
                            std::uint64_t offset) {
    const hl7v2::Normalized normalized = hl7v2::normalize(message);
    if (!normalized.ok()) {
      hl7v2::Error first = normalized.errors.front();
      if (normalized.errors.size() > 1) {
        first.text += " (and " + std::to_string(normalized.errors.size() - 1) + " more)";
      }
      reportError(args[0], number, first, offset);
      normalize_failed = true;
      return;
    }
    for (const hl7v2::Error& warning : normalized.warnings) {
      hl7v2::Error w = warning;
      w.text = "warning: " + w.text;
      reportError(args[0], number, w, offset);
    }
    std::cout << writer.write(normalized.message) << '\n';
  };
  const int status = forEachMessage(args[0], handlers);
  return status != 0 ? status : (normalize_failed ? 1 : 0);
}

}  // namespace ferry::cli
