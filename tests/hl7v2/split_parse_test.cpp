// Splitter::next(item, into, parsed) splits and parses a message in one pass over its bytes
// (Message::parseLeading()) where it can, and the ordinary way where it cannot tell where the
// message ends. Either way it must hand out exactly what next(item) followed by
// Message::parse(item.bytes, into) does: the same items, and for each message the same bytes,
// delimiters, index and errors. These tests read streams built to meet every case where the one
// pass stops or gives up, in memory and from istreams cut into chunks, with every kernel.

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/hl7v2/message.h"
#include "parsers/hl7v2/simd.h"
#include "parsers/hl7v2/splitter.h"

namespace split_parse_test {

using ferry::hl7v2::Isa;
using ferry::hl7v2::Limits;
using ferry::hl7v2::Message;
using ferry::hl7v2::Result;
using ferry::hl7v2::SplitItem;
using ferry::hl7v2::Splitter;

std::vector<Isa> isas() {
  std::vector<Isa> out{Isa::Sse2};
  if (ferry::hl7v2::supports(Isa::Avx2)) out.push_back(Isa::Avx2);
  return out;
}

std::string filler(std::size_t n) {
  std::string text;
  for (std::size_t i = 0; i < n; ++i) text += static_cast<char>('a' + i % 26);
  return text;
}

// A parsed message as text: its bytes, delimiters, and every segment's and field's place.
std::string describe(const Result<bool>& parsed, const Message& message) {
  if (!parsed) {
    return "error " + parsed.error().describe() + " @" + std::to_string(parsed.error().offset);
  }
  const std::string& bytes = message.bytes();
  std::string out = "'" + bytes + "' " + message.encoding().field + message.encoding().msh2();
  const auto at = [&bytes](std::string_view part) {
    return std::to_string(part.data() - bytes.data());
  };
  for (std::size_t i = 0; i < message.segmentCount(); ++i) {
    const auto segment = message.segment(i);
    out += " [" + at(segment.raw()) + "+" + std::to_string(segment.raw().size()) +
           (segment.needsDecoding() ? " decode" : "") + ":";
    for (int n = 1; n <= segment.fieldCount(); ++n) out += " " + at(segment.field(n).raw());
    out += "]";
  }
  return out;
}

std::string describe(const SplitItem& item) {
  return std::to_string(static_cast<int>(item.kind)) + " #" + std::to_string(item.number) + " @" +
         std::to_string(item.offset) + " '" + std::string(item.bytes) + "'" +
         (item.error ? " error " + item.error->describe() : std::string());
}

// Every item of next(item, into, parsed), each message with its parse.
std::string readParsing(Splitter& splitter) {
  std::string out;
  Message message;
  Result<bool> parsed = true;
  SplitItem item;
  for (int guard = 0; guard < 100000 && splitter.next(item, message, parsed); ++guard) {
    out += describe(item);
    if (item.kind == SplitItem::Kind::Message) out += " -> " + describe(parsed, message);
    out += "\n";
  }
  return out;
}

// The same read with next(item), each message then parsed on its own.
std::string readThenParse(Splitter& splitter, const Limits& limits) {
  std::string out;
  Message message;
  SplitItem item;
  for (int guard = 0; guard < 100000 && splitter.next(item); ++guard) {
    out += describe(item);
    if (item.kind == SplitItem::Kind::Message) {
      const Result<bool> parsed = Message::parse(item.bytes, message, limits);
      out += " -> " + describe(parsed, message);
    }
    out += "\n";
  }
  return out;
}

// text read both ways, in memory and in chunks of several sizes, with every kernel.
void expectSameReading(const std::string& text, const Limits& limits, const std::string& what) {
  Splitter plain{std::string_view(text), limits};
  const std::string expected = readThenParse(plain, limits);
  for (const Isa isa : isas()) {
    Splitter memory(std::string_view(text), limits, isa);
    ASSERT_EQ(readParsing(memory), expected) << "memory, " << what;
    for (const std::size_t chunk : {1, 3, 64, 97, 1 << 16}) {
      std::istringstream in(text);
      Splitter streamed(in, limits, chunk, isa);
      ASSERT_EQ(readParsing(streamed), expected) << "chunks of " << chunk << ", " << what;
    }
  }
}

// Messages of segments about n bytes long, back to back and apart, meeting every line the one
// pass must look at: segments whose ids start like a header (MSA, MRG, FT1, BLG), blank lines
// inside a message and between messages, \r\n and \n line ends, an MLLP frame, a batch, other
// delimiters, escapes and bytes >= 0x80, a header whose MSH-2 is bad, a bad segment id.
std::string streamOf(std::size_t n) {
  const std::string a = filler(n);
  std::string text;
  text += "MSH|^~\\&|" + a + "\rPID|1|" + a + "\rMSA|AA|" + a + "\rOBX|1|\\T\\|" + a + "\r";
  text += "MSH|^~\\&|2\rMRG|" + filler(n % 70) + "\rFT1|" + a + "\rBLG|x\r\rNTE|" + a + "\r\r\r";
  text += "MSH|^~\\&|3|\xC3\xA9" + a + "\r\rPID|" + a + "\rZZZ|" + a + "\r\n";
  text += "MSH|^~\\&|4\r" + a + "|stray\rMSHX|" + a + "\rOBX|" + a + "\nNTE|\r";
  text += "MSH#$~\\&#5#" + a + "\rPID#1#" + a + "\r\x0BMSH|^~\\&|6\rPID|" + a + "\r\x1C\r";
  text += "MSH|^~|7\rPID|" + a + "\rMSH|^~\\&|8\rpid|" + a + "\rOBX|" + a + "\r";
  text += "FHS|^~\\&|\rBHS|^~\\&|\rMSH|^~\\&|9|" + a + "\rPID|" + a + "\rBTS|1\rFTS|1\r";
  text += "MSH|^~\\&|10|" + a + "\r \rOBX|" + a + "\r\x1C|x\rMSH|^~\\&|11|" + a;
  return text;
}

// The tests are in the namespace too: the test build is a unity build, where other files'
// helpers of the same names are in sight.

TEST(SplitParse, ReadsStreamsAsSplittingThenParsingDoes) {
  for (std::size_t n = 0; n <= 140; ++n) {
    expectSameReading(streamOf(n), Limits{}, "segments of " + std::to_string(n));
  }
}

// A message's end lands at every offset of a 64-byte block, and the next header's first bytes
// on either side of a block's end.
TEST(SplitParse, EndsMessagesAtEveryOffsetOfABlock) {
  for (std::size_t pad = 0; pad < 140; ++pad) {
    const std::string message = "MSH|^~\\&|" + filler(pad) + "\rPID|1|x\r";
    expectSameReading(message + message + "\r" + message + message, Limits{},
                      "pad " + std::to_string(pad));
  }
}

// The end of the bytes in memory cuts a message, its terminator, the next header or the blank
// lines before it anywhere.
TEST(SplitParse, ReadsEveryCutOfAStream) {
  const std::string text = streamOf(40);
  const Limits limits;
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    const std::string prefix = text.substr(0, cut);
    Splitter plain{std::string_view(prefix), limits};
    const std::string expected = readThenParse(plain, limits);
    for (const Isa isa : isas()) {
      Splitter memory(std::string_view(prefix), limits, isa);
      ASSERT_EQ(readParsing(memory), expected) << "cut at " << cut;
    }
  }
}

// The one pass leaves a message that breaks a limit to the ordinary reading, which reports it:
// a segment, the next message's header line (read whole before the message ends), the message,
// its fields or its segments over the limit.
TEST(SplitParse, ReportsEveryLimitAsSplittingThenParsingDoes) {
  const std::string text = streamOf(60);
  for (std::size_t max = 8; max <= 300; max += 3) {
    Limits segment_bytes;
    Limits message_bytes;
    Limits counts;
    segment_bytes.max_segment_bytes = max;
    message_bytes.max_message_bytes = 3 * max;
    counts.max_fields_per_segment = max / 40;
    counts.max_segments = max / 50;
    for (const auto& [limits, what] : {std::pair{segment_bytes, "segment bytes"},
                                       std::pair{message_bytes, "message bytes"},
                                       std::pair{counts, "fields and segments"}}) {
      expectSameReading(text, limits, std::string(what) + ", limit " + std::to_string(max));
    }
  }
}

}  // namespace split_parse_test
