#include "parsers/hl7v2/message.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ferry::hl7v2 {

namespace {

Error structureError(ErrorCode code, std::uint64_t offset, std::string text,
                     std::string segment = {}, int sequence = 0, int field = 0) {
  Error e;
  e.code = code;
  e.segment = std::move(segment);
  e.segment_sequence = sequence;
  e.field = field;
  e.offset = offset;
  e.text = std::move(text);
  return e;
}

// Printable rendering of a few bytes for an error sentence (ids only, never field data).
std::string showBytes(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes.substr(0, 3)) {
    if (std::isprint(c)) {
      out += static_cast<char>(c);
    } else {
      static const char* hex = "0123456789ABCDEF";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

bool isSegmentIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Why index() cannot take a segment (begin and end offsets, id, separators, segments before
// it), checked in this order: its id, its size, its field count, the message's segment count.
// Apart from the index's loop, which closes every segment: the sentences are for the rare bad
// one, and their strings weighed on every segment when they were built in the loop.
Error segmentError(std::string_view id, std::uint32_t begin, std::uint32_t end,
                   std::uint32_t sep_count, std::size_t segments_before, const Limits& limits) {
  const int sequence = static_cast<int>(segments_before) + 1;
  if (id.size() != 3 || !isSegmentIdChar(id[0]) || !isSegmentIdChar(id[1]) ||
      !isSegmentIdChar(id[2])) {
    return structureError(ErrorCode::SegmentSequence, begin,
                          "segment " + std::to_string(sequence) +
                              " does not start with a 3-character segment id (found '" +
                              showBytes(id) + "')");
  }
  if (end - begin > limits.max_segment_bytes) {
    return structureError(ErrorCode::ApplicationInternalError, begin,
                          "segment is " + std::to_string(end - begin) +
                              " bytes, more than the limit of " +
                              std::to_string(limits.max_segment_bytes),
                          std::string(id), sequence);
  }
  if (sep_count > limits.max_fields_per_segment) {
    return structureError(ErrorCode::ApplicationInternalError, begin,
                          "segment has " + std::to_string(sep_count) +
                              " fields, more than the limit of " +
                              std::to_string(limits.max_fields_per_segment),
                          std::string(id), sequence);
  }
  return structureError(ErrorCode::ApplicationInternalError, begin,
                        "message has more than " + std::to_string(limits.max_segments) +
                            " segments");
}

// failure = segmentError(...), out of line for the same reason: the index's loop then holds no
// code that moves an Error's strings.
void failSegment(std::optional<Error>& failure, std::string_view id, std::uint32_t begin,
                 std::uint32_t end, std::uint32_t sep_count, std::size_t segments_before,
                 const Limits& limits) {
  failure = segmentError(id, begin, end, sep_count, segments_before, limits);
}

// Writes the offsets of the separators of a block's mask (bit k: byte block + k) from
// out[count] on; returns the new count. The blocks inside a segment record all theirs, a block
// where segments end records those before and after each \r.
inline std::size_t recordSeparators(std::uint32_t* out, std::size_t count, std::size_t block,
                                    unsigned seps) {
  for (; seps != 0; seps &= seps - 1) {
    out[count++] = static_cast<std::uint32_t>(block) + static_cast<std::uint32_t>(__builtin_ctz(seps));
  }
  return count;
}

// \r\n and lone \n become \r so every later step sees one terminator.
void normalizeLineEnds(std::string_view bytes, std::string& out) {
  out.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (c == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') {
      out += '\r';
      ++i;
    } else {
      out += c == '\n' ? '\r' : c;
    }
  }
}

}  // namespace

Result<Message> Message::parse(std::string_view bytes, const Limits& limits) {
  Message message;
  auto parsed = parse(bytes, message, limits);
  if (!parsed) return parsed.error();
  return message;
}

Result<bool> Message::parse(std::string_view bytes, Message& into, const Limits& limits) {
  into.segments_.clear();  // separators_ keeps its size: see index()
  into.buffer_.clear();
  if (bytes.size() > limits.max_message_bytes) {
    return structureError(ErrorCode::ApplicationInternalError, limits.max_message_bytes,
                          "message is " + std::to_string(bytes.size()) +
                              " bytes, more than the limit of " +
                              std::to_string(limits.max_message_bytes));
  }
  if (bytes.size() < 3 || bytes.substr(0, 3) != "MSH") {
    return structureError(ErrorCode::SegmentSequence, 0,
                          "a message must start with an MSH segment, found '" + showBytes(bytes) +
                              "'",
                          "MSH", 1);
  }
  into.limits_ = limits;
  if (std::memchr(bytes.data(), '\n', bytes.size()) != nullptr) {
    normalizeLineEnds(bytes, into.buffer_);
  } else {
    into.buffer_.assign(bytes);
  }
  auto encoding = EncodingCharacters::fromHeader(into.buffer_);
  if (!encoding) return into.fail(encoding.error());
  into.encoding_ = *encoding;
  auto indexed = into.index(limits);
  if (!indexed) return into.fail(indexed.error());
  return true;
}

Error Message::fail(Error error) {
  segments_.clear();
  buffer_.clear();
  return error;
}

Result<bool> Message::index(const Limits& limits) {
  segments_.clear();
  const char* data = buffer_.data();
  const std::size_t size = buffer_.size();
  segments_.reserve(size / 48 + 4);
  // separators_ is written through a plain pointer, with room for a whole block's separators
  // checked once a block instead of once a separator (push_back). Its size is a capacity that
  // only grows, so a Message parsed into again never clears or refills it.
  std::size_t separator_count = 0;
  auto makeRoom = [&](std::size_t more) {
    if (separator_count + more > separators_.size()) {
      separators_.resize(std::max(separators_.size() * 2, size / 6 + more + 32));
    }
  };
  makeRoom(16);
  const char fs = encoding_.field;

  std::uint32_t seg_begin = 0;
  std::uint32_t seg_first_sep = 0;
  // The segment being read holds the escape character or a byte outside ASCII: its values
  // may need decoding (see Segment::needsDecoding()).
  bool seg_decode = false;
  std::optional<Error> failure;

  auto closeSegment = [&](std::uint32_t end) {
    const auto sep_count = static_cast<std::uint32_t>(separator_count) - seg_first_sep;
    if (end == seg_begin) return;  // an empty line between segments carries nothing
    const std::uint32_t id_end = sep_count > 0 ? separators_[seg_first_sep] : end;
    const std::string_view id(data + seg_begin, id_end - seg_begin);
    const bool fits = id.size() == 3 && isSegmentIdChar(id[0]) && isSegmentIdChar(id[1]) &&
                      isSegmentIdChar(id[2]) && end - seg_begin <= limits.max_segment_bytes &&
                      sep_count <= limits.max_fields_per_segment &&
                      segments_.size() < limits.max_segments;
    if (!fits) {
      failSegment(failure, id, seg_begin, end, sep_count, segments_.size(), limits);
      return;
    }
    segments_.push_back(SegmentSpan{seg_begin, end, seg_first_sep, sep_count, seg_decode});
  };

  const char esc = encoding_.escape;
  // pos holds \r, the field separator, the escape character or a byte >= 0x80 (the field
  // separator may be one too: it is then a separator of a segment that needs decoding, as the
  // 16-byte pass below marks it).
  auto handle = [&](std::size_t pos) {
    if (static_cast<signed char>(data[pos]) < 0) seg_decode = true;
    if (data[pos] == fs) {
      separators_[separator_count++] = static_cast<std::uint32_t>(pos);
      return;
    }
    if (data[pos] != '\r') {
      seg_decode = true;
      return;
    }
    closeSegment(static_cast<std::uint32_t>(pos));
    seg_begin = static_cast<std::uint32_t>(pos + 1);
    seg_first_sep = static_cast<std::uint32_t>(separator_count);
    seg_decode = false;
  };

  std::size_t i = 0;
#if defined(__SSE2__)
  // Stage 1 in the simdjson sense: find every structural byte 16 at a time. The escape
  // character and bytes outside ASCII are looked for in the same pass: a reader takes the values
  // of a segment that holds neither as they are written, and learns so here instead of scanning
  // the segment again. A byte's own top bit marks it as outside ASCII, as the comparison's lanes
  // mark the escape character, so one OR with the block itself finds both.
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i sep = _mm_set1_epi8(fs);
  const __m128i escape = _mm_set1_epi8(esc);
  // A window of up to kWindow blocks at a time gets room for all its separators at once, so
  // the blocks inside a segment (most of them) record theirs without any check.
  constexpr std::size_t kWindow = 16;
  while (i + 16 <= size && !failure) {
    makeRoom(16 * kWindow);
    std::uint32_t* const out = separators_.data();
    std::size_t count = separator_count;
    const std::size_t window_end = std::min(size, i + 16 * kWindow);
    unsigned ends = 0;
    unsigned seps = 0;
    unsigned escapes = 0;
    __m128i escapes_seen = _mm_setzero_si128();  // lanes of the blocks before the \r's block
    // (the escape character, or a byte >= 0x80)
    for (; i + 16 <= window_end; i += 16) {
      const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
      ends = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, cr)));
      seps = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, sep)));
      if (ends != 0) {
        escapes = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(chunk, escape), chunk)));
        break;
      }
      escapes_seen = _mm_or_si128(escapes_seen, _mm_or_si128(_mm_cmpeq_epi8(chunk, escape), chunk));
      count = recordSeparators(out, count, i, seps);
    }
    seg_decode = seg_decode || _mm_movemask_epi8(escapes_seen) != 0;
    if (ends == 0) {  // the window ended inside a segment
      separator_count = count;
      continue;
    }
    // A block where a segment ends: the separators before each \r, then the segment closed at
    // it, then the separators after the last one. Masks instead of a test of every byte found.
    for (; ends != 0 && !failure; ends &= ends - 1) {
      const unsigned below = (ends & (0u - ends)) - 1;  // the bits before the lowest \r
      count = recordSeparators(out, count, i, seps & below);
      seps &= ~below;
      seg_decode = seg_decode || (escapes & below) != 0;
      escapes &= ~below;
      separator_count = count;
      const auto pos = static_cast<std::uint32_t>(i) + static_cast<std::uint32_t>(__builtin_ctz(ends));
      closeSegment(pos);
      seg_begin = pos + 1;
      seg_first_sep = static_cast<std::uint32_t>(count);
      seg_decode = false;
    }
    seg_decode = escapes != 0;
    count = recordSeparators(out, count, i, seps);
    separator_count = count;
    i += 16;
  }
