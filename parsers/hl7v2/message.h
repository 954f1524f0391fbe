#pragma once
// One parsed HL7 v2 message: the raw bytes plus a compact index of segment and field boundaries
// (built in one linear pass). Access by path is a few index look-ups; values stay escaped in the
// buffer until read. Writing an unchanged message gives back the same bytes.

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parsers/hl7v2/element.h"
#include "parsers/hl7v2/encoding_characters.h"
#include "parsers/hl7v2/error.h"
#include "parsers/hl7v2/limits.h"
#include "parsers/hl7v2/path.h"
#include "parsers/hl7v2/simd.h"

namespace ferry::hl7v2 {

class Message;

// An allocator whose construct() without a value leaves the value uninitialized: the index's
// vectors are grown with resize() as capacity and written before they are read, and zero-filling
// them cost a fresh Message more than indexing it.
template <class T>
struct UninitializedAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <class U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

// A view of one segment. Field numbers follow the standard: for MSH/FHS/BHS, field 1 is the
// field separator itself and field 2 the encoding characters.
class Segment {
 public:
  Segment(const Message* message, std::size_t index);

  std::string_view id() const;
  std::size_t index() const { return index_; }  // 0-based position in the message
  std::string_view raw() const;                 // the segment without its terminator
  int fieldCount() const;                       // highest field number present
  // True when some value in the segment may need decoding: the segment holds the escape
  // character, or bytes outside ASCII (text that must be checked as UTF-8, or widened from the
  // message's character set). Noted by the index in the pass that finds the separators, so a
  // reader asking need not scan.
  bool needsDecoding() const { return needs_decoding_; }
  // MSH, FHS or BHS, whose fields are numbered from the separator on (and whose MSH-2 holds the
  // escape character itself).
  bool isHeader() const { return header_; }
  Element field(int n) const;                   // absent Element when n > fieldCount()
  // field(n) for n >= 3, in line for a header too (MSH-3 on, past MSH-1 and MSH-2): the
  // header's readers ask for a dozen of these a message, and headerField()'s call and its tests
  // for MSH-1 and MSH-2 cost more than the look-up.
  Element headerValueField(int n) const;
  // field(n) for each of the field numbers N (ascending), taken together: a segment other than a
  // header that reaches the last of them (the usual case) gives each with no test of its own,
  // instead of a header test and a count test a field.
  template <int... N>
  std::array<Element, sizeof...(N)> fields() const;

 private:
  // fields() of a header or of a segment that stops before the last: out of line, so that
  // field() stays in line in the readers (measured: in line here, GCC took field() out of line).
  template <int... N>
  [[gnu::noinline]] std::array<Element, sizeof...(N)> eachField() const;

  // field() of MSH/FHS/BHS, whose numbering is shifted by MSH-1; out of line so that field()
  // stays small enough to inline everywhere else.
  Element headerField(int n) const;

  // Piece k of the segment: 0 is the id, k the text after the k-th field separator.
  std::string_view piece(std::uint32_t k) const;

  const Message* message_;
  std::size_t index_;
  // Taken from the message's index once, when the view is made: a reader asks for a dozen
  // fields of each segment, and field() then finds them without going through the message.
  const char* bytes_ = nullptr;                 // the message's buffer
  const std::uint32_t* separators_ = nullptr;   // offsets of this segment's field separators
  std::uint32_t begin_ = 0;                     // offset of the segment id
  std::uint32_t end_ = 0;                       // offset one past the segment's last byte
  std::uint32_t sep_count_ = 0;
  bool header_ = false;   // see isHeader()
  bool needs_decoding_ = false;  // see needsDecoding()
};

class Message {
 public:
  // An empty message (no segments): the target of parse(bytes, into) below.
  Message() = default;

  // Parses one message. Segments may end in \r, \n or \r\n; the message keeps \r only.
  static Result<Message> parse(std::string_view bytes, const Limits& limits = {});
  // The same, into an existing message whose buffer and index keep their capacity: a reader of
  // a stream parses every message into one Message instead of allocating three blocks (and
  // copying them on return) a message. On failure `into` is left empty.
  static Result<bool> parse(std::string_view bytes, Message& into, const Limits& limits = {});
  // The same with the index built by the kernel for isa, which supports(isa) must accept: tests
  // compare the kernels; every other caller takes the one above (bestIsa()).
  static Result<bool> parse(std::string_view bytes, Message& into, const Limits& limits, Isa isa);

