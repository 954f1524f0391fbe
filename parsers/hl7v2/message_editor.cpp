// Message::set: splices a new value into the buffer, then re-indexes. Editing is rare next to
// reading (mappings set a handful of fields), so one linear rebuild per edit keeps the read path
// simple and the buffer always equal to what goes on the wire.
//
// The edited bytes are indexed as a message of their own, which takes this one's place only once
// the index succeeded: an edit refused by a limit (or by an allocation that fails) leaves the
// bytes and the index exactly as they were, so a mapping that goes on after a refused edit still
// holds a whole, readable message. The cost is the buffer and index of that second message,
// small next to the rebuild itself.

#include <type_traits>

#include "parsers/hl7v2/escape.h"
#include "parsers/hl7v2/message.h"

namespace ferry::hl7v2 {

// setEncoded() puts an edited message in place by a move, which must not fail half way.
static_assert(std::is_nothrow_move_assignable_v<Message>);

namespace {

struct Range {
  std::size_t begin;
  std::size_t end;
};

// Range of piece n (1-based) of text[r.begin, r.end) split at sep, appending separators at the
// end of the range when the piece does not exist yet. Adjusts `outer_end` for inserted bytes.
Range ensurePiece(std::string& text, Range r, char sep, int n, std::size_t& outer_end) {
  std::size_t begin = r.begin;
  for (int i = 1; i < n; ++i) {
    std::size_t hit = text.find(sep, begin);
    if (hit == std::string::npos || hit >= r.end) {
      // Not enough pieces: add the missing separators at the end of the range.
      const auto missing = static_cast<std::size_t>(n - i);
      text.insert(r.end, missing, sep);
      outer_end += missing;
      r.end += missing;
      return Range{r.end, r.end};
    }
    begin = hit + 1;
  }
  std::size_t stop = text.find(sep, begin);
  if (stop == std::string::npos || stop > r.end) stop = r.end;
  return Range{begin, stop};
}

Error editError(const Path& path, std::string text) {
  Error e;
  e.code = ErrorCode::DataType;
  e.segment = path.segment;
  e.field = path.field;
  e.component = path.component;
  e.text = std::move(text);
  return e;
}

}  // namespace

Result<bool> Message::set(const Path& path, std::string_view value) {
  return setEncoded(path, escape(value, encoding_));
}

Result<bool> Message::setEncoded(const Path& path, std::string_view encoded) {
  if (path.field < 1) return editError(path, "a field number is required to set a value");
  const bool header = path.segment == "MSH" || path.segment == "FHS" || path.segment == "BHS";
  if (header && path.field <= 2) {
    return editError(path, "MSH-1 and MSH-2 hold the delimiters and cannot be set as values");
  }
  if (encoded.find('\r') != std::string_view::npos || encoded.find('\n') != std::string_view::npos) {
    return editError(path, "an encoded value cannot hold a segment terminator");
  }

  // Locate the segment, or append a new one.
  const std::size_t index = findSegment(path.segment, path.occurrence);
  const bool appended = index == segments_.size();
  std::string segment;
  std::size_t seg_begin = buffer_.size();
  std::size_t seg_end = buffer_.size();
  if (appended) {
    if (countSegments(path.segment) + 1 < path.occurrence) {
      return editError(path, "segment occurrence " + std::to_string(path.occurrence) +
                                 " cannot be created before the earlier ones exist");
    }
    segment = path.segment;
  } else {
    seg_begin = segments_[index].begin;
    seg_end = segments_[index].end;
    segment.assign(buffer_, seg_begin, seg_end - seg_begin);
  }

  // Walk field -> repetition -> component -> subcomponent inside the segment text.
  std::size_t total = segment.size();
  const int field_piece = header ? path.field - 1 : path.field;
  Range r = ensurePiece(segment, Range{0, total}, encoding_.field, field_piece + 1, total);
  r = ensurePiece(segment, r, encoding_.repetition, path.repetition, total);
  if (path.component > 0) {
    r = ensurePiece(segment, r, encoding_.component, path.component, total);
    if (path.subcomponent > 0) {
      r = ensurePiece(segment, r, encoding_.subcomponent, path.subcomponent, total);
    }
  }
  segment.replace(r.begin, r.end - r.begin, encoded);

  // An appended segment follows a terminator, and has one.
  const bool terminate_last = appended && !buffer_.empty() && buffer_.back() != '\r';
  const std::size_t size = buffer_.size() - (seg_end - seg_begin) + segment.size() +
                           (terminate_last ? 1 : 0) + (appended ? 1 : 0);
  if (size > limits_.max_message_bytes) {
    return editError(path, "the edited message would exceed the message size limit");
  }
  Message edited;
  edited.encoding_ = encoding_;
  edited.limits_ = limits_;
  edited.buffer_.reserve(size);
  edited.buffer_.append(buffer_, 0, seg_begin);
  if (terminate_last) edited.buffer_ += '\r';
  edited.buffer_ += segment;
  if (appended) edited.buffer_ += '\r';
  edited.buffer_.append(buffer_, seg_end, std::string::npos);
  auto indexed = edited.index(limits_, bestIsa());
  if (!indexed) return indexed.error();
  *this = std::move(edited);  // moves of strings and vectors: nothing left to fail
  return true;
}

}  // namespace ferry::hl7v2
