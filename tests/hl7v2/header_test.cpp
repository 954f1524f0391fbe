#include "parsers/hl7v2/header.h"

#include <gtest/gtest.h>

#include <string>

using namespace ferry::hl7v2;

namespace {
std::vector<Error> check(const std::string& msh, HeaderFacts& facts) {
  auto m = Message::parse(msh + "\r");
  EXPECT_TRUE(m) << (m ? "" : m.error().describe());
  return checkHeader(*m, facts);
}
}  // namespace

TEST(Header, AcceptsEveryVersionFrom21To28) {
  for (const char* v : {"2.1", "2.2", "2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7",
                        "2.7.1", "2.8", "2.8.1", "2.8.2"}) {
    HeaderFacts facts;
    auto errors = check(std::string("MSH|^~\\&|A|B|C|D|2026||ADT^A01|1|P|") + v, facts);
    EXPECT_TRUE(errors.empty()) << v;
    EXPECT_EQ(facts.version, v);
  }
}

TEST(Header, RejectsUnknownVersionWithCode203) {
  HeaderFacts facts;
  auto errors = check("MSH|^~\\&|A|B|C|D|2026||ADT^A01|1|P|3.0", facts);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, ErrorCode::UnsupportedVersionId);
  EXPECT_EQ(errors[0].field, 12);
}

TEST(Header, ReportsEveryMissingRequiredField) {
  HeaderFacts facts;
  auto errors = check("MSH|^~\\&|A|B|C|D|2026", facts);
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0].field, 9);
  EXPECT_EQ(errors[1].field, 10);
  EXPECT_EQ(errors[2].field, 11);
  EXPECT_EQ(errors[3].field, 12);
  for (const auto& e : errors) EXPECT_EQ(e.code, ErrorCode::RequiredFieldMissing);
}

TEST(Header, ErrorsNameTheByteWhereTheFieldIsOrWouldBe) {
  HeaderFacts facts;
  const std::string msh = "MSH|^~\\&|A|B|C|D|2026||ADT^A01||P|3.0";
  auto errors = check(msh, facts);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].field, 10);
  EXPECT_EQ(errors[0].offset, msh.find("||P|") + 1);  // the empty MSH-10, between the bars
  EXPECT_EQ(errors[1].field, 12);
  EXPECT_EQ(errors[1].offset, msh.find("3.0"));
  auto missing = check("MSH|^~\\&|A|B|C|D|2026||ADT^A01", facts);
  ASSERT_FALSE(missing.empty());
  EXPECT_EQ(missing[0].field, 10);
  EXPECT_EQ(missing[0].offset, std::string("MSH|^~\\&|A|B|C|D|2026||ADT^A01").size()) << "the end of MSH";
}

TEST(Header, RecordsCharacterSets) {
  HeaderFacts facts;
  EXPECT_TRUE(check("MSH|^~\\&|A|B|C|D|2026||ADT^A01|1|P|2.5||||||8859/1", facts).empty());
  EXPECT_EQ(facts.charset, CharacterSet::Latin1);
  EXPECT_TRUE(check("MSH|^~\\&|A|B|C|D|2026||ADT^A01|1|P|2.5||||||UNICODE UTF-8", facts).empty());
  EXPECT_EQ(facts.charset, CharacterSet::Utf8);
  EXPECT_EQ(facts.charset_name, "UNICODE UTF-8");
  EXPECT_TRUE(check("MSH|^~\\&|A|B|C|D|2026||ADT^A01|1|P|2.5||||||ASCII", facts).empty());
  EXPECT_EQ(facts.charset, CharacterSet::Ascii);
  auto errors = check("MSH|^~\\&|A|B|C|D|2026||ADT^A01|1|P|2.5||||||ISO IR87", facts);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, 18);
}

TEST(Header, WidensLatin1ToUtf8) {
  EXPECT_EQ(toUtf8("M\xfcller", CharacterSet::Latin1), "M\xc3\xbcller");
  EXPECT_EQ(toUtf8("M\xc3\xbcller", CharacterSet::Utf8), "M\xc3\xbcller");
}

TEST(Header, DetectsEnhancedAcknowledgmentMode) {
  HeaderFacts facts;
  check("MSH|^~\\&|A|B|C|D|2026||ORU^R01|1|P|2.5.1|||AL|NE", facts);
  EXPECT_TRUE(facts.enhanced_mode);
  check("MSH|^~\\&|A|B|C|D|2026||ORU^R01|1|P|2.5.1", facts);
  EXPECT_FALSE(facts.enhanced_mode);
}

