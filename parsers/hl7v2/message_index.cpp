// Message::index(): stage 1 in the simdjson sense. One pass over the message finds, 64 bytes at a
// time, every segment end (\r), every field separator and every byte that may need decoding
// (the escape character, or a byte >= 0x80), and records them into segments_ and separators_.
// It also notes whether any byte is a \n, which parse() no longer searches for beforehand.
// parseLeading()'s pass is the same over a stream's bytes, which also finds where the message
// ends: at each \r it looks at the first byte of the next line, which starts the next message
// or not (EndBeforeNextMessage), so that the splitter need not pass over the message first.
// Two kernels do the loads and compares, SSE2 (four 16-byte loads a block, the x86-64 baseline)
// and AVX2 (two 32-byte loads, when the CPU has it); they reduce each block to the same three
// bit masks, and what follows is shared code, so both build the same index.
//
// separators_ lists the offsets of field separators and segment ends together, in the order they
// occur, after one entry of -1 (the end of a line before the message): all of a block's are then
// written in one go, without asking which segment each belongs to, and a segment's entries are
// its field separators followed by its own end, preceded by the end of the line before it (see
// Segment::piece()).

#include <algorithm>
#include <cstring>
#include <optional>

#include "parsers/hl7v2/message.h"
#include "parsers/hl7v2/message_start.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if FERRY_HL7V2_AVX2
#include <immintrin.h>
#endif

namespace ferry::hl7v2 {

namespace {

constexpr std::uint32_t kBlock = 64;

// The bytes of one block that matter to the index; bit k stands for byte k of the block.
struct BlockMasks {
  std::uint64_t ends;     // \r
  std::uint64_t seps;     // the field separator
  std::uint64_t special;  // the escape character or a byte >= 0x80 (see needsDecoding())
};

#if defined(__SSE2__)
// The bytes the SSE2 kernel compares with, each in every lane; made once, before the loop.
struct Sse2Delimiters {
  __m128i cr;
  __m128i lf;
  __m128i fs;
  __m128i esc;
  Sse2Delimiters(char field, char escape)
      : cr(_mm_set1_epi8('\r')), lf(_mm_set1_epi8('\n')), fs(_mm_set1_epi8(field)),
        esc(_mm_set1_epi8(escape)) {}
};

// The masks of the 64 bytes at p, from four 16-byte loads. A byte's own top bit marks it as
// outside ASCII, as the comparison's lanes mark the escape character, so one OR with the bytes
// themselves finds both. Lanes holding \n are ORed into line_feeds (see LineFeeds).
[[gnu::always_inline]] inline BlockMasks sse2Masks(const char* p, const Sse2Delimiters& d,
                                                   __m128i& line_feeds) {
  BlockMasks m{0, 0, 0};
  for (int k = 0; k < 4; ++k) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    line_feeds = _mm_or_si128(line_feeds, _mm_cmpeq_epi8(b, d.lf));
    const auto lanes = [k](__m128i v) {
      return std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(v))} << (16 * k);
    };
    m.ends |= lanes(_mm_cmpeq_epi8(b, d.cr));
    m.seps |= lanes(_mm_cmpeq_epi8(b, d.fs));
    m.special |= lanes(_mm_or_si128(_mm_cmpeq_epi8(b, d.esc), b));
  }
  return m;
}
#else
// The same a byte at a time, for builds without SSE2.
BlockMasks scalarMasks(const char* p, char fs, char esc, bool& line_feeds) {
  BlockMasks m{0, 0, 0};
  for (std::uint32_t k = 0; k < kBlock; ++k) {
    const std::uint64_t bit = std::uint64_t{1} << k;
    line_feeds |= p[k] == '\n';
    if (p[k] == '\r') m.ends |= bit;
    if (p[k] == fs) m.seps |= bit;
    if (p[k] == esc || static_cast<signed char>(p[k]) < 0) m.special |= bit;
  }
  return m;
}
#endif

