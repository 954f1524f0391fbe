// TextArena: copies that stay where they are while more are added.
#include "parsers/fhir/text_arena.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

TEST(FhirTextArena, KeepsEveryCopyInPlaceWhileBlocksFillUp) {
  ferry::fhir::TextArena arena;
  std::vector<std::string_view> kept;
  std::vector<std::string> expected;
  for (int i = 0; i < 20000; ++i) {
    // Short texts fill blocks; now and then one long enough for a block of its own.
    std::string text = i % 997 == 0 ? std::string(40000, static_cast<char>('a' + i % 26))
                                    : "urn:uuid:entry-" + std::to_string(i);
    kept.push_back(arena.keep(text));
    expected.push_back(std::move(text));
  }
  for (std::size_t i = 0; i < kept.size(); ++i) ASSERT_EQ(kept[i], expected[i]) << "text " << i;
}

TEST(FhirTextArena, AnEmptyTextIsAnEmptyView) {
  ferry::fhir::TextArena arena;
  EXPECT_TRUE(arena.keep("").empty());
}
