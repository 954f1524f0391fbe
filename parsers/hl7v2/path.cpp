#include "parsers/hl7v2/path.h"

#include <cctype>

namespace ferry::hl7v2 {

namespace {

Error pathError(std::string_view text, std::size_t at, const std::string& expected) {
  Error e;
  e.code = ErrorCode::DataType;
  e.offset = at;
  e.text = "path '" + std::string(text) + "' at character " + std::to_string(at + 1) +
           ": expected " + expected;
  return e;
}

// Reads a positive decimal number at pos; 0 when there is none (or it is absurdly large).
int readNumber(std::string_view text, std::size_t& pos) {
  int n = 0;
  const std::size_t start = pos;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
    if (pos - start >= 6) return 0;
    n = n * 10 + (text[pos] - '0');
    ++pos;
  }
  return n;
}

}  // namespace

Result<Path> Path::parse(std::string_view text) {
  Path path;
  if (text.size() < 3) return pathError(text, 0, "a 3-character segment id such as PID");
  for (std::size_t i = 0; i < 3; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (!std::isupper(c) && !std::isdigit(c)) {
      return pathError(text, i, "a 3-character segment id of capital letters and digits");
    }
  }
  path.segment = std::string(text.substr(0, 3));
  std::size_t pos = 3;

  auto bracket = [&](int& target) -> bool {
    if (pos >= text.size() || text[pos] != '[') return true;
    ++pos;
    target = readNumber(text, pos);
    if (target <= 0 || pos >= text.size() || text[pos] != ']') return false;
    ++pos;
    return true;
  };

  if (!bracket(path.occurrence)) {
    return pathError(text, pos, "a segment occurrence like [2]");
  }
  if (pos == text.size()) return path;
  if (text[pos] != '-' && text[pos] != '.') return pathError(text, pos, "'-' and a field number");
  ++pos;
  path.field = readNumber(text, pos);
  if (path.field <= 0) return pathError(text, pos, "a field number of 1 or more");
  if (!bracket(path.repetition)) {
    return pathError(text, pos, "a repetition like [2]");
  }
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    path.component = readNumber(text, pos);
    if (path.component <= 0) return pathError(text, pos, "a component number of 1 or more");
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      path.subcomponent = readNumber(text, pos);
      if (path.subcomponent <= 0) {
        return pathError(text, pos, "a subcomponent number of 1 or more");
      }
    }
  }
  if (pos != text.size()) return pathError(text, pos, "end of path");
  return path;
}

std::string Path::toString() const {
  std::string out = segment;
  if (occurrence != 1) out += "[" + std::to_string(occurrence) + "]";
  if (field == 0) return out;
  out += "-" + std::to_string(field);
  if (repetition != 1) out += "[" + std::to_string(repetition) + "]";
  if (component > 0) out += "." + std::to_string(component);
  if (subcomponent > 0) out += "." + std::to_string(subcomponent);
  return out;
}

}  // namespace ferry::hl7v2