#if FERRY_HL7V2_AVX2
// The same for the AVX2 kernel: two loads of 32 lanes.
struct Avx2Delimiters {
  __m256i cr;
  __m256i lf;
  __m256i fs;
  __m256i esc;
  [[gnu::target("avx2")]] Avx2Delimiters(char field, char escape)
      : cr(_mm256_set1_epi8('\r')), lf(_mm256_set1_epi8('\n')), fs(_mm256_set1_epi8(field)),
        esc(_mm256_set1_epi8(escape)) {}
};

[[gnu::target("avx2,bmi,bmi2,popcnt"), gnu::always_inline]] inline std::uint64_t lanes(
    __m256i low, __m256i high) {
  return std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(low))} |
         (std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(high))} << 32);
}

[[gnu::target("avx2,bmi,bmi2,popcnt"), gnu::always_inline]] inline BlockMasks avx2Masks(
    const char* p, const Avx2Delimiters& d, __m256i& line_feeds) {
  const __m256i low = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  const __m256i high = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
  line_feeds = _mm256_or_si256(
      line_feeds, _mm256_or_si256(_mm256_cmpeq_epi8(low, d.lf), _mm256_cmpeq_epi8(high, d.lf)));
  return BlockMasks{
      lanes(_mm256_cmpeq_epi8(low, d.cr), _mm256_cmpeq_epi8(high, d.cr)),
      lanes(_mm256_cmpeq_epi8(low, d.fs), _mm256_cmpeq_epi8(high, d.fs)),
      lanes(_mm256_or_si256(_mm256_cmpeq_epi8(low, d.esc), low),
            _mm256_or_si256(_mm256_cmpeq_epi8(high, d.esc), high))};
}
#endif

// The bytes [from, n) after a kernel's last full block, as one block of 64 readable bytes: the
// message's last 64, whose masks are shifted past the bytes already seen, or, for a message
// shorter than a block, a copy padded with zeros, whose masks are cut at its end.
class LastBlock {
 public:
  LastBlock(const char* p, std::uint32_t from, std::uint32_t n) {
    if (n >= kBlock) {
      bytes_ = p + n - kBlock;
      shift_ = from - (n - kBlock);
      return;
    }
    std::memset(copy_, 0, sizeof copy_);
    std::memcpy(copy_, p, n);  // from is 0: no full block came before
    bytes_ = copy_;
    keep_ = (std::uint64_t{1} << n) - 1;
  }
  const char* bytes() const { return bytes_; }
  BlockMasks cut(BlockMasks m) const {
    return BlockMasks{(m.ends >> shift_) & keep_, (m.seps >> shift_) & keep_,
                      (m.special >> shift_) & keep_};
  }

 private:
  const char* bytes_ = nullptr;
  std::uint32_t shift_ = 0;
  std::uint64_t keep_ = ~std::uint64_t{0};
  char copy_[kBlock];
};

// Whether a byte may be part of a segment id (A-Z, 0-9): a table, so that checking an id is
// three look-ups instead of six comparisons.
struct IdChars {
  bool allowed[256];
  constexpr IdChars() : allowed() {
    for (int c = 'A'; c <= 'Z'; ++c) allowed[c] = true;
    for (int c = '0'; c <= '9'; ++c) allowed[c] = true;
  }
  bool operator()(char c) const { return allowed[static_cast<unsigned char>(c)]; }
};
constexpr IdChars kIdChar;

// Writes the offsets of the set bits of mask (bit k: byte at + k) from out[count] on; returns
// the new count.
[[gnu::always_inline]] inline std::size_t recordBits(std::uint32_t* out, std::size_t count,
                                                     std::uint32_t at, std::uint64_t mask) {
  for (; mask != 0; mask &= mask - 1) {
    out[count++] = at + static_cast<std::uint32_t>(__builtin_ctzll(mask));
  }
  return count;
}