#endif
  for (; i < size && !failure; ++i) {
    if (data[i] == '\r' || data[i] == fs || data[i] == esc || static_cast<signed char>(data[i]) < 0) {
      makeRoom(1);
      handle(i);
    }
  }
  if (!failure && seg_begin < size) closeSegment(static_cast<std::uint32_t>(size));
  if (failure) return *failure;
  return true;
}

Element Segment::headerField(int n) const {
  const EncodingCharacters* enc = &message_->encoding_;
  // MSH-1 is the separator itself; MSH-2 the encoding characters; MSH-n is piece n-1.
  if (sep_count_ == 0) return {};
  if (n == 1) return Element(std::string_view(bytes_ + separators_[0], 1), enc, Element::Level::Literal);
  if (n == 2) return Element(piece(1), enc, Element::Level::Literal);
  if (static_cast<std::uint32_t>(n - 1) > sep_count_) return {};
  return Element(piece(static_cast<std::uint32_t>(n - 1)), enc, Element::Level::Field);
}

std::size_t Message::findSegment(std::string_view id, int occurrence) const {
  int seen = 0;
  for (std::size_t i = 0; i < segments_.size(); ++i) {
    if (std::string_view(buffer_.data() + segments_[i].begin, 3) == id && ++seen == occurrence) {
      return i;
    }
  }
  return segments_.size();
}

int Message::countSegments(std::string_view id) const {
  int n = 0;
  for (const auto& s : segments_) n += std::string_view(buffer_.data() + s.begin, 3) == id;
  return n;
}

Element Message::at(const Path& path) const {
  const std::size_t index = findSegment(path.segment, path.occurrence);
  if (index == segments_.size()) return {};
  const Segment seg = segment(index);
  if (path.field == 0) return Element(seg.raw(), &encoding_, Element::Level::Literal);
  const Element field = seg.field(path.field);
  if (field.level() == Element::Level::Literal) {
    const bool whole = path.repetition == 1 && path.component <= 1 && path.subcomponent <= 1;
    return whole ? field : Element();
  }
  if (path.component == 0) return field.repetition(path.repetition);
  const Element component = field.repetition(path.repetition).component(path.component);
  return path.subcomponent == 0 ? component : component.subcomponent(path.subcomponent);
}

std::string Message::get(std::string_view path) const {
  auto parsed = Path::parse(path);
  return parsed ? at(*parsed).text() : std::string();
}

}  // namespace ferry::hl7v2
