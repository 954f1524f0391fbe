// moveHeapBlocks (heap_blocks.h) moves what owns memory from one result to another and leaves
// the rest: a spare result keeps only its heap blocks for a later message (spares.h).
#include "parsers/hl7v2/heap_blocks.h"

#include <gtest/gtest.h>

#include <string>

#include "parsers/hl7v2/spares.h"
#include "tests/support/normalized_stream.h"

using namespace ferry;

namespace heap_blocks_test {

// A text longer than any small-string buffer: a heap block of its own.
std::string longText(char c) { return std::string(40, c); }

// A result whose every member that can own memory does.
canonical::Observation withEveryBlock() {
  canonical::Observation obs;
  obs.set_id = "1";
  obs.value_type = longText('t');
  obs.category.resize(1);
  obs.code.codings.resize(2);
  obs.code.text = longText('c');
  obs.sub_id = longText('s');
  obs.value.decimal = longText('9');
  obs.value.number = 1.5;
  obs.value.text = longText('x');
  obs.value.coded.mut().text = "coded";
  obs.value.structured_numeric.mut().num1 = "1";
  obs.value.date_time = canonical::DateTime("2026-11-20");
  obs.units.system = longText('u');
  obs.units.code = longText('k');
  obs.units.display = longText('d');
  obs.reference_range.text = longText('r');
  obs.reference_range.low = 1;
  obs.interpretations.resize(1);
  obs.status.v2 = longText('v');
  obs.status.fhir = longText('f');
  obs.observation_time = std::string(40, '2');  // too long to be kept inline
  obs.analysis_time = "2026-11-20";
  obs.performer.mut().name.family = "Rivera";
  obs.order_index = 3;
  obs.method.mut().text = "method";
  obs.performing_organization.mut().name = "Lab";
  obs.medical_director.mut().name.family = "Director";
  return obs;
}

}  // namespace heap_blocks_test

TEST(HeapBlocks, EveryBlockOfAResultMovesAndTheNewResultHoldsIt) {
  canonical::Observation from = heap_blocks_test::withEveryBlock();
  const canonical::Observation original = from;
  const char* const code_text = from.code.text.data();
  const canonical::Coding* const codings = from.code.codings.data();
  const canonical::Interpretation* const interpretations = from.interpretations.data();
  const canonical::Practitioner* const performer = &*from.performer;
  canonical::Observation to;
  hl7v2::moveHeapBlocks(from, to);
  EXPECT_EQ(to.code.text.data(), code_text);
  EXPECT_EQ(to.code.codings.data(), codings);
  EXPECT_EQ(to.interpretations.data(), interpretations);
  EXPECT_EQ(&*to.performer, performer);
  // Every member that owns memory came with its value; what owns none stayed behind.
  canonical::Observation expected = original;
  expected.set_id.clear();
  expected.value.number.reset();
  expected.reference_range.low.reset();
  expected.analysis_time.clear();
  expected.order_index.reset();
  EXPECT_EQ(to, expected);
  EXPECT_TRUE(to.observation_time.onHeap());
  // The result moved from holds no block any more.
  EXPECT_TRUE(from.code.codings.empty());
  EXPECT_TRUE(from.code.text.empty());
  EXPECT_FALSE(from.value.coded.has_value());
  EXPECT_FALSE(from.medical_director.has_value());
  EXPECT_TRUE(from.observation_time.empty());
  EXPECT_EQ(from.set_id, "1");
}

TEST(HeapBlocks, SpareElementsGiveBackTheBlocksKeptLastFirst) {
  hl7v2::SpareElements<canonical::Observation> spare;
  canonical::Observation first = heap_blocks_test::withEveryBlock();
  canonical::Observation second = heap_blocks_test::withEveryBlock();
  second.code.text = heap_blocks_test::longText('2');
  spare.keep(first);
  spare.keep(second);
  EXPECT_EQ(spare.size(), 2u);
  canonical::Observation taken;
  spare.giveLast(taken);
  EXPECT_EQ(taken.code.text, heap_blocks_test::longText('2'));
  canonical::Observation next;
  spare.giveLast(next);
  EXPECT_EQ(next.code.text, heap_blocks_test::longText('c'));
  EXPECT_TRUE(spare.empty());
  // Slots given back are kept empty-handed and used again.
  spare.keep(taken);
  canonical::Observation again;
  spare.giveLast(again);
  EXPECT_EQ(again.code.text, heap_blocks_test::longText('2'));
}

// Results whose values of every kind change places as reports grow and shrink: a result made
// from spare blocks equals one read fresh.
TEST(HeapBlocks, AStreamOfGrowingAndShrinkingReportsEqualsFreshNormalizations) {
  const std::string header =
      "MSH|^~\\&|LAB|NORTHLAB|RES|CITYHOSP|20261120083015-0500||ORU^R01|C-1|P|2.5.1\r"
      "PID|1||MRN1^^^CITYHOSP^MR||Doe^Jane\rOBR|1|||24356-8^Urinalysis complete panel^LN\r";
  const std::string kinds[] = {
      "|CWE|94500-6^SARS-CoV-2 RNA Resp Ql NAA+probe^LN||260415000^Not detected^SCT|||N|||F\r",
      "|NM|2345-7^Glucose SerPl-mCnc^LN||107|mg/dL^milligram per deciliter^UCUM|70-99|H~ZZ|||F\r",
      "|SN|5370-8^S pyogenes Ab Titr Ser^LN||<=^1^:^128|{titer}^^UCUM|<5|A|||F\r",
      "|TX|8251-1^Service comment^LN||A long text of a result, long enough for the heap||||||F\r",
      "|TS|8665-2^Last menstrual period^LN||20261101|||||F|||20261120060000-0500||"
      "1234567893^Rivera^Marco^^^Dr^^^NPI|LAB^Method^L||||||Org^L^^^^^^^^1^2^3|^^City|D^Director\r",
  };
  std::vector<std::string> stream;
  for (int count : {3, 9, 1, 0, 12, 4, 11, 2}) {
    std::string text = header;
    for (int i = 0; i < count; ++i) {
      text += "OBX|" + std::to_string(i + 1) + kinds[(i + count) % 5];
    }
    stream.push_back(text);
  }
  test::expectEachEqualsFresh(stream);
}
