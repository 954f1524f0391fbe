#include "parsers/hl7v2/splitter.h"

#include <algorithm>
#include <cstring>

#include "parsers/hl7v2/message.h"
#include "parsers/hl7v2/scan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if FERRY_HL7V2_AVX2
#include <immintrin.h>
#endif

namespace ferry::hl7v2 {

namespace {

constexpr char kEndBlock = 0x1C;

using message_start::isHeaderId;
using message_start::kFirstByte;
using message_start::kStartBlock;

#if defined(__SSE2__)
// findEither(p, end, '\r', '\n') 32 bytes a loop, as two 16-byte halves tested together: a
// segment is a hundred bytes and more, and the test and branch cost as much as the compares.
const char* findLineEndSse2(const char* p, const char* end) {
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i lf = _mm_set1_epi8('\n');
  for (; end - p >= 32; p += 32) {
    const __m128i low = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i high = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
    const __m128i low_ends = _mm_or_si128(_mm_cmpeq_epi8(low, cr), _mm_cmpeq_epi8(low, lf));
    const __m128i high_ends = _mm_or_si128(_mm_cmpeq_epi8(high, cr), _mm_cmpeq_epi8(high, lf));
    if (_mm_movemask_epi8(_mm_or_si128(low_ends, high_ends)) != 0) {
      const auto mask = static_cast<std::uint32_t>(_mm_movemask_epi8(low_ends)) |
                        (static_cast<std::uint32_t>(_mm_movemask_epi8(high_ends)) << 16);
      return p + __builtin_ctz(mask);
    }
  }
  return findEither(p, end, '\r', '\n');
}
#endif

#if FERRY_HL7V2_AVX2
// The lanes of the 32 bytes at p that hold \r or \n, in one look-up and one comparison instead
// of two comparisons and an OR: the table gives each byte the line end with its low four bits
// (\r is 0x0D, \n 0x0A), or a byte that has other low bits, and a byte >= 0x80 looks up 0.
// A byte is a line end when it equals what it looked up (measured: -103 instructions a message).
[[gnu::target("avx2"), gnu::always_inline]] inline __m256i lineEndsAvx2(const char* p) {
  const __m256i table = _mm256_setr_epi8(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, '\n', 0, 0, '\r', 0, 0,
                                         1, 0, 0, 0, 0, 0, 0, 0, 0, 0, '\n', 0, 0, '\r', 0, 0);
  const __m256i bytes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  return _mm256_cmpeq_epi8(_mm256_shuffle_epi8(table, bytes), bytes);
}

// The same with AVX2: 64 bytes a loop, then 32.
[[gnu::target("avx2")]] const char* findLineEndAvx2(const char* p, const char* end) {
  for (; end - p >= 64; p += 64) {
    const __m256i low = lineEndsAvx2(p);
    const __m256i high = lineEndsAvx2(p + 32);
    const __m256i any = _mm256_or_si256(low, high);
    if (!_mm256_testz_si256(any, any)) {
      const auto mask =
          std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(low))} |
          (std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(high))} << 32);
      return p + __builtin_ctzll(mask);
    }
  }
  if (end - p >= 32) {
    const auto mask = static_cast<std::uint32_t>(_mm256_movemask_epi8(lineEndsAvx2(p)));
    if (mask != 0) return p + __builtin_ctz(mask);
    p += 32;
  }
  return findEither(p, end, '\r', '\n');
}
#endif

// Walks line ends a block at a time from the line that starts at `line` (whose first byte the
// caller has tested), past every line a message's reader would only add to the message: one
// that is not blank, not longer than max_line, and followed by a line that cannot start a
// message (kFirstByte). Stops at the first other line, or where the bytes before `end` do
// not tell.
struct SegmentLines {
  const char* data;
  std::size_t end;       // bytes from here on are not looked at
  std::size_t max_line;  // Limits::max_segment_bytes
  std::size_t line;      // the start of the line not yet passed

