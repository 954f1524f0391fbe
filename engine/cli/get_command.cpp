#include <iostream>

#include "engine/cli/command.h"
#include "engine/cli/hl7_stream.h"

namespace ferry::cli {

// ferry get PATH FILE|- : the decoded value at PATH, one line per message.
int getCommand(const Args& args) {
  if (args.size() != 2) {
    std::cerr << "usage: ferry get PATH FILE|-\n";
    return 2;
  }
  auto path = hl7v2::Path::parse(args[0]);
  if (!path) {
    std::cerr << "ferry: " << path.error().text << '\n';
    return 2;
  }
  StreamHandlers handlers;
  handlers.on_message = [&](const hl7v2::Message& message, std::size_t, const SourceSpan&) {
    std::cout << message.at(*path).text() << '\n';
  };
  handlers.on_bad_message = [](std::size_t) { std::cout << '\n'; };
  return forEachMessage(args[1], handlers);
}

}  // namespace ferry::cli