// MSH-15 and MSH-16 count by their first repetition, as MSH-n is read everywhere.
TEST(Header, EnhancedModeNeedsAValuedFirstRepetition) {
  HeaderFacts facts;
  check("MSH|^~\\&|A|B|C|D|2026||ORU^R01|1|P|2.5.1|||~AL|~NE", facts);
  EXPECT_FALSE(facts.enhanced_mode);
  check("MSH|^~\\&|A|B|C|D|2026||ORU^R01|1|P|2.5.1|||AL~", facts);
  EXPECT_TRUE(facts.enhanced_mode);
  check("MSH|^~\\&|A|B|C|D|2026||ORU^R01|1|P|2.5.1||||~NE~", facts);
  EXPECT_FALSE(facts.enhanced_mode);
  check("MSH|^~\\&|A|B|C|D|2026||ORU^R01|1|P|2.5.1||||NE", facts);
  EXPECT_TRUE(facts.enhanced_mode);
}

// Short text (a version, a character set) takes a shorter path than long text, to the same end.
TEST(Header, WidensShortAndLongTextAlike) {
  EXPECT_EQ(toUtf8("2.5.1", CharacterSet::Utf8), "2.5.1");
  EXPECT_EQ(toUtf8("", CharacterSet::Ascii), "");
  EXPECT_EQ(toUtf8("\xe9", CharacterSet::Utf8), "\xc3\xa9");
  EXPECT_EQ(toUtf8("\xe9", CharacterSet::Latin1), "\xc3\xa9");
  EXPECT_EQ(toUtf8("\xc3\xa9", CharacterSet::Utf8), "\xc3\xa9");
  EXPECT_EQ(toUtf8("0123456789abcde\xe9", CharacterSet::Ascii), "0123456789abcde\xc3\xa9");
  EXPECT_EQ(toUtf8("0123456789abcdef\xe9", CharacterSet::Ascii), "0123456789abcdef\xc3\xa9");
  EXPECT_EQ(toUtf8("0123456789abcdef", CharacterSet::Utf8), "0123456789abcdef");
  EXPECT_EQ(toUtf8("0123456789abcdefg", CharacterSet::Utf8), "0123456789abcdefg");
  EXPECT_EQ(toUtf8("UNICODE UTF-8", CharacterSet::Latin1), "UNICODE UTF-8");
}

TEST(Header, ComparesVersionsNumerically) {
  EXPECT_TRUE(versionAtLeast("2.5.1", "2.5"));
  EXPECT_TRUE(versionAtLeast("2.10", "2.9"));
  EXPECT_FALSE(versionAtLeast("2.3.1", "2.4"));
  EXPECT_FALSE(versionAtLeast("2.4", "2.5"));
  EXPECT_TRUE(versionAtLeast("99999999999999999999", "2.5"));  // no overflow
  // Bytes that are not digits count for nothing: a run of them below '0' overflowed downwards
  // (UBSan, found by fuzzing an MSH-12 of 0xFF bytes).
  EXPECT_FALSE(versionAtLeast("0\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF.5", "2.3"));
  EXPECT_TRUE(versionAtLeast("2\x01.5", "2.5"));
}

// An MSH-12 that is no version gets no implied trigger event, whatever its bytes.
TEST(Header, NoImpliedEventForAVersionThatIsNone) {
  auto m = Message::parse("MSH|^~\\&|A|B|C|D|2026||ORU|1|P|0\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF.5\r");
  ASSERT_TRUE(m);
  EXPECT_EQ(triggerEvent(*m, "0\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF.5"), "");
  EXPECT_EQ(triggerEvent(*m, "2.2"), "R01");
}

// holdsEscapeOrNonAscii() reads 32 bytes at a time, the last 16 again, and short text byte by
// byte: the escape character or a byte >= 0x80 at every position of text of every length up to
// three blocks is found, and text of neither is clear.
TEST(Header, HoldsEscapeOrNonAsciiFindsEitherAtEveryLengthAndPosition) {
  for (std::size_t n = 0; n <= 96; ++n) {
    const std::string ascii(n, 'a');
    EXPECT_FALSE(holdsEscapeOrNonAscii(ascii, '\\')) << n;
    for (std::size_t at = 0; at < n; ++at) {
      std::string escaped = ascii;
      escaped[at] = '\\';
      EXPECT_TRUE(holdsEscapeOrNonAscii(escaped, '\\')) << n << " " << at;
      EXPECT_FALSE(holdsEscapeOrNonAscii(escaped, '#')) << n << " " << at;
      std::string high = ascii;
      high[at] = '\xE9';
      EXPECT_TRUE(holdsEscapeOrNonAscii(high, '\\')) << n << " " << at;
    }
  }
}

