#pragma once
// Finding delimiters fast: 16 bytes at a time with SSE2 where the CPU has it.

#include <cstddef>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ferry::hl7v2 {

// First position in [p, end) holding a or b; end when there is none.
inline const char* findEither(const char* p, const char* end, char a, char b) {
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8(a);
  const __m128i vb = _mm_set1_epi8(b);
  while (end - p >= 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const int mask =
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(chunk, va), _mm_cmpeq_epi8(chunk, vb)));
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
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
  const __m128i vc = _mm_set1_epi8(c);
  while (end - p >= 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const int mask = _mm_movemask_epi8(_mm_cmpeq_epi8(chunk, vc));
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  while (p < end && *p != c) ++p;
  return p;
}

// How many times c occurs in [p, end).
inline int countChar(const char* p, const char* end, char c) {
  int n = 0;
#if defined(__SSE2__)
  const __m128i vc = _mm_set1_epi8(c);
  while (end - p >= 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    n += __builtin_popcount(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, vc))));
    p += 16;
  }
#endif
  for (; p < end; ++p) n += *p == c;
  return n;
}

}  // namespace ferry::hl7v2
