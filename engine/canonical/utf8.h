#pragma once
// Well-formed UTF-8 (RFC 3629), which every text of the canonical model must be: its JSON, the
// store and every outbound format carry it on. The readers of each format (HL7 v2, insurer XML)
// check what they copy in with these.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ferry::canonical {

// Length of the well-formed UTF-8 sequence that starts at text[at] (1 to 4), 0 when the bytes
// there are not one. The ranges of the second byte are those of RFC 3629's table, which rule
// out overlong forms, surrogates and code points past U+10FFFF.
inline std::size_t utf8SequenceAt(std::string_view text, std::size_t at) {
  const auto c = static_cast<unsigned char>(text[at]);
  if (c < 0x80) return 1;
  std::size_t size = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    size = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    size = 3;
    if (c == 0xE0) low = 0xA0;
    if (c == 0xED) high = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    size = 4;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (text.size() - at < size) return 0;
  const auto second = static_cast<unsigned char>(text[at + 1]);
  if (second < low || second > high) return 0;
  for (std::size_t i = 2; i < size; ++i) {
    if ((static_cast<unsigned char>(text[at + i]) & 0xC0) != 0x80) return 0;
  }
  return size;
}

// Offset of the first byte of text that is not part of well-formed UTF-8; text.size() when
// none is. ASCII, nearly all the text there is, is skipped 16 bytes at a time (one movemask of
// the high bits), then 8.
inline std::size_t firstInvalidUtf8(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size()) {
#if defined(__SSE2__)
    if (text.size() - at >= 16) {
      const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at));
      if (_mm_movemask_epi8(block) == 0) {
        at += 16;
        continue;
      }
    }
#endif
    if (text.size() - at >= 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, text.data() + at, 8);
      if ((word & 0x8080808080808080u) == 0) {
        at += 8;
        continue;
      }
    }
    const std::size_t size = utf8SequenceAt(text, at);
    if (size == 0) return at;
    at += size;
  }
  return at;
}

inline bool isUtf8(std::string_view text) { return firstInvalidUtf8(text) == text.size(); }

}  // namespace ferry::canonical
