// Message::index(): stage 1 in the simdjson sense. One pass over the message finds, a block of
// bytes at a time, every segment end (\r), every field separator and every byte that may need
// decoding (the escape character, or a byte >= 0x80), and records them into segments_ and
// separators_. Two kernels do the loads and compares of 32-byte blocks, SSE2 (two 16-byte
// halves, the x86-64 baseline) and AVX2 (one load, when the CPU has it); they reduce each block
// to the same three bit masks, and what follows is shared code, so both build the same index.

#include <algorithm>
#include <optional>

#include "parsers/hl7v2/message.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if FERRY_HL7V2_AVX2
#include <immintrin.h>
#endif

namespace ferry::hl7v2 {

namespace {

// The bytes of one block that matter to the index; bit k stands for byte k of the block.
struct BlockMasks {
  std::uint32_t ends;     // \r
  std::uint32_t seps;     // the field separator
  std::uint32_t special;  // the escape character or a byte >= 0x80 (see needsDecoding())
};

// The masks of n <= 32 bytes, a byte at a time: for messages shorter than one block, and for
// builds without SSE2.
BlockMasks scalarMasks(const char* p, std::uint32_t n, char fs, char esc) {
  BlockMasks m{0, 0, 0};
  for (std::uint32_t k = 0; k < n; ++k) {
    const std::uint32_t bit = 1u << k;
    if (p[k] == '\r') m.ends |= bit;
    if (p[k] == fs) m.seps |= bit;
    if (p[k] == esc || static_cast<signed char>(p[k]) < 0) m.special |= bit;
  }
  return m;
}

#if defined(__SSE2__)
// The bytes the SSE2 kernel compares with, each in every lane; made once, before the loop.
struct Sse2Delimiters {
  __m128i cr;
  __m128i fs;
  __m128i esc;
  Sse2Delimiters(char field, char escape)
      : cr(_mm_set1_epi8('\r')), fs(_mm_set1_epi8(field)), esc(_mm_set1_epi8(escape)) {}
};

// The masks of the 32 bytes at p, from two 16-byte halves: the code after the compare then runs
// once per 32 bytes, as it does for the AVX2 kernel. A byte's own top bit marks it as outside
// ASCII, as the comparison's lanes mark the escape character, so one OR with the block itself
// finds both.
[[gnu::always_inline]] inline BlockMasks sse2Masks(const char* p, const Sse2Delimiters& d) {
  const __m128i low = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i high = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
  auto mask = [](__m128i a, __m128i b) {
    return static_cast<std::uint32_t>(_mm_movemask_epi8(a)) |
           (static_cast<std::uint32_t>(_mm_movemask_epi8(b)) << 16);
  };
  return BlockMasks{
      mask(_mm_cmpeq_epi8(low, d.cr), _mm_cmpeq_epi8(high, d.cr)),
      mask(_mm_cmpeq_epi8(low, d.fs), _mm_cmpeq_epi8(high, d.fs)),
      mask(_mm_or_si128(_mm_cmpeq_epi8(low, d.esc), low),
           _mm_or_si128(_mm_cmpeq_epi8(high, d.esc), high))};
}
#endif

#if FERRY_HL7V2_AVX2
// The same for the AVX2 kernel: 32 lanes.
struct Avx2Delimiters {
  __m256i cr;
  __m256i fs;
  __m256i esc;
  [[gnu::target("avx2")]] Avx2Delimiters(char field, char escape)
      : cr(_mm256_set1_epi8('\r')), fs(_mm256_set1_epi8(field)), esc(_mm256_set1_epi8(escape)) {}
};

[[gnu::target("avx2,bmi,bmi2,popcnt"), gnu::always_inline]] inline BlockMasks avx2Masks(
    const char* p, const Avx2Delimiters& d) {
  const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  return BlockMasks{
      static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, d.cr))),
      static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, d.fs))),
      static_cast<std::uint32_t>(
          _mm256_movemask_epi8(_mm256_or_si256(_mm256_cmpeq_epi8(b, d.esc), b)))};
}
#endif

