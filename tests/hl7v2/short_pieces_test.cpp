// ShortPieces (short_pieces.h) must give every piece Pieces gives, for each composite it takes:
// fields (read as their first repetition), repetitions and components of 8 to 32 bytes with
// separators, repetitions and subcomponents at every place, and must take no other.
#include "parsers/hl7v2/short_pieces.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parsers/hl7v2/message.h"

using namespace ferry::hl7v2;

namespace short_pieces_test {

// Values of 1 to 40 bytes with one or two delimiters ('^', '~', '&') at every place.
std::vector<std::string> shapes() {
  std::vector<std::string> out;
  for (std::size_t size = 1; size <= 40; ++size) {
    const std::string letters(size, 'a');
    out.push_back(letters);
    for (std::size_t at = 0; at < size; ++at) {
      for (const char first : {'^', '~', '&'}) {
        std::string one = letters;
        one[at] = first;
        out.push_back(one);
        for (const char second : {'^', '~', '&'}) {
          for (const std::size_t gap : {1u, 2u, 7u, 16u}) {
            if (at + gap >= size) continue;
            std::string two = one;
            two[at + gap] = second;
            out.push_back(two);
          }
        }
      }
    }
  }
  return out;
}

void expectPiecesAlike(const Element& composite) {
  if (!ShortPieces::fits(composite)) return;
  const ShortPieces cut(composite);
  const Pieces expected(composite);
  for (int n = 0; n <= 34; ++n) {
    const Element got = cut[n];
    const Element want = expected[n];
    SCOPED_TRACE("'" + std::string(composite.raw()) + "' piece " + std::to_string(n));
    EXPECT_EQ(got.present(), want.present());
    EXPECT_EQ(got.level(), want.level());
    EXPECT_EQ(got.raw(), want.raw());
    EXPECT_EQ(got.raw().data(), want.raw().data());
  }
}

}  // namespace short_pieces_test

TEST(ShortPieces, EveryPieceIsWhatPiecesGivesAtEveryLevel) {
  for (const std::string& value : short_pieces_test::shapes()) {
    const auto message = Message::parse("MSH|^~\\&|A\rZZZ|" + value + "\r");
    ASSERT_TRUE(message) << value;
    const Element field = message->segment(1).field(1);
    short_pieces_test::expectPiecesAlike(field);
    const Element repetition = field.repetition(1);
    short_pieces_test::expectPiecesAlike(repetition);
    short_pieces_test::expectPiecesAlike(repetition.component(1));
    short_pieces_test::expectPiecesAlike(field.repetition(2));
  }
}

TEST(ShortPieces, TakesCompositesOf8To32BytesAboveSubcomponentLevel) {
  const auto message =
      Message::parse("MSH|^~\\&|A\rZZZ|1234567|12345678|" + std::string(32, 'a') + "|" +
                     std::string(33, 'a') + "|abcdefgh&ijklmnop\r");
  ASSERT_TRUE(message);
  const Segment zzz = message->segment(1);
  EXPECT_FALSE(ShortPieces::fits(zzz.field(1)));
  EXPECT_TRUE(ShortPieces::fits(zzz.field(2)));
  EXPECT_TRUE(ShortPieces::fits(zzz.field(3)));
  EXPECT_FALSE(ShortPieces::fits(zzz.field(4)));
  EXPECT_TRUE(ShortPieces::fits(zzz.field(5).component(1)));
  EXPECT_FALSE(ShortPieces::fits(zzz.field(5).component(1).subcomponent(1)));
  EXPECT_FALSE(ShortPieces::fits(Element()));
  EXPECT_FALSE(ShortPieces::fits(message->segment(0).field(2)));  // MSH-2 is a literal
}
