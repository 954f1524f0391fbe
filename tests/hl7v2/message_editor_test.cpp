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