#if FERRY_HL7V2_AVX2
// recordBits() without a branch an entry: four offsets are written whether or not the mask
// holds that many (makeRoom() keeps room for a whole block's and four more), then four more
// while it does, and the count comes from POPCNT. Fewer instructions than the loop, and one
// exit to predict per four entries instead of one per entry.
[[gnu::target("avx2,bmi,bmi2,popcnt"), gnu::always_inline]] inline std::size_t recordBitsAvx2(
    std::uint32_t* out, std::size_t count, std::uint32_t at, std::uint64_t mask) {
  const auto total = static_cast<std::size_t>(_mm_popcnt_u64(mask));
  std::uint32_t* dst = out + count;
  for (;;) {
    for (int k = 0; k < 4; ++k) {
      dst[k] = at + static_cast<std::uint32_t>(_tzcnt_u64(mask));
      mask = _blsr_u64(mask);
    }
    if (mask == 0) break;
    dst += 4;
  }
  return count + total;
}
#endif

// Room a block needs in separators_: every byte an entry, and the four that recordBitsAvx2()
// may write past the last.
constexpr std::size_t kBlockRoom = kBlock + 4;

// The kernels as the scans take them (Message::Indexer::blocks()): a block's masks, the way its
// entries are recorded, and whether a \n was among the bytes read.
struct Sse2Kernel {
#if defined(__SSE2__)
  Sse2Delimiters delimiters;
  __m128i feeds = _mm_setzero_si128();
  Sse2Kernel(char field, char escape) : delimiters(field, escape) {}
  BlockMasks masks(const char* p) { return sse2Masks(p, delimiters, feeds); }
  bool sawLineFeed() const { return _mm_movemask_epi8(feeds) != 0; }
#else
  char field;
  char escape;
  bool feeds = false;
  Sse2Kernel(char f, char e) : field(f), escape(e) {}
  BlockMasks masks(const char* p) { return scalarMasks(p, field, escape, feeds); }
  bool sawLineFeed() const { return feeds; }
#endif
  static std::size_t record(std::uint32_t* out, std::size_t count, std::uint32_t at,
                            std::uint64_t mask) {
    return recordBits(out, count, at, mask);
  }
};

#if FERRY_HL7V2_AVX2
struct Avx2Kernel {
  Avx2Delimiters delimiters;
  __m256i feeds;
  [[gnu::target("avx2")]] Avx2Kernel(char field, char escape)
      : delimiters(field, escape), feeds(_mm256_setzero_si256()) {}
  [[gnu::target("avx2,bmi,bmi2,popcnt")]] BlockMasks masks(const char* p) {
    return avx2Masks(p, delimiters, feeds);
  }
  [[gnu::target("avx2,bmi,bmi2,popcnt")]] static std::size_t record(
      std::uint32_t* out, std::size_t count, std::uint32_t at, std::uint64_t mask) {
    return recordBitsAvx2(out, count, at, mask);
  }
  [[gnu::target("avx2")]] bool sawLineFeed() const { return !_mm256_testz_si256(feeds, feeds); }
};
#endif

// The bytes after a segment end that make parseLeading()'s scan look at the line they start:
// the first byte of a header or a start block (message_start.h), and the line ends (a blank
// line, or the \n of a \r\n). One look-up a segment; the other lines are the message's.
struct LineAfterEnd {
  bool closer[256];
  constexpr LineAfterEnd() : closer() {
    for (int c = 0; c < 256; ++c) closer[c] = message_start::kFirstByte(static_cast<char>(c));
    closer[static_cast<unsigned char>('\r')] = true;
    closer[static_cast<unsigned char>('\n')] = true;
  }
  bool operator()(char c) const { return closer[static_cast<unsigned char>(c)]; }
};
constexpr LineAfterEnd kLookAtLine;

// What parseLeading()'s scan returns when it cannot tell where the message ends.
constexpr std::uint32_t kUnknownEnd = ~std::uint32_t{0};

