#pragma once
// Whether text is well-formed UTF-8, for the values the XML reader copies into the canonical
// message.
//
// pugixml reads any document that is not declared ISO-8859-1 as UTF-8 without checking it, so a
// document in another 8-bit encoding (or with damaged bytes) would carry invalid UTF-8 into the
// canonical JSON, the store and every outbound format. Only the values kept are checked, not the
// whole document.

#include <cstddef>
#include <string_view>

namespace ferry::xml {

// The offset of the first byte that does not begin a well-formed UTF-8 sequence (overlong
// forms, surrogates and code points past U+10FFFF included), or npos when text is UTF-8.
inline std::size_t invalidUtf8At(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned low = 0x80;  // the range of the second byte, narrower after E0, ED, F0 and F4
    unsigned high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;
      if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    } else {
      return i;
    }
    if (i + length > n || p[i + 1] < low || p[i + 1] > high) return i;
    for (std::size_t k = 2; k < length; ++k) {
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

}  // namespace ferry::xml
