#include "parsers/xml/error.h"

#include <algorithm>

namespace ferry::xml {

std::string_view errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::TooLarge: return "too-large";
    case ErrorCode::TooDeep: return "too-deep";
    case ErrorCode::TooManyElements: return "too-many-elements";
    case ErrorCode::Doctype: return "doctype";
    case ErrorCode::Encoding: return "encoding";
    case ErrorCode::Malformed: return "malformed";
    case ErrorCode::UnknownRoot: return "unknown-root";
    case ErrorCode::MissingValue: return "missing-value";
    case ErrorCode::InvalidValue: return "invalid-value";
    case ErrorCode::Io: return "io";
  }
  return "unknown";
}

std::string Error::describe() const {
  if (hasPosition()) {
    return "line " + std::to_string(line) + ", column " + std::to_string(column) + " (byte " +
           std::to_string(offset) + "): " + text;
  }
  if (!path.empty()) return "at " + path + ": " + text;
  return text;
}

Error errorAt(ErrorCode code, std::string_view input, std::uint64_t offset, std::string text) {
  Error error;
  error.code = code;
  error.text = std::move(text);
  // pugixml reports an unexpected end of input one past the last byte (at its terminator).
  const std::size_t end = std::min<std::size_t>(offset, input.size());
  error.offset = end;
  std::uint32_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < end; ++i) {
    if (input[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  error.line = line;
  error.column = static_cast<std::uint32_t>(end - line_start + 1);
  return error;
}

}  // namespace ferry::xml
