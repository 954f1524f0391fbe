// The message index and the splitter's search for line ends each have an SSE2 kernel and an AVX2
// one (taken when the CPU has AVX2); the index reads 64-byte blocks with both. These tests run
// every kernel this machine supports over the same inputs and check each against an answer
// computed byte by byte here: separators, segment ends, escapes and bytes >= 0x80 at every
// offset of segments of 1 to kLongest bytes, so every position within the first two blocks and
// every length of the last, partial block is met; and streams cut at every length and read in
// chunks of many sizes.

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parsers/hl7v2/message.h"
#include "parsers/hl7v2/simd.h"
#include "parsers/hl7v2/splitter.h"

using ferry::hl7v2::Isa;
using ferry::hl7v2::Limits;
using ferry::hl7v2::Message;
using ferry::hl7v2::SplitItem;
using ferry::hl7v2::Splitter;

namespace {

const char* isaName(Isa isa) { return isa == Isa::Avx2 ? "AVX2" : "SSE2"; }

std::vector<Isa> supportedIsas() {
  std::vector<Isa> out{Isa::Sse2};
  if (ferry::hl7v2::supports(Isa::Avx2)) out.push_back(Isa::Avx2);
  return out;
}

// "[begin,end)" of a view into text.
std::string span(std::string_view text, std::string_view part) {
  const auto begin = part.data() - text.data();
  return "[" + std::to_string(begin) + "," + std::to_string(begin + static_cast<long>(part.size())) +
         ")";
}

// What the index says of a parsed message, as text: each segment's bytes, whether it needs
// decoding, and the bytes of each piece after a field separator (field n, or MSH-(n+1)).
std::string describe(const Message& message) {
  const std::string& bytes = message.bytes();
  std::string out;
  for (std::size_t i = 0; i < message.segmentCount(); ++i) {
    const auto segment = message.segment(i);
    out += "segment " + span(bytes, segment.raw()) + (segment.needsDecoding() ? " decode" : "") +
           ":";
    const int pieces = segment.fieldCount() - (segment.isHeader() ? 1 : 0);
    for (int k = 1; k <= pieces; ++k) {
      out += " " + span(bytes, segment.field(segment.isHeader() ? k + 1 : k).raw());
    }
    out += "\n";
  }
  return out;
}

// describe() worked out a byte at a time from a message with \r line ends only and valid ids.
std::string reference(std::string_view bytes) {
  const char fs = bytes[3];
  const char esc = bytes[6];
  std::string out;
  std::size_t begin = 0;
  while (begin < bytes.size()) {
    std::size_t end = bytes.find('\r', begin);
    if (end == std::string_view::npos) end = bytes.size();
    if (end > begin) {
      bool decode = false;
      std::string pieces;
      std::size_t piece = std::string_view::npos;
      for (std::size_t i = begin; i < end; ++i) {
        if (bytes[i] == esc || static_cast<unsigned char>(bytes[i]) >= 0x80) decode = true;
        if (bytes[i] != fs) continue;
        if (piece != std::string_view::npos) {
          pieces += " [" + std::to_string(piece) + "," + std::to_string(i) + ")";
        }
        piece = i + 1;
      }
      if (piece != std::string_view::npos) {
        pieces += " [" + std::to_string(piece) + "," + std::to_string(end) + ")";
      }
      out += "segment [" + std::to_string(begin) + "," + std::to_string(end) + ")" +
             (decode ? " decode" : "") + ":" + pieces + "\n";
    }
    begin = end + 1;
  }
  return out;
}

// The index of text by every kernel, each checked against reference(); a failure names the
// kernel and the input.
void expectIndexMatchesReference(const std::string& text, const std::string& what) {
  const std::string expected = reference(text);
  for (Isa isa : supportedIsas()) {
    Message message;
    const auto parsed = Message::parse(text, message, Limits{}, isa);
    ASSERT_TRUE(parsed) << isaName(isa) << ", " << what << ": " << parsed.error().text;
    ASSERT_EQ(describe(message), expected) << isaName(isa) << ", " << what;
  }
}

// A message whose second segment is "ZPI|" followed by body; its header pads the body to
// start at a different offset in a block for each pad.
std::string messageAround(std::string_view body, std::size_t pad = 0) {
  return "MSH|^~\\&|" + std::string(pad, 'h') + "\rZPI|" + std::string(body) + "\rOBX|1|x\r";
}

// Segment bodies up to this long put a delimiter at every offset of a message's first two
// 64-byte blocks (messageAround() adds 24 bytes), and end messages at every length of a block.
constexpr std::size_t kLongest = 140;

std::string filler(std::size_t n) {
  std::string text;
  for (std::size_t i = 0; i < n; ++i) text += static_cast<char>('a' + i % 26);
  return text;
}

}  // namespace

