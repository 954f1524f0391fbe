#pragma once
// HL7 v2 escape sequences (chapter 2, "Use of escape sequences in text fields"). Values stay
// escaped in the message buffer; they are decoded only when a caller reads them.

#include <string>
#include <string_view>

#include "parsers/hl7v2/encoding_characters.h"
#include "parsers/hl7v2/scan.h"

namespace ferry::hl7v2 {

// Decodes \F\ \S\ \T\ \R\ \E\ \P\, \Xhh..\ and \.br\ (to a line feed). Other formatting escapes
// (\H\ \N\ \.sp\ ...), character-set escapes (\C..\ \M..\) and unknown or unterminated escapes are
// kept verbatim, so no information is dropped.
std::string unescape(std::string_view raw, const EncodingCharacters& enc);

// Appends the decoded form of raw to out (no allocation when out has capacity).
void appendUnescaped(std::string_view raw, const EncodingCharacters& enc, std::string& out);

// True when raw holds the escape character, i.e. decoding would change it. Asked for nearly
// every value read, most of them a few bytes long: an inline scan, not a memchr call.
inline bool needsUnescape(std::string_view raw, const EncodingCharacters& enc) {
  const char* end = raw.data() + raw.size();
  return findChar(raw.data(), end, enc.escape) != end;
}

// Escapes every delimiter in value so it can be placed in a field: the inverse of unescape for
// text that carries no formatting escapes. Line feed becomes \.br\ (\X0A\ in a message that
// uses '.' as a delimiter), carriage return \X0D\.
std::string escape(std::string_view value, const EncodingCharacters& enc);

}  // namespace ferry::hl7v2