  const EncodingCharacters& encoding() const { return encoding_; }
  // The message on the wire: the input bytes, with line ends normalized to \r.
  const std::string& bytes() const { return buffer_; }

  std::size_t segmentCount() const { return segments_.size(); }
  Segment segment(std::size_t index) const { return Segment(this, index); }
  // The n-th (1-based) segment with this id; index = segmentCount() when absent.
  std::size_t findSegment(std::string_view id, int occurrence = 1) const;
  int countSegments(std::string_view id) const;

  Element at(const Path& path) const;
  // Decoded value at a path such as "PID-5.1"; empty when absent or the path is malformed.
  std::string get(std::string_view path) const;

  // Sets the value at path, escaping it; creates missing delimiters (and the segment, appended
  // at the end, when it does not exist). MSH-1 and MSH-2 cannot be changed this way.
  Result<bool> set(const Path& path, std::string_view value);
  // Same, with a value that is already encoded (e.g. a composite "Doe^John").
  Result<bool> setEncoded(const Path& path, std::string_view encoded);

  // Header shortcuts (decoded).
  std::string controlId() const { return at(Path{"MSH", 1, 10, 1, 0, 0}).text(); }
  std::string messageCode() const { return at(Path{"MSH", 1, 9, 1, 1, 0}).text(); }
  std::string triggerEvent() const { return at(Path{"MSH", 1, 9, 1, 2, 0}).text(); }
  std::string versionId() const { return at(Path{"MSH", 1, 12, 1, 1, 0}).text(); }

 private:
  friend class Segment;
  struct SegmentSpan {
    std::uint32_t begin;      // offset of the segment id
    std::uint32_t end;        // offset one past the last byte (the terminator is not included)
    std::uint32_t first_sep;  // index into separators_ of this segment's first field separator
                              // (or of its end, when it has none)
    std::uint32_t sep_count;
    bool needs_decoding;      // the segment holds the escape character or a byte >= 0x80
  };

  // Empties the message after a failed parse and hands the error on.
  Error fail(Error error);
  // What index() does on a \n in buffer_: parse() copies the bytes without searching them for
  // one first, and the index's pass notices it instead (measured: -133 instructions a message);
  // every other caller indexes bytes whose line ends are already \r.
  enum class LineFeeds { Keep, Report };
  // Builds segments_ and separators_ from buffer_ (one pass); checks segment ids and limits.
  // Returns false, with no segments, when it met a \n and line_feeds is Report.
  Result<bool> index(const Limits& limits, Isa isa, LineFeeds line_feeds = LineFeeds::Keep);

  // For the splitter (Splitter::next(item, into, parsed)): parses the message that starts
  // `stream`, whose bytes go on past its end, as parse() parses its bytes alone, finding where
  // it ends in the pass that indexes it: at the end of the last segment before a line that
  // starts a message (message_start.h), after any blank lines between them. Returns its size,
  // or 0, leaving the message empty, when this pass cannot tell (a \n, the end of `stream`
  // before the next message, a header or a segment that parse() rejects): the splitter then
  // reads the message the ordinary way. A message is split and indexed in one pass instead of
  // two (measured: see Splitter::next()).
  std::size_t parseLeading(std::string_view stream, const Limits& limits, Isa isa);
  // index() for parseLeading(): the message's size, or 0 (message_index.cpp).
  std::size_t indexLeading(std::string_view stream, const Limits& limits, Isa isa);
  friend class Splitter;
  struct Indexer;  // index()'s state and its SSE2 and AVX2 kernels (message_index.cpp)
  // Why index() cannot take a segment (begin and end offsets, id, separators, segments before
  // it). The sentences are for the rare bad segment, and their strings weighed on every segment
  // when they were built in the index's loop.
  static Error segmentError(std::string_view id, std::uint32_t begin, std::uint32_t end,
                            std::uint32_t sep_count, std::size_t segments_before,
                            const Limits& limits);
  bool isHeaderSegment(const SegmentSpan& s) const;

  // Reads encoding_ from the header that starts `header`, or keeps it when the header starts
  // with the same MSH-1, MSH-2 and field separator as the last one read into this message (their
  // bytes are in header_prefix_): those bytes are all EncodingCharacters::fromHeader() depends
  // on then.
  Result<bool> readEncoding(std::string_view header);

