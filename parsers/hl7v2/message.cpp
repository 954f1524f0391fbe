#include "parsers/hl7v2/message.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "parsers/hl7v2/scan.h"

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

// Checked in this order: its id, its size, its field count, the message's segment count.
Error Message::segmentError(std::string_view id, std::uint32_t begin, std::uint32_t end,
                            std::uint32_t sep_count, std::size_t segments_before,
                            const Limits& limits) {
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

Result<Message> Message::parse(std::string_view bytes, const Limits& limits) {
  Message message;
  auto parsed = parse(bytes, message, limits);
  if (!parsed) return parsed.error();
  return message;
}

Result<bool> Message::parse(std::string_view bytes, Message& into, const Limits& limits) {
  return parse(bytes, into, limits, bestIsa());
}

Result<bool> Message::parse(std::string_view bytes, Message& into, const Limits& limits,
                            Isa isa) {
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
  // A stream's messages share their line ends: after a message with a \n, the next one is
  // searched for one first, so that a stream of \r\n lines is not indexed twice a message.
  const bool feeds = into.line_feeds_ && std::memchr(bytes.data(), '\n', bytes.size()) != nullptr;
  if (!feeds) {
    into.buffer_.append(bytes);  // emptied above
    if (auto encoding = into.readEncoding(into.buffer_); encoding) {
      auto indexed = into.index(limits, isa, LineFeeds::Report);
      if (!indexed) return into.fail(indexed.error());
      into.line_feeds_ = !*indexed;
      if (*indexed) return true;
    } else if (std::memchr(bytes.data(), '\n', bytes.size()) == nullptr) {
      return into.fail(encoding.error());
    }
  }
  // Bytes with a \n (found by the search above or by the index's pass), read with their line
  // ends normalized.
  into.line_feeds_ = true;
  into.buffer_.clear();
  normalizeLineEnds(bytes, into.buffer_);
  auto encoding = into.readEncoding(into.buffer_);
  if (!encoding) return into.fail(encoding.error());
  auto indexed = into.index(limits, isa);
  if (!indexed) return into.fail(indexed.error());
  return true;
}

// A stream's messages nearly all start "MSH|^~\\&|", and reading the delimiters again cost a
// few hundred instructions a message (measured: -351). Only a header whose MSH-2 is followed by
// the field separator is kept: its first 9 or 10 bytes then decide fromHeader()'s answer, and
// they hold no line end to normalize.
Result<bool> Message::readEncoding(std::string_view header) {
  if (header_prefix_size_ != 0 && header.size() >= header_prefix_size_ &&
      sameBytes(header.substr(0, header_prefix_size_),
                std::string_view(header_prefix_, header_prefix_size_))) {
    return true;
  }
  header_prefix_size_ = 0;
  auto encoding = EncodingCharacters::fromHeader(header);
  if (!encoding) return encoding.error();
  encoding_ = *encoding;
  // MSH, MSH-1, MSH-2 (4 or 5 characters) and the field separator after it.
  const std::size_t size = encoding_.truncation != '\0' ? 10 : 9;
  if (header.size() >= size && header[size - 1] == encoding_.field) {
    header.copy(header_prefix_, size);
    header_prefix_size_ = size;
  }
  return true;
}

// readEncoding() reads the stream's bytes here, before the message's end is known. It gives the
// same answer as for the message's bytes alone: what it accepts or keeps (MSH-1, MSH-2 and the
// byte after them) holds no line end, and the message holds its whole first line.
std::size_t Message::parseLeading(std::string_view stream, const Limits& limits, Isa isa) {
  std::size_t size = 0;
  // After a message with a \n, parse() searches the next one for a \n first: it is read so.
  if (!line_feeds_ && readEncoding(stream)) {
    limits_ = limits;
    size = indexLeading(stream, limits, isa);
  }
  if (size == 0) segments_.clear();
  buffer_.assign(stream.data(), size);
  return size;
}

Error Message::fail(Error error) {
  segments_.clear();
  buffer_.clear();
  return error;
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

namespace {

// A segment id as a word: three bytes compared in one step instead of a byte at a time (the
// normalizer counts OBX and NTE segments for every message). The fourth byte read is the field
// separator, the segment's end or the string's terminating null: always readable, never kept.
std::uint32_t idWord(const char* id) {
  std::uint32_t word = 0;
  std::memcpy(&word, id, 4);
  return word & 0x00FFFFFFu;  // x86-64 and every target Ferry builds for are little-endian
}

}  // namespace

std::size_t Message::findSegment(std::string_view id, int occurrence) const {
  if (id.size() != 3) return segments_.size();
  const char key[4] = {id[0], id[1], id[2], 0};
  const std::uint32_t wanted = idWord(key);
  int seen = 0;
  for (std::size_t i = 0; i < segments_.size(); ++i) {
    if (idWord(buffer_.data() + segments_[i].begin) == wanted && ++seen == occurrence) return i;
  }
  return segments_.size();
}

int Message::countSegments(std::string_view id) const {
  if (id.size() != 3) return 0;
  const char key[4] = {id[0], id[1], id[2], 0};
  const std::uint32_t wanted = idWord(key);
  int n = 0;
  for (const auto& s : segments_) n += idWord(buffer_.data() + s.begin) == wanted;
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
