#include <iostream>

#include "engine/cli/command.h"
#include "engine/cli/hl7_stream.h"

namespace ferry::cli {

// ferry parse FILE|- : one canonical JSON object per message (NDJSON).
int parseCommand(const Args& args) {
  if (args.size() != 1) {
    std::cerr << "usage: ferry parse FILE|-\n";
    return 2;
  }
  StreamHandlers handlers;
  handlers.on_message = [](const hl7v2::Message& message, std::size_t) {
    // Placeholder until the normalizer lands: the header facts only.
    std::cout << "{\"control_id\":\"" << message.controlId() << "\"}\n";
  };
  return forEachMessage(args[0], handlers);
}

}  // namespace ferry::cli