// parseLeading()'s question at each \r its scan meets (Message::Indexer::endLines()'s after()).
// Copied into the scan by value, so that its bytes stay in registers.
struct EndBeforeNextMessage {
  const char* data;
  std::uint32_t size;  // the bytes that may be read

  // At the \r at offset e: 0 when the line after it is one more segment (as nearly every line
  // is, told by its first byte), the message's size when it starts the next message, or
  // kUnknownEnd.
  std::uint32_t operator()(std::uint32_t e) const {
    return kLookAtLine(data[e + 1]) ? lineAt(e + 1) : 0;
  }

  // The line at `at` as the splitter reads it. Blank lines are skipped: they end no message,
  // and belong to it only when a segment follows them. A \n is left to the ordinary reading, as
  // are bytes near the end of the stream.
  std::uint32_t lineAt(std::uint32_t at) const {
    const std::uint32_t end = at;
    while (at < size && data[at] == '\r') ++at;
    if (size - at < 3 || data[at] == '\n') return kUnknownEnd;
    if (data[at] == message_start::kStartBlock ||
        message_start::isHeaderId(std::string_view(data + at, 3))) {
      return end;
    }
    return 0;
  }
};

}  // namespace

struct Message::Indexer {
  // What the kernels keep in registers from block to block. Nothing else is written there, so
  // the compiler need not reload any of it after a store of an entry.
  struct Cursor {
    std::uint32_t* out;     // separators_.data()
    std::size_t count;      // entries written
    std::size_t capacity;   // separators_.size()
    std::uint32_t* lines;   // line_ends_.data()
    std::size_t line_count;
    std::uint64_t decode;   // nonzero when the open line holds a special byte
  };

  // bytes: the message's buffer, or the stream parseLeading() reads.
  Indexer(Message& m, const Limits& l, std::string_view bytes)
      : message(m), limits(l), data(bytes.data()), size(static_cast<std::uint32_t>(bytes.size())),
        fs(m.encoding_.field), esc(m.encoding_.escape) {}

  // A cursor at the start of separators_ and line_ends_, past the first entry: -1, the end of a
  // line before offset 0.
  Cursor start() {
    auto& m = message;
    Cursor c{m.separators_.data(), 0, m.separators_.size(), m.line_ends_.data(), 0, 0};
    makeRoom(c, 1);
    c.out[c.count++] = ~std::uint32_t{0};
    return c;
  }

  // Room for the entries and line ends of `blocks` blocks, checked once a window of blocks
  // instead of once an entry. A line end is an entry too, so line_ends_ never needs more room
  // than separators_, and the two grow together. Their sizes are capacities that only grow, so
  // a Message parsed into again never clears or refills them.
  // grow() is not handed the cursor: a cursor whose address is taken lives in memory, and the
  // scans then stored and reloaded its counts every block (measured: -259 instructions a message).
  [[gnu::always_inline]] void makeRoom(Cursor& c, std::size_t blocks) {
    if (c.count + blocks * kBlockRoom <= c.capacity) return;
    grow(c.count + blocks * kBlockRoom);
    c.out = message.separators_.data();
    c.lines = message.line_ends_.data();
    c.capacity = message.separators_.size();
  }
  [[gnu::noinline]] void grow(std::size_t room) {
    auto& separators = message.separators_;
    separators.resize(std::max(separators.size() * 2, size / 6 + room + 64));
    message.line_ends_.resize(separators.size());
  }