TEST(IsaKernels, Avx2KernelRunsOnThisMachine) {
  if (!ferry::hl7v2::supports(Isa::Avx2)) GTEST_SKIP() << "no AVX2 here: only SSE2 is checked";
  EXPECT_EQ(ferry::hl7v2::bestIsa(), Isa::Avx2);
}

TEST(IsaKernels, IndexFindsASeparatorAtEveryOffsetOfEverySegmentLength) {
  for (std::size_t len = 1; len <= kLongest; ++len) {
    for (std::size_t at = 0; at < len; ++at) {
      std::string body = filler(len);
      body[at] = '|';
      expectIndexMatchesReference(messageAround(body),
                                  "length " + std::to_string(len) + ", at " + std::to_string(at));
    }
  }
}

TEST(IsaKernels, IndexMarksTheEscapeCharacterAndHighBytesAtEveryOffset) {
  for (const char special : {'\\', '\xC3', '\x80', '\xFF'}) {
    for (std::size_t len = 1; len <= kLongest; ++len) {
      for (std::size_t at = 0; at < len; ++at) {
        std::string body = filler(len);
        body[at] = special;
        if (at + 2 < len) body[at + 2] = '|';  // a separator after it in the same segment
        expectIndexMatchesReference(messageAround(body),
                                    "byte " + std::to_string(static_cast<unsigned char>(special)) +
                                        ", length " + std::to_string(len) + ", at " +
                                        std::to_string(at));
      }
    }
  }
}

TEST(IsaKernels, IndexEndsSegmentsAtEveryOffset) {
  // A \r at every offset, then one or two (a blank line): each segment end lands at every
  // position of a block, and the message's end at every length of the last block.
  for (const std::string_view end : {"\rZZ9|", "\r\rZZ8|q|", "\rZZ7\rZZ6|"}) {
    for (std::size_t len = 1; len <= kLongest; ++len) {
      for (std::size_t at = 0; at <= len; ++at) {
        std::string body = filler(len);
        body.insert(at, end);
        expectIndexMatchesReference(messageAround(body),
                                    "end " + std::to_string(end.size()) + ", length " +
                                        std::to_string(len) + ", at " + std::to_string(at));
      }
    }
  }
}

TEST(IsaKernels, IndexRecordsBlocksFullOfSeparators) {
  // Up to a whole block's separators in one mask, at every alignment.
  for (std::size_t len = 1; len <= kLongest; ++len) {
    for (std::size_t pad = 0; pad < 64; ++pad) {
      expectIndexMatchesReference(messageAround(std::string(len, '|'), pad),
                                  "separators " + std::to_string(len) + ", pad " +
                                      std::to_string(pad));
    }
  }
}

TEST(IsaKernels, IndexOfShortMessagesAndMessagesWithoutATrailingLineEnd) {
  for (std::size_t len = 0; len <= kLongest; ++len) {
    std::string text = "MSH|^~\\&|" + filler(len);
    for (std::size_t at = 12; at < text.size(); at += 5) text[at] = '|';
    expectIndexMatchesReference(text, "header only, length " + std::to_string(text.size()));
    expectIndexMatchesReference(text + "\rZZ1|\\x", "two segments, length " +
                                                       std::to_string(text.size()));
  }
}

