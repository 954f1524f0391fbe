// canonical::DateTime: ISO 8601 text kept inline up to 31 characters, on the heap beyond.

#include "engine/canonical/date_time.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/canonical/clinical.h"

namespace {

using ferry::canonical::DateTime;

constexpr std::string_view kLongestV2Form = "2026-11-20T08:30:15.1234-05:00";  // 30 characters
// A FHIR instant with nanoseconds: longer than the inline buffer.
constexpr std::string_view kNanoseconds = "2026-11-20T08:30:15.123456789-05:00";

// Text of exactly n characters, each position distinct enough to catch a shifted copy.
std::string textOfSize(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += static_cast<char>('0' + i % 10);
  return s;
}

TEST(DateTime, StartsEmpty) {
  const DateTime d;
  EXPECT_TRUE(d.empty());
  EXPECT_EQ(d.size(), 0u);
  EXPECT_EQ(d.view(), "");
  EXPECT_EQ(d, "");
}

TEST(DateTime, KeepsTheLongestFormTheV2ReaderWritesInline) {
  const DateTime d = kLongestV2Form;
  EXPECT_FALSE(d.onHeap());
  EXPECT_EQ(d.view(), kLongestV2Form);
  EXPECT_EQ(d.size(), 30u);
}

TEST(DateTime, KeepsLongerTextWholeOnTheHeap) {
  const DateTime d = kNanoseconds;
  EXPECT_TRUE(d.onHeap());
  EXPECT_EQ(d.view(), kNanoseconds);
  EXPECT_EQ(d.size(), kNanoseconds.size());
}

TEST(DateTime, EverySizeAroundTheInlineCapacityRoundTrips) {
  for (std::size_t n = 0; n <= DateTime::kInlineCapacity + 3; ++n) {
    const std::string text = textOfSize(n);
    const DateTime d = text;
    EXPECT_EQ(d.view(), text) << n;
    EXPECT_EQ(d.size(), n);
    EXPECT_EQ(d.empty(), n == 0);
    EXPECT_EQ(d.onHeap(), n > DateTime::kInlineCapacity) << n;
  }
}

TEST(DateTime, ReassigningMovesBetweenInlineAndHeap) {
  DateTime d = "2026";
  d = kNanoseconds;
  EXPECT_EQ(d, kNanoseconds);
  d = std::string(kNanoseconds) + "0";  // heap to a longer heap text
  EXPECT_EQ(d, std::string(kNanoseconds) + "0");
  d = "1972-03";
  EXPECT_FALSE(d.onHeap());
  EXPECT_EQ(d, "1972-03");
  d.clear();
  EXPECT_TRUE(d.empty());
  EXPECT_FALSE(d.onHeap());
}

TEST(DateTime, AssignsAPartOfItself) {
  DateTime inline_text = kLongestV2Form;
  inline_text = inline_text.view().substr(11, 8);  // overlapping copy inside the buffer
  EXPECT_EQ(inline_text, "08:30:15");
  DateTime heap_text = kNanoseconds;
  heap_text = heap_text.view().substr(0, 10);  // from the heap string it replaces
  EXPECT_EQ(heap_text, "2026-11-20");
  EXPECT_FALSE(heap_text.onHeap());
  DateTime long_part = std::string(kNanoseconds) + "Z";
  long_part = long_part.view().substr(1);  // a long part of its own heap string
  EXPECT_EQ(long_part, std::string(kNanoseconds).substr(1) + "Z");
}

TEST(DateTime, AssignsEveryPartOfItselfAtEveryLengthAndOffset) {
  // Short texts are copied in blocks loaded before they are stored: a part of the text itself,
  // shifted either way, must come out whole.
  const std::string full = textOfSize(DateTime::kInlineCapacity);
  for (std::size_t from = 0; from <= full.size(); ++from) {
    for (std::size_t n = 0; from + n <= full.size(); ++n) {
      DateTime d = full;
      d = d.view().substr(from, n);
      EXPECT_EQ(d.view(), full.substr(from, n)) << from << " " << n;
    }
  }
}

TEST(DateTime, CopiesAreIndependent) {
  for (const std::string_view text : {kLongestV2Form, kNanoseconds}) {
    DateTime original = text;
    DateTime copy = original;
    DateTime assigned;
    assigned = original;
    original = "1999";
    EXPECT_EQ(copy, text);
    EXPECT_EQ(assigned, text);
    EXPECT_EQ(original, "1999");
    const DateTime& same = copy;
    copy = same;  // self-assignment keeps the text
    EXPECT_EQ(copy, text);
  }
}

TEST(DateTime, MovingHandsOverTheTextAndEmptiesTheSource) {
  for (const std::string_view text : {kLongestV2Form, kNanoseconds}) {
    DateTime source = text;
    DateTime moved = std::move(source);
    EXPECT_EQ(moved, text);
    EXPECT_TRUE(source.empty());  // NOLINT: a moved-from DateTime is empty, by design
    DateTime target = kNanoseconds;
    target = std::move(moved);
    EXPECT_EQ(target, text);
  }
}

TEST(DateTime, SurvivesAVectorGrowing) {
  std::vector<DateTime> times;
  for (int i = 0; i < 40; ++i) {
    times.emplace_back(i % 2 == 0 ? std::string(kNanoseconds) + std::to_string(i)
                                  : std::string("2026-01-") + std::to_string(10 + i));
  }
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(times[static_cast<std::size_t>(i)], i % 2 == 0
                                                      ? std::string(kNanoseconds) + std::to_string(i)
                                                      : std::string("2026-01-") + std::to_string(10 + i));
  }
}