  // A block whose entries were written from out[before] on: notes each \r's entry and whether
  // its line holds a special byte. The segments are made and checked after the scan
  // (makeSegments()), out of the loop, where their few dozen instructions a segment do not
  // compete with it for registers. after(e) is asked at each \r, at offset e: 0 goes on, and
  // anything else stops the scan at that \r, dropping the entries after it, and is returned.
  template <class After>
  [[gnu::always_inline]] static std::uint32_t endLines(Cursor& c, std::size_t before,
                                                       BlockMasks m, std::uint32_t at,
                                                       After after) {
    if (m.ends == 0) {  // inside a segment, as most blocks are
      c.decode |= m.special;
      return 0;
    }
    const std::uint64_t entries = m.ends | m.seps;
    do {
      const std::uint64_t below = (m.ends & (0 - m.ends)) - 1;  // bits before the lowest \r
      const std::size_t terminator =
          before + static_cast<std::size_t>(__builtin_popcountll(entries & below));
      const bool decode = (c.decode | (m.special & below)) != 0;
      m.special &= ~below;
      c.lines[c.line_count++] = static_cast<std::uint32_t>(terminator * 2 + (decode ? 1 : 0));
      c.decode = 0;
      const std::uint32_t stop = after(at + static_cast<std::uint32_t>(__builtin_ctzll(m.ends)));
      if (stop != 0) [[unlikely]] {
        c.count = terminator + 1;
        return stop;
      }
      m.ends &= m.ends - 1;
    } while (m.ends != 0);
    c.decode = m.special;
    return 0;
  }

  // The segments of the lines noted, checked in order: the first that fails is reported. An
  // empty line between segments carries nothing.
  bool makeSegments(const std::uint32_t* out, std::size_t entries, const std::uint32_t* lines,
                    std::size_t line_count);

  // Out of line, so that makeSegments() holds no code that moves an Error's strings.
  [[gnu::noinline]] void fail(std::string_view id, std::uint32_t begin, std::uint32_t end,
                              std::uint32_t sep_count) {
    failure = segmentError(id, begin, end, sep_count, message.segments_.size(), limits);
  }

  // index()'s pass with each kernel (scan()), and parseLeading()'s, which returns the message's
  // size or 0 (scanLeading()).
  void scanSse2(Cursor& cursor);
  void scanAvx2(Cursor& cursor);
  std::uint32_t scanLeadingSse2(Cursor& cursor);
  std::uint32_t scanLeadingAvx2(Cursor& cursor);
  template <class Kernel, class After>
  std::uint32_t blocks(Kernel& kernel, Cursor& c, std::uint32_t& i, std::uint32_t n, After after);
  template <class Kernel>
  void scan(Kernel& kernel, Cursor& cursor);
  template <class Kernel>
  std::uint32_t scanLeading(Kernel& kernel, Cursor& cursor);

  Message& message;
  const Limits& limits;
  const char* const data;
  std::uint32_t size;  // parseLeading(): the bytes it may read, then the message's size
  const char fs;
  const char esc;
  std::optional<Error> failure;
  bool line_feeds = false;  // the scan passed a \n (LineFeeds)
};

// Blocks a kernel reads between two checks of the room left for entries: a window's worth of
// blocks then record theirs without any check. 64 blocks (4 KB, more than most messages): one
// check a message instead of one every 512 bytes (measured: -90 instructions a message); the
// room asked for is that of the window's blocks, so a short message still takes little.
constexpr std::uint32_t kWindow = 64;

// The full blocks from i on that end by n, recorded by the kernel; i is left after the last
// one. Returns what endLines()'s after() stopped the scan with, or 0. The scans copy what they
// read in the loop into locals: the stores of entries might otherwise change the Indexer's
// fields for all the compiler knows.
template <class Kernel, class After>
[[gnu::always_inline]] inline std::uint32_t Message::Indexer::blocks(Kernel& kernel, Cursor& c,
                                                                    std::uint32_t& i,
                                                                    std::uint32_t n, After after) {
  const char* const p = data;
  while (i + kBlock <= n) {
    const std::uint32_t window_end = i + std::min<std::uint32_t>(n - i, kBlock * kWindow);
    makeRoom(c, (window_end - i) / kBlock);
    for (; i + kBlock <= window_end; i += kBlock) {
      const BlockMasks m = kernel.masks(p + i);
      const std::size_t before = c.count;
      c.count = kernel.record(c.out, c.count, i, m.ends | m.seps);
      const std::uint32_t stop = endLines(c, before, m, i, after);
      if (stop != 0) return stop;
    }
  }
  return 0;
}