TEST(IsaKernels, IndexGivesTheSameErrorForABadSegmentAtEveryOffset) {
  for (const std::string_view bad : {"\rzz1|", "\rZZ|", "\rZZZZ|", "\r\xC3ZZ|"}) {
    for (std::size_t len = 1; len <= kLongest; ++len) {
      for (std::size_t at = 0; at <= len; at += 3) {
        std::string body = filler(len);
        body.insert(at, bad);
        const std::string text = messageAround(body);
        std::vector<std::string> errors;
        for (Isa isa : supportedIsas()) {
          Message message;
          const auto parsed = Message::parse(text, message, Limits{}, isa);
          ASSERT_FALSE(parsed) << isaName(isa);
          EXPECT_EQ(message.segmentCount(), 0u);
          errors.push_back(parsed.error().text + " @" + std::to_string(parsed.error().offset));
        }
        // The bad segment starts after "MSH|^~\\&|\rZPI|", the body's first `at` bytes and \r.
        const std::string where = "@" + std::to_string(14 + at + 1);
        EXPECT_TRUE(errors.front().ends_with(where)) << errors.front() << ", expected " << where;
        for (const auto& error : errors) EXPECT_EQ(error, errors.front()) << "length " << len;
      }
    }
  }
}

TEST(IsaKernels, IndexGivesTheSameErrorForSegmentAndFieldLimits) {
  Limits limits;
  limits.max_segments = 5;
  limits.max_fields_per_segment = 7;
  limits.max_segment_bytes = 60;
  const std::vector<std::string> inputs = {
      "MSH|^~\\&|\rA1|\rA2|\rA3|\rA4|\rA5|\rA6|\r",
      "MSH|^~\\&|\rAA1|\rAA2|\rAA3|\rAA4|\rAA5|\rAA6|\rAA7|\r",
      "MSH|^~\\&|\rAAA|1|2|3|4|5|6|7|8|9|\r",
      "MSH|^~\\&|\rAAA|" + filler(70) + "\r",
  };
  for (const auto& text : inputs) {
    std::vector<std::string> errors;
    for (Isa isa : supportedIsas()) {
      Message message;
      const auto parsed = Message::parse(text, message, limits, isa);
      ASSERT_FALSE(parsed) << isaName(isa) << ": " << text;
      errors.push_back(parsed.error().text + " @" + std::to_string(parsed.error().offset));
    }
    for (const auto& error : errors) EXPECT_EQ(error, errors.front()) << text;
  }
}

// The index compares each segment with the limits only when the message as a whole exceeds one
// of them; then a segment exactly at a limit still passes, and blank lines count for nothing.
TEST(IsaKernels, IndexAcceptsSegmentsExactlyAtTheLimitsOfAMessageBeyondThem) {
  Limits limits;
  limits.max_segments = 3;
  limits.max_fields_per_segment = 5;
  limits.max_segment_bytes = 40;
  const std::string at_limits = "MSH|^~\\&|1|2|3\r\r\rPID|" + filler(36) + "\r\rZZ1|1|2|3|4|5\r\r";
  const std::vector<std::pair<std::string, std::string>> beyond = {
      {"MSH|^~\\&|1|2|3\rPID|" + filler(37) + "\rZZ1|", "segment is 41 bytes"},
      {"MSH|^~\\&|1|2|3\rZZ1|1|2|3|4|5|6\r", "segment has 6 fields"},
      {"MSH|^~\\&|\r\rZZ1|\rZZ2|\r\rZZ3|", "more than 3 segments"},
  };
  for (Isa isa : supportedIsas()) {
    Message message;
    const auto parsed = Message::parse(at_limits, message, limits, isa);
    ASSERT_TRUE(parsed) << isaName(isa) << ": " << parsed.error().text;
    EXPECT_EQ(describe(message), reference(at_limits)) << isaName(isa);
    for (const auto& [text, error] : beyond) {
      const auto failed = Message::parse(text, message, limits, isa);
      ASSERT_FALSE(failed) << isaName(isa) << ": " << text;
      EXPECT_NE(failed.error().text.find(error), std::string::npos)
          << isaName(isa) << ": " << failed.error().text;
    }
  }
}

TEST(IsaKernels, ParseNormalizesLineEndsTheSameWayForEveryKernel) {
  for (const std::string_view end : {"\n", "\r\n", "\n\r", "\r\n\r\n"}) {
    for (std::size_t len = 1; len <= 70; ++len) {
      const std::string text = "MSH|^~\\&|" + filler(len) + std::string(end) + "PID|1|" +
                               filler(len / 2) + std::string(end) + "OBX|\\|x";
      std::vector<std::string> seen;
      for (Isa isa : supportedIsas()) {
        Message message;
        ASSERT_TRUE(Message::parse(text, message, Limits{}, isa)) << isaName(isa);
        seen.push_back(message.bytes() + "\n" + describe(message));
        EXPECT_EQ(describe(message), reference(message.bytes())) << isaName(isa);
      }
      for (const auto& s : seen) EXPECT_EQ(s, seen.front());
    }
  }
}