TEST(DateTime, ComparesWithTextOfEveryKindAndNeverByPrefix) {
  const DateTime d = "2026-11-20";
  EXPECT_TRUE(d == "2026-11-20");
  EXPECT_TRUE(d == std::string("2026-11-20"));
  EXPECT_TRUE(d == std::string_view("2026-11-20"));
  EXPECT_TRUE(d == DateTime("2026-11-20"));
  EXPECT_FALSE(d == "2026-11-2");
  EXPECT_FALSE(d == "2026-11-200");
  EXPECT_FALSE(DateTime(kNanoseconds) == DateTime(kNanoseconds.substr(0, 31)));
  EXPECT_TRUE(DateTime(kNanoseconds) == DateTime(std::string(kNanoseconds)));
}

TEST(DateTime, PrintsItsText) {
  std::ostringstream out;
  out << DateTime("2026-11-20T08:30") << '|' << DateTime(kNanoseconds);
  EXPECT_EQ(out.str(), "2026-11-20T08:30|" + std::string(kNanoseconds));
}

TEST(DateTime, ModelStructsCompareTheirDatesByText) {
  ferry::canonical::Observation a;
  a.observation_time = kNanoseconds;
  ferry::canonical::Observation b = a;
  EXPECT_EQ(a, b);
  b.observation_time = kNanoseconds.substr(0, 19);
  EXPECT_NE(a, b);
}

}  // namespace

TEST(DateTime, CopyAssignsBetweenInlineAndHeapText) {
  const DateTime short_one("2026-11-20");
  const DateTime long_one(std::string(40, '9'));
  DateTime d("2026-11-20T08:30:15.1234+01:00");
  d = short_one;  // inline over inline
  EXPECT_EQ(d, "2026-11-20");
  EXPECT_FALSE(d.onHeap());
  d = long_one;  // heap over inline
  EXPECT_EQ(d, std::string(40, '9'));
  EXPECT_TRUE(d.onHeap());
  d = short_one;  // inline over heap
  EXPECT_EQ(d, "2026-11-20");
  EXPECT_FALSE(d.onHeap());
  const DateTime copy(d);
  EXPECT_EQ(copy, "2026-11-20");
  EXPECT_EQ(copy.size(), 10u);
}