// Full blocks, then the bytes left over as one more (LastBlock). Instantiated in the kernels'
// functions (scanSse2(), scanAvx2()), which inline it whole (flatten): an AVX2 kernel's code
// cannot be inlined into a template that is not itself compiled for AVX2.
template <class Kernel>
void Message::Indexer::scan(Kernel& kernel, Cursor& cursor) {
  Cursor c = cursor;
  const std::uint32_t n = size;
  const auto goOn = [](std::uint32_t) { return std::uint32_t{0}; };
  std::uint32_t i = 0;
  blocks(kernel, c, i, n, goOn);
  if (i < n) {
    makeRoom(c, 1);
    const LastBlock last(data, i, n);
    const BlockMasks m = last.cut(kernel.masks(last.bytes()));
    const std::size_t before = c.count;
    c.count = kernel.record(c.out, c.count, i, m.ends | m.seps);
    endLines(c, before, m, i, goOn);
  }
  cursor = c;
  line_feeds = kernel.sawLineFeed();
}

// Full blocks from the message's first byte on, up to the segment end before the next message
// (EndBeforeNextMessage). Only blocks that end before the last readable byte are read, so the
// byte after any \r met is there to look at; no LastBlock, as the stream goes on past the
// message.
template <class Kernel>
std::uint32_t Message::Indexer::scanLeading(Kernel& kernel, Cursor& cursor) {
  Cursor c = cursor;
  std::uint32_t i = 0;
  const std::uint32_t end =
      size == 0 ? 0 : blocks(kernel, c, i, size - 1, EndBeforeNextMessage{data, size});
  cursor = c;
  return end == kUnknownEnd || kernel.sawLineFeed() ? 0 : end;
}

[[gnu::flatten]] void Message::Indexer::scanSse2(Cursor& cursor) {
  Sse2Kernel kernel(fs, esc);
  scan(kernel, cursor);
}

[[gnu::flatten]] std::uint32_t Message::Indexer::scanLeadingSse2(Cursor& cursor) {
  Sse2Kernel kernel(fs, esc);
  return scanLeading(kernel, cursor);
}

// The limits are copied into locals, and the spans written without vector instructions: GCC
// otherwise reloaded the limits for every segment, and built each span in a vector register from
// five scalars (measured: -196 instructions a message; skipping the limits of a message within
// them as a whole, -171). Clang has no per-function optimize attribute and warns of it.
#if defined(__clang__)
#define FERRY_WITHOUT_SLP_VECTORS
#else
#define FERRY_WITHOUT_SLP_VECTORS [[gnu::optimize("no-tree-slp-vectorize")]]
#endif
FERRY_WITHOUT_SLP_VECTORS bool Message::Indexer::makeSegments(
    const std::uint32_t* out, std::size_t entries, const std::uint32_t* lines,
    std::size_t line_count) {
  auto& segments = message.segments_;
  segments.reserve(line_count);
  const std::size_t max_segment_bytes = limits.max_segment_bytes;
  const std::size_t max_fields = limits.max_fields_per_segment;
  const std::size_t max_segments = limits.max_segments;
  // Whether a segment could break a limit at all: not when the message is within all three as a
  // whole, as usual messages are by far, and then no segment needs comparing with them.
  const bool within_limits = size <= max_segment_bytes && entries <= max_fields &&
                             line_count <= max_segments;
  const char* const bytes = data;
  std::size_t made = 0;
  std::uint32_t previous = 0;  // the entry of the line end before, or the -1 before the message
  std::uint32_t next_begin = 0;  // one past that line end, kept rather than read again
  for (std::size_t k = 0; k < line_count; ++k) {
    const std::uint32_t terminator = lines[k] >> 1;
    const std::uint32_t begin = next_begin;
    const std::uint32_t end = out[terminator];
    const std::uint32_t first = previous + 1;
    previous = terminator;
    next_begin = end + 1;
    if (end == begin) continue;
    const std::uint32_t sep_count = terminator - first;
    const std::uint32_t id_end = out[first];  // the first separator, or the end
    const bool fits = id_end - begin == 3 && kIdChar(bytes[begin]) && kIdChar(bytes[begin + 1]) &&
                      kIdChar(bytes[begin + 2]) &&
                      (within_limits || (end - begin <= max_segment_bytes &&
                                         sep_count <= max_fields && made < max_segments));
    if (!fits) {
      fail(std::string_view(bytes + begin, id_end - begin), begin, end, sep_count);
      return false;
    }
    segments.push_back(SegmentSpan{begin, end, first, sep_count, (lines[k] & 1) != 0});
    ++made;
  }
  return true;
}

