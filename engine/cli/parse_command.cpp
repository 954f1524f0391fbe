#include <iostream>

#include "engine/canonical/json_writer.h"
#include "engine/cli/command.h"
#include "engine/cli/document_input.h"

namespace ferry::cli {

// ferry parse [--profiles DIR] FILE|- : one canonical JSON object per message (NDJSON), whatever
// the input format (HL7 v2, FHIR R4 JSON, insurer XML). A message that does not normalize is
// reported on stderr and gives no line; the other messages are still printed.
int parseCommand(const Args& input_args) {
  Args args = input_args;
  const std::string profiles = takeProfilesOption(args);
  if (args.size() != 1) {
    std::cerr << "usage: ferry parse [--profiles DIR] FILE|-\n";
    return 2;
  }
  canonical::JsonWriter writer;
  DocumentHandlers handlers;
  handlers.on_message = [&](const canonical::Message& message, std::size_t, const hl7v2::Message*) {
    std::cout << writer.write(message) << '\n';
  };
  return forEachDocument(args[0], profiles, handlers);
}

}  // namespace ferry::cli