  // The line ends of one block (bit k: byte at + k). False when the walk stops.
  [[gnu::always_inline]] bool pass(std::size_t at, std::uint64_t ends) {
    for (; ends != 0; ends &= ends - 1) {
      const std::size_t e = at + static_cast<std::size_t>(__builtin_ctzll(ends));
      if (e < line) continue;  // the \n of a \r\n
      // Blank (e == line, which wraps), too long, or too near the end to see the next line.
      if (e - line - 1 >= max_line || e + 2 >= end) return false;
      std::size_t next = e + 1;
      char first = data[next];
      if (first == '\n' && data[e] == '\r') first = data[++next];
      line = next;
      if (kFirstByte(first)) return false;
    }
    return true;
  }
};

#if defined(__SSE2__)
std::size_t skipSegmentLinesSse2(SegmentLines lines) {
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i lf = _mm_set1_epi8('\n');
  for (std::size_t at = lines.line; at + 64 <= lines.end; at += 64) {
    std::uint64_t ends = 0;
    for (int k = 0; k < 4; ++k) {
      const __m128i bytes =
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(lines.data + at + 16 * k));
      const __m128i hits = _mm_or_si128(_mm_cmpeq_epi8(bytes, cr), _mm_cmpeq_epi8(bytes, lf));
      ends |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(hits))} << (16 * k);
    }
    if (!lines.pass(at, ends)) break;
  }
  return lines.line;
}
#endif

#if FERRY_HL7V2_AVX2
[[gnu::target("avx2,bmi")]] std::size_t skipSegmentLinesAvx2(SegmentLines lines) {
  for (std::size_t at = lines.line; at + 64 <= lines.end; at += 64) {
    const std::uint64_t ends =
        std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(lineEndsAvx2(lines.data + at)))} |
        (std::uint64_t{static_cast<std::uint32_t>(
             _mm256_movemask_epi8(lineEndsAvx2(lines.data + at + 32)))}
         << 32);
    if (!lines.pass(at, ends)) break;
  }
  return lines.line;
}
#endif

}  // namespace

Splitter::Splitter(std::istream& in, const Limits& limits, std::size_t chunk, Isa isa)
    : in_(&in), chunk_(chunk == 0 ? 1 : chunk), limits_(limits), isa_(isa) {
  data_ = storage_.data();
}

Splitter::Splitter(std::string_view data, const Limits& limits, Isa isa)
    : data_(data.data()), size_(data.size()), eof_(true), limits_(limits), isa_(isa) {}

inline const char* Splitter::findLineEnd(const char* p, const char* end) const {
#if FERRY_HL7V2_AVX2
  if (isa_ == Isa::Avx2) return findLineEndAvx2(p, end);
#endif
#if defined(__SSE2__)
  return findLineEndSse2(p, end);
#else
  return findEither(p, end, '\r', '\n');
#endif
}

// Drops bytes already handed out. Only called when no offsets into the window are held.
void Splitter::compact() {
  if (in_ == nullptr || pos_ == 0) return;
  if (header_.begin != kNoLine && header_.begin >= pos_) {
    header_ = Line{header_.begin - pos_, header_.end - pos_, header_.next - pos_};
  } else {
    header_.begin = kNoLine;
  }
  storage_.erase(0, pos_);
  consumed_ += pos_;
  pos_ = 0;
  data_ = storage_.data();
  size_ = storage_.size();
}

bool Splitter::refill() {
  if (eof_ || in_ == nullptr) return false;
  const std::size_t old = storage_.size();
  storage_.resize(old + chunk_);
  in_->read(storage_.data() + old, static_cast<std::streamsize>(chunk_));
  const auto got = static_cast<std::size_t>(in_->gcount());
  storage_.resize(old + got);
  if (got < chunk_) eof_ = true;
  data_ = storage_.data();
  size_ = storage_.size();
  return got > 0;
}

