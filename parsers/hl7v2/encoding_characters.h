#pragma once
// The delimiters a message declares in MSH-1 and MSH-2 (or FHS/BHS). HL7 lets a sender pick any
// characters, so nothing in the parser may assume '|' or '^'.

#include <optional>
#include <string>
#include <string_view>

#include "parsers/hl7v2/error.h"

namespace ferry::hl7v2 {

struct EncodingCharacters {
  char field = '|';
  char component = '^';
  char repetition = '~';
  char escape = '\\';
  char subcomponent = '&';
  char truncation = '\0';  // v2.7+ fifth character; '\0' when the message declares none

  // Reads the delimiters from a header segment ("MSH|^~\&|..."). The header must be at least
  // 8 bytes; MSH-2 holds 4 or 5 distinct characters that differ from MSH-1 and from CR/LF.
  static Result<EncodingCharacters> fromHeader(std::string_view segment);

  bool isDelimiter(char c) const {
    return c == field || c == component || c == repetition || c == escape || c == subcomponent ||
           (truncation != '\0' && c == truncation);
  }

  // MSH-2 as written on the wire, e.g. "^~\&" or "^~\&#".
  std::string msh2() const;
};

}  // namespace ferry::hl7v2