// isUtf8() tests ASCII text 32 bytes at a time before the UTF-8 scan: a byte >= 0x80 at every
// position of text of every length up to three blocks, alone (not UTF-8) and as a two-byte
// sequence (UTF-8), gives the scan's own answer.
TEST(Header, IsUtf8AgreesWithTheScanAtEveryLengthAndPosition) {
  for (std::size_t n = 0; n <= 96; ++n) {
    const std::string ascii(n, 'a');
    EXPECT_TRUE(isUtf8(ascii)) << n;
    for (std::size_t at = 0; at < n; ++at) {
      std::string lone = ascii;
      lone[at] = '\xE9';
      EXPECT_FALSE(isUtf8(lone)) << n << " " << at;
      if (at + 1 < n) {
        std::string pair = lone;
        pair[at] = '\xC3';
        pair[at + 1] = '\xA9';
        EXPECT_TRUE(isUtf8(pair)) << n << " " << at;
      }
    }
  }
}

// assignUtf8() leaves text out already holds as it is, except where Latin-1 widens it.
TEST(Header, AssignUtf8OverTheSameTextGivesToUtf8sAnswer) {
  const std::string texts[] = {"", "2.5.1", "UNICODE UTF-8", "caf\xC3\xA9", std::string(40, 'x')};
  for (const CharacterSet charset :
       {CharacterSet::Ascii, CharacterSet::Utf8, CharacterSet::Latin1}) {
    for (const std::string& text : texts) {
      std::string same = text;
      assignUtf8(text, charset, same);
      EXPECT_EQ(same, toUtf8(text, charset)) << text;
      std::string other = "2.4";
      assignUtf8(text, charset, other);
      EXPECT_EQ(other, toUtf8(text, charset)) << text;
    }
  }
}

// checkHeader() takes segment 0 without a search when it is the MSH, as in every parsed message;
// otherwise the first MSH found, or none: a message without segments reads every field absent,
// and one edited into a PID followed by an MSH is checked on that MSH.
TEST(Header, ChecksTheFirstMshWhereverItIs) {
  Message empty;
  HeaderFacts facts;
  const auto none = checkHeader(empty, facts);
  ASSERT_EQ(none.size(), 4u);
  for (std::size_t i = 0; i < none.size(); ++i) {
    EXPECT_EQ(none[i].field, static_cast<int>(9 + i));
    EXPECT_EQ(none[i].offset, 0u);
  }
  Message edited;
  ASSERT_TRUE(edited.setEncoded(*Path::parse("PID-1"), "1"));
  ASSERT_TRUE(edited.setEncoded(*Path::parse("MSH-10"), "CTRL"));
  ASSERT_EQ(edited.segment(1).id(), "MSH");
  const auto errors = checkHeader(edited, facts);
  ASSERT_EQ(errors.size(), 3u);  // MSH-9, MSH-11 and MSH-12; MSH-10 is read from segment 2
  EXPECT_EQ(errors[0].field, 9);
  EXPECT_EQ(errors[1].field, 11);
  EXPECT_EQ(errors[2].field, 12);
}

TEST(Header, ChecksTheDecodedValuesWhenAnyHoldsAnEscape) {
  // One scan tells a header whose MSH-9 to MSH-18 hold no escape character: its values are
  // checked as written. One with an escape anywhere there has each value decoded first.
  HeaderFacts facts;
  auto errors = check("MSH|^~\\&|A|B|C|D|2026||ADT^A01|\\F\\|\\T\\|2.5\\E\\", facts);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].code, ErrorCode::UnsupportedProcessingId);
  EXPECT_EQ(errors[1].code, ErrorCode::UnsupportedVersionId);
  EXPECT_EQ(facts.version, "2.5\\");
  EXPECT_TRUE(check("MSH|^~\\&|A|B|C|D|2026||ADT^A01|1|P|2.5||||||\\X41\\SCII", facts).empty());
  EXPECT_EQ(facts.charset, CharacterSet::Ascii);
  EXPECT_EQ(facts.charset_name, "ASCII");
  // An escape before MSH-9 or after MSH-18 leaves the checked values as written.
  errors = check("MSH|^~\\&|\\F\\|B|C|D|2026||ADT^A01|1|P|2.5|||||||\\T\\", facts);
  EXPECT_TRUE(errors.empty());
}
