#pragma once
// A problem with one XML document, reported as a value: a bad document is normal business.
// It says where (byte offset, line and column, or the XPath of the node concerned) and what was
// expected, in one sentence.

#include <cstdint>
#include <string>
#include <string_view>

namespace ferry::xml {

enum class ErrorCode {
  TooLarge,         // input larger than Limits::max_bytes
  TooDeep,          // nesting deeper than Limits::max_depth
  TooManyElements,  // more than Limits::max_elements nodes or Limits::max_attributes attributes
  Doctype,          // a DOCTYPE (and with it entity declarations or external DTDs) is refused
  Encoding,         // an encoding the codec does not read (UTF-16, UTF-32)
  Malformed,        // not well-formed XML, or namespace prefixes that are not declared
  UnknownRoot,      // no profile matches the root element
  MissingValue,     // a value the profile marks as required is absent
  InvalidValue,     // a value cannot be read as its canonical type (e.g. a sequence number)
  Io,               // the input could not be read
};

// Short name of the code, e.g. "too-large".
std::string_view errorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::Malformed;
  std::string text;          // one sentence: what was found and what was expected
  std::uint64_t offset = 0;  // byte offset in the input, when known (see hasPosition)
  std::uint32_t line = 0;    // 1-based; 0 when no position is known
  std::uint32_t column = 0;  // 1-based, in bytes
  std::string path;          // XPath of the node concerned, when the error is about a node

  bool hasPosition() const { return line != 0; }
  // "line 3, column 14 (byte 97): <text>", "at /c:Remittance/c:ClaimResult[1]: <text>" or the text.
  std::string describe() const;
};

// An error at a byte offset of input; line and column are counted from input.
Error errorAt(ErrorCode code, std::string_view input, std::uint64_t offset, std::string text);

}  // namespace ferry::xml
