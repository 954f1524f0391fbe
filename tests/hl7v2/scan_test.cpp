// The delimiter scans (scan.h) and the composite split built on them (Pieces) read spans of every
// length in blocks of up to 16 bytes, the short last block as two overlapping loads. These tests
// check every length and every delimiter position against a byte-by-byte answer, on spans that
// end exactly at the end of their own heap block, so a read past the span fails under ASan.

#include "parsers/hl7v2/scan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>

#include "parsers/hl7v2/element.h"

using ferry::hl7v2::countChar;
using ferry::hl7v2::Element;
using ferry::hl7v2::EncodingCharacters;
using ferry::hl7v2::findChar;
using ferry::hl7v2::findEither;
using ferry::hl7v2::Pieces;
using ferry::hl7v2::sameBytes;
using ferry::hl7v2::sameLongBytes;

namespace {

// A copy of text in a heap block of exactly its size: nothing readable follows it.
struct ExactBuffer {
  explicit ExactBuffer(std::string_view text)
      : bytes(std::make_unique<char[]>(text.size())), size(text.size()) {
    text.copy(bytes.get(), text.size());
  }
  const char* begin() const { return bytes.get(); }
  const char* end() const { return bytes.get() + size; }
  std::unique_ptr<char[]> bytes;
  std::size_t size;
};

// "abc..." of length n with c written at each position of at (positions past n are ignored).
std::string textWith(std::size_t n, std::initializer_list<std::size_t> at, char c) {
  std::string text;
  for (std::size_t i = 0; i < n; ++i) text += static_cast<char>('a' + i % 26);
  for (std::size_t i : at) {
    if (i < n) text[i] = c;
  }
  return text;
}

constexpr std::size_t kLongest = 40;  // two full blocks and a partial one

}  // namespace

TEST(Scan, FindCharFindsTheFirstMatchAtEveryLengthAndPosition) {
  for (std::size_t n = 0; n <= kLongest; ++n) {
    const ExactBuffer none(textWith(n, {}, '|'));
    EXPECT_EQ(findChar(none.begin(), none.end(), '|'), none.end()) << "length " << n;
    for (std::size_t at = 0; at < n; ++at) {
      const ExactBuffer one(textWith(n, {at, at + 3}, '|'));
      EXPECT_EQ(findChar(one.begin(), one.end(), '|') - one.begin(), static_cast<long>(at))
          << "length " << n << ", position " << at;
    }
  }
}

TEST(Scan, FindEitherStopsAtWhicheverComesFirst) {
  for (std::size_t n = 1; n <= kLongest; ++n) {
    for (std::size_t at = 0; at < n; ++at) {
      std::string text = textWith(n, {at}, '~');
      if (at + 2 < n) text[at + 2] = '^';
      const ExactBuffer buffer(text);
      const char* found = findEither(buffer.begin(), buffer.end(), '^', '~');
      EXPECT_EQ(found - buffer.begin(), static_cast<long>(at)) << "length " << n << ", position " << at;
    }
  }
}

TEST(Scan, CountCharCountsEveryOccurrence) {
  for (std::size_t n = 0; n <= kLongest; ++n) {
    const ExactBuffer buffer(textWith(n, {0, 7, 8, 15, 16, 23, 31, 39}, '~'));
    long expected = 0;
    for (const char* p = buffer.begin(); p != buffer.end(); ++p) expected += *p == '~';
    EXPECT_EQ(countChar(buffer.begin(), buffer.end(), '~'), expected) << "length " << n;
  }
}

TEST(Scan, SameBytesFindsADifferenceAtEveryLengthAndPosition) {
  // sameLongBytes() too, up to past the composite memo's longest key (80 bytes): one block, the
  // first and last 16 bytes together, and the blocks between them.
  for (const auto same : {&sameBytes, &sameLongBytes}) {
    for (std::size_t n = 0; n <= 90; ++n) {
      const ExactBuffer a(textWith(n, {}, '|'));
      const ExactBuffer b(textWith(n, {}, '|'));
      EXPECT_TRUE(same({a.begin(), n}, {b.begin(), n})) << "length " << n;
      for (std::size_t at = 0; at < n; ++at) {
        const ExactBuffer other(textWith(n, {at}, '|'));
        EXPECT_FALSE(same({a.begin(), n}, {other.begin(), n}))
            << "length " << n << ", position " << at;
      }
      if (n > 0) {
        EXPECT_FALSE(same({a.begin(), n}, {b.begin(), n - 1})) << "length " << n;
      }
    }
  }
}

