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

#include "engine/canonical/utf8.h"

namespace ferry::xml {

// The offset of the first byte that does not begin a well-formed UTF-8 sequence (overlong
// forms, surrogates and code points past U+10FFFF included), or npos when text is UTF-8.
inline std::size_t invalidUtf8At(std::string_view text) {
  const std::size_t at = canonical::firstInvalidUtf8(text);
  return at == text.size() ? std::string_view::npos : at;
}

}  // namespace ferry::xml