bool Splitter::fillTo(std::size_t end) {
  while (size_ < end) {
    if (!refill()) return false;
  }
  return true;
}

// The lines from `from` on that a message's reader would only add to the message, up to window
// offset `end`, passed a block at a time (SegmentLines); returns where they end. A whole message
// of them costs a pass over its bytes, where reading its lines one by one cost a search and
// a few tests a line as much again.
std::size_t Splitter::skipSegmentLines(std::size_t from, std::size_t end) const {
  if (from >= end || kFirstByte(data_[from])) return from;  // the walk tests the lines after
  const SegmentLines lines{data_, end, limits_.max_segment_bytes, from};
#if FERRY_HL7V2_AVX2
  if (isa_ == Isa::Avx2) return skipSegmentLinesAvx2(lines);
#endif
#if defined(__SSE2__)
  return skipSegmentLinesSse2(lines);
#else
  return from;
#endif
}

// Kept small, with the rarer cases in finishLine(), so that it is inlined where a message's
// lines are read: it runs for every segment, and the call cost a fifth of the line's scan.
inline Splitter::LineStatus Splitter::readLine(std::size_t from, Line& line) {
  const auto at = static_cast<std::size_t>(findLineEnd(data_ + from, data_ + size_) - data_);
  // The usual line: its terminator and the byte after it in the window, within the limit.
  if (at + 1 < size_ && at - from <= limits_.max_segment_bytes) {
    const std::size_t next = at + 1;
    line = Line{from, at, data_[at] == '\r' && data_[next] == '\n' ? next + 1 : next};
    return LineStatus::Ok;
  }
  return finishLine(from, at, line);
}

// readLine() from `at`, where its first scan stopped: at the end of the window (more bytes may
// come), at a terminator that ends the window, or past the segment limit.
Splitter::LineStatus Splitter::finishLine(std::size_t from, std::size_t at, Line& line) {
  while (at >= size_) {
    if (at - from > limits_.max_segment_bytes) return LineStatus::TooLong;
    if (!refill()) {
      if (from >= size_) return LineStatus::End;
      line = Line{from, size_, size_};
      return LineStatus::Ok;
    }
    at = static_cast<std::size_t>(findLineEnd(data_ + at, data_ + size_) - data_);
  }
  if (at - from > limits_.max_segment_bytes) return LineStatus::TooLong;
  std::size_t next = at + 1;
  if (data_[at] == '\r' && available(next + 1) && data_[next] == '\n') ++next;
  line = Line{from, at, next};
  return LineStatus::Ok;
}

bool Splitter::startsWithHeaderId(std::size_t at) {
  return available(at + 3) && isHeaderId(std::string_view(data_ + at, 3));
}

void Splitter::skipBlank() {
  for (;;) {
    if (!available(pos_ + 1)) return;
    const char c = data_[pos_];
    if (c == '\r' || c == '\n' || c == ' ' || c == '\t' || c == kEndBlock) {
      ++pos_;
      continue;
    }
    // A UTF-8 byte order mark at the very start of a file says nothing about the messages.
    if (consumed_ + pos_ == 0 && available(3) && std::memcmp(data_, "\xEF\xBB\xBF", 3) == 0) {
      pos_ += 3;
      continue;
    }
    return;
  }
}

void Splitter::skipToNextMessage() {
  std::size_t at = pos_ + 1;
  for (;;) {
    if (at >= size_) {
      pos_ = size_;
      compact();
      at = pos_;
      if (!refill()) return;
      continue;
    }
    const char c = data_[at];
    if (c == kStartBlock || ((c == '\r' || c == '\n') && startsMessage(at + 1))) {
      pos_ = c == kStartBlock ? at : at + 1;
      return;
    }
    ++at;
  }
}

