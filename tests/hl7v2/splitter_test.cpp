#include "parsers/hl7v2/splitter.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "parsers/hl7v2/message.h"
#include "tests/support/files.h"

using ferry::hl7v2::Limits;
using ferry::hl7v2::SplitItem;
using ferry::hl7v2::Splitter;

namespace {

struct Collected {
  std::vector<std::string> messages;
  std::vector<std::string> envelopes;
  std::vector<std::string> errors;
  std::vector<std::uint64_t> offsets;
};

Collected collect(Splitter& splitter) {
  Collected out;
  SplitItem item;
  for (int guard = 0; guard < 100000 && splitter.next(item); ++guard) {
    switch (item.kind) {
      case SplitItem::Kind::Message:
        out.messages.emplace_back(item.bytes);
        out.offsets.push_back(item.offset);
        break;
      case SplitItem::Kind::Envelope: out.envelopes.emplace_back(item.bytes); break;
      case SplitItem::Kind::Error: out.errors.push_back(item.error->text); break;
    }
  }
  return out;
}

// Reads through a stream with a tiny chunk so that messages straddle every refill.
Collected collectStream(const std::string& data, std::size_t chunk = 7, Limits limits = {}) {
  std::istringstream in(data);
  Splitter splitter(in, limits, chunk);
  return collect(splitter);
}

const std::string kA = "MSH|^~\\&|A|B|C|D|20260101||ADT^A01|1|P|2.3\rPID|1||X\r";
const std::string kB = "MSH|^~\\&|A|B|C|D|20260101||ADT^A01|2|P|2.3\rPID|1||Y\r";

}  // namespace

TEST(Splitter, SplitsMessagesOneAfterAnother) {
  auto out = collectStream(kA + kB);
  ASSERT_EQ(out.messages.size(), 2u);
  EXPECT_EQ(out.messages[0], kA);
  EXPECT_EQ(out.messages[1], kB);
  EXPECT_EQ(out.offsets[1], kA.size());
  EXPECT_TRUE(out.errors.empty());
}

TEST(Splitter, SkipsBlankLinesBetweenMessagesWithAnyLineEnds) {
  std::string a = kA;
  std::string b = kB;
  for (auto& c : b) if (c == '\r') c = '\n';
  auto out = collectStream(a + "\r\n\r\n" + b + "\n\n");
  ASSERT_EQ(out.messages.size(), 2u);
  EXPECT_EQ(out.messages[0], kA);
  EXPECT_EQ(out.messages[1], b);
}

TEST(Splitter, ReadsMllpFrames) {
  const std::string framed = "\x0b" + kA + "\x1c\r" + "\x0b" + kB + "\x1c\r";
  auto out = collectStream(framed, 5);
  ASSERT_EQ(out.messages.size(), 2u);
  EXPECT_EQ(out.messages[0], kA);
  EXPECT_EQ(out.messages[1], kB);
  EXPECT_EQ(out.offsets[0], 1u);
}

TEST(Splitter, ReportsTruncatedMllpFrame) {
  auto out = collectStream("\x0b" + kA);
  EXPECT_TRUE(out.messages.empty());
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_NE(out.errors[0].find("truncated"), std::string::npos);
}

TEST(Splitter, ReadsSampleBatchAndChecksCounts) {
  const std::string batch = ferry::test::sample("hl7v2/batch_elr.hl7");
  auto out = collectStream(batch, 13);
  ASSERT_EQ(out.messages.size(), 2u);
  EXPECT_TRUE(out.errors.empty()) << out.errors[0];
  ASSERT_EQ(out.envelopes.size(), 4u);
  EXPECT_EQ(out.envelopes[0].substr(0, 3), "FHS");
  EXPECT_EQ(out.envelopes[3], "FTS|1");
  auto second = ferry::hl7v2::Message::parse(out.messages[1]);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->controlId(), "B1-0002");
}

