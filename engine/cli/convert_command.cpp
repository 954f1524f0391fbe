#include <iostream>

#include "engine/cli/command.h"
#include "engine/cli/hl7_stream.h"

namespace ferry::cli {

// ferry convert --to hl7v2 FILE|- : parse and write back. Unchanged input gives identical bytes
// (batch envelopes included); line ends on output are always \r.
int convertCommand(const Args& args) {
  if (args.size() != 3 || args[0] != "--to") {
    std::cerr << "usage: ferry convert --to hl7v2 FILE|-\n";
    return 2;
  }
  if (args[1] != "hl7v2") {
    std::cerr << "ferry: convert --to " << args[1] << " is not supported yet (supported: hl7v2)\n";
    return 2;
  }
  StreamHandlers handlers;
  handlers.on_message = [](const hl7v2::Message& message, std::size_t, std::uint64_t) {
    std::cout << message.bytes();
  };
  handlers.on_envelope = [](std::string_view segment) { std::cout << segment << '\r'; };
  const int status = forEachMessage(args[2], handlers);
  std::cout.flush();
  return status;
}

}  // namespace ferry::cli