// An oversized frame is dropped through its end block, as when the end block is already in
// the window, however the stream was cut into reads. Resuming at a header inside the frame
// instead (skipToNextMessage) made a message of the frame's inside when the limit was crossed
// before the end block was read, and not when it was read in the same chunk.
void Splitter::skipFrame(std::size_t from) {
  for (;;) {
    const void* hit = from < size_ ? std::memchr(data_ + from, kEndBlock, size_ - from) : nullptr;
    if (hit != nullptr) {
      std::size_t next = static_cast<std::size_t>(static_cast<const char*>(hit) - data_) + 1;
      if (available(next + 1) && data_[next] == '\r') ++next;
      pos_ = next;
      return;
    }
    pos_ = size_;  // nothing before here is kept: memory stays bounded by one read chunk
    compact();
    from = pos_;
    if (!refill()) return;
  }
}

bool Splitter::fail(SplitItem& item, std::uint64_t offset, std::size_t number,
                    std::string segment, std::string text) {
  Error e;
  e.code = ErrorCode::ApplicationInternalError;
  e.segment = std::move(segment);
  e.offset = offset;
  e.text = std::move(text);
  item.kind = SplitItem::Kind::Error;
  item.bytes = {};
  item.offset = offset;
  item.number = number;
  item.error = std::move(e);
  return true;
}

bool Splitter::readFrame(SplitItem& item) {
  const std::size_t start = pos_;
  const std::size_t number = ++messages_;
  const std::uint64_t offset = consumed_ + start;
  std::size_t scanned = start + 1;
  for (;;) {
    const void* hit = scanned < size_ ? std::memchr(data_ + scanned, kEndBlock, size_ - scanned)
                                      : nullptr;
    if (hit != nullptr) {
      const auto end = static_cast<std::size_t>(static_cast<const char*>(hit) - data_);
      std::size_t next = end + 1;
      if (available(next + 1) && data_[next] == '\r') ++next;
      if (end - start - 1 > limits_.max_message_bytes) {
        pos_ = next;
        return fail(item, offset, number, "", "MLLP frame of message " + std::to_string(number) +
                                                  " exceeds the limit of " +
                                                  std::to_string(limits_.max_message_bytes) + " bytes");
      }
      item.kind = SplitItem::Kind::Message;
      item.bytes = std::string_view(data_ + start + 1, end - start - 1);
      item.offset = offset + 1;
      item.number = number;
      item.error.reset();
      pos_ = next;
      return true;
    }
    scanned = size_;
    if (size_ - start > limits_.max_message_bytes + 2) {
      skipFrame(scanned);
      return fail(item, offset, number, "", "MLLP frame of message " + std::to_string(number) +
                                                " exceeds the limit of " +
                                                std::to_string(limits_.max_message_bytes) + " bytes");
    }
    if (!refill()) {
      pos_ = size_;
      return fail(item, offset, number, "", "MLLP frame of message " + std::to_string(number) +
                                                " is truncated: no end block (0x1C) before the end of input");
    }
  }
}

// The header line is not read again: it is the longest of most messages.
bool Splitter::readSegmentMessage(SplitItem& item, const Line& header) {
  const std::size_t start = pos_;
  const std::size_t number = ++messages_;
  if (in_batch_) ++batch_messages_;
  const std::uint64_t offset = consumed_ + start;
  std::size_t end = start;  // one past the terminator of the last non-blank line
  std::size_t at = start;
  Line line = header;
  for (LineStatus status = LineStatus::Ok; status != LineStatus::End;
       status = readLine(at, line)) {
    if (status == LineStatus::TooLong) {
      skipToNextMessage();
      return fail(item, offset, number, "",
                  "message " + std::to_string(number) + " has a segment longer than the limit of " +
                      std::to_string(limits_.max_segment_bytes) + " bytes");
    }
    const bool blank = line.end == line.begin;
    if (!blank && line.begin != start && startsMessage(line.begin)) {
      header_ = line;  // next() reads it again otherwise
      break;
    }
    if (!blank) end = line.next;
    at = line.next;
    // Only the message's size is checked after lines skipped this way: it is the one test of
    // readSegmentMessage's that they would not all pass, and the first line to fail it gives
    // the same error as the last. Bytes past the limit are never read for it.
    const std::size_t last = limits_.max_message_bytes < size_ - start
                                 ? start + limits_.max_message_bytes + 1
                                 : size_;
    const std::size_t skipped = skipSegmentLines(at, last);
    if (skipped != at) at = end = skipped;
    if (end - start > limits_.max_message_bytes) {
      pos_ = start;
      skipToNextMessage();
      return fail(item, offset, number, "",
                  "message " + std::to_string(number) + " exceeds the limit of " +
                      std::to_string(limits_.max_message_bytes) + " bytes");
    }
  }
  item.kind = SplitItem::Kind::Message;
  item.bytes = std::string_view(data_ + start, end - start);
  item.offset = offset;
  item.number = number;
  item.error.reset();
  pos_ = end;
  return true;
}