namespace {

// Every item a splitter hands out, as text.
std::string itemsOf(Splitter& splitter) {
  std::string out;
  SplitItem item;
  for (int guard = 0; guard < 100000 && splitter.next(item); ++guard) {
    out += std::to_string(static_cast<int>(item.kind)) + " #" + std::to_string(item.number) + " @" +
           std::to_string(item.offset) + " '" + std::string(item.bytes) + "'" +
           (item.error ? " error " + item.error->text : std::string()) + "\n";
  }
  return out;
}

// A stream whose lines are n bytes long or so, with every line end and blank lines.
std::string streamOfLines(std::size_t n) {
  std::string text;
  text += "MSH|^~\\&|" + filler(n) + "\rPID|1|" + filler(n / 2) + "\r\n";
  text += "\n\nMSH|^~\\&|" + filler(n / 3) + "\nOBX|" + filler(n) + "\r\r\n";
  text += "MSH|^~\\&|x\r" + filler(n % 7) + "|stray\rZZZ|" + filler(n) + "\n";
  text += "\x0BMSH|^~\\&|" + filler(n) + "\rPID|\r\x1C\r";
  text += "BHS|^~\\&|\rMSH|^~\\&|" + filler(n / 4) + "\rBTS|1\r";
  return text;
}

}  // namespace

TEST(IsaKernels, SplitterFindsTheSameLinesCutAtEveryLength) {
  if (!ferry::hl7v2::supports(Isa::Avx2)) GTEST_SKIP() << "no AVX2 here";
  for (std::size_t n = 0; n <= 100; n += 3) {
    const std::string text = streamOfLines(n);
    for (std::size_t cut = 0; cut <= text.size(); ++cut) {
      const std::string_view prefix(text.data(), cut);
      Splitter sse2(prefix, Limits{}, Isa::Sse2);
      Splitter avx2(prefix, Limits{}, Isa::Avx2);
      ASSERT_EQ(itemsOf(avx2), itemsOf(sse2)) << "lines of " << n << ", cut at " << cut;
    }
  }
}

// The AVX2 kernel finds line ends by a table look-up on each byte's low four bits: lines
// holding every other byte value, at every offset in a block, are passed by both kernels alike.
TEST(IsaKernels, SplitterTakesOnlyCarriageReturnAndLineFeedForLineEnds) {
  if (!ferry::hl7v2::supports(Isa::Avx2)) GTEST_SKIP() << "no AVX2 here";
  std::string bytes;
  for (int c = 1; c < 256; ++c) {
    if (c != '\r' && c != '\n') bytes += static_cast<char>(c);
  }
  for (std::size_t pad = 0; pad < 64; ++pad) {
    const std::string text = "MSH|^~\\&|" + filler(pad) + "\rZPI|" + bytes + "\rOBX|" + bytes +
                             "\n\rMSH|^~\\&|2\rPID|1\r";
    Splitter sse2(std::string_view(text), Limits{}, Isa::Sse2);
    Splitter avx2(std::string_view(text), Limits{}, Isa::Avx2);
    const std::string items = itemsOf(avx2);
    ASSERT_EQ(items, itemsOf(sse2)) << "pad " << pad;
    EXPECT_NE(items.find(" #2 "), std::string::npos) << "pad " << pad;  // two messages
    EXPECT_EQ(items.find(" #3 "), std::string::npos) << "pad " << pad;
  }
}

TEST(IsaKernels, SplitterFindsTheSameLinesInEveryChunkSize) {
  if (!ferry::hl7v2::supports(Isa::Avx2)) GTEST_SKIP() << "no AVX2 here";
  for (std::size_t n = 0; n <= 100; n += 7) {
    const std::string text = streamOfLines(n);
    Splitter whole(std::string_view(text), Limits{}, Isa::Sse2);
    const std::string expected = itemsOf(whole);
    for (std::size_t chunk = 1; chunk <= 70; ++chunk) {
      for (Isa isa : {Isa::Sse2, Isa::Avx2}) {
        std::istringstream in(text);
        Splitter splitter(in, Limits{}, chunk, isa);
        ASSERT_EQ(itemsOf(splitter), expected) << isaName(isa) << ", lines of " << n
                                               << ", chunk " << chunk;
      }
    }
  }
}