bool isIdChar(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// Writes the offsets of the set bits of mask (bit k: byte at + k) from out[count] on; returns
// the new count. Separators are a few a block, so a loop over the bits beats any table.
[[gnu::always_inline]] inline std::size_t recordBits(std::uint32_t* out, std::size_t count,
                                                     std::uint32_t at, std::uint32_t mask) {
  for (; mask != 0; mask &= mask - 1) {
    out[count++] = at + static_cast<std::uint32_t>(__builtin_ctz(mask));
  }
  return count;
}

#if FERRY_HL7V2_AVX2
// recordBits() without a branch a separator: four offsets are written whether or not the mask
// holds that many (makeRoom() keeps room for a whole block's), then four more while it does,
// and the count comes from POPCNT. Fewer instructions than the loop, and one exit to predict
// per four separators instead of one per separator.
[[gnu::target("avx2,bmi,bmi2,popcnt"), gnu::always_inline]] inline std::size_t recordBitsAvx2(
    std::uint32_t* out, std::size_t count, std::uint32_t at, std::uint32_t mask) {
  if (mask == 0) return count;
  const auto total = static_cast<std::size_t>(__builtin_popcount(mask));
  std::uint32_t* dst = out + count;
  for (;;) {
    for (int k = 0; k < 4; ++k) {
      dst[k] = at + _tzcnt_u32(mask);
      mask = _blsr_u32(mask);
    }
    if (mask == 0) break;
    dst += 4;
  }
  return count + total;
}
#endif

}  // namespace

struct Message::Indexer {
  // What the kernels keep in registers from block to block. Nothing else is written there, so
  // the compiler need not reload any of it after a store of a separator's offset.
  struct Cursor {
    std::uint32_t* out;     // separators_.data()
    std::size_t count;      // separators written
    std::size_t capacity;   // separators_.size()
    std::uint32_t decode;   // nonzero when the open segment holds a special byte
  };

  Indexer(Message& m, const Limits& l)
      : message(m), limits(l), data(m.buffer_.data()),
        size(static_cast<std::uint32_t>(m.buffer_.size())), fs(m.encoding_.field),
        esc(m.encoding_.escape) {}

  // Room for `more` separators from c.count on, checked once a block instead of once a
  // separator. separators_'s size is a capacity that only grows, so a Message parsed into
  // again never clears or refills it.
  [[gnu::always_inline]] void makeRoom(Cursor& c, std::size_t more) {
    if (c.count + more <= c.capacity) return;
    auto& separators = message.separators_;
    separators.resize(std::max(separators.size() * 2, size / 6 + more + 64));
    c.out = separators.data();
    c.capacity = separators.size();
  }

  // One block at offset at: the separators before each \r belong to the segment it closes,
  // those after the last one to the segment it opens. False when a segment fails.
  [[gnu::always_inline]] bool block(Cursor& c, std::uint32_t at, BlockMasks m) {
    if (m.ends == 0) {  // inside a segment, as most blocks are
      c.count = recordBits(c.out, c.count, at, m.seps);
      c.decode |= m.special;
      return true;
    }
    return endSegments(c, at, m);
  }

  // block() where at least one \r is in the block.
  [[gnu::always_inline]] bool endSegments(Cursor& c, std::uint32_t at, BlockMasks m) {
    do {
      const std::uint32_t below = (m.ends & (0u - m.ends)) - 1u;  // bits before the lowest \r
      c.count = recordBits(c.out, c.count, at, m.seps & below);
      m.seps &= ~below;
      const bool decode = (c.decode | (m.special & below)) != 0;
      m.special &= ~below;
      const std::uint32_t end = at + static_cast<std::uint32_t>(__builtin_ctz(m.ends));
      if (!closeSegment(c.out, c.count, end, decode)) return false;
      c.decode = 0;
      m.ends &= m.ends - 1;
    } while (m.ends != 0);
    c.count = recordBits(c.out, c.count, at, m.seps);
    c.decode = m.special;
    return true;
  }

  // Ends the segment open since seg_begin at offset end (a \r, or the end of the message), whose
  // separators are out[seg_first_sep, count), and opens the next one after it. An empty line
  // between segments carries nothing.
  bool closeSegment(const std::uint32_t* out, std::size_t count, std::uint32_t end, bool decode) {
    const std::uint32_t begin = seg_begin;
    const std::uint32_t first = seg_first_sep;
    seg_begin = end + 1;
    seg_first_sep = static_cast<std::uint32_t>(count);
    if (end == begin) return true;
    const auto sep_count = static_cast<std::uint32_t>(count) - first;
    const std::uint32_t id_end = sep_count > 0 ? out[first] : end;
    auto& segments = message.segments_;
    const bool fits = id_end - begin == 3 && isIdChar(data[begin]) && isIdChar(data[begin + 1]) &&
                      isIdChar(data[begin + 2]) && end - begin <= limits.max_segment_bytes &&
                      sep_count <= limits.max_fields_per_segment &&
                      segments.size() < limits.max_segments;
    if (!fits) {
      fail(std::string_view(data + begin, id_end - begin), begin, end, sep_count);
      return false;
    }
    segments.push_back(SegmentSpan{begin, end, first, sep_count, decode});
    return true;
  }

  // Out of line, so that the kernels' loops hold no code that moves an Error's strings.
  [[gnu::noinline]] void fail(std::string_view id, std::uint32_t begin, std::uint32_t end,
                              std::uint32_t sep_count) {
    failure = segmentError(id, begin, end, sep_count, message.segments_.size(), limits);
  }

