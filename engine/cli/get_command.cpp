#include <iostream>
#include <string_view>

#include "engine/cli/command.h"
#include "engine/cli/hl7_stream.h"

namespace ferry::cli {

namespace {

// A decoded value may hold line breaks (\X0D\, \X0A\ in the message), which would split one
// message's answer over several lines and shift every answer after it for a script that reads
// line n as message n. Each break (CR, LF or CR LF) is written as the standard's own line-break
// escape \.br\, which is also how a formatted text value already reads (formatting escapes are
// kept as written).
void writeOnOneLine(std::string_view value, std::ostream& out) {
  std::size_t begin = 0;
  while (begin <= value.size()) {
    const std::size_t end = value.find_first_of("\r\n", begin);
    if (end == std::string_view::npos) {
      out << value.substr(begin);
      return;
    }
    out << value.substr(begin, end - begin) << "\\.br\\";
    begin = end + (value.compare(end, 2, "\r\n") == 0 ? 2 : 1);
  }
}

}  // namespace

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
    writeOnOneLine(message.at(*path).text(), std::cout);
    std::cout << '\n';
  };
  handlers.on_bad_message = [](std::size_t) { std::cout << '\n'; };
  return forEachMessage(args[1], handlers);
}

}  // namespace ferry::cli
