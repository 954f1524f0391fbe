// Repetitions (repetitions.h) yields what repetition(r) for r = 1..repetitionCount() yields.
#include "parsers/hl7v2/repetitions.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parsers/hl7v2/message.h"
#include "tests/support/parsed_message.h"

using namespace ferry;
using ferry::test::parsed;

namespace {

struct Seen {
  std::vector<std::string> raw;
  std::vector<bool> present;
};

Seen walk(const hl7v2::Element& field) {
  Seen seen;
  for (const hl7v2::Element repetition : hl7v2::Repetitions(field)) {
    seen.raw.emplace_back(repetition.raw());
    seen.present.push_back(repetition.present());
  }
  return seen;
}

// The same sequence read the slow way, for comparison.
Seen byIndex(const hl7v2::Element& field) {
  Seen seen;
  for (int r = 1, count = field.repetitionCount(); r <= count; ++r) {
    const hl7v2::Element repetition = field.repetition(r);
    seen.raw.emplace_back(repetition.raw());
    seen.present.push_back(repetition.present());
  }
  return seen;
}

}  // namespace

TEST(Repetitions, YieldsEachRepetitionOfAFieldInOrder) {
  const auto message = parsed("MSH|^~\\&|A\rOBX|1|H~L^x~~A\r");
  const Seen seen = walk(message.segment(1).field(2));
  EXPECT_EQ(seen.raw, (std::vector<std::string>{"H", "L^x", "", "A"}));
  EXPECT_EQ(seen.present, (std::vector<bool>{true, true, true, true}));
}

TEST(Repetitions, YieldsWhatRepetitionByIndexYields) {
  const auto message = parsed(
      "MSH|^~\\&|A\rOBX|1|H~L^x~~A|~|~~~~|one|^a&b~c|" + std::string(70, 'z') + "~y\r");
  const hl7v2::Segment obx = message.segment(1);
  for (int field = 1; field <= obx.fieldCount() + 1; ++field) {
    const Seen fast = walk(obx.field(field));
    const Seen slow = byIndex(obx.field(field));
    EXPECT_EQ(fast.raw, slow.raw) << "field " << field;
    EXPECT_EQ(fast.present, slow.present) << "field " << field;
  }
}

TEST(Repetitions, YieldsNothingForAnEmptyOrAbsentField) {
  const auto message = parsed("MSH|^~\\&|A\rOBX|1||x\r");
  EXPECT_TRUE(walk(message.segment(1).field(2)).raw.empty());
  EXPECT_TRUE(walk(message.segment(1).field(9)).raw.empty());
  EXPECT_TRUE(walk(hl7v2::Element()).raw.empty());
}

TEST(Repetitions, YieldsOneAbsentElementBelowFieldLevel) {
  const auto message = parsed("MSH|^~\\&|A\rOBX|1|a^b~c\r");
  const Seen seen = walk(message.segment(1).field(2).component(1));
  EXPECT_EQ(seen.present, (std::vector<bool>{false}));
  const Seen slow = byIndex(message.segment(1).field(2).component(1));
  EXPECT_EQ(slow.present, seen.present);
}
