// overwrite() writes a value over a string an earlier message filled (reused_list.h): the
// result must be the value whatever the string held, and the same text must be left in place.

#include "parsers/hl7v2/overwrite.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

using ferry::hl7v2::overwrite;

TEST(Overwrite, WritesTheValueOverDifferentText) {
  std::string out = "Normal";
  overwrite(out, "High");
  EXPECT_EQ(out, "High");
  overwrite(out, "Critically abnormal (applies to non-numeric results)");
  EXPECT_EQ(out, "Critically abnormal (applies to non-numeric results)");
  overwrite(out, "L");
  EXPECT_EQ(out, "L");
}

TEST(Overwrite, LeavesTheSameTextWhereItIs) {
  std::string out = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
  const char* const block = out.data();
  const std::string same = out;
  overwrite(out, same);
  EXPECT_EQ(out, same);
  EXPECT_EQ(out.data(), block);
}

TEST(Overwrite, EmptiesForAnEmptyValueAndFillsAnEmptyString) {
  std::string out = "final";
  overwrite(out, std::string_view());
  EXPECT_TRUE(out.empty());
  overwrite(out, "final");
  EXPECT_EQ(out, "final");
}

TEST(Overwrite, TellsApartTextsOfTheSameLengthDifferingAnywhere) {
  const std::string base = "0123456789abcdefghij";
  for (std::size_t size = 1; size <= base.size(); ++size) {
    for (std::size_t at = 0; at < size; ++at) {
      std::string value = base.substr(0, size);
      value[at] = '#';
      std::string out = base.substr(0, size);
      overwrite(out, value);
      EXPECT_EQ(out, value) << "size " << size << ", differing at " << at;
    }
  }
}

TEST(Overwrite, ACopiedCodingTakesKeptsSystemWhateverEitherHeld) {
  // Shared well-known URIs and own texts on either side: the copy always ends as kept's system,
  // sharing it when kept does.
  const std::vector<ferry::canonical::CodeSystem> systems = {
      "http://loinc.org", "http://unitsofmeasure.org", "L", "99LAB", ""};
  for (const ferry::canonical::CodeSystem& from : systems) {
    for (const ferry::canonical::CodeSystem& over : systems) {
      ferry::canonical::Coding kept;
      kept.system = from;
      kept.code = "2160-0";
      kept.display = "Creat SerPl-mCnc";
      ferry::canonical::Coding out;
      out.system = over;
      out.code = "mg/dL";
      ferry::hl7v2::copyCoding(kept, out);
      EXPECT_EQ(out, kept) << from << " over " << over;
      EXPECT_EQ(out.system.wellKnown(), kept.system.wellKnown()) << from << " over " << over;
    }
  }
}
