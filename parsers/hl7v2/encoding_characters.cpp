#include "parsers/hl7v2/encoding_characters.h"

#include <cctype>

namespace ferry::hl7v2 {

namespace {

Error delimiterError(std::string_view segment, int field, std::uint64_t offset, std::string text) {
  Error e;
  e.code = ErrorCode::DataType;
  e.segment = std::string(segment.substr(0, 3));
  e.segment_sequence = 1;
  e.field = field;
  e.offset = offset;
  e.text = std::move(text);
  return e;
}

bool isLineEnd(char c) { return c == '\r' || c == '\n'; }

}  // namespace

Result<EncodingCharacters> EncodingCharacters::fromHeader(std::string_view segment) {
  if (segment.size() < 8) {
    return delimiterError(segment, 2, 0,
                          "header is truncated: expected a segment id, MSH-1 and the 4 encoding "
                          "characters of MSH-2");
  }
  EncodingCharacters enc;
  enc.field = segment[3];
  if (isLineEnd(enc.field) || enc.field == '\0') {
    return delimiterError(segment, 1, 3, "MSH-1 field separator is missing");
  }
  // MSH-2 runs to the next field separator (or segment end): 4 characters, or 5 with truncation.
  std::size_t end = 4;
  while (end < segment.size() && segment[end] != enc.field && !isLineEnd(segment[end])) ++end;
  std::string_view msh2 = segment.substr(4, end - 4);
  if (msh2.size() != 4 && msh2.size() != 5) {
    return delimiterError(segment, 2, 4,
                          "MSH-2 must hold 4 or 5 encoding characters, found " +
                              std::to_string(msh2.size()));
  }
  enc.component = msh2[0];
  enc.repetition = msh2[1];
  enc.escape = msh2[2];
  enc.subcomponent = msh2[3];
  if (msh2.size() == 5) enc.truncation = msh2[4];

  const std::string all = std::string(1, enc.field) + std::string(msh2);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(all[i]);
    if (c < 0x20 || c == 0x7f) {
      return delimiterError(segment, i == 0 ? 1 : 2, 3 + i,
                            "encoding characters must be printable, found byte " +
                                std::to_string(c));
    }
    if (std::isalnum(c)) {
      return delimiterError(segment, i == 0 ? 1 : 2, 3 + i,
                            std::string("encoding character '") + all[i] +
                                "' is a letter or digit, which would be ambiguous with data");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (all[j] == all[i]) {
        return delimiterError(segment, 2, 3 + i,
                              std::string("encoding character '") + all[i] +
                                  "' is used twice; each delimiter must be distinct");
      }
    }
  }
  return enc;
}

std::string EncodingCharacters::msh2() const {
  std::string out{component, repetition, escape, subcomponent};
  if (truncation != '\0') out += truncation;
  return out;
}

}  // namespace ferry::hl7v2
