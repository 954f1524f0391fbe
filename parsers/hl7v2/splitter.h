#pragma once
// Yields the messages of a stream one at a time: messages one after another (any line ends,
// blank lines between), MLLP frames (0x0B ... 0x1C 0x0D), or FHS/BHS ... BTS/FTS batches.
// Memory is bounded by the largest message plus one read chunk, never by the stream. Batch
// trailers are checked: a BTS-1 or FTS-1 count that disagrees with what was read is reported.

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

#include "parsers/hl7v2/error.h"
#include "parsers/hl7v2/limits.h"
#include "parsers/hl7v2/message_start.h"
#include "parsers/hl7v2/simd.h"

namespace ferry::hl7v2 {

class Message;

struct SplitItem {
  // Envelope items are the batch segments FHS/BHS/BTS/FTS (bytes without terminator), handed
  // out so a writer can reproduce a batch file byte for byte; most readers skip them.
  enum class Kind { Message, Envelope, Error };
  Kind kind = Kind::Message;
  std::string_view bytes;       // valid until the next call to next()
  std::uint64_t offset = 0;     // stream offset of the message's first byte
  std::size_t number = 0;       // 1-based message number in the stream (0 for batch-level errors)
  std::optional<Error> error;   // set when this item reports a problem instead of a message
};

class Splitter {
 public:
  // Reads from a stream in chunks. isa chooses the kernel that looks for line ends (tests run
  // each one; supports(isa) must accept it).
  explicit Splitter(std::istream& in, const Limits& limits = {}, std::size_t chunk = 1 << 16,
                    Isa isa = bestIsa());
  // Splits a buffer already in memory (e.g. a mapped file) without copying it.
  explicit Splitter(std::string_view data, const Limits& limits = {}, Isa isa = bestIsa());

  // Fills item with the next message or error; false at the end of the stream.
  bool next(SplitItem& item);
  // The same, and a message item parsed into `into` as Message::parse(item.bytes, into) parses
  // it, with that call's answer in `parsed`. A message is split and indexed in one pass over its
  // bytes (Message::parseLeading()) instead of one pass each (measured in
  // BM_SplitTokenizeNormalize: 52,062 -> 50,565 instructions a message). After an item that is
  // not a message, `parsed` is as it was and `into` may be empty.
  bool next(SplitItem& item, Message& into, Result<bool>& parsed);

  std::size_t messageCount() const { return messages_; }
  std::size_t batchCount() const { return batches_; }

 private:
  struct Line {
    std::size_t begin;     // offset in the window of the first byte
    std::size_t end;       // one past the last byte before the terminator
    std::size_t next;      // offset of the byte after the terminator
  };

  enum class LineStatus { Ok, End, TooLong };

  void compact();  // drops bytes already handed out (stream mode)
  bool refill();   // appends one chunk; false when nothing more comes
  // The window holds bytes up to `end`, reading if needed. Inline: it is asked twice a line,
  // and in memory mode (or mid-chunk) the answer is already there.
  bool available(std::size_t end) { return end <= size_ || fillTo(end); }
  bool fillTo(std::size_t end);  // refills until the window reaches `end`; false at the end
  // The first \r or \n in [p, end), or end.
  const char* findLineEnd(const char* p, const char* end) const;
  std::size_t skipSegmentLines(std::size_t from, std::size_t end) const;
  LineStatus readLine(std::size_t from, Line& line);
  LineStatus finishLine(std::size_t from, std::size_t at, Line& line);  // readLine's rarer cases
  // MSH/FHS/BHS/BTS/FTS or an MLLP start block. Inline: asked for every line of every message,
  // and a segment line is nearly always told apart by its first byte (every header id starts
  // with M, F or B).
  bool startsMessage(std::size_t at) {
    if (!available(at + 1)) return false;
    const char first = data_[at];
    return message_start::kFirstByte(first) &&
           (first == message_start::kStartBlock || startsWithHeaderId(at));
  }
  bool startsWithHeaderId(std::size_t at);
  void skipBlank();
  bool readFrame(SplitItem& item);
  // The message whose MSH segment is `header`, the line at pos_ that next() has just read.
  bool readSegmentMessage(SplitItem& item, const Line& header);
  bool handleBatchSegment(std::string_view id, const Line& line, SplitItem& item);
  // next(item, into, parsed) for a message that starts at pos_ and that Message::parseLeading()
  // reads whole; false for any other item, with nothing consumed but the blank bytes next()
  // skips first.
  bool readLeadingMessage(SplitItem& item, Message& into);
  bool nextLineFits(std::size_t at);
  void skipToNextMessage();
  void skipFrame(std::size_t from);  // drops an oversized MLLP frame through its end block
  bool fail(SplitItem& item, std::uint64_t offset, std::size_t number, std::string segment,
            std::string text);
  static std::optional<std::size_t> countField1(std::string_view segment);

  std::istream* in_ = nullptr;
  std::string storage_;
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t pos_ = 0;            // first unconsumed byte in the window
  std::uint64_t consumed_ = 0;     // stream offset of window position 0
  std::size_t chunk_ = 1 << 16;
  bool eof_ = false;
  Limits limits_;
  Isa isa_ = Isa::Sse2;

  // The line that ended the last message read, which starts the next one, as readLine() found
  // it: next() takes it from here instead of searching the header line's end twice. Its begin
  // is kNoLine when there is none.
  static constexpr std::size_t kNoLine = ~std::size_t{0};
  Line header_{kNoLine, 0, 0};

  std::size_t messages_ = 0;       // messages seen in the whole stream
  std::size_t batches_ = 0;        // BTS segments seen
  std::size_t batch_messages_ = 0; // messages since the last BHS
  std::size_t file_batches_ = 0;   // batches since the last FHS
  bool in_batch_ = false;
  bool in_file_ = false;
  bool ended_ = false;
  std::optional<Error> pending_;   // a batch count error reported after its envelope item
};

}  // namespace ferry::hl7v2