#if FERRY_HL7V2_AVX2
[[gnu::target("avx2,bmi,bmi2,popcnt"), gnu::flatten]] void
Message::Indexer::scanAvx2(Cursor& cursor) {
  Avx2Kernel kernel(fs, esc);
  scan(kernel, cursor);
}

[[gnu::target("avx2,bmi,bmi2,popcnt"), gnu::flatten]]
std::uint32_t Message::Indexer::scanLeadingAvx2(Cursor& cursor) {
  Avx2Kernel kernel(fs, esc);
  return scanLeading(kernel, cursor);
}
#else
void Message::Indexer::scanAvx2(Cursor& c) { scanSse2(c); }
std::uint32_t Message::Indexer::scanLeadingAvx2(Cursor& c) { return scanLeadingSse2(c); }
#endif

Result<bool> Message::index(const Limits& limits, Isa isa, LineFeeds line_feeds) {
  segments_.clear();
  Indexer indexer(*this, limits, buffer_);
  Indexer::Cursor cursor = indexer.start();
  if (isa == Isa::Avx2) {
    indexer.scanAvx2(cursor);
  } else {
    indexer.scanSse2(cursor);
  }
  if (indexer.line_feeds && line_feeds == LineFeeds::Report) return false;
  const std::uint32_t last_end = cursor.line_count == 0 ? 0 : cursor.lines[cursor.line_count - 1] >> 1;
  if (cursor.out[last_end] + 1 < indexer.size) {  // a last segment without a \r: it ends the message
    indexer.makeRoom(cursor, 1);
    cursor.out[cursor.count] = indexer.size;
    cursor.lines[cursor.line_count++] =
        static_cast<std::uint32_t>(cursor.count * 2 + (cursor.decode != 0 ? 1 : 0));
  }
  if (!indexer.makeSegments(cursor.out, cursor.count, cursor.lines, cursor.line_count)) return *indexer.failure;
  return true;
}

// The stream is read no further than a message within the limit could need, and a size that
// breaks a limit is left to the ordinary reading, which reports it.
std::size_t Message::indexLeading(std::string_view stream, const Limits& limits, Isa isa) {
  segments_.clear();
  constexpr std::size_t kFarthest = 0xFFFF0000u;  // offsets are 32 bits
  std::size_t reach = std::min(stream.size(), kFarthest);
  if (reach > 2 * kBlock && limits.max_message_bytes < reach - 2 * kBlock) {
    reach = limits.max_message_bytes + 2 * kBlock;
  }
  Indexer indexer(*this, limits, stream.substr(0, reach));
  Indexer::Cursor cursor = indexer.start();
  const std::uint32_t size =
      isa == Isa::Avx2 ? indexer.scanLeadingAvx2(cursor) : indexer.scanLeadingSse2(cursor);
  if (size == 0 || size > limits.max_message_bytes) return 0;
  indexer.size = size;
  if (!indexer.makeSegments(cursor.out, cursor.count, cursor.lines, cursor.line_count)) return 0;
  return size;
}

}  // namespace ferry::hl7v2
