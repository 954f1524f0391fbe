#include <gtest/gtest.h>

#include "parsers/hl7v2/message.h"
#include "tests/support/files.h"
#include "tests/support/parsed_message.h"

using ferry::hl7v2::Message;
using ferry::hl7v2::Path;
using ferry::test::parsed;

namespace {
const std::string kAdt = "MSH|^~\\&|A|B|C|D|20260101||ADT^A08|1|P|2.5\rPID|1||ID1||Doe^Jane\r";

}  // namespace

TEST(MessageEditor, SetsAndEscapesAValue) {
  Message m = parsed(kAdt);
  ASSERT_TRUE(m.set(*Path::parse("PID-5.1"), "O'Neil & Sons|Ltd"));
  EXPECT_EQ(m.bytes(), "MSH|^~\\&|A|B|C|D|20260101||ADT^A08|1|P|2.5\r"
                       "PID|1||ID1||O'Neil \\T\\ Sons\\F\\Ltd^Jane\r");
  EXPECT_EQ(m.get("PID-5.1"), "O'Neil & Sons|Ltd");
}

TEST(MessageEditor, CreatesMissingFieldsComponentsAndRepetitions) {
  Message m = parsed(kAdt);
  ASSERT_TRUE(m.set(*Path::parse("PID-8"), "F"));
  ASSERT_TRUE(m.set(*Path::parse("PID-3[2].4.2"), "X"));
  EXPECT_EQ(m.segment(1).raw(), "PID|1||ID1~^^^&X||Doe^Jane|||F");
  EXPECT_EQ(m.get("PID-8"), "F");
  EXPECT_EQ(m.get("PID-3[2].4.2"), "X");
  EXPECT_EQ(m.get("PID-3[1]"), "ID1");
}

TEST(MessageEditor, AppendsAMissingSegment) {
  Message m = parsed(kAdt);
  ASSERT_TRUE(m.set(*Path::parse("ZPV-2"), "VIP"));
  EXPECT_EQ(m.bytes(), kAdt + "ZPV||VIP\r");
}

TEST(MessageEditor, SetsHeaderFieldsByStandardNumber) {
  Message m = parsed(kAdt);
  ASSERT_TRUE(m.set(*Path::parse("MSH-3"), "FERRY"));
  EXPECT_EQ(m.bytes().substr(0, 16), "MSH|^~\\&|FERRY|B");
}

TEST(MessageEditor, RefusesToSetDelimiterFields) {
  Message m = parsed(kAdt);
  auto r = m.set(*Path::parse("MSH-2"), "^~\\&#");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text.find("delimiters"), std::string::npos);
  EXPECT_EQ(m.bytes(), kAdt);
}

TEST(MessageEditor, SetEncodedKeepsComposite) {
  Message m = parsed(kAdt);
  ASSERT_TRUE(m.setEncoded(*Path::parse("PID-5"), "Roe^Richard^Q"));
  EXPECT_EQ(m.get("PID-5.3"), "Q");
  EXPECT_FALSE(m.setEncoded(*Path::parse("PID-5"), "a\rb"));
}

TEST(MessageEditor, UnchangedFieldsKeepTheirBytes) {
  const std::string original = ferry::test::sample("hl7v2/oru_r01_lab_result.hl7");
  Message m = parsed(original);
  ASSERT_TRUE(m.set(*Path::parse("OBX[2]-5"), "8.2"));
  std::string expected = original;
  expected.replace(expected.find("|8.1|"), 5, "|8.2|");
  EXPECT_EQ(m.bytes(), expected);
}

// A failed edit leaves the message as it was: the same bytes and the same index, so a mapping
// that goes on after a refused edit reads and writes the message it had.

