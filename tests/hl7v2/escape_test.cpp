#include "parsers/hl7v2/escape.h"

#include <gtest/gtest.h>

using ferry::hl7v2::EncodingCharacters;
using ferry::hl7v2::escape;
using ferry::hl7v2::unescape;

namespace {
const EncodingCharacters kStandard{};
EncodingCharacters withTruncation() {
  EncodingCharacters enc;
  enc.truncation = '#';
  return enc;
}
}  // namespace

TEST(Escape, DecodesDelimiterEscapes) {
  EXPECT_EQ(unescape("a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f", kStandard), "a|b^c&d~e\\f");
}

TEST(Escape, DecodesSampleCommentText) {
  EXPECT_EQ(unescape("Fasting specimen \\T\\ verified by tech \\F\\ 2nd draw", kStandard),
            "Fasting specimen & verified by tech | 2nd draw");
}

TEST(Escape, DecodesTruncationEscapeOnlyWhenDeclared) {
  EXPECT_EQ(unescape("a\\P\\b", withTruncation()), "a#b");
  EXPECT_EQ(unescape("a\\P\\b", kStandard), "a\\P\\b");
}

TEST(Escape, DecodesHexadecimalData) {
  EXPECT_EQ(unescape("x\\X0D0A\\y", kStandard), "x\r\ny");
  EXPECT_EQ(unescape("\\X41424344\\", kStandard), "ABCD");
}

TEST(Escape, KeepsMalformedHexVerbatim) {
  EXPECT_EQ(unescape("\\X4\\", kStandard), "\\X4\\");
  EXPECT_EQ(unescape("\\XZZ\\", kStandard), "\\XZZ\\");
}

TEST(Escape, DecodesLineBreakFormattingEscape) {
  EXPECT_EQ(unescape("line one\\.br\\line two", kStandard), "line one\nline two");
}

TEST(Escape, KeepsOtherFormattingEscapesVerbatim) {
  EXPECT_EQ(unescape("\\H\\bold\\N\\ \\.sp2\\ \\.in+4\\", kStandard),
            "\\H\\bold\\N\\ \\.sp2\\ \\.in+4\\");
}

TEST(Escape, PassesCharacterSetEscapesThrough) {
  EXPECT_EQ(unescape("\\C2842\\abc\\C2B42\\", kStandard), "\\C2842\\abc\\C2B42\\");
  EXPECT_EQ(unescape("\\M2442\\", kStandard), "\\M2442\\");
}

TEST(Escape, KeepsUnknownEscape) {
  EXPECT_EQ(unescape("a\\Q\\b", kStandard), "a\\Q\\b");
  EXPECT_EQ(unescape("\\Zlocal\\", kStandard), "\\Zlocal\\");
}

TEST(Escape, KeepsUnterminatedEscape) {
  EXPECT_EQ(unescape("price \\F", kStandard), "price \\F");
}

TEST(Escape, EncodesEveryDelimiter) {
  EXPECT_EQ(escape("a|b^c&d~e\\f", kStandard), "a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f");
  EXPECT_EQ(escape("x#y", withTruncation()), "x\\P\\y");
  EXPECT_EQ(escape("l1\nl2\r", kStandard), "l1\\.br\\l2\\X0D\\");
}

TEST(Escape, EncodeThenDecodeGivesOriginal) {
  const std::string text = "Na+ | K+ ^ Cl- & HCO3 ~ \\ done\nnext";
  EXPECT_EQ(unescape(escape(text, kStandard), kStandard), text);
}

TEST(Escape, UsesTheMessagesOwnEscapeCharacter) {
  EncodingCharacters enc;
  enc.escape = '?';
  EXPECT_EQ(unescape("a?F?b", enc), "a|b");
  EXPECT_EQ(escape("a|b", enc), "a?F?b");
}

TEST(Escape, AppendsDecodedTextAfterWhatTheStringHolds) {
  std::string out = "note: ";
  ferry::hl7v2::appendUnescaped("a\\F\\b", kStandard, out);
  EXPECT_EQ(out, "note: a|b");
  ferry::hl7v2::appendUnescaped(" plain", kStandard, out);
  EXPECT_EQ(out, "note: a|b plain");
}

TEST(Escape, DecodesLongTextWithEscapesAtBothEnds) {
  // Spans of 16 bytes and more between the escapes, and escapes first and last.
  EXPECT_EQ(unescape("\\S\\Result reviewed by the laboratory \\E\\ repeat in three months\\T\\",
                     kStandard),
            "^Result reviewed by the laboratory \\ repeat in three months&");
}

TEST(Escape, DecodesAdjacentSequencesAndKeepsAnEmptyOne) {
  EXPECT_EQ(unescape("\\F\\\\S\\\\R\\", kStandard), "|^~");
  EXPECT_EQ(unescape("a\\\\b", kStandard), "a\\\\b");
}

TEST(Escape, KeepsUnterminatedEscapeAfterDecodedOnes) {
  EXPECT_EQ(unescape("\\T\\ then \\X41\\ and a long unterminated tail \\F", kStandard),
            "& then A and a long unterminated tail \\F");
}
