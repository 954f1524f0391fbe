#include "parsers/hl7v2/encoding_characters.h"

#include <gtest/gtest.h>

using ferry::hl7v2::EncodingCharacters;

TEST(EncodingCharacters, ReadsStandardDelimiters) {
  auto enc = EncodingCharacters::fromHeader("MSH|^~\\&|APP");
  ASSERT_TRUE(enc);
  EXPECT_EQ(enc->field, '|');
  EXPECT_EQ(enc->component, '^');
  EXPECT_EQ(enc->repetition, '~');
  EXPECT_EQ(enc->escape, '\\');
  EXPECT_EQ(enc->subcomponent, '&');
  EXPECT_EQ(enc->truncation, '\0');
  EXPECT_EQ(enc->msh2(), "^~\\&");
}

TEST(EncodingCharacters, ReadsFifthTruncationCharacter) {
  auto enc = EncodingCharacters::fromHeader("MSH|^~\\&#|APP");
  ASSERT_TRUE(enc);
  EXPECT_EQ(enc->truncation, '#');
  EXPECT_EQ(enc->msh2(), "^~\\&#");
}

TEST(EncodingCharacters, AcceptsUnusualDelimiters) {
  auto enc = EncodingCharacters::fromHeader("MSH*:+?$*APP");
  ASSERT_TRUE(enc);
  EXPECT_EQ(enc->field, '*');
  EXPECT_EQ(enc->component, ':');
  EXPECT_EQ(enc->repetition, '+');
  EXPECT_EQ(enc->escape, '?');
  EXPECT_EQ(enc->subcomponent, '$');
}

TEST(EncodingCharacters, RejectsTruncatedHeader) {
  auto enc = EncodingCharacters::fromHeader("MSH|^~");
  ASSERT_FALSE(enc);
  EXPECT_EQ(enc.error().segment, "MSH");
  EXPECT_NE(enc.error().text.find("truncated"), std::string::npos);
}

TEST(EncodingCharacters, RejectsDuplicateDelimiter) {
  auto enc = EncodingCharacters::fromHeader("MSH|^^\\&|APP");
  ASSERT_FALSE(enc);
  EXPECT_EQ(enc.error().field, 2);
  EXPECT_NE(enc.error().text.find("used twice"), std::string::npos);
}

TEST(EncodingCharacters, RejectsWrongNumberOfEncodingCharacters) {
  auto enc = EncodingCharacters::fromHeader("MSH|^~\\&#!|APP");
  ASSERT_FALSE(enc);
  EXPECT_NE(enc.error().text.find("found 6"), std::string::npos);
}

TEST(EncodingCharacters, RejectsLetterAsDelimiter) {
  auto enc = EncodingCharacters::fromHeader("MSH|A~\\&|APP");
  ASSERT_FALSE(enc);
  EXPECT_NE(enc.error().text.find("letter or digit"), std::string::npos);
}

TEST(EncodingCharacters, RejectsControlByteAsDelimiter) {
  auto enc = EncodingCharacters::fromHeader(std::string("MSH|^~\\\x01|APP", 13));
  ASSERT_FALSE(enc);
  EXPECT_NE(enc.error().text.find("printable"), std::string::npos);
}