std::optional<std::size_t> Splitter::countField1(std::string_view segment) {
  if (segment.size() < 5) return std::nullopt;
  const char sep = segment[3];
  std::size_t n = 0;
  std::size_t i = 4;
  for (; i < segment.size() && segment[i] != sep; ++i) {
    if (segment[i] < '0' || segment[i] > '9' || i > 14) return std::nullopt;
    n = n * 10 + static_cast<std::size_t>(segment[i] - '0');
  }
  return i == 4 ? std::nullopt : std::optional<std::size_t>(n);
}

// Reports the envelope segment as an item; a structural problem becomes an Error item instead,
// and a count mismatch is queued to follow the envelope item.
bool Splitter::handleBatchSegment(std::string_view id, const Line& line, SplitItem& item) {
  const std::string_view text(data_ + line.begin, line.end - line.begin);
  const std::uint64_t offset = consumed_ + line.begin;
  pos_ = line.next;
  item.kind = SplitItem::Kind::Envelope;
  item.bytes = text;
  item.offset = offset;
  item.number = 0;
  item.error.reset();
  auto countError = [&](std::string segment, std::string sentence) {
    Error e;
    e.code = ErrorCode::SegmentSequence;
    e.segment = std::move(segment);
    e.field = 1;
    e.offset = offset;
    e.text = std::move(sentence);
    pending_ = std::move(e);
  };
  if (id == "FHS") {
    in_file_ = true;
    file_batches_ = 0;
  } else if (id == "BHS") {
    if (in_batch_) countError("BHS", "a new batch starts (BHS) before the previous one ended with BTS");
    in_batch_ = true;
    batch_messages_ = 0;
  } else if (id == "BTS") {
    if (!in_batch_) return fail(item, offset, 0, "BTS", "BTS found without a preceding BHS");
    in_batch_ = false;
    ++batches_;
    ++file_batches_;
    const auto declared = countField1(text);
    if (declared && *declared != batch_messages_) {
      countError("BTS", "BTS-1 declares " + std::to_string(*declared) +
                            " messages but the batch holds " + std::to_string(batch_messages_));
    }
  } else {  // FTS
    if (!in_file_) return fail(item, offset, 0, "FTS", "FTS found without a preceding FHS");
    in_file_ = false;
    const auto declared = countField1(text);
    if (declared && *declared != file_batches_) {
      countError("FTS", "FTS-1 declares " + std::to_string(*declared) +
                            " batches but the file holds " + std::to_string(file_batches_));
    }
  }
  return true;
}