TEST(IsaKernels, SplitterEnforcesTheSegmentLimitTheSameWay) {
  if (!ferry::hl7v2::supports(Isa::Avx2)) GTEST_SKIP() << "no AVX2 here";
  Limits limits;
  for (std::size_t max = 30; max <= 70; ++max) {
    limits.max_segment_bytes = max;
    const std::string text = streamOfLines(50);
    Splitter sse2(std::string_view(text), limits, Isa::Sse2);
    Splitter avx2(std::string_view(text), limits, Isa::Avx2);
    ASSERT_EQ(itemsOf(avx2), itemsOf(sse2)) << "limit " << max;
  }
}

namespace {

// Messages whose segment lines a reader passes a block at a time (Splitter::skipSegmentLines),
// broken by every line that must stop that pass: segments whose ids start like a header (MRG,
// FT1, BLG), blank lines of every line end, a \r\n split across blocks, a header id behind a
// blank line, an MLLP start block, and segments of n bytes around a block's length.
std::string streamOfSegmentLines(std::size_t n) {
  std::string text;
  text += "MSH|^~\\&|" + filler(n) + "\rPID|1|" + filler(n) + "\rMRG|" + filler(n % 70) + "\r";
  text += "OBX|1|" + filler(n) + "\rFT1|" + filler(n / 2) + "\r\rBLG|x\r\nNTE|" + filler(n) + "\n";
  text += "ZZZ|" + filler(n + 64) + "\r\n\r\nOBX|2\r \rMSHX|1\r";
  text += "MSH|^~\\&|" + filler(n / 3) + "\nOBX|" + filler(n) + "\n\nMSH|^~\\&|z\r";
  text += "PID|" + filler(n) + "\r\x0BMSH|^~\\&|" + filler(n) + "\rPID|\r\x1C\r";
  text += "MSH|^~\\&|" + filler(2 * n) + "\rOBX|" + filler(n) + "\rBHS|^~\\&|\r";
  text += "MSH|^~\\&|q\rOBX|" + filler(n) + "\rBTS|2\r";
  return text;
}

// The items of text read from memory (where the pass over segment lines runs) against those of
// a stream read a byte at a time (where every line is read alone), for every kernel.
void expectSameItemsFromMemoryAndByteStream(const std::string& text, const Limits& limits,
                                            const std::string& what) {
  std::istringstream in(text);
  Splitter bytewise(in, limits, 1, Isa::Sse2);
  const std::string expected = itemsOf(bytewise);
  for (Isa isa : supportedIsas()) {
    Splitter memory(std::string_view(text), limits, isa);
    ASSERT_EQ(itemsOf(memory), expected) << isaName(isa) << ", " << what;
  }
}

}  // namespace

TEST(IsaKernels, SplitterPassesSegmentLinesAsWhenReadingThemOneByOne) {
  for (std::size_t n = 0; n <= 140; ++n) {
    const std::string text = streamOfSegmentLines(n);
    for (std::size_t skip = 0; skip < 64; skip += 9) {
      expectSameItemsFromMemoryAndByteStream(text.substr(skip), Limits{},
                                             "lines of " + std::to_string(n) + ", from byte " +
                                                 std::to_string(skip));
    }
  }
}

TEST(IsaKernels, SplitterPassingSegmentLinesEnforcesTheLimitsAsWhenReadingThemOneByOne) {
  const std::string text = streamOfSegmentLines(100);
  for (std::size_t max = 60; max <= 400; max += 7) {
    Limits limits;
    limits.max_segment_bytes = max;
    expectSameItemsFromMemoryAndByteStream(text, limits, "segment limit " + std::to_string(max));
    limits = Limits{};
    limits.max_message_bytes = 2 * max;
    expectSameItemsFromMemoryAndByteStream(text, limits, "message limit " + std::to_string(2 * max));
  }
}
