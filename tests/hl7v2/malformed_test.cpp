// Malformed input must give a specific error value, never a crash or an unbounded allocation.
#include <gtest/gtest.h>

#include <random>

#include "parsers/hl7v2/message.h"
#include "parsers/hl7v2/splitter.h"

using namespace ferry::hl7v2;

TEST(Malformed, MissingMshIsReportedAtByteZero) {
  auto m = Message::parse("PID|1||X\r");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().offset, 0u);
  EXPECT_EQ(m.error().segment, "MSH");
  EXPECT_NE(m.error().text.find("must start with an MSH"), std::string::npos);
}

TEST(Malformed, EmptyInput) {
  auto m = Message::parse("");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, ErrorCode::SegmentSequence);
}

TEST(Malformed, TruncatedHeader) {
  auto m = Message::parse("MSH|^~");
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().text.find("truncated"), std::string::npos);
}

TEST(Malformed, BadSegmentIdGivesSegmentNumberAndOffset) {
  const std::string bytes = "MSH|^~\\&|A|B|C|D|2026||ADT^A01|1|P|2.5\rPID|1\rpv1|x\r";
  auto m = Message::parse(bytes);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().offset, bytes.find("pv1"));
  EXPECT_NE(m.error().text.find("segment 3"), std::string::npos);
}

TEST(Malformed, BinaryGarbageNeverCrashes) {
  std::mt19937 rng(42);
  for (int round = 0; round < 2000; ++round) {
    std::string bytes(static_cast<std::size_t>(rng() % 512), '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    if (round % 2 == 0) bytes.replace(0, std::min<std::size_t>(bytes.size(), 8), "MSH|^~\\&");
    auto m = Message::parse(bytes);
    if (m) {
      // Whatever parsed must be readable everywhere without crashing.
      for (std::size_t i = 0; i < m->segmentCount(); ++i) {
        for (int f = 1; f <= m->segment(i).fieldCount() + 1; ++f) (void)m->segment(i).field(f).text();
      }
    } else {
      EXPECT_FALSE(m.error().text.empty());
    }
    Splitter splitter{std::string_view(bytes)};
    SplitItem item;
    for (int guard = 0; guard < 10000 && splitter.next(item); ++guard) {
    }
  }
}

TEST(Malformed, MessageOverLimitIsRefusedBeforeIndexing) {
  Limits limits;
  limits.max_message_bytes = 64;
  auto m = Message::parse("MSH|^~\\&|A|B|C|D|2026||ADT^A01|1|P|2.5\rPID|1||" + std::string(100, 'x'),
                          limits);
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().text.find("more than the limit of 64"), std::string::npos);
}

TEST(Malformed, SegmentOverLimit) {
  Limits limits;
  limits.max_segment_bytes = 50;
  auto m = Message::parse("MSH|^~\\&|A|B|C|D|2026||ADT^A01|1|P|2.5\rNTE|1||" + std::string(100, 'x'),
                          limits);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().segment, "NTE");
  EXPECT_EQ(m.error().segment_sequence, 2);
}

TEST(Malformed, TooManySegmentsAndFields) {
  Limits limits;
  limits.max_segments = 3;
  std::string many = "MSH|^~\\&|A|B|C|D|2026||ADT^A01|1|P|2.5\r";
  for (int i = 0; i < 5; ++i) many += "NTE|1\r";
  auto m = Message::parse(many, limits);
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().text.find("more than 3 segments"), std::string::npos);
  Limits narrow;
  narrow.max_fields_per_segment = 10;
  auto wide = Message::parse("MSH|^~\\&|A\rNTE" + std::string(20, '|') + "\r", narrow);
  ASSERT_FALSE(wide);
  EXPECT_NE(wide.error().text.find("fields, more than the limit of 10"), std::string::npos);
}

TEST(Malformed, ErrorDescriptionNamesLocation) {
  Error e;
  e.segment = "OBX";
  e.segment_sequence = 5;
  e.field = 2;
  e.offset = 812;
  e.text = "expected a data type";
  EXPECT_EQ(e.describe(), "segment OBX (#5), field 2, byte 812: expected a data type");
}