TEST(Scan, MatchesTheDelimiterNulByteOnlyWhereItIs) {
  // A partial block is assembled in a vector register: lanes that hold no byte of the span must
  // never read as a match.
  for (std::size_t n = 1; n <= kLongest; ++n) {
    const ExactBuffer buffer(textWith(n, {}, '\0'));
    EXPECT_EQ(findChar(buffer.begin(), buffer.end(), '\0'), buffer.end()) << "length " << n;
    EXPECT_EQ(countChar(buffer.begin(), buffer.end(), '\0'), 0) << "length " << n;
  }
}

TEST(Scan, PiecesSplitsAFieldAtEveryLengthAndStopsAtTheRepetition) {
  const EncodingCharacters enc;
  for (std::size_t n = 1; n <= kLongest; ++n) {
    for (std::size_t at = 0; at < n; ++at) {
      // Components cut at `at` and at+5; a repetition separator at at+9 ends the first repetition.
      std::string text = textWith(n, {at, at + 5}, '^');
      if (at + 9 < n) text[at + 9] = '~';
      const ExactBuffer buffer(text);
      const std::string_view raw(buffer.begin(), buffer.size);
      const Pieces pieces(Element(raw, &enc, Element::Level::Field));

      const std::string_view first = raw.substr(0, raw.find('~'));
      std::size_t start = 0;
      int index = 1;
      for (std::size_t cut = first.find('^');; cut = first.find('^', start)) {
        const std::size_t length = cut == std::string_view::npos ? cut : cut - start;
        EXPECT_EQ(pieces[index].raw(), first.substr(start, length))
            << "length " << n << ", position " << at << ", piece " << index;
        if (cut == std::string_view::npos) break;
        start = cut + 1;
        ++index;
      }
      EXPECT_EQ(pieces.count(), index) << "length " << n << ", position " << at;
      EXPECT_FALSE(pieces[index + 1].present());
    }
  }
}

TEST(Scan, PiecesOfADenseCompositeAreItsComponentsAroundTheLimitOfTwentyFour) {
  // Pieces keeps 24 pieces and answers for the rest through component()/subcomponent(); blocks
  // whose separators cannot reach 24 are cut without the check, so separators one or two bytes
  // apart (up to 16 in one block) are checked across that limit, at both levels a split has.
  const EncodingCharacters enc;
  for (std::size_t gap = 1; gap <= 3; ++gap) {
    for (std::size_t pieces = 1; pieces <= 40; ++pieces) {
      for (const bool field : {true, false}) {
        const char sep = field ? '^' : '&';
        std::string text;
        for (std::size_t i = 0; i < pieces; ++i) {
          if (i > 0) text += sep;
          text += textWith(gap - 1, {}, sep);
        }
        const ExactBuffer buffer(text);
        const Element composite(std::string_view(buffer.begin(), buffer.size), &enc,
                                field ? Element::Level::Field : Element::Level::Component);
        const Pieces split(composite);
        for (int n = 1; n <= static_cast<int>(pieces) + 1; ++n) {
          const Element expected = field ? composite.component(n) : composite.subcomponent(n);
          EXPECT_EQ(split[n].present(), expected.present())
              << "gap " << gap << ", pieces " << pieces << ", piece " << n;
          EXPECT_EQ(split[n].raw(), expected.raw())
              << "gap " << gap << ", pieces " << pieces << ", piece " << n;
        }
        EXPECT_EQ(split.count(), static_cast<int>(std::min<std::size_t>(pieces, 24)))
            << "gap " << gap << ", pieces " << pieces;
      }
    }
  }
}