namespace {

using ferry::hl7v2::Limits;

Message parsedWith(const std::string& bytes, const Limits& limits) {
  auto m = Message::parse(bytes, limits);
  if (!m) {
    ADD_FAILURE() << m.error().describe();
    return {};
  }
  return std::move(*m);
}

// Everything a reader of the message can see through its index.
void expectSameMessage(const Message& m, const Message& before) {
  EXPECT_EQ(m.bytes(), before.bytes());
  ASSERT_EQ(m.segmentCount(), before.segmentCount());
  for (std::size_t i = 0; i < m.segmentCount(); ++i) {
    EXPECT_EQ(m.segment(i).raw(), before.segment(i).raw()) << "segment " << i;
    EXPECT_EQ(m.segment(i).fieldCount(), before.segment(i).fieldCount()) << "segment " << i;
    EXPECT_EQ(m.segment(i).needsDecoding(), before.segment(i).needsDecoding()) << "segment " << i;
    for (int f = 1; f <= m.segment(i).fieldCount(); ++f) {
      EXPECT_EQ(m.segment(i).field(f).raw(), before.segment(i).field(f).raw())
          << "segment " << i << " field " << f;
    }
  }
}

// The error index() gives for the message the edit would have made.
ferry::hl7v2::Error parseError(const std::string& bytes, const Limits& limits) {
  auto m = Message::parse(bytes, limits);
  EXPECT_FALSE(m) << "the edited message was expected not to parse";
  return m ? ferry::hl7v2::Error{} : m.error();
}

void expectSameError(const ferry::hl7v2::Error& a, const ferry::hl7v2::Error& b) {
  EXPECT_EQ(a.code, b.code);
  EXPECT_EQ(a.segment, b.segment);
  EXPECT_EQ(a.segment_sequence, b.segment_sequence);
  EXPECT_EQ(a.field, b.field);
  EXPECT_EQ(a.offset, b.offset);
  EXPECT_EQ(a.text, b.text);
}

}  // namespace

TEST(MessageEditor, AnEditThatMakesASegmentTooLongLeavesTheMessageAsItWas) {
  Limits limits;
  limits.max_segment_bytes = 48;
  Message m = parsedWith(kAdt, limits);
  const Message before = m;
  auto r = m.set(*Path::parse("PID-5.1"), "Abcdefghijklmnopqrstuvwxyz-Abcdefghijklm");
  ASSERT_FALSE(r);
  expectSameError(r.error(),
                  parseError("MSH|^~\\&|A|B|C|D|20260101||ADT^A08|1|P|2.5\r"
                             "PID|1||ID1||Abcdefghijklmnopqrstuvwxyz-Abcdefghijklm^Jane\r",
                             limits));
  expectSameMessage(m, before);
  EXPECT_EQ(m.get("PID-5.1"), "Doe");
  // And the message can still be edited within the limits.
  ASSERT_TRUE(m.set(*Path::parse("PID-5.1"), "Roe"));
  EXPECT_EQ(m.segment(1).raw(), "PID|1||ID1||Roe^Jane");
}

TEST(MessageEditor, AnEditThatAddsTooManyFieldsLeavesTheMessageAsItWas) {
  Limits limits;
  limits.max_fields_per_segment = 11;  // MSH has 11 field separators
  Message m = parsedWith(kAdt, limits);
  const Message before = m;
  auto r = m.set(*Path::parse("PID-12"), "X");
  ASSERT_FALSE(r);
  expectSameError(r.error(), parseError("MSH|^~\\&|A|B|C|D|20260101||ADT^A08|1|P|2.5\r"
                                        "PID|1||ID1||Doe^Jane|||||||X\r",
                                        limits));
  expectSameMessage(m, before);
}

TEST(MessageEditor, AnAppendedSegmentOverTheSegmentLimitLeavesTheMessageAsItWas) {
  Limits limits;
  limits.max_segments = 2;
  // No terminator after the last segment: an append would add one first.
  const std::string unterminated = kAdt.substr(0, kAdt.size() - 1);
  Message m = parsedWith(unterminated, limits);
  const Message before = m;
  auto r = m.set(*Path::parse("ZPV-2"), "VIP");
  ASSERT_FALSE(r);
  expectSameError(r.error(), parseError(kAdt + "ZPV||VIP\r", limits));
  expectSameMessage(m, before);
  EXPECT_EQ(m.bytes(), unterminated);
}

TEST(MessageEditor, AnAppendedSegmentWithABadIdLeavesTheMessageAsItWas) {
  // Path::parse takes only 3-character ids; a Path built in code may hold anything.
  Message m = parsed(kAdt);
  const Message before = m;
  Path path;
  path.segment = "zp";
  path.field = 1;
  auto r = m.set(path, "X");
  ASSERT_FALSE(r);
  expectSameError(r.error(), parseError(kAdt + "zp|X\r", Limits{}));
  expectSameMessage(m, before);
}

TEST(MessageEditor, AnEditOverTheMessageSizeLimitLeavesTheMessageAsItWas) {
  Limits limits;
  limits.max_message_bytes = kAdt.size() + 4;
  Message m = parsedWith(kAdt, limits);
  const Message before = m;
  auto r = m.set(*Path::parse("PID-5.1"), "Doe-Roe-Smith");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().text, "the edited message would exceed the message size limit");
  EXPECT_EQ(r.error().segment, "PID");
  EXPECT_EQ(r.error().field, 5);
  expectSameMessage(m, before);
}