  bool scanShort(Cursor c, Cursor& cursor);
  bool scanSse2(Cursor& cursor);
  bool scanAvx2(Cursor& cursor);

  Message& message;
  const Limits& limits;
  const char* const data;
  const std::uint32_t size;
  const char fs;
  const char esc;
  std::uint32_t seg_begin = 0;
  std::uint32_t seg_first_sep = 0;
  std::optional<Error> failure;
};

// Blocks a kernel reads between two checks of the room left for separators: a window's worth
// of blocks then record theirs without any check.
constexpr std::uint32_t kWindow = 8;

// Full blocks, then the bytes left over as one more block that ends at the message's end and
// overlaps the block before; its masks are shifted past the bytes already seen. The kernels
// copy what they read in the loop into locals: the stores of separators' offsets might
// otherwise change the Indexer's fields for all the compiler knows.
bool Message::Indexer::scanSse2(Cursor& cursor) {
  Cursor c = cursor;
  const char* const p = data;
  const std::uint32_t n = size;
  const char sep = fs;
  const char escape = esc;
#if defined(__SSE2__)
  if (n < 32) return scanShort(c, cursor);
  const Sse2Delimiters delimiters(sep, escape);
  std::uint32_t i = 0;
  while (i + 32 <= n) {
    makeRoom(c, 32 * kWindow);
    const std::uint32_t window_end = i + std::min<std::uint32_t>(n - i, 32 * kWindow);
    for (; i + 32 <= window_end; i += 32) {
      if (!block(c, i, sse2Masks(p + i, delimiters))) return false;
    }
  }
  if (i < n) {
    makeRoom(c, 32);
    const std::uint32_t shift = i - (n - 32);
    const BlockMasks m = sse2Masks(p + n - 32, delimiters);
    if (!block(c, i, BlockMasks{m.ends >> shift, m.seps >> shift, m.special >> shift})) {
      return false;
    }
  }
  cursor = c;
  return true;
#else
  for (std::uint32_t i = 0; i < n; i += 32) {
    makeRoom(c, 32);
    if (!block(c, i, scalarMasks(p + i, std::min<std::uint32_t>(32, n - i), sep, escape))) {
      return false;
    }
  }
  cursor = c;
  return true;
#endif
}

// A message shorter than one block, a byte at a time.
bool Message::Indexer::scanShort(Cursor c, Cursor& cursor) {
  makeRoom(c, 32);
  if (!block(c, 0, scalarMasks(data, size, fs, esc))) return false;
  cursor = c;
  return true;
}

#if FERRY_HL7V2_AVX2
// The same with one 32-byte load a block.
[[gnu::target("avx2,bmi,bmi2,popcnt")]] bool Message::Indexer::scanAvx2(Cursor& cursor) {
  if (size < 32) return scanShort(cursor, cursor);
  Cursor c = cursor;
  const char* const p = data;
  const std::uint32_t n = size;
  const char sep = fs;
  const char escape = esc;
  const Avx2Delimiters delimiters(sep, escape);
  std::uint32_t i = 0;
  while (i + 32 <= n) {
    makeRoom(c, 32 * kWindow);
    const std::uint32_t window_end = i + std::min<std::uint32_t>(n - i, 32 * kWindow);
    for (; i + 32 <= window_end; i += 32) {
      const BlockMasks m = avx2Masks(p + i, delimiters);
      if (m.ends == 0) {
        c.count = recordBitsAvx2(c.out, c.count, i, m.seps);
        c.decode |= m.special;
      } else if (!endSegments(c, i, m)) {
        return false;
      }
    }
  }
  if (i < n) {
    makeRoom(c, 32);
    const std::uint32_t shift = i - (n - 32);
    const BlockMasks m = avx2Masks(p + n - 32, delimiters);
    if (!block(c, i, BlockMasks{m.ends >> shift, m.seps >> shift, m.special >> shift})) {
      return false;
    }
  }
  cursor = c;
  return true;
}
#else
bool Message::Indexer::scanAvx2(Cursor& c) { return scanSse2(c); }
#endif

Result<bool> Message::index(const Limits& limits, Isa isa) {
  segments_.clear();
  segments_.reserve(buffer_.size() / 48 + 4);
  Indexer indexer(*this, limits);
  Indexer::Cursor cursor{separators_.data(), 0, separators_.size(), 0};
  const bool scanned = isa == Isa::Avx2 ? indexer.scanAvx2(cursor) : indexer.scanSse2(cursor);
  if (scanned && indexer.seg_begin < indexer.size) {
    indexer.closeSegment(cursor.out, cursor.count, indexer.size, cursor.decode != 0);
  }
  if (indexer.failure) return *indexer.failure;
  return true;
}

}  // namespace ferry::hl7v2
