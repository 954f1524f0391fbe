#pragma once
// Finding delimiters fast: 16 bytes at a time with SSE2 where the CPU has it.
//
// Most spans searched are short (a component, a date, a code of a few bytes), so the last
// partial block matters as much as the full ones: from 8 bytes on it is compared in the vector
// unit too, read with two overlapping loads that never touch memory past the span (see Block).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ferry::hl7v2 {

#if defined(__SSE2__)

// 8 to 16 bytes [p, p + n) in a vector. A partial block (n < 16) is read as two overlapping
// 8-byte loads, one at p and one ending at p + n, so nothing past the span is read; matches()
// maps the lanes of the second load back to their offsets. Spans under 8 bytes are cheaper to
// scan byte by byte.
constexpr std::size_t kMinBlock = 8;

struct Block {
  __m128i bytes;
  unsigned n;

  Block(const char* p, std::size_t size) : n(size < 16 ? static_cast<unsigned>(size) : 16u) {
    if (n == 16) {
      bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    } else {
      std::uint64_t low = 0;
      std::uint64_t high = 0;
      std::memcpy(&low, p, 8);
      std::memcpy(&high, p + n - 8, 8);
      bytes = _mm_set_epi64x(static_cast<long long>(high), static_cast<long long>(low));
    }
  }

  // Bit i set when byte i of the span equals every lane of v (an _mm_set1_epi8), for i < n.
  unsigned matches(__m128i v) const {
    const auto m = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, v)));
    return n == 16 ? m : (m & 0xFFu) | ((m >> 8) << (n - 8));
  }
};

// Set bits of a 16-bit mask; separators are rare within a block, so clearing the lowest set bit
// beats a popcount, which without -mpopcnt is a library call.
inline int bitCount(unsigned mask) {
  int n = 0;
  for (; mask != 0; mask &= mask - 1) ++n;
  return n;
}

#endif

// First position in [p, end) holding a or b; end when there is none.
inline const char* findEither(const char* p, const char* end, char a, char b) {
#if defined(__SSE2__)
  // A span under 8 bytes is scanned without the vectors set up at all, as in findChar.
  if (static_cast<std::size_t>(end - p) >= kMinBlock) {
    const __m128i va = _mm_set1_epi8(a);
    const __m128i vb = _mm_set1_epi8(b);
    // Whole blocks first, without Block's partial-block arithmetic: the splitter scans segments
    // of a hundred bytes and more for their line end.
    while (end - p >= 16) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const auto mask = static_cast<unsigned>(
          _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(bytes, va), _mm_cmpeq_epi8(bytes, vb))));
      if (mask != 0) return p + __builtin_ctz(mask);
      p += 16;
    }
    while (static_cast<std::size_t>(end - p) >= kMinBlock) {
      const Block block(p, static_cast<std::size_t>(end - p));
      const unsigned mask = block.matches(va) | block.matches(vb);
      if (mask != 0) return p + __builtin_ctz(mask);
      p += block.n;
    }
  }
#endif
  while (p < end && *p != a && *p != b) ++p;
  return p;
}

// First position in [p, end) holding c; end when there is none. Inline rather than memchr: the
// spans searched (a component, a field) are a few dozen bytes, where the call costs more than
// the search.
inline const char* findChar(const char* p, const char* end, char c) {
#if defined(__SSE2__)
  // A span under 8 bytes (a number, a code) is scanned without the vector set up at all.
  if (static_cast<std::size_t>(end - p) >= kMinBlock) {
    const __m128i vc = _mm_set1_epi8(c);
    while (end - p >= 16) {
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, vc)));
      if (mask != 0) return p + __builtin_ctz(mask);
      p += 16;
    }
    while (static_cast<std::size_t>(end - p) >= kMinBlock) {
      const Block block(p, static_cast<std::size_t>(end - p));
      const unsigned mask = block.matches(vc);
      if (mask != 0) return p + __builtin_ctz(mask);
      p += block.n;
    }
  }
#endif
  while (p < end && *p != c) ++p;
  return p;
}

// a == b for the short texts readers compare on every message (a message type, a date just
// converted), in line: 8 bytes at a time, the last 8 overlapping the chunk before, and spans
// under 8 bytes byte by byte. A call to memcmp cost more than such a comparison.
inline bool sameBytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const std::size_t n = a.size();
  const char* const p = a.data();
  const char* const q = b.data();
  if (n < 8) {
    for (std::size_t i = 0; i < n; ++i) {
      if (p[i] != q[i]) return false;
    }
    return true;
  }
  const auto word = [](const char* at) {
    std::uint64_t w = 0;
    std::memcpy(&w, at, 8);
    return w;
  };
  for (std::size_t i = 0; i + 8 < n; i += 8) {
    if (word(p + i) != word(q + i)) return false;
  }
  return word(p + n - 8) == word(q + n - 8);
}

// sameBytes() for texts of 16 bytes and more (a CWE, an XCN kept by the composite memo): 16
// bytes a comparison, the last 16 overlapping the block before; shorter texts as sameBytes.
inline bool sameLongBytes(std::string_view a, std::string_view b) {
#if defined(__SSE2__)
  if (a.size() != b.size()) return false;
  const std::size_t n = a.size();
  if (n >= 16) {
    const auto same = [](const char* p, const char* q) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
      return _mm_cmpeq_epi8(x, y);
    };
    // The first and last 16 bytes, which cover up to 32 (a coded value of a lab's menu), are
    // compared with one mask of both (measured against a mask each: -166 instructions a message).
    const __m128i ends = _mm_and_si128(same(a.data(), b.data()),
                                       same(a.data() + n - 16, b.data() + n - 16));
    if (_mm_movemask_epi8(ends) != 0xFFFF) return false;
    for (std::size_t i = 16; i + 16 < n; i += 16) {
      if (_mm_movemask_epi8(same(a.data() + i, b.data() + i)) != 0xFFFF) return false;
    }
    return true;
  }
#endif
  return sameBytes(a, b);
}

// How many times c occurs in [p, end).
inline int countChar(const char* p, const char* end, char c) {
  int n = 0;
#if defined(__SSE2__)
  const __m128i vc = _mm_set1_epi8(c);
  while (static_cast<std::size_t>(end - p) >= kMinBlock) {
    const Block block(p, static_cast<std::size_t>(end - p));
    n += bitCount(block.matches(vc));
    p += block.n;
  }
#endif
  for (; p < end; ++p) n += *p == c;
  return n;
}

}  // namespace ferry::hl7v2