  std::string buffer_;
  EncodingCharacters encoding_;
  char header_prefix_[10] = {};
  std::size_t header_prefix_size_ = 0;  // 0: none kept
  // Whether the bytes last parsed into this message held a \n: the next message is then
  // searched for one before it is indexed (see parse()).
  bool line_feeds_ = false;
  std::vector<SegmentSpan> segments_;
  // Offsets of the field separators and segment ends, in the order they occur, after an entry of
  // -1 (message_index.cpp). Only the entries segments_ refer to are meaningful: the size is a
  // capacity that index() grows and never shrinks.
  std::vector<std::uint32_t, UninitializedAllocator<std::uint32_t>> separators_;
  // index()'s list of line ends, kept for its capacity as separators_ is: for each \r, twice
  // its entry's position in separators_, plus one when the line holds a byte that may need
  // decoding.
  std::vector<std::uint32_t, UninitializedAllocator<std::uint32_t>> line_ends_;
  Limits limits_;
};

// Segment access is inline: normalizers call field() a dozen times per segment, and the call
// itself cost more than the two index look-ups it makes. A header is one segment a message, so
// its branch is marked unlikely (measured: -54 instructions a message).

inline bool Message::isHeaderSegment(const SegmentSpan& s) const {
  const char* id = buffer_.data() + s.begin;
  return (id[0] == 'M' && id[1] == 'S' && id[2] == 'H') ||
         (id[0] == 'F' && id[1] == 'H' && id[2] == 'S') ||
         (id[0] == 'B' && id[1] == 'H' && id[2] == 'S');
}

inline Segment::Segment(const Message* message, std::size_t index)
    : message_(message), index_(index) {
  if (index >= message->segments_.size()) return;  // a view of no segment: every field absent
  const Message::SegmentSpan& s = message->segments_[index];
  bytes_ = message->buffer_.data();
  separators_ = message->separators_.data() + s.first_sep;
  begin_ = s.begin;
  end_ = s.end;
  sep_count_ = s.sep_count;
  header_ = message->isHeaderSegment(s);
  needs_decoding_ = s.needs_decoding;
}

// separators_[-1] is the end of the line before the segment (or -1 before the first) and
// separators_[sep_count_] the segment's own end (see message_index.cpp): every piece lies between
// two entries, without a test for the first and the last.
inline std::string_view Segment::piece(std::uint32_t k) const {
  const std::uint32_t* const end = separators_ + k;
  const std::uint32_t begin = end[-1] + 1;
  return std::string_view(bytes_ + begin, *end - begin);
}

inline std::string_view Segment::id() const { return std::string_view(bytes_ + begin_, 3); }

inline std::string_view Segment::raw() const {
  return std::string_view(bytes_ + begin_, end_ - begin_);
}

inline int Segment::fieldCount() const {
  return static_cast<int>(sep_count_) + (header_ ? 1 : 0);
}

inline Element Segment::field(int n) const {
  if (n < 1) return {};
  if (header_) [[unlikely]] return headerField(n);
  if (static_cast<std::uint32_t>(n) > sep_count_) return {};
  return Element(piece(static_cast<std::uint32_t>(n)), &message_->encoding_, Element::Level::Field);
}

inline Element Segment::headerValueField(int n) const {
  const auto k = static_cast<std::uint32_t>(header_ ? n - 1 : n);  // MSH-n is piece n-1
  if (k > sep_count_) return {};
  return Element(piece(k), &message_->encoding_, Element::Level::Field);
}

template <int... N>
inline std::array<Element, sizeof...(N)> Segment::fields() const {
  static_assert(sizeof...(N) > 0 && ((N >= 1) && ...));
  constexpr auto last = static_cast<std::uint32_t>(std::max({N...}));
  if (!header_ && sep_count_ >= last) [[likely]] {
    const EncodingCharacters* const enc = &message_->encoding_;
    return {Element(piece(static_cast<std::uint32_t>(N)), enc, Element::Level::Field)...};
  }
  return eachField<N...>();
}

template <int... N>
std::array<Element, sizeof...(N)> Segment::eachField() const {
  return {field(N)...};
}

}  // namespace ferry::hl7v2