TEST(Splitter, ReportsBatchCountMismatch) {
  const std::string batch = "FHS|^~\\&|L\rBHS|^~\\&|L\r" + kA + kB + "BTS|3\rFTS|2\r";
  auto out = collectStream(batch);
  EXPECT_EQ(out.messages.size(), 2u);
  ASSERT_EQ(out.errors.size(), 2u);
  EXPECT_EQ(out.errors[0], "BTS-1 declares 3 messages but the batch holds 2");
  EXPECT_EQ(out.errors[1], "FTS-1 declares 2 batches but the file holds 1");
}

TEST(Splitter, ReportsBatchWithoutTrailer) {
  auto out = collectStream("BHS|^~\\&|L\r" + kA);
  EXPECT_EQ(out.messages.size(), 1u);
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_NE(out.errors[0].find("no BTS"), std::string::npos);
}

TEST(Splitter, ReportsDataOutsideMessagesAndContinues) {
  auto out = collectStream("garbage line\r" + kA);
  ASSERT_EQ(out.errors.size(), 1u);
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0], kA);
}

TEST(Splitter, OversizedMessageIsReportedAndTheNextOneStillRead) {
  Limits limits;
  limits.max_message_bytes = 200;
  limits.max_segment_bytes = 100;
  const std::string huge = "MSH|^~\\&|A|B|C|D|20260101||ORU^R01|H|P|2.5\rOBX|1|TX|||" +
                           std::string(5000, 'x') + "\r";
  auto out = collectStream(huge + kB, 64, limits);
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_NE(out.errors[0].find("longer than the limit"), std::string::npos);
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0], kB);
}

TEST(Splitter, HundredMegabyteSegmentDoesNotGrowMemory) {
  // A 100 MB segment streamed through with the default 16 MiB limit: the splitter must refuse
  // it after buffering at most the limit, then find the message behind it.
  struct RepeatBuf : std::streambuf {
    std::string head;
    std::size_t body_left;
    std::string tail;
    std::string chunk = std::string(1 << 16, 'x');
    int stage = 0;
    int_type underflow() override {
      if (stage == 0) {
        stage = 1;
        setg(head.data(), head.data(), head.data() + head.size());
        return traits_type::to_int_type(head[0]);
      }
      if (stage == 1 && body_left > 0) {
        const std::size_t n = std::min(body_left, chunk.size());
        body_left -= n;
        setg(chunk.data(), chunk.data(), chunk.data() + n);
        return traits_type::to_int_type(chunk[0]);
      }
      if (stage <= 1) {
        stage = 2;
        setg(tail.data(), tail.data(), tail.data() + tail.size());
        return traits_type::to_int_type(tail[0]);
      }
      return traits_type::eof();
    }
  } buf;
  buf.head = "MSH|^~\\&|A|B|C|D|20260101||ORU^R01|H|P|2.5\rOBX|1|TX|||";
  buf.body_left = 100u * 1024 * 1024;
  buf.tail = "\r" + kB;
  std::istream in(&buf);
  Splitter splitter(in);
  auto out = collect(splitter);
  ASSERT_EQ(out.errors.size(), 1u);
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0], kB);
}

TEST(Splitter, InMemoryModeGivesViewsIntoTheBuffer) {
  const std::string data = kA + kB;
  Splitter splitter{std::string_view(data)};
  SplitItem item;
  ASSERT_TRUE(splitter.next(item));
  EXPECT_EQ(item.bytes.data(), data.data());
  ASSERT_TRUE(splitter.next(item));
  EXPECT_EQ(item.bytes.data(), data.data() + kA.size());
  EXPECT_FALSE(splitter.next(item));
  EXPECT_EQ(splitter.messageCount(), 2u);
}

TEST(Splitter, SkipsByteOrderMark) {
  auto out = collectStream("\xEF\xBB\xBF" + kA);
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0], kA);
}

TEST(Splitter, EmptyInputYieldsNothing) {
  auto out = collectStream("");
  EXPECT_TRUE(out.messages.empty());
  EXPECT_TRUE(out.errors.empty());
}