bool Splitter::next(SplitItem& item) {
  if (pending_) {
    item.kind = SplitItem::Kind::Error;
    item.bytes = {};
    item.offset = pending_->offset;
    item.number = 0;
    item.error = std::move(pending_);
    pending_.reset();
    return true;
  }
  compact();
  // Bounded: each pass consumes at least one line or returns.
  for (;;) {
    // A message nearly always starts where the one before ended, and an 'M' is neither blank
    // nor the start of a byte order mark: the call is made only for other bytes (measured: -28
    // instructions a message).
    if (pos_ >= size_ || data_[pos_] != 'M') skipBlank();
    if (!available(pos_ + 1)) {
      if (ended_) return false;
      ended_ = true;
      const std::uint64_t offset = consumed_ + pos_;
      if (in_batch_) {
        in_batch_ = false;
        return fail(item, offset, 0, "BTS", "the batch opened by BHS has no BTS: input is truncated");
      }
      if (in_file_) {
        in_file_ = false;
        return fail(item, offset, 0, "FTS", "the file opened by FHS has no FTS: input is truncated");
      }
      return false;
    }
    if (data_[pos_] == kStartBlock) return readFrame(item);
    Line line{};
    const LineStatus status = header_.begin == pos_ ? LineStatus::Ok : readLine(pos_, line);
    if (header_.begin == pos_) line = header_;
    header_.begin = kNoLine;
    if (status == LineStatus::TooLong) {
      const std::uint64_t offset = consumed_ + pos_;
      skipToNextMessage();
      return fail(item, offset, 0, "", "a line longer than " +
                                           std::to_string(limits_.max_segment_bytes) +
                                           " bytes appears outside any message");
    }
    if (status == LineStatus::End) continue;
    const std::string_view id(data_ + line.begin, std::min<std::size_t>(3, line.end - line.begin));
    if (id == "MSH") return readSegmentMessage(item, line);
    if (isHeaderId(id)) return handleBatchSegment(id, line, item);
    const std::uint64_t offset = consumed_ + pos_;
    pos_ = line.next;
    return fail(item, offset, 0, std::string(),
                "found data outside a message where an MSH, FHS or BHS segment was expected");
  }
}

}  // namespace ferry::hl7v2

namespace ferry::hl7v2 {

bool Splitter::next(SplitItem& item, Message& into, Result<bool>& parsed) {
  if (readLeadingMessage(item, into)) {
    parsed = true;
    return true;
  }
  if (!next(item)) return false;
  if (item.kind == SplitItem::Kind::Message) {
    parsed = Message::parse(item.bytes, into, limits_, isa_);
  }
  return true;
}

// What next() does for a message that starts at an MSH line, once parseLeading() has found its
// end: the same item, and the same state for the next call (the header line that ends the
// message is read again then, instead of kept in header_).
bool Splitter::readLeadingMessage(SplitItem& item, Message& into) {
  if (pending_) return false;
  compact();
  if (pos_ >= size_ || data_[pos_] != 'M') skipBlank();
  if (size_ - pos_ < 3 || std::memcmp(data_ + pos_, "MSH", 3) != 0) return false;
  const std::size_t size =
      into.parseLeading(std::string_view(data_ + pos_, size_ - pos_), limits_, isa_);
  if (size == 0 || !nextLineFits(pos_ + size)) return false;
  header_.begin = kNoLine;
  ++messages_;
  if (in_batch_) ++batch_messages_;
  item.kind = SplitItem::Kind::Message;
  item.bytes = std::string_view(data_ + pos_, size);
  item.offset = consumed_ + pos_;
  item.number = messages_;
  item.error.reset();
  pos_ += size;
  return true;
}

// Whether the line that starts the next message at `at` (after any blank lines) is within the
// segment limit: readSegmentMessage() reads that line whole before it knows it starts a
// message, and fails the message before it when it is longer.
bool Splitter::nextLineFits(std::size_t at) {
  while (data_[at] == '\r') ++at;  // parseLeading() saw the header's first bytes after them
  if (in_ == nullptr && size_ - at <= limits_.max_segment_bytes) return true;  // no line is longer
  const auto end = static_cast<std::size_t>(findLineEnd(data_ + at, data_ + size_) - data_);
  return end < size_ && end - at <= limits_.max_segment_bytes;
}

}  // namespace ferry::hl7v2
